#!/bin/sh
# Regenerate every NAME.out from what porttune prints now (root; each case
# in its own unshare -n). Review the result with git diff before committing.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
PORTTUNE=${PORTTUNE:-$dir/../../porttune}
GOLDEN_HOST_NETNS=$(readlink /proc/self/ns/net)
export PORTTUNE GOLDEN_HOST_NETNS
for ini in "$dir"/*.ini; do
	name=$(basename "$ini" .ini)
	unshare -n -- sh "$dir/run-case.sh" "$name" > "$dir/$name.out" ||
		{ echo "update.sh: $name failed" >&2; exit 1; }
done
