#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# netns-bench.sh - `porttune audit --all-netns` over many network namespaces
# next to the loop a user would otherwise write:
#
#     for ns in $(ip netns list); do ip netns exec $ns ss -tan; done
#
# It makes NNS namespaces with `ip netns add` (names netns-bench-PID-N),
# SOCKS TIME_WAIT sockets in each with tests/tools/loadgen, measures both
# side by side (best of RUNS) while the sockets last (TIME_WAIT: 60 s), and
# deletes every namespace it made. Two rounds: namespaces sharing the host's
# TCP hash table (the kernel default), then each with its own
# (net.ipv4.tcp_child_ehash_entries, set only in this script's private
# namespace, which creates them).
#
#   bench/netns-bench.sh        (as root; re-runs itself under unshare -n)
#
# Environment:
#   PORTTUNE=./porttune   binary to time
#   NNS=100 SOCKS=1000    namespaces, sockets per namespace
#   RUNS=3                runs per row; the best wall time is kept
#   LOADGEN, SDFLOOR      prebuilt tools (default: built here with $CC)
#
# Targets: porttune under 1 s, and at least 10x faster than the ss loop.
# --all-netns also audits every other namespace on the host (the host's
# own included, read only), so it does more work than the loop.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PORTTUNE=${PORTTUNE:-./porttune}
NNS=${NNS:-100}
SOCKS=${SOCKS:-1000}
RUNS=${RUNS:-3}
CC=${CC:-cc}

. "$here/private-netns.sh"
private_netns netns-bench bash "$@"

tmp=$(mktemp -d /tmp/netns-bench.XXXXXX)
prefix="netns-bench-$$-"
: > "$tmp/names"
cleanup() {
	for n in $(ip netns list | awk '{ print $1 }'); do
		case "$n" in "$prefix"*) ip netns del "$n" 2>/dev/null || true ;; esac
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "${LOADGEN:-}" ]; then
	LOADGEN=$tmp/loadgen
	$CC -O2 -o "$LOADGEN" "$top/tests/tools/loadgen.c"
fi
if [ -z "${SDFLOOR:-}" ]; then
	SDFLOOR=$tmp/sdfloor
	$CC -O2 -o "$SDFLOOR" "$here/sdfloor.c"
fi
if ! [ -x "$PORTTUNE" ] && ! command -v "$PORTTUNE" >/dev/null 2>&1; then
	echo "netns-bench: $PORTTUNE not found (set PORTTUNE=)" >&2
	exit 2
fi

# best wall ms of RUNS runs of CMD (sdfloor -r prints "WALL_MS MAXRSS_KB")
measure() {
	local best="" i ms
	for ((i = 0; i < RUNS; i++)); do
		timeout 60 "$SDFLOOR" -r "$@" 2> "$tmp/rusage" > /dev/null || true
		ms=$(tail -n 1 "$tmp/rusage" | awk '{ print $1 }')
		if [ -z "$best" ] || awk "BEGIN { exit !($ms < $best) }"; then best=$ms; fi
	done
	echo "$best"
}

# round LABEL EHASH: make the namespaces (tcp_child_ehash_entries = EHASH
# in the namespace that creates them), measure both tools, delete them.
round() {
	local label=$1 ehash=$2 i n t0 built seen tw total pt_ms ss_ms ssw
	echo
	echo "== $label: $NNS namespaces x $SOCKS TIME_WAIT sockets (tcp_child_ehash_entries=$ehash) =="
	# this private namespace's own setting: namespaces created from it get
	# their own TCP hash table of this size instead of the host's
	echo "$ehash" > /proc/sys/net/ipv4/tcp_child_ehash_entries
	t0=$(date +%s.%N)
	: > "$tmp/names"
	for ((i = 0; i < NNS; i++)); do
		n="$prefix$label-$i"
		ip netns add "$n"
		echo "$n" >> "$tmp/names"
		ip -n "$n" link set lo up
		timeout 30 ip netns exec "$n" "$LOADGEN" --mode timewait --count "$SOCKS" \
			--dst 127.0.0.1:5001 --timeout 20 > "$tmp/lg" ||
			{ cat "$tmp/lg" >&2; echo "netns-bench: loadgen failed in $n" >&2; return 1; }
	done
	built=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	echo "made in $built s"
	# sanity: porttune sees every namespace and all their sockets
	"$PORTTUNE" audit --all-netns --format json > "$tmp/all.json" || true
	seen=$(jq --arg p "$prefix$label-" '[.namespaces[] | select((.netns.name // "") | startswith($p))] | length' "$tmp/all.json")
	tw=$(jq --arg p "$prefix$label-" '[.namespaces[] | select((.netns.name // "") | startswith($p)) | .sockets.tcp.time_wait] | add' "$tmp/all.json")
	total=$(jq '.namespaces | length' "$tmp/all.json")
	pt_ms=$(measure "$PORTTUNE" audit --all-netns --format json)
	ss_ms=$(measure sh -c 'while read -r n; do ip netns exec "$n" ss -tan; done < "$0"' "$tmp/names")
	ssw=$(while read -r n; do ip netns exec "$n" ss -tan; done < "$tmp/names" | grep -c TIME-WAIT || true)
	printf '%-46s %10s  %s\n' tool "wall ms" seen \
		"porttune audit --all-netns --format json" "$pt_ms" "$seen/$NNS namespaces ($total on the host), $tw TIME_WAIT" \
		"loop: ip netns exec NS ss -tan" "$ss_ms" "$ssw TIME-WAIT"
	awk -v p="$pt_ms" -v s="$ss_ms" -v seen="$seen" -v n="$NNS" 'BEGIN {
		ok1 = (p < 1000) ? "ok" : "MISSED"
		ok2 = (s / p >= 10) ? "ok" : "MISSED"
		printf "porttune         = %.0f ms (target < 1000: %s)\n", p, ok1
		printf "ss loop/porttune = %.1fx (target >= 10: %s)\n", s / p, ok2
		if (seen != n) print "porttune did not see every namespace: MISSED"
	}'
	while read -r n; do ip netns del "$n"; done < "$tmp/names"
	: > "$tmp/names"
}

# The kernel default: every namespace shares the host's TCP hash table, so
# each sock_diag dump in each namespace (porttune's and ss's alike) walks
# all of it, every namespace's sockets included.
round shared 0
# Per-namespace hash tables (Linux 6.1+, what a busy container host may
# set): a dump walks only its own namespace's sockets.
if [ -f /proc/sys/net/ipv4/tcp_child_ehash_entries ]; then
	round own "${EHASH:-4096}"
fi
