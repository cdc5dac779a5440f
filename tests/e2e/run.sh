#!/bin/sh
# End-to-end tests: the real porttune binary against the real kernel.
#
# Every test runs in its own private network namespace (unshare -n), where
# the sysctls porttune writes are per namespace and veth/tap devices are
# real. The runner refuses to run a test in the host's namespace, whoever
# starts it. Exit 77 = skipped (not root).
#
#   sh tests/e2e/run.sh [PATTERN]     run tests whose name matches PATTERN
set -u
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$E2E_DIR/../.." && pwd)
export E2E_DIR TOP
PORTTUNE=${PORTTUNE:-$TOP/porttune}
LOADGEN=${LOADGEN:-$TOP/build/loadgen}
export PORTTUNE LOADGEN

netns_id() { readlink /proc/self/ns/net; }

if [ "${1:-}" = "--one" ]; then
	# inside the private namespace: prove it, then run one test
	file=$2 fn=$3
	if [ "$(netns_id)" = "$E2E_HOST_NETNS" ]; then
		echo "refusing to run $fn: still in the host's network namespace" >&2
		exit 99
	fi
	. "$E2E_DIR/lib.sh"
	. "$file"
	e2e_setup
	set -e
	"$fn"
	exit 0
fi

mkdir -p "$TOP/build"
tally="$TOP/build/e2e.tally"
rm -f "$tally"
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: end-to-end tests need root (unshare -n, sysctl writes in a" \
	     "private network namespace); run 'make check' as root"
	echo "0 0 1" > "$tally"
	echo "e2e: 0 passed, 0 failed, 1 skipped"
	exit 77
fi
if ! unshare -n true 2>/dev/null; then
	echo "e2e: cannot create a network namespace (unshare -n failed)" >&2
	echo "0 1 0" > "$tally"
	exit 1
fi
[ -x "$PORTTUNE" ] || { echo "e2e: $PORTTUNE not built" >&2; exit 1; }
E2E_HOST_NETNS=$(netns_id)
export E2E_HOST_NETNS

passed=0 failed=0 pattern=${1:-}
for file in "$E2E_DIR"/t_*.sh; do
	for fn in $(sed -n 's/^\(test_[a-z0-9_]*\)() *{.*/\1/p' "$file"); do
		case "$fn" in *"$pattern"*) ;; *) continue ;; esac
		log="$TOP/build/e2e-$fn.log"
		if timeout 120 unshare -n -- sh "$E2E_DIR/run.sh" --one "$file" \
			"$fn" > "$log" 2>&1; then
			passed=$((passed + 1))
			echo "ok   $fn"
		else
			failed=$((failed + 1))
			echo "FAIL $fn"
			sed 's/^/     | /' "$log" | tail -n 30
		fi
	done
done
echo "$passed $failed 0" > "$tally"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
