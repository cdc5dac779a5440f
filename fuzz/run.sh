#!/bin/sh
# make fuzz-run: run each harness for SECONDS from fuzz/corpus/NAME; new
# inputs go to build/fuzz/corpus/NAME (not into the tree). A crash, leak,
# timeout or sanitizer report fails the run and leaves its input in
# build/fuzz/crash-NAME-*: add it to fuzz/corpus/NAME once fixed.
set -u
cd "$(dirname "$0")/.." || exit 1
secs=$1
shift
failed=""
for name in "$@"; do
	work=build/fuzz/corpus/$name
	mkdir -p "$work"
	echo "== fuzz $name: $secs s"
	# -timeout: an input taking 10 s is a hang (the 0xfffffffd netlink loop)
	build/fuzz/fuzz_$name -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/crash-$name-" \
		"$work" "fuzz/corpus/$name" > "build/fuzz/$name.log" 2>&1
	rc=$?
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
		"build/fuzz/$name.log" | sed "s/^/$name: /"
	if [ $rc -ne 0 ]; then
		tail -n 40 "build/fuzz/$name.log"
		echo "FAIL: fuzz $name (exit $rc; log build/fuzz/$name.log)"
		failed="$failed $name"
	fi
done
[ -z "$failed" ] || { echo "fuzz-run: crashes in:$failed"; exit 1; }
echo "fuzz-run: $# harnesses, $secs s each, no crash"
