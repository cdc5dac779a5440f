# Socket-level audit: the census against what the kernel (and ss) report.
# loadgen (tests/tools/loadgen.c) makes real loopback sockets.

small_range() {
	# 20 ports; reuse off so TIME_WAIT tuples really hold their port
	sysctl_set net.ipv4.ip_local_port_range "40000 40019"
	sysctl_set net.ipv4.tcp_tw_reuse 0
}

finding() {	# finding CHECK SUMMARY-REGEX -> its severity
	jq -r --arg c "$1" --arg s "$2" '.findings[] | select(.check == $c
	       and (.summary | test($s))) | .severity' "$WORK/out"
}

test_census_totals_match_the_kernel() {
	loadgen tw --mode timewait --count 300 --dst 127.0.0.1:7001 --timeout 30
	loadgen est --mode established --count 40 --dst 127.0.0.2:7002 --hold 30
	run pt audit --format json
	tw=$(ss -tanH state time-wait | wc -l)
	est=$(ss -tanH state established | wc -l)
	lis=$(ss -tanH state listening | wc -l)
	jq -e --argjson tw "$tw" --argjson est "$est" --argjson lis "$lis" '
	       .sockets.tcp.time_wait == $tw and $tw == 300 and
	       .sockets.tcp.established == $est and $est == 80 and
	       .sockets.tcp.listen == $lis' "$WORK/out" > /dev/null ||
		fail "census vs ss (tw=$tw est=$est): $(jq -c .sockets "$WORK/out")"
	jq -e '.sockstat.tw == 300' "$WORK/out" > /dev/null ||
		fail "sockstat: $(jq -c .sockstat "$WORK/out")"
}

test_destination_past_half_warns_and_names_it() {
	small_range
	loadgen a --mode established --count 12 --dst 127.0.0.2:7002 --hold 30
	loadgen b --mode established --count 2 --dst 127.0.0.3:7003 --hold 30
	run pt audit --format json
	expect_rc 1
	expect_eq "$(finding destination '127\.0\.0\.2:7002 uses 12 of 20 ports')" \
		WARNING "127.0.0.2:7002 finding"
	[ -z "$(finding destination '127\.0\.0\.3')" ] ||
		fail "127.0.0.3 should raise no finding"
	jq -e '.destinations[] | select(.dst == "127.0.0.3") |
	       .in_use == 2 and .capacity == 20 and .ratio == 0.1' "$WORK/out" \
		> /dev/null || fail "127.0.0.3 row: $(jq -c .destinations "$WORK/out")"
	run pt audit
	expect_out '^WARNING +destination +127\.0\.0\.1 -> 127\.0\.0\.2:7002 uses 12 of 20 ports \(60%\)'
}

test_exhausted_destination_is_critical() {
	small_range
	loadgen a --mode established --count 25 --dst 127.0.0.2:7002 --hold 30
	# the kernel ran out after exactly the 20 ports of the range
	grep -q 'created=20 .*EADDRNOTAVAIL' "$WORK/a" ||
		fail "loadgen: $(cat "$WORK/a")"
	loadgen b --mode established --count 3 --dst 127.0.0.3:7003 --hold 30
	run pt audit --format json
	expect_rc 2
	expect_eq "$(finding destination '127\.0\.0\.2:7002 uses 20 of 20 ports')" \
		CRITICAL
	[ -z "$(finding destination '127\.0\.0\.3')" ] ||
		fail "127.0.0.3 should stay OK"
	jq -e '.destinations[0] | .dst == "127.0.0.2" and .dport == 7002 and
	       .ratio == 1 and .states.established == 20' "$WORK/out" \
		> /dev/null || fail "top destination: $(jq -c .destinations "$WORK/out")"
}

test_time_wait_sockets_fill_a_destination_too() {
	small_range
	loadgen a --mode timewait --count 15 --dst 127.0.0.2:7002 --timeout 30
	run pt audit --format json
	expect_rc 1
	expect_eq "$(finding destination '127\.0\.0\.2:7002 uses 15 of 20')" WARNING
	jq -e '.findings[] | select(.check == "destination") |
	       .remedy | test("tcp_tw_reuse = 1")' "$WORK/out" > /dev/null ||
		fail "remedy should name tcp_tw_reuse"
}

test_listening_ports_inside_the_range_reduce_capacity() {
	small_range
	# a service listening on a port inside the range
	loadgen l --listen 127.0.0.1:40010 --hold 30
	run pt audit --format json
	jq -e '.capacity.range == 20 and .capacity.held_by_listeners == 1 and
	       .capacity.effective == 19' "$WORK/out" > /dev/null ||
		fail "capacity: $(jq -c .capacity "$WORK/out")"
	expect_eq "$(finding listeners-in-range '1 ports inside')" WARNING
	sysctl_set net.ipv4.ip_local_reserved_ports 40000-40003
	run pt audit --format json
	jq -e '.capacity.reserved == 4 and .capacity.effective == 15' \
		"$WORK/out" > /dev/null || fail "reserved: $(jq -c .capacity "$WORK/out")"
}

test_processes_are_attributed_to_the_generator() {
	loadgen est --mode established --count 30 --dst 127.0.0.2:7002 --hold 30
	pid=$LG_PID
	run pt audit --processes --format json
	jq -e --argjson pid "$pid" '.processes[] | select(.pid == $pid) |
	       .command == "loadgen" and .ephemeral == 30 and .ports == 30' \
		"$WORK/out" > /dev/null ||
		fail "pid $pid: $(jq -c .processes "$WORK/out")"
	run pt audit --processes
	expect_out "^$pid +loadgen +[0-9]+ +30 +30$"
}

test_close_rate_per_destination_and_interval_rates() {
	sysctl_set net.ipv4.tcp_tw_reuse 0
	# audit samples for 2 s; the load arrives during that time
	( sleep 0.5; "$LOADGEN" --mode timewait --count 200 \
		--dst 127.0.0.2:7002 --timeout 20 > /dev/null 2>&1 ) &
	BG_PIDS="$BG_PIDS $!"
	run pt audit --interval 2 --format json
	jq -e '.rates.interval >= 2 and .rates.active_opens >= 90 and
	       .rates.time_wait_entered >= 90 and .close_rate_window == 2 and
	       (.destinations[] | select(.dst == "127.0.0.2") |
	        .close_rate == 100 and .sustainable_rate > 470)' \
		"$WORK/out" > /dev/null ||
		fail "rates: $(jq -c '{rates, close_rate_window, destinations}' "$WORK/out")"
}

test_json_has_the_documented_keys() {
	loadgen tw --mode timewait --count 10 --dst 127.0.0.1:7001 --timeout 30
	run pt audit --format json
	jq -e '
	  (.sockets.tcp | has("established") and has("syn_sent") and
	   has("syn_recv") and has("fin_wait1") and has("fin_wait2") and
	   has("time_wait") and has("close") and has("close_wait") and
	   has("last_ack") and has("listen") and has("closing") and
	   has("total")) and
	  (.sockets.udp | has("total")) and
	  (.capacity | has("range") and has("reserved") and
	   has("held_by_listeners") and has("effective")) and
	  (.destinations | length) == 1 and
	  (.destinations[0] | has("src") and has("dst") and has("dport") and
	   has("in_use") and has("capacity") and has("ratio") and
	   has("states") and has("close_rate") and has("sustainable_rate")) and
	  (.destinations[0].states.time_wait == 10)' "$WORK/out" > /dev/null ||
		fail "json keys: $(cat "$WORK/out")"
}

test_prometheus_census_parses() {
	loadgen tw --mode timewait --count 10 --dst 127.0.0.1:7001 --timeout 30
	run pt audit --format prometheus
	expect_rc 0
	expect_prometheus_text
	expect_out '^porttune_sockets\{proto="tcp",state="time_wait"\} 10$'
	expect_out '^porttune_destination_ports_in_use\{src="127.0.0.1",dst="127.0.0.1",dport="7001"\} 10$'
	# one series per name and label set
	dup=$(grep -v '^#' "$WORK/out" | sed 's/ [^ ]*$//' | sort | uniq -d)
	[ -z "$dup" ] || fail "duplicate series: $dup"
}

test_watch_refreshes_the_top_destinations() {
	loadgen est --mode established --count 5 --dst 127.0.0.2:7002 --hold 30
	run pt watch --interval 0.2 --count 2
	expect_rc 0
	[ "$(grep -c '^porttune watch' "$WORK/out")" = 2 ] ||
		fail "two frames expected: $(cat "$WORK/out")"
	expect_out '^127\.0\.0\.1 +127\.0\.0\.2:7002 +5 '
}

test_watch_stops_on_interrupt() {
	# not through pt(): $! must be porttune itself, not a subshell
	"$PORTTUNE" --state-dir "$STATE" watch --interval 0.2 > "$WORK/w" 2>&1 &
	p=$!
	sleep 1
	kill -INT "$p"
	wait "$p" || fail "watch exited $? on SIGINT"
	grep -q '^porttune watch' "$WORK/w" || fail "no frame: $(cat "$WORK/w")"
}
