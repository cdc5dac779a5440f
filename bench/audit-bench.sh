#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# audit-bench.sh - how fast `porttune audit` counts sockets, next to ss,
# netstat and the bare NETLINK_SOCK_DIAG dump (bench/sdfloor.c), at 100k and
# 200k TIME_WAIT sockets made by tests/tools/loadgen.
#
#   bench/audit-bench.sh            (as root; re-runs itself under unshare -n)
#
# Environment:
#   PORTTUNE=./porttune   binary to time as "$PORTTUNE audit --format json"
#                         (row skipped, and said so, when it is not there)
#   SIZES="100000 200000" socket counts, ascending (each adds to the last)
#   RUNS=5                runs per tool; the best wall time is kept
#   LOADGEN, SDFLOOR      prebuilt tools (default: built here with $CC)
#
# Targets: porttune <= 0.5 x ss, <= 1.5 x the floor (the TIME_WAIT-only bare
# dump, stricter than the all-states one porttune really does), peak RSS
# under 16 MiB. Everything happens in a private network namespace: the sysctls it
# writes (tcp_max_tw_buckets, ip_local_port_range, tcp_tw_reuse) are that
# namespace's, and its sockets vanish with it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PORTTUNE=${PORTTUNE:-./porttune}
SIZES=${SIZES:-"100000 200000"}
RUNS=${RUNS:-5}
CC=${CC:-cc}

. "$here/private-netns.sh"
private_netns audit-bench bash "$@"

tmp=$(mktemp -d /tmp/audit-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if [ -z "${LOADGEN:-}" ]; then
	LOADGEN=$tmp/loadgen
	$CC -O2 -o "$LOADGEN" "$top/tests/tools/loadgen.c"
fi
if [ -z "${SDFLOOR:-}" ]; then
	SDFLOOR=$tmp/sdfloor
	$CC -O2 -o "$SDFLOOR" "$here/sdfloor.c"
fi

ip link set lo up
max=0
for n in $SIZES; do max=$n; done
echo $((max * 2 + 1000)) > /proc/sys/net/ipv4/tcp_max_tw_buckets
echo "1024 65535" > /proc/sys/net/ipv4/ip_local_port_range
# the listening port must not be taken as a source port by the sockets made
echo 5001 > /proc/sys/net/ipv4/ip_local_reserved_ports
# No reuse: a connect() must not take over the TIME_WAIT sockets being counted.
echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse

tw_now() { awk '/^TCP:/ { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat; }

# measure NAME CMD... -> "best_ms max_rss_kb output" of RUNS runs (sdfloor -r
# gives wall time and the children's peak RSS; no /usr/bin/time needed)
measure() {
	local best="" rss=0 out="" i line ms kb
	for ((i = 0; i < RUNS; i++)); do
		out=$(timeout 60 "$SDFLOOR" -r "$@" 2>"$tmp/rusage" | tail -n 1) || true
		line=$(tail -n 1 "$tmp/rusage")
		ms=${line% *}
		kb=${line#* }
		if [ -z "$best" ] || awk "BEGIN { exit !($ms < $best) }"; then best=$ms; fi
		[ "$kb" -gt "$rss" ] && rss=$kb
	done
	echo "$best $rss ${out:--}"
}

row() { printf '%-34s %10s %12s %10s\n' "$@"; }

have_porttune=1
if ! [ -x "$PORTTUNE" ] && ! command -v "$PORTTUNE" >/dev/null 2>&1; then
	have_porttune=0
	echo "audit-bench: $PORTTUNE not found: porttune row skipped (set PORTTUNE=)" >&2
fi

made=0 net=0
for n in $SIZES; do
	add=$((n - made))
	# ~12.5k sockets per destination keeps connect() in the fast half of
	# the range (LINUX-FACTS §1 latency cliff); each step gets new
	# destination addresses (127.0.NET.x), hence fresh 4-tuples.
	spread=$(( (add + 12499) / 12500 ))
	"$LOADGEN" --mode timewait --count "$add" --dst "127.0.$net.1:5001" --spread "$spread" \
		--timeout 60 | grep '^result' >&2
	made=$n net=$((net + 1))
	t0=$(date +%s)
	echo
	echo "== $n TIME_WAIT sockets wanted, sockstat tw=$(tw_now) (best of $RUNS) =="
	row tool "wall ms" "peak RSS KiB" sockets
	if [ $have_porttune = 1 ]; then
		read -r pt_ms pt_kb _ < <(measure sh -c "exec \"\$0\" audit --format json >/dev/null" "$PORTTUNE")
		row "porttune audit --format json" "$pt_ms" "$pt_kb" "-"
	fi
	read -r ss_ms ss_kb ss_out < <(measure sh -c 'ss -tan state time-wait | wc -l')
	row "ss -tan state time-wait | wc -l" "$ss_ms" "$ss_kb" "$((ss_out - 1))"
	read -r ns_ms ns_kb ns_out < <(measure sh -c 'netstat -ant | grep -c TIME_WAIT')
	row "netstat -ant | grep TIME_WAIT" "$ns_ms" "$ns_kb" "$ns_out"
	read -r fl_ms fl_kb fl_out < <(measure "$SDFLOOR")
	row "sdfloor (time-wait: the floor)" "$fl_ms" "$fl_kb" "$fl_out"
	read -r fa_ms fa_kb fa_out < <(measure "$SDFLOOR" -a)
	row "sdfloor -a (all states)" "$fa_ms" "$fa_kb" "$fa_out"
	# what porttune asks the kernel for: every state plus bound-only (6.8+)
	read -r fb_ms fb_kb fb_out < <(measure "$SDFLOOR" -s 0x3ffe)
	row "sdfloor -s 0x3ffe (+bound-only)" "$fb_ms" "$fb_kb" "$fb_out"
	if [ $have_porttune = 1 ]; then
		awk -v p="$pt_ms" -v s="$ss_ms" -v f="$fl_ms" -v a="$fa_ms" -v b="$fb_ms" -v k="$pt_kb" 'BEGIN {
			rs = p / s; rf = p / f
			printf "porttune/ss    = %.2f (target <= 0.5: %s)\n", rs, rs <= 0.5 ? "ok" : "MISSED"
			printf "porttune/floor = %.2f (target <= 1.5: %s); vs all-states dump %.2f, vs the same request (+bound-only) %.2f\n",
				rf, rf <= 1.5 ? "ok" : "MISSED", p / a, p / b
			printf "porttune RSS   = %d KiB (target < 16384: %s)\n", k, k < 16384 ? "ok" : "MISSED"
		}'
	else
		echo "porttune: not measured ($PORTTUNE missing)"
	fi
	# TIME_WAIT lasts 60 s: the numbers only count if nothing expired meanwhile
	echo "sockstat tw after: $(tw_now) ($(( $(date +%s) - t0 )) s of measuring)"
done
