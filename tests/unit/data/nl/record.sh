#!/bin/sh
# Re-record the netlink exchanges replayed by tests/unit/test_replay.c:
#
#   sh tests/unit/data/nl/record.sh      (as root, from the repo root, after
#                                         make build/nlrecord build/loadgen)
#
# Runs in a private network namespace (re-executes itself under unshare -n
# and refuses to go on in the namespace it was started in). Writes *.rec
# (binary, see src/nl_replay.h), *.h (the same as C arrays) and *.txt (what
# the code made of them: the tests' expectations; check them by hand).
set -eu
cd "$(dirname "$0")/../../../.."
OUT=tests/unit/data/nl
if [ -z "${NLREC_HOST_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "record.sh: needs root" >&2; exit 2; }
	NLREC_HOST_NETNS=$(readlink /proc/self/ns/net)
	export NLREC_HOST_NETNS
	exec unshare -n sh "$0" "$@"
fi
[ "$(readlink /proc/self/ns/net)" != "$NLREC_HOST_NETNS" ] ||
	{ echo "record.sh: not in a private network namespace" >&2; exit 2; }

W=$(mktemp -d)
trap 'kill $lg 2>/dev/null; rm -rf "$W"' EXIT
lg=

# Two veth pairs; rp1 gets gro on beforehand (a setting already in place).
ip link add rp0 type veth peer name rp1
ip link add rp2 type veth peer name rp3
ethtool -K rp1 gro on

cat > "$W/plan.ini" <<'INI'
[nic rp*]
offload.tso = off
offload.gro = on
offload.lro = on
offload.no-such-feature = on
coalesce.rx-usecs = 10
INI
cat > "$W/apply.ini" <<'INI'
[nic rp*]
offload.tso = off
offload.gro = on
INI
cat > "$W/refused.ini" <<'INI'
[nic rp2]
offload.tso = off
channels.rx = 999
INI

rec() {	# rec NAME ARGS...: recording, C array, and the decoded result
	name=$1; shift
	build/nlrecord "$OUT/$name.rec" "$@" > "$OUT/$name.txt"
	{
		echo "/* Recorded by record.sh on Linux $(uname -r) $(uname -m); see README. */"
		echo "static const unsigned char rec_$name[] = {"
		od -An -v -tx1 "$OUT/$name.rec" |
			awk '{ s = " "; for (i = 1; i <= NF; i++) s = s " 0x" $i ","; print s }'
		echo "};"
		echo "static const unsigned int rec_${name}_len = $(wc -c < "$OUT/$name.rec");"
	} > "$OUT/$name.h"
	rm -f "$OUT/$name.rec"
}

rec nic_plan plan "$W/plan.ini"
rec nic_refused apply "$W/refused.ini"
rec nic_apply apply "$W/apply.ini"

# Sockets in known states on loopback, ephemeral range 40000-40999.
ip link set lo up
sysctl -qw net.ipv4.ip_local_port_range="40000 40999"
build/loadgen --mode timewait --count 5 --dst 127.0.0.1:7000 > /dev/null
: > "$W/lg.out"
build/loadgen --mode established --count 3 --dst 127.0.0.1:7001 --hold 30 \
	> "$W/lg.out" &
lg=$!
while ! grep -q '^ready' "$W/lg.out"; do sleep 0.1; done
rec census census 40000 40999
