#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# trace-bench.sh - what `porttune audit --trace` costs the traced: a
# connect()+close() loop on loopback (tests/tools/churn.c) with and without
# the tracepoints attached, in interleaved rounds.
#
#   bench/trace-bench.sh            (as root; re-runs itself under unshare -n)
#
# Environment:
#   PORTTUNE=./porttune   the binary under test
#   CHURN, SDFLOOR,       prebuilt tools (default: built here with $CC)
#   BPFSTATS
#   PROCS=1               churn processes (one already makes more than 50k
#                         connections/s here; a second saturates both CPUs,
#                         and then the loopback softirq work competes too)
#   ROUNDS=8              pairs of (untraced, traced) runs, the order
#                         alternating; the median pair decides
#   SECONDS_PER_RUN=1.5   length of one churn run
#   CHURN_CPUS, TRACER_CPU  taskset CPU lists: the churn processes on the
#                         last CPU(s), porttune on CPU 0 (with one CPU, no
#                         pinning). Pinning keeps the loop (and the loopback
#                         softirq work it does itself) off the CPU porttune
#                         loads its programs on, and stops migrations from
#                         moving single rounds.
#
# Targets: median throughput loss <= 5 %. Reported: the median loss with
# its spread (interquartile range and extremes over the rounds),
# connections/s, the loop's CPU time per connection (getrusage: loopback
# softirq work done by ksoftirqd is not in it), attach time (load + attach of
# the three programs) and porttune's peak RSS. Then one traced run with the
# kernel's BPF run-time statistics on (bench/bpfstats.c): calls per
# connection and nanoseconds per call of each program, a figure the
# machine's other load hardly moves. The sysctls it writes
# (ip_local_port_range, tcp_tw_reuse, ip_local_reserved_ports) are the
# private namespace's.
set -euo pipefail
[ -z "${TB_DEBUG:-}" ] || set -x

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PORTTUNE=${PORTTUNE:-./porttune}
ROUNDS=${ROUNDS:-8}
RUN_S=${SECONDS_PER_RUN:-1.5}
CC=${CC:-cc}

. "$here/private-netns.sh"
private_netns trace-bench bash "$@"

tmp=$(mktemp -d /tmp/trace-bench.XXXXXX)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
build() {	# build VAR SOURCE: $VAR, or a build of SOURCE
	local out
	[ -z "${!1:-}" ] || return 0
	out=$tmp/$(basename "$2" .c)
	$CC -O2 -o "$out" "$2"
	printf -v "$1" '%s' "$out"
}
build CHURN "$top/tests/tools/churn.c"
build SDFLOOR "$here/sdfloor.c"
build BPFSTATS "$here/bpfstats.c"

ncpu=$(nproc)
if [ "$ncpu" -gt 1 ]; then
	CHURN_CPUS=${CHURN_CPUS:-$((ncpu - 1))}
	TRACER_CPU=${TRACER_CPU:-0}
	pin_churn=(taskset -c "$CHURN_CPUS")
	pin_tracer=(taskset -c "$TRACER_CPU")
	pinning="churn on CPU $CHURN_CPUS, porttune on CPU $TRACER_CPU"
else
	pin_churn=()
	pin_tracer=()
	pinning="one CPU, no pinning"
fi

ip link set lo up
# 64k ports x 8 destination addresses per process, loopback TIME_WAIT reuse
# (tcp_tw_reuse=2, the default) on: the loop never runs out of ports
echo "1024 65535" > /proc/sys/net/ipv4/ip_local_port_range
echo 2 > /proc/sys/net/ipv4/tcp_tw_reuse
# the listening ports must not be taken as source ports
echo 7000-7063 > /proc/sys/net/ipv4/ip_local_reserved_ports
procs=${PROCS:-1}

# churn_all TAG -> "CONNECTIONS/S CPU-US-PER-CONNECTION CONNECTIONS" of one run
churn_all() {
	local i mine=""
	for ((i = 0; i < procs; i++)); do
		"${pin_churn[@]}" "$CHURN" --dst "127.0.$((i + 1)).1:$((7000 + i))" \
			--spread 8 --seconds "$RUN_S" > "$tmp/$1.$i" &
		mine="$mine $!"
	done
	# shellcheck disable=SC2086
	wait $mine || true
	cat "$tmp/$1".* | awk '/^total/ { for (i = 1; i <= NF; i++) {
		if ($i ~ /^rate=/) r += substr($i, 6)
		if ($i ~ /^cpu=/) c += substr($i, 5)
		if ($i ~ /^connects=/) n += substr($i, 10) } }
		END { printf "%.0f %.3f %d\n", r, n ? c * 1e6 / n : 0, n }'
}

# the BPF link fds of the three attached tracepoints
attached() { [ "$(ls -l "/proc/$1/fd" 2>/dev/null | grep -c bpf_link)" -ge 3 ]; }

# start_tracer R: porttune tracing for the run's length plus slack, under
# sdfloor -r (wall time and peak RSS); returns once it is attached, with
# porttune's own pid in $child. Not in a subshell: it is waited for here.
start_tracer() {
	"${pin_tracer[@]}" "$SDFLOOR" -r "$PORTTUNE" audit --trace \
		"$(awk -v s="$RUN_S" 'BEGIN { print s + 2 }')" --no-sockets \
		--format json > "$tmp/trace$1.json" 2> "$tmp/rusage$1" &
	tracer=$!
	pids="$pids $tracer"
	child=""
	for _ in $(seq 100); do
		child=$(cat "/proc/$tracer/task/$tracer/children" 2>/dev/null || true)
		child=${child%% *}
		[ -n "$child" ] && attached "$child" && return 0
		sleep 0.05
	done
	echo "trace-bench: porttune did not attach: $(cat "$tmp/rusage$1")" >&2
	exit 1
}
traced_run() {
	start_tracer "$1"
	churn_all "traced$1" > "$tmp/res"
	wait "$tracer" || true
	tracer=""
}

# Tracing programs anyone else has loaded (another `audit --trace`, say):
# they see this loop too, untraced runs included, so such rounds are set
# aside when enough clean ones remain.
others() {
	bpftool prog show --json 2>/dev/null | jq '[.[] | select(.type ==
		"tracepoint" or .type == "tracing" or .type == "raw_tracepoint"
		or .type == "kprobe")] | length' 2>/dev/null || echo 0
}

row() { printf '%-6s %13s %13s %7s %14s %12s %7s %10s %s\n' "$@"; }
echo "connect()+close() on loopback, $procs churn process(es), $RUN_S s per" \
     "run, $ROUNDS rounds, $pinning; load average $(cut -d' ' -f1-3 /proc/loadavg)"
row round "untraced c/s" "traced c/s" "loss" "untraced us/c" "traced us/c" "cost" "attach ms" "(others' tracing programs)"
rss=0
for ((r = 1; r <= ROUNDS; r++)); do
	# alternate which run comes first: the first leaves TIME_WAIT sockets
	# that the second's port search walks past
	busy=$(others)
	if ((r % 2)); then
		churn_all base$r > "$tmp/base"
		traced_run $r
	else
		traced_run $r
		churn_all base$r > "$tmp/base"
	fi
	busy=$((busy + $(others)))
	read -r base bcpu _ < "$tmp/base"
	read -r traced tcpu _ < "$tmp/res"
	attach=$(jq -r '.trace.attach_ms // "n/a"' "$tmp/trace$r.json")
	kb=$(tail -n 1 "$tmp/rusage$r" | cut -d' ' -f2)
	[ "${kb:-0}" -gt "$rss" ] && rss=$kb
	closes=$(jq '[.trace.active_closes[].count] | add // 0' "$tmp/trace$r.json")
	own=$(cat "$tmp"/traced$r.* | sed -n 's/.* closes=\([0-9]*\).*/\1/p' |
	      awk '{ s += $1 } END { print s + 0 }')
	loss=$(awk -v b="$base" -v t="$traced" 'BEGIN { print 100 * (b - t) / b }')
	cost=$(awk -v b="$bcpu" -v t="$tcpu" 'BEGIN { print 100 * (t - b) / b }')
	row "$r" "$base" "$traced" "$(printf '%.1f%%' "$loss")" "$bcpu" "$tcpu" \
		"$(printf '%.1f%%' "$cost")" "$(printf '%.1f' "$attach")" \
		"$( [ "$busy" -eq 0 ] || echo "($busy: set aside)")"
	[ "$closes" = "$own" ] ||
		echo "       (traced active closes $closes, the churn processes counted $own)"
	echo "$base $traced $bcpu $tcpu $loss $cost $attach" >> "$tmp/all-rounds"
	[ "$busy" -ne 0 ] || echo "$base $traced $bcpu $tcpu $loss $cost $attach" \
		>> "$tmp/rounds"
done
touch "$tmp/rounds"
clean=$(wc -l < "$tmp/rounds")
if [ "$clean" -lt 3 ]; then
	echo "only $clean round(s) without other tracing programs: all $ROUNDS count"
	cp "$tmp/all-rounds" "$tmp/rounds"
else
	echo "$clean of $ROUNDS rounds without other tracing programs count"
fi

# stats COLUMN: "median p25 p75 min max" of a column of the rounds
stats() {
	cut -d' ' -f"$1" "$tmp/rounds" | sort -g | awk '{ v[NR] = $1 }
	function q(p,   i, f) { i = 1 + (NR - 1) * p; f = int(i)
		return f >= NR ? v[NR] : v[f] + (i - f) * (v[f + 1] - v[f]) }
	END { printf "%.1f %.1f %.1f %.1f %.1f\n", q(0.5), q(0.25), q(0.75), v[1], v[NR] }'
}
read -r bmed _ _ _ bmax < <(stats 1)
read -r tmed _ _ _ tmax < <(stats 2)
read -r bcmed _ _ bcmin _ < <(stats 3)
read -r tcmed _ _ tcmin _ < <(stats 4)
read -r lmed l25 l75 lmin lmax < <(stats 5)
read -r cmed c25 c75 cmin cmax < <(stats 6)
read -r amed _ _ _ amax < <(stats 7)
echo "median: untraced $bmed c/s, traced $tmed c/s; loop CPU per connection" \
     "untraced $bcmed us, traced $tcmed us"
echo "throughput loss: median $lmed% (interquartile $l25% .. $l75%, all rounds" \
     "$lmin% .. $lmax%)"
echo "loop CPU per connection: median +$cmed% (interquartile $c25% .. $c75%," \
     "all rounds $cmin% .. $cmax%)"
# other load only ever slows a round down: the best rounds show the cost
# with the least interference
awk -v b="$bmax" -v t="$tmax" -v bc="$bcmin" -v tc="$tcmin" 'BEGIN {
	printf "best rounds: untraced %.0f c/s, traced %.0f c/s (%.1f%% fewer); loop CPU per connection %.2f us, %.2f us (%+.1f%%)\n",
		b, t, 100 * (b - t) / b, bc, tc, 100 * (tc - bc) / bc }'
echo "attach time median $amed ms, at most $amax ms; porttune peak RSS $rss KiB"
awk -v m="$lmed" 'BEGIN { printf "median throughput loss %.1f%% (target <= 5%%: %s)\n",
	m, m <= 5 ? "ok" : "MISSED" }'

# One more traced run with the kernel's BPF run-time statistics on: what
# each program costs per call and per connection. (Off again as soon as
# bpfstats exits; the throughput rounds above ran without them.)
"$BPFSTATS" sleep "$(awk -v s="$RUN_S" 'BEGIN { print s + 6 }')" &
stats_pid=$!
pids="$pids $stats_pid"
sleep 0.2
start_tracer stats
ids=$(cat "/proc/$child"/fdinfo/* 2>/dev/null |
      sed -n 's/^prog_id:[[:space:]]*//p' | sort -u) || true
churn_all stats > "$tmp/res"
read -r _ _ conns < "$tmp/res"
for id in $ids; do bpftool prog show id "$id" --json; done > "$tmp/progs.json"
wait "$tracer" || true
tracer=""
kill "$stats_pid" 2>/dev/null || true
wait "$stats_pid" 2>/dev/null || true
jq -rs --argjson n "$conns" --argjson us "$bcmed" '
	def r1: . * 10 | round / 10;
	(map(select(.run_cnt != null)) | map({name, calls: .run_cnt, ns: .run_time_ns})) as $p
	| ($p[] | "  \(.name): \((.calls / $n) | r1) calls per connection, " +
	  "\((if .calls > 0 then .ns / .calls else 0 end) | r1) ns per call"),
	  "  together \(([$p[].ns] | add) / $n | r1) ns per connection, " +
	  "\(([$p[].ns] | add) / $n / ($us * 1000) * 100 | r1)% of the untraced " +
	  "loop CPU per connection (upper bound: each call includes two clock reads)"' \
	"$tmp/progs.json" | { echo "BPF run-time statistics over $conns connections:"; cat; }
