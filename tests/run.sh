#!/bin/sh
# make check: unit tests (cmocka), man page lint, then the end-to-end suite.
# Prints one closing line: "check: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0 skipped=0

count() {	# count NAME STATUS
	case "$2" in
	0) passed=$((passed + 1)) ;;
	77) skipped=$((skipped + 1)); echo "SKIP: $1" ;;
	*) failed=$((failed + 1)); echo "FAIL: $1" ;;
	esac
}

mkdir -p build
for t in "$@"; do
	echo "== unit: $t"
	"$t" > build/unit.out 2>&1
	rc=$?
	cat build/unit.out
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' build/unit.out)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' build/unit.out)
	passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0}))
	# a crash reports no tally of its own
	[ $rc -ne 0 ] && [ -z "$f" ] && count "$t" $rc
done

echo "== man page lint"
sh tests/lint-man.sh
count "man page lint" $?

echo "== end-to-end (real kernel, private network namespaces)"
sh tests/e2e/run.sh
rc=$?
# run.sh prints its own tally; fold it into ours
if [ -f build/e2e.tally ]; then
	read -r p f s < build/e2e.tally
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
elif [ $rc -ne 0 ]; then
	failed=$((failed + 1))
fi
[ $rc -eq 77 ] && [ "${PORTTUNE_NO_SKIP:-0}" = 1 ] && failed=$((failed + 1))

echo "check: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] || exit 1
if [ $skipped -gt 0 ] && [ "${PORTTUNE_NO_SKIP:-0}" = 1 ]; then
	echo "check: skipped tests are failures here (PORTTUNE_NO_SKIP=1)"
	exit 1
fi
