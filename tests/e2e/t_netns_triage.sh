# audit --all-netns skips the socket census of a namespace whose sockstat
# proves it cannot change the verdict (text overview only): each namespace
# must still get exactly the status a single `--netns NS audit` gives it.

# tri_ns NAME [RANGE]: netns_add, loopback up, the port range; name in $NS
tri_ns() {
	netns_add "$1"
	NS="$NS_PREFIX-$1"
	ip netns exec "$NS" ip link set lo up
	[ -z "${2:-}" ] ||
		ip netns exec "$NS" sh -c "echo '$2' > /proc/sys/net/ipv4/ip_local_port_range"
}

# bg_in NS NAME LOADGEN-ARGS...: loadgen in NS, held in the background
bg_in() {
	ns=$1 name=$2
	shift 2
	ip netns exec "$ns" "$LOADGEN" "$@" > "$WORK/$name" 2>&1 &
	BG_PIDS="$BG_PIDS $!"
	for _ in $(seq 100); do
		grep -q '^ready' "$WORK/$name" && return 0
		sleep 0.1
	done
	cat "$WORK/$name" >&2
	fail "loadgen $* did not get ready in $ns"
}

# status_all NAME: the STATUS column of NAME's line in $WORK/all
status_all() {
	awk -v n="$1" '$2 == n { print $1; exit }' "$WORK/all"
}

test_all_netns_gives_each_namespace_its_single_audit_status() {
	tri_ns idle
	tri_ns tw "40000 40099"
	# 60 of 100 ports towards one destination: WARNING
	ip netns exec "$NS" "$LOADGEN" --mode timewait --count 60 \
		--dst 127.0.0.1:5001 > /dev/null
	tri_ns spread "40000 40099"
	# 80 sockets: too many for sockstat to rule anything out, but 20 per
	# destination: the census decides
	ip netns exec "$NS" "$LOADGEN" --mode timewait --count 80 \
		--dst 127.0.0.1:5001 --spread 4 > /dev/null
	tri_ns listen "40000 40099"
	# listeners inside the range (sockstat cannot tell them from clients)
	bg_in "$NS" listen --mode listen --count 10 \
		--src 127.0.0.1 --timeout 60
	tri_ns udp "40000 40099"
	bg_in "$NS" udp --mode udp --count 60 \
		--dst 127.0.0.1:5001 --timeout 60
	tri_ns busy
	# many sockets, far from any threshold of the default range
	ip netns exec "$NS" "$LOADGEN" --mode timewait --count 500 \
		--dst 127.0.0.1:5001 > /dev/null

	run pt audit --all-netns
	cp "$WORK/out" "$WORK/all"
	run pt audit --all-netns --format json
	cp "$WORK/out" "$WORK/all.json"
	for n in idle tw spread listen udp busy; do
		ns=$NS_PREFIX-$n
		run pt --netns "$ns" audit
		one=$(awk 'NR == 1 { print $1 }' "$WORK/out")
		case "$RC" in 0) want=OK ;; 1) want=WARNING ;; 2) want=CRITICAL ;;
			*) want=UNKNOWN ;; esac
		expect_eq "$(status_all "$ns")" "$want" "$n: --all-netns status (single audit: exit $RC, $one)"
		expect_eq "$(jq -r --arg n "$ns" '.namespaces[] | select(.netns.name == $n) | .status' "$WORK/all.json")" \
			"$want" "$n: --all-netns JSON status"
	done
	# the cases above span both verdicts, census taken or not
	expect_eq "$(status_all "$NS_PREFIX-idle")" OK "idle"
	expect_eq "$(status_all "$NS_PREFIX-busy")" OK "busy"
	expect_eq "$(status_all "$NS_PREFIX-tw")" WARNING "tw"
	expect_eq "$(status_all "$NS_PREFIX-listen")" WARNING "listen"
	expect_eq "$(status_all "$NS_PREFIX-udp")" WARNING "udp"
}
