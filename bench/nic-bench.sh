#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nic-bench.sh - one `porttune apply` over 256 veth interfaces next to the
# shell loop a user would otherwise write around ethtool(8):
#
#   (a) toggle:    porttune apply ([nic bv*] tso off, gro on)
#                  vs  for i in bv*; do ethtool -K $i tso off gro on; done
#   (b) no change: porttune apply of the same profile again
#                  vs  for i in bv*; do ethtool -k $i; done
#   (c) floor:     porttune apply of (a) and back again
#                  vs  build/nicfloor, the bare libmnl program that dumps
#                      features once and sends one FEATURES_SET per
#                      interface (no snapshot, no plan, no read-back)
#                  and porttune again with its state directory on tmpfs
#                  (/dev/shm): what the snapshot's fsyncs cost on this disk
#
#   sh bench/nic-bench.sh       (as root, from the repo root; re-runs itself
#                                under unshare -n)
#
# Environment:
#   PORTTUNE=./porttune   binary to time
#   NIFS=256              interfaces (veth pairs, both ends named bv*)
#   RUNS=5                runs per row; the best wall time is kept
#   NICFLOOR=build/nicfloor
#   FLOOR_RUNS=9          rounds of (c), interleaved; medians compared
#
# Target: porttune at least 20x faster than the ethtool loop in (a) and (b)
# (the exit status), and at most 1.25x the floor in (c) (reported).
# Everything happens in a private network namespace: the interfaces and
# their settings vanish with it.
set -eu

PORTTUNE=${PORTTUNE:-./porttune}
NIFS=${NIFS:-256}
RUNS=${RUNS:-5}
TARGET=20
NICFLOOR=${NICFLOOR:-build/nicfloor}
FLOOR_RUNS=${FLOOR_RUNS:-9}
FLOOR_TARGET=125	# percent

here=$(cd "$(dirname "$0")" && pwd)
. "$here/private-netns.sh"
private_netns nic-bench sh "$@"

for t in ip ethtool; do
	command -v "$t" > /dev/null ||
		{ echo "nic-bench: $t is not installed" >&2; exit 2; }
done
[ -x "$PORTTUNE" ] || { echo "nic-bench: $PORTTUNE not built" >&2; exit 2; }
[ -x "$NICFLOOR" ] || { echo "nic-bench: $NICFLOOR not built" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=""

WORK=$(mktemp -d /tmp/porttune-nic-bench.XXXXXX)
SHM=$(mktemp -d /dev/shm/porttune-nic-bench.XXXXXX)
trap 'rm -rf "$WORK" "$SHM"' EXIT
STATE=$WORK/state

# 256 interfaces as 128 veth pairs bv0/bv1, bv2/bv3, ...; every one matched.
i=0
while [ "$i" -lt "$NIFS" ]; do
	echo "link add bv$i type veth peer name bv$((i + 1))"
	i=$((i + 2))
done > "$WORK/links.batch"
ip -batch "$WORK/links.batch"
IFS_LIST=$(i=0; while [ "$i" -lt "$NIFS" ]; do echo "bv$i"; i=$((i + 1)); done)
nifs=$(ip -o link show | grep -c ': bv[0-9]*[:@]')
[ "$nifs" -eq "$NIFS" ] || { echo "nic-bench: made $nifs interfaces, not $NIFS" >&2; exit 1; }

printf '[nic bv*]\noffload.tso = off\noffload.gro = on\n' > "$WORK/tuned.ini"
printf '[nic bv*]\noffload.tso = on\noffload.gro = off\n' > "$WORK/reset.ini"

pt() { "$PORTTUNE" --state-dir "$STATE" apply --profile "$@"; }
now_ns() { date +%s%N; }

# Start each toggle run from the opposite state, so every bit is a change.
reset_state() {
	pt "$WORK/reset.ini" > /dev/null
	[ "$(ethtool -k bv$((NIFS - 1)) | sed -n 's/^tcp-segmentation-offload: //p')" = on ] ||
		{ echo "nic-bench: reset did not turn tso on" >&2; exit 1; }
}

check_tuned() {	# every interface: tso off, gro on
	for i in bv0 bv$((NIFS / 2 + 1)) bv$((NIFS - 1)); do
		k=$(ethtool -k "$i")
		echo "$k" | grep -q '^tcp-segmentation-offload: off' &&
		echo "$k" | grep -q '^generic-receive-offload: on' ||
			{ echo "nic-bench: $1 left $i untuned" >&2; exit 1; }
	done
}

run_pt_toggle() { pt "$WORK/tuned.ini" > /dev/null; }
run_pt_same() {
	pt "$WORK/tuned.ini" > "$WORK/same.out"
	grep -q 'nothing to change' "$WORK/same.out" ||
		{ echo "nic-bench: re-apply changed something" >&2; exit 1; }
}
run_ethtool_toggle() {
	for i in $IFS_LIST; do ethtool -K "$i" tso off gro on; done
}
run_ethtool_read() {
	for i in $IFS_LIST; do ethtool -k "$i"; done > /dev/null
}

# Each date(1) costs a fork and exec; the best time of an empty command is
# that overhead, subtracted from every row (both sides alike).
overhead=0
best=""
time_best() {	# time_best SETUP CMD: best wall time (us) of RUNS runs in $best
	best=""
	r=0
	while [ "$r" -lt "$RUNS" ]; do
		$1
		t0=$(now_ns)
		$2
		t1=$(now_ns)
		us=$(( (t1 - t0) / 1000 - overhead ))
		[ "$us" -gt 0 ] || us=1
		if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; fi
		r=$((r + 1))
	done
}

rss_of() {	# peak RSS (KiB) of one porttune run
	[ -n "$TIME" ] || { echo "n/a"; return; }
	$TIME -f %M -o "$WORK/rss" "$PORTTUNE" --state-dir "$STATE" apply \
		--profile "$1" > /dev/null
	tail -n 1 "$WORK/rss"
}

noop() { :; }

RUNS_WANTED=$RUNS RUNS=20
time_best noop noop
overhead=$best RUNS=$RUNS_WANTED

time_best reset_state run_pt_toggle;      pt_toggle=$best
check_tuned "porttune apply"
time_best noop run_pt_same;               pt_same=$best
time_best reset_state run_ethtool_toggle; et_toggle=$best
check_tuned "the ethtool -K loop"
time_best noop run_ethtool_read;          et_read=$best
reset_state

# (c) Rounds of: floor there, floor back, porttune there, porttune back, so
# that load from elsewhere hits both alike; the median of each side is kept.
floor_run() {	# floor_run tuned|reset
	if [ "$1" = tuned ]; then
		"$NICFLOOR" -i 'bv*' 'tx-tcp*-segmentation=off' rx-gro=on
	else
		"$NICFLOOR" -i 'bv*' 'tx-tcp*-segmentation=on' rx-gro=off
	fi > "$WORK/floor.out"
}
floor_check() {	# outside the timed part: it forks
	[ "$(cat "$WORK/floor.out")" -eq "$NIFS" ] ||
		{ echo "nic-bench: nicfloor changed $(cat "$WORK/floor.out") interfaces, not $NIFS" >&2; exit 1; }
}
timed() {	# timed CMD...: wall time (us) in $us
	t0=$(now_ns)
	"$@"
	t1=$(now_ns)
	us=$(( (t1 - t0) / 1000 - overhead ))
	[ "$us" -gt 0 ] || us=1
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: > "$WORK/floor.us"
: > "$WORK/pt.us"
: > "$WORK/shm.us"
pt_shm() { "$PORTTUNE" --state-dir "$SHM/state" apply --profile "$@"; }
r=0
while [ "$r" -lt "$FLOOR_RUNS" ]; do
	timed floor_run tuned; echo "$us" >> "$WORK/floor.us"
	floor_check
	check_tuned nicfloor
	timed floor_run reset; echo "$us" >> "$WORK/floor.us"
	floor_check
	timed pt "$WORK/tuned.ini" > /dev/null; echo "$us" >> "$WORK/pt.us"
	check_tuned "porttune apply"
	timed pt "$WORK/reset.ini" > /dev/null; echo "$us" >> "$WORK/pt.us"
	timed pt_shm "$WORK/tuned.ini" > /dev/null; echo "$us" >> "$WORK/shm.us"
	check_tuned "porttune apply (state on tmpfs)"
	timed pt_shm "$WORK/reset.ini" > /dev/null; echo "$us" >> "$WORK/shm.us"
	r=$((r + 1))
done
floor_med=$(median < "$WORK/floor.us")
pt_med=$(median < "$WORK/pt.us")
shm_med=$(median < "$WORK/shm.us")

reset_state
rss_toggle=$(rss_of "$WORK/tuned.ini")
rss_same=$(rss_of "$WORK/tuned.ini")

ms() { printf '%d.%01d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
ratio() { printf '%d.%01d' $(($1 / $2)) $(($1 * 10 / $2 % 10)); }

echo "nic-bench: $NIFS veth interfaces, best of $RUNS runs, $(uname -r);" \
     "timer overhead $(ms "$overhead") ms subtracted"
printf '%-44s %10s %12s\n' "" "wall ms" "peak RSS KiB"
printf '%-44s %10s %12s\n' "(a) porttune apply (tso off, gro on)" \
	"$(ms "$pt_toggle")" "$rss_toggle"
printf '%-44s %10s %12s\n' "    ethtool -K IF tso off gro on, per IF" \
	"$(ms "$et_toggle")" "-"
printf '%-44s %10s %12s\n' "(b) porttune apply, nothing to change" \
	"$(ms "$pt_same")" "$rss_same"
printf '%-44s %10s %12s\n' "    ethtool -k IF, per IF" "$(ms "$et_read")" "-"
printf '%-44s %10s %12s\n' "(c) porttune apply there and back, median" \
	"$(ms "$pt_med")" "-"
printf '%-44s %10s %12s\n' "    nicfloor (libmnl dump + SET per IF)" \
	"$(ms "$floor_med")" "-"
printf '%-44s %10s %12s\n' "    porttune, state directory on tmpfs" \
	"$(ms "$shm_med")" "-"
ra=$(ratio "$et_toggle" "$pt_toggle")
rb=$(ratio "$et_read" "$pt_same")
rc=$(printf '%d.%02d' $((pt_med / floor_med)) $((pt_med * 100 / floor_med % 100)))
echo "ratio (a) ethtool loop / porttune: ${ra}x (target >= ${TARGET}x)"
echo "ratio (b) ethtool loop / porttune: ${rb}x (target >= ${TARGET}x)"
fc=MISSED
[ $((pt_med * 100)) -le $((floor_med * FLOOR_TARGET)) ] && fc=ok
echo "ratio (c) porttune / floor: ${rc}x over $FLOOR_RUNS rounds of 2 (target <= 1.25x: $fc)"
rs=$(printf '%d.%02d' $((shm_med / floor_med)) $((shm_med * 100 / floor_med % 100)))
echo "          with the state directory on tmpfs: ${rs}x (the difference is the snapshot's fsyncs)"
# (c) is reported like the other benchmarks' floors; (a) and (b) decide
ok=0
[ $((et_toggle / pt_toggle)) -ge $TARGET ] || ok=1
[ $((et_read / pt_same)) -ge $TARGET ] || ok=1
[ $ok = 0 ] && echo "nic-bench: targets (a) and (b) met" ||
	echo "nic-bench: targets (a) and (b) NOT met"
exit $ok
