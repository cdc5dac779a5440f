#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# trace-bench.sh - what `porttune audit --trace` costs the traced: a
# connect()+close() loop on loopback (tests/tools/churn.c) with and without
# the tracepoints attached, in alternating rounds.
#
#   bench/trace-bench.sh            (as root; re-runs itself under unshare -n)
#
# Environment:
#   PORTTUNE=./porttune   the binary under test
#   CHURN, SDFLOOR        prebuilt tools (default: built here with $CC)
#   PROCS=1               churn processes (one already makes more than 50k
#                         connections/s here; a second saturates both CPUs,
#                         and then the loopback softirq work competes too)
#   ROUNDS=6              pairs of (untraced, traced) runs; the median
#                         pair decides (other load on a shared host hits
#                         single rounds)
#   SECONDS_PER_RUN=2     length of one churn run
#
# Targets: throughput loss <= 5 %; reported: connections/s reached, attach
# time (load + attach of the three programs) and porttune's peak RSS. Other
# load on a shared host moves single rounds: the median round decides. The
# loop's own CPU time per connection (getrusage) is shown for information
# only: loopback softirq work that ksoftirqd does is not in it. The sysctls
# it writes (ip_local_port_range, tcp_tw_reuse, ip_local_reserved_ports) are
# the private namespace's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PORTTUNE=${PORTTUNE:-./porttune}
ROUNDS=${ROUNDS:-6}
RUN_S=${SECONDS_PER_RUN:-2}
CC=${CC:-cc}

. "$here/private-netns.sh"
private_netns trace-bench bash "$@"

tmp=$(mktemp -d /tmp/trace-bench.XXXXXX)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
if [ -z "${CHURN:-}" ]; then
	CHURN=$tmp/churn
	$CC -O2 -o "$CHURN" "$top/tests/tools/churn.c"
fi
if [ -z "${SDFLOOR:-}" ]; then
	SDFLOOR=$tmp/sdfloor
	$CC -O2 -o "$SDFLOOR" "$here/sdfloor.c"
fi

ip link set lo up
# 64k ports x 8 destination addresses per process, loopback TIME_WAIT reuse
# (tcp_tw_reuse=2, the default) on: the loop never runs out of ports
echo "1024 65535" > /proc/sys/net/ipv4/ip_local_port_range
echo 2 > /proc/sys/net/ipv4/tcp_tw_reuse
# the listening ports must not be taken as source ports
echo 7000-7063 > /proc/sys/net/ipv4/ip_local_reserved_ports
procs=${PROCS:-1}

# churn_all TAG -> "CONNECTIONS/S CPU-US-PER-CONNECTION" of one run
churn_all() {
	local i
	for ((i = 0; i < procs; i++)); do
		"$CHURN" --dst "127.0.$((i + 1)).1:$((7000 + i))" --spread 8 \
			--seconds "$RUN_S" > "$tmp/$1.$i" &
	done
	wait $(jobs -p | grep -v "^${tracer:-x}$") 2>/dev/null || true
	cat "$tmp/$1".* | awk '/^total/ { for (i = 1; i <= NF; i++) {
		if ($i ~ /^rate=/) r += substr($i, 6)
		if ($i ~ /^cpu=/) c += substr($i, 5)
		if ($i ~ /^connects=/) n += substr($i, 10) } }
		END { printf "%.0f %.3f\n", r, n ? c * 1e6 / n : 0 }'
}

# the BPF link fds of the three attached tracepoints
attached() { [ "$(ls -l "/proc/$1/fd" 2>/dev/null | grep -c bpf_link)" -ge 3 ]; }

row() { printf '%-6s %13s %13s %7s %12s %12s %7s %10s\n' "$@"; }
echo "connect()+close() on loopback, $procs churn process(es), $RUN_S s per run;" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
row round "untraced c/s" "traced c/s" "loss" "untraced us/c" "traced us/c" "cost" "attach ms"
base_sum=0 trace_sum=0 bcpu_sum=0 tcpu_sum=0 rss=0 attach_max=0
# traced_run R -> churn_all's figures with porttune tracing, which runs under
# sdfloor -r (wall time and peak RSS) and is attached before the loop starts.
# Not in a subshell: the tracer must be waited for here.
traced_run() {
	"$SDFLOOR" -r "$PORTTUNE" audit --trace $((RUN_S + 2)) --no-sockets \
		--format json > "$tmp/trace$1.json" 2> "$tmp/rusage$1" &
	tracer=$!
	pids="$pids $tracer"
	for _ in $(seq 100); do
		child=$(cat "/proc/$tracer/task/$tracer/children" 2>/dev/null || true)
		[ -n "$child" ] && attached $child && break
		sleep 0.05
	done
	churn_all "traced$1" > "$tmp/res"
	wait "$tracer" || true
	tracer=""
}

for ((r = 1; r <= ROUNDS; r++)); do
	# alternate which run comes first: the first leaves TIME_WAIT sockets
	# that the second's port search walks past
	if ((r % 2)); then
		churn_all base$r > "$tmp/base"
		traced_run $r
	else
		traced_run $r
		churn_all base$r > "$tmp/base"
	fi
	read -r base bcpu < "$tmp/base"
	read -r traced tcpu < "$tmp/res"
	attach=$(jq -r '.trace.attach_ms // "n/a"' "$tmp/trace$r.json")
	kb=$(tail -n 1 "$tmp/rusage$r" | cut -d' ' -f2)
	[ "${kb:-0}" -gt "$rss" ] && rss=$kb
	closes=$(jq '[.trace.active_closes[].count] | add // 0' "$tmp/trace$r.json")
	own=$(cat "$tmp"/traced$r.* | sed -n 's/.* closes=\([0-9]*\).*/\1/p' |
	      awk '{ s += $1 } END { print s + 0 }')
	row "$r" "$base" "$traced" "$(awk -v b="$base" -v t="$traced" \
		'BEGIN { printf "%.1f%%", 100 * (b - t) / b }')" "$bcpu" "$tcpu" \
		"$(awk -v b="$bcpu" -v t="$tcpu" 'BEGIN { printf "%.1f%%",
		100 * (t - b) / b }')" "$attach"
	echo "       (traced active closes $closes, the churn processes counted $own)"
	echo "$base $traced $bcpu $tcpu" >> "$tmp/rounds"
	base_sum=$((base_sum + base)) trace_sum=$((trace_sum + traced))
	bcpu_sum=$(awk -v a="$bcpu_sum" -v b="$bcpu" 'BEGIN { print a + b }')
	tcpu_sum=$(awk -v a="$tcpu_sum" -v b="$tcpu" 'BEGIN { print a + b }')
	attach_max=$(awk -v a="$attach" -v m="$attach_max" 'BEGIN { print (a + 0 > m) ? a : m }')
done
awk -v b="$base_sum" -v t="$trace_sum" -v n="$ROUNDS" -v k="$rss" -v a="$attach_max" \
    -v bc="$bcpu_sum" -v tc="$tcpu_sum" 'BEGIN {
	loss = 100 * (b - t) / b
	printf "mean: untraced %.0f c/s, traced %.0f c/s: throughput loss %.1f%%\n",
		b / n, t / n, loss
	printf "loop CPU per connection: untraced %.2f us, traced %.2f us (%+.1f%%)\n",
		bc / n, tc / n, 100 * (tc - bc) / bc
	printf "attach time at most %.1f ms; porttune peak RSS %d KiB\n", a, k
}'
# the median round decides
awk '{ print 100 * ($1 - $2) / $1 }' "$tmp/rounds" | sort -g |
	awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "median throughput loss %.1f%% (target <= 5%%: %s)\n", m, m <= 5 ? "ok" : "MISSED" }'
