#!/bin/sh
# run-case.sh NAME: put this private namespace in NAME's state and print
# what `porttune diff` says of NAME.ini (the format of NAME.out). Refuses to
# run in the namespace named by $GOLDEN_HOST_NETNS: the caller's, recorded
# before it unshared.
set -u
name=$1
dir=$(cd "$(dirname "$0")" && pwd)
: "${PORTTUNE:?}"
if [ -z "${GOLDEN_HOST_NETNS:-}" ] ||
   [ "$(readlink /proc/self/ns/net)" = "$GOLDEN_HOST_NETNS" ]; then
	echo "run-case.sh: refusing to run outside a private network namespace" >&2
	exit 99
fi
sysctl_set() { echo "$2" > "/proc/sys/$(echo "$1" | tr . /)"; }
ip link set lo up
cd "$dir" || exit 99
. ./common.setup
[ ! -f "$name.setup" ] || . "./$name.setup"
state=$(mktemp -d /tmp/porttune-golden.XXXXXX)
# shellcheck disable=SC2046  # NAME.args holds words
"$PORTTUNE" --state-dir "$state" diff --profile "$name.ini" \
	$(cat "$name.args" 2>/dev/null) > "$state/out" 2> "$state/err"
echo "exit: $?"
echo "--- stdout"
cat "$state/out"
echo "--- stderr"
cat "$state/err"
rm -rf "$state"
