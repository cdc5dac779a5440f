#!/bin/sh
# make bench: each benchmark measures porttune beside the tool a user would
# otherwise run, in one run, inside a private network namespace.
set -u
cd "$(dirname "$0")/.." || exit 1
export PORTTUNE=${PORTTUNE:-$PWD/porttune} LOADGEN=${LOADGEN:-$PWD/build/loadgen} \
	CHURN=${CHURN:-$PWD/build/churn}
rc=0
for b in bench/nic-bench.sh bench/audit-bench.sh bench/netns-bench.sh bench/trace-bench.sh; do
	[ -f "$b" ] || continue
	echo "== $b"
	bash "$b" || rc=1
done
# pure: no namespace, no root
echo "== build/parsebench"
build/parsebench || rc=1
exit $rc
