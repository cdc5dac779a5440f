# The census asks for TCP of both families in one dump (TCPDIAG_GETSOCK with
# AF_UNSPEC): every IPv4 and IPv6 socket must still be counted once.

test_census_counts_ipv4_and_ipv6_tcp_once_each() {
	loadgen tw4 --mode timewait --count 30 --dst 127.0.0.1:7001 --timeout 30
	loadgen tw6 --mode timewait --count 20 --dst '[::1]:7002' --timeout 30
	loadgen est6 --mode established --count 5 --dst '[::1]:7003' --hold 30
	loadgen est4 --mode established --count 7 --dst 127.0.0.1:7004 --hold 30
	run pt audit --format json
	expect_rc 0
	for st in time-wait established listening; do
		for fam in 4 6; do
			eval "ss_${st%%-*}$fam=$(ss -tanH -$fam state $st | wc -l)"
		done
	done
	expect_eq "$ss_time4 $ss_time6 $ss_established4 $ss_established6" \
		"30 20 14 10" "ss: TIME_WAIT and ESTABLISHED per family"
	jq -e --argjson tw $((ss_time4 + ss_time6)) \
	      --argjson est $((ss_established4 + ss_established6)) \
	      --argjson lis $((ss_listening4 + ss_listening6)) '
	       .sockets.tcp.time_wait == $tw and .sockets.tcp.established == $est
	       and .sockets.tcp.listen == $lis
	       and .sockets.tcp.total == $tw + $est + $lis' "$WORK/out" > /dev/null ||
		fail "census vs ss: $(jq -c .sockets.tcp "$WORK/out")"
	# the IPv6 destinations are there, each with its own sockets
	jq -e '[.destinations[] | select(.dst == "::1" and .dport == 7002)]
	       | length == 1 and .[0].states.time_wait == 20' \
		"$WORK/out" > /dev/null ||
		fail "IPv6 destination: $(jq -c '.destinations' "$WORK/out" | head -c 2000)"
}
