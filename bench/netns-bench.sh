#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# netns-bench.sh - `porttune audit --all-netns` over many network namespaces
# next to the loop a user would otherwise type:
#
#     for ns in $(ip netns list | cut -d' ' -f1); do ip netns exec $ns ss -tan; done
#
# It makes NNS namespaces with `ip netns add` (names netns-bench-PID-...),
# SOCKS TIME_WAIT sockets in each with tests/tools/loadgen, then times, on
# the same namespaces and interleaved (RUNS rounds, medians):
#   - porttune audit --all-netns            the overview (text; takes a
#                                           census only where it can matter)
#   - porttune audit --all-netns --format json   every namespace's census
#   - the ss loop above over these NNS namespaces, and over the host's
#     other namespaces, which porttune audits too (nsenter -t PID -n for
#     those without a name)
#   - the same loops running `true`: what entering namespaces costs by itself
# while the sockets last (TIME_WAIT: 60 s), and deletes every namespace it
# made. Two rounds: namespaces sharing the host's TCP hash table (the
# kernel default), then each with its own (net.ipv4.tcp_child_ehash_entries,
# set only in this script's private namespace, which creates them).
#
#   bench/netns-bench.sh        (as root; re-runs itself under unshare -n)
#
# Environment:
#   PORTTUNE=./porttune   binary to time
#   NNS=100 SOCKS=1000    namespaces, sockets per namespace
#   RUNS=5                interleaved runs per row; the median is kept
#   EHASH=4096            tcp_child_ehash_entries of the second round
#   LOADGEN, SDFLOOR      prebuilt tools (default: built here with $CC)
#
# Targets (issue 9): porttune under 1 s, and at least 10x faster than the ss
# loop. With the shared table, every other namespace's sockets (other
# programs' too) lengthen every dump of porttune and ss alike: the round
# prints how many.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PORTTUNE=${PORTTUNE:-./porttune}
NNS=${NNS:-100}
SOCKS=${SOCKS:-1000}
RUNS=${RUNS:-5}
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

# wall ms of one run of CMD (sdfloor -r prints "WALL_MS MAXRSS_KB")
once() {
	timeout 60 "$SDFLOOR" -r "$@" 2> "$tmp/rusage" > /dev/null || true
	tail -n 1 "$tmp/rusage" | awk '{ print $1 }'
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END {
	printf "%.1f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The loops as a user types them over this round's namespaces ($1), then
# over the host's other namespaces ($2: "name NAME" or "pid PID" lines, the
# unnamed ones entered with nsenter), since porttune audits those as well.
for cmd in "ss -tan" true; do
	cat > "$tmp/loop-${cmd%% *}" <<EOF
for ns in \$(cat "\$1"); do ip netns exec \$ns $cmd; done
while read -r how id; do
	case \$how in
	name) ip netns exec "\$id" $cmd ;;
	pid) nsenter -t "\$id" -n $cmd ;;
	esac
done < "\$2"
EOF
done

# round LABEL EHASH: make the namespaces (tcp_child_ehash_entries = EHASH
# in the namespace that creates them), measure, delete them.
round() {
	local label=$1 ehash=$2 i n t0 built seen tw total ssw
	local text="" json="" ss="" tru="" mt mj ms mtr
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
	"$PORTTUNE" audit --all-netns --format json > "$tmp/before.json" || true
	jq -r --arg p "$prefix$label-" '.namespaces[] | .netns
		| select(((.name // "") | startswith($p)) | not)
		| if .name then "name \(.name)" elif (.pids | length) > 0
		  then "pid \(.pids[0])" else empty end' "$tmp/before.json" > "$tmp/others"
	# interleaved, the order rotating, so that load from elsewhere on the
	# host falls on every row alike
	for ((i = 0; i < RUNS; i++)); do
		for k in 0 1 2 3; do
			case $(((i + k) % 4)) in
			0) text="$text $(once "$PORTTUNE" audit --all-netns)" ;;
			1) json="$json $(once "$PORTTUNE" audit --all-netns --format json)" ;;
			2) ss="$ss $(once sh "$tmp/loop-ss" "$tmp/names" "$tmp/others")" ;;
			3) tru="$tru $(once sh "$tmp/loop-true" "$tmp/names" "$tmp/others")" ;;
			esac
		done
	done
	# sanity, after the timing: both saw every namespace and every socket
	"$PORTTUNE" audit --all-netns > "$tmp/all.txt" || true
	"$PORTTUNE" audit --all-netns --format json > "$tmp/all.json" || true
	seen=$(grep -c " $prefix$label-" "$tmp/all.txt" || true)
	tw=$(jq --arg p "$prefix$label-" '[.namespaces[] | select((.netns.name // "") | startswith($p)) | .sockets.tcp.time_wait] | add' "$tmp/all.json")
	total=$(jq '.namespaces | length' "$tmp/all.json")
	others() { jq -r --arg p "$prefix$label-" '[.namespaces[] | select(((.netns.name // "") | startswith($p)) | not)] | "\(length) namespaces with \([.[] | (.sockstat.inuse // 0) + (.sockstat.inuse6 // 0) + (.sockstat.tw // 0)] | add) TCP sockets"' "$1"; }
	ssw=$(sh "$tmp/loop-ss" "$tmp/names" /dev/null | grep -c TIME-WAIT || true)
	mt=$(echo "$text" | median)
	mj=$(echo "$json" | median)
	ms=$(echo "$ss" | median)
	mtr=$(echo "$tru" | median)
	echo "elsewhere on the host (sockstat inuse + inuse6 + tw): before $(others "$tmp/before.json"), after $(others "$tmp/all.json")"
	printf '%-50s %9s  %s\n' "median of $RUNS (ms)" "median" "runs" \
		"porttune audit --all-netns" "$mt" "$text" \
		"porttune audit --all-netns --format json" "$mj" "$json" \
		"loop: ip netns exec NS ss -tan (+$(wc -l < "$tmp/others") others)" "$ms" "$ss" \
		"loop: ip netns exec NS true (its process cost)" "$mtr" "$tru"
	echo "seen: porttune $seen/$NNS namespaces ($total on the host), $tw TIME_WAIT in JSON; ss $ssw TIME-WAIT"
	awk -v t="$mt" -v j="$mj" -v s="$ms" -v seen="$seen" -v n="$NNS" 'BEGIN {
		printf "porttune         = %.0f ms (target < 1000: %s)\n", t, (t < 1000 ? "ok" : "MISSED")
		printf "ss loop/porttune = %.1fx (target >= 10: %s)\n", s / t, (s / t >= 10 ? "ok" : "MISSED")
		printf "ss loop/porttune --format json (census everywhere) = %.1fx\n", s / j
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
