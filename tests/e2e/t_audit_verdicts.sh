# Audit verdicts checked the way the kernel decides: each test makes the
# kernel accept or refuse connect()/bind() and asserts porttune agrees.

tiny_range() {	# tiny_range LO HI: reuse off, so TIME_WAIT really blocks
	sysctl_set net.ipv4.ip_local_port_range "$1 $2"
	sysctl_set net.ipv4.tcp_tw_reuse 0
	sysctl_set net.ipv4.tcp_timestamps 1
}

finding_sev() {	# finding_sev CHECK [SUMMARY-REGEX] -> worst severity of it
	jq -r --arg c "$1" --arg s "${2:-.}" '[.findings[] | select(.check == $c
	       and (.summary | test($s))) | .severity] | if length == 0 then
	       "none" elif any(. == "CRITICAL") then "CRITICAL" elif
	       any(. == "WARNING") then "WARNING" else "OK" end' "$WORK/out"
}

dest_json() {	# dest_json DST DPORT -> that destination's JSON object
	jq -c --arg d "$1" --argjson p "$2" \
		'.destinations[] | select(.dst == $d and .dport == $p)' "$WORK/out"
}

test_bound_only_sockets_take_ports_from_every_destination() {
	tiny_range 40000 40009
	loadgen b --mode bound --count 2 --src 127.0.0.1 --hold 30
	# the kernel: 10 ports, 2 bound-only, so the 9th connect() fails
	loadgen a --mode established --count 12 --dst 127.0.0.2:7002 --hold 30
	grep -q 'created=8 .*EADDRNOTAVAIL' "$WORK/a" ||
		fail "kernel: $(cat "$WORK/a")"
	run pt audit --format json
	expect_rc 2
	jq -e '.capacity.held_by_bound == 2 and .capacity.effective == 8 and
	       .capacity.bound_sockets_visible' "$WORK/out" > /dev/null ||
		fail "capacity: $(jq -c .capacity "$WORK/out")"
	d=$(dest_json 127.0.0.2 7002)
	echo "$d" | jq -e '.occupied == 8 and .capacity == 8 and .ratio == 1' \
		> /dev/null || fail "destination: $d"
	# ss sees the same 8 connections
	expect_eq "$(ss -tanH state established dst 127.0.0.2:7002 | wc -l)" 8 ss
	expect_eq "$(finding_sev destination '127\.0\.0\.2:7002 uses 8 of 8 ports')" \
		CRITICAL
	run pt audit
	expect_out 'held by bound sockets 2\)'
}

test_time_wait_blocks_until_reuse_applies_then_clears() {
	tiny_range 40000 40009
	loadgen tw --mode timewait --count 10 --dst 127.0.0.2:7002 --timeout 30
	wait "$LG_PID" || true	# its listener must be gone before the next one
	expect_eq "$(ss -tanH state time-wait | wc -l)" 10 "ss TIME_WAIT"
	# reuse off: the kernel refuses the next connect() to this destination
	loadgen x --mode established --count 1 --dst 127.0.0.2:7002 --hold 0
	grep -q 'created=0 failed=1 EADDRNOTAVAIL=1' "$WORK/x" ||
		fail "kernel (reuse off): $(cat "$WORK/x")"
	run pt audit --format json
	expect_rc 2
	expect_eq "$(finding_sev destination '7002 uses 10 of 10')" CRITICAL
	expect_eq "$(finding_sev time-wait)" CRITICAL "time-wait agrees"
	dest_json 127.0.0.2 7002 | jq -e '.time_wait_blocking == 10 and
		.time_wait_reusable == 0' > /dev/null ||
		fail "split: $(dest_json 127.0.0.2 7002)"
	# the remedy porttune names, applied; past tcp_tw_reuse_delay (1 s)
	sysctl_set net.ipv4.tcp_tw_reuse 1
	sleep 1.2
	run pt audit --format json
	expect_rc 1	# the 10-port range itself stays a WARNING
	dest_json 127.0.0.2 7002 | jq -e '.time_wait_reusable == 10 and
		.occupied == 0 and .ratio == 0' > /dev/null ||
		fail "after reuse: $(dest_json 127.0.0.2 7002)"
	expect_eq "$(finding_sev destination)" OK
	expect_eq "$(finding_sev time-wait)" OK
	# and the kernel agrees: connect() takes over a TIME_WAIT tuple
	before=$(awk '/^TcpExt:/ && !h { for (i = 1; i <= NF; i++) n[i] = $i; h = 1; next }
		      /^TcpExt:/ { for (i = 1; i <= NF; i++) if (n[i] == "TWRecycled") print $i }' \
		      /proc/net/netstat)
	loadgen y --mode established --count 5 --dst 127.0.0.2:7002 --hold 0
	grep -q 'created=5 failed=0' "$WORK/y" || fail "kernel (reuse on): $(cat "$WORK/y")"
	after=$(awk '/^TcpExt:/ && !h { for (i = 1; i <= NF; i++) n[i] = $i; h = 1; next }
		     /^TcpExt:/ { for (i = 1; i <= NF; i++) if (n[i] == "TWRecycled") print $i }' \
		     /proc/net/netstat)
	[ "$after" -ge $((before + 5)) ] || fail "TWRecycled $before -> $after"
	run pt audit
	expect_out 'plus [0-9]+ TIME_WAIT that connect\(\) may reuse'
}

test_young_time_wait_still_blocks_with_reuse_on() {
	tiny_range 40000 40009
	sysctl_set net.ipv4.tcp_tw_reuse 1
	# a delay longer than the test: every tuple is younger than it
	[ -e /proc/sys/net/ipv4/tcp_tw_reuse_delay ] || {
		echo "tcp_tw_reuse_delay needs Linux 6.14; nothing to check"; return 0; }
	sysctl_set net.ipv4.tcp_tw_reuse_delay 60000
	loadgen tw --mode timewait --count 10 --dst 127.0.0.2:7002 --timeout 30
	wait "$LG_PID" || true	# its listener must be gone before the next one
	loadgen x --mode established --count 1 --dst 127.0.0.2:7002 --hold 0
	grep -q 'EADDRNOTAVAIL=1' "$WORK/x" || fail "kernel: $(cat "$WORK/x")"
	run pt audit --format json
	expect_rc 2
	dest_json 127.0.0.2 7002 | jq -e '.time_wait_blocking == 10' > /dev/null ||
		fail "$(dest_json 127.0.0.2 7002)"
}

test_orphaned_fin_wait2_is_not_called_time_wait() {
	loadgen tw --mode timewait --count 20 --dst 127.0.0.2:7002 --timeout 30
	wait "$LG_PID" || true	# its listener must be gone before the next one
	loadgen fw --mode finwait2 --count 10 --dst 127.0.0.3:7003 --hold 30
	sleep 0.3
	expect_eq "$(ss -tanH state time-wait | wc -l)" 20 "ss TIME_WAIT"
	expect_eq "$(ss -tanH state fin-wait-2 | wc -l)" 10 "ss FIN_WAIT2"
	run pt audit --format json
	jq -e '.sockets.tcp.time_wait == 20 and .sockets.tcp.fin_wait2 == 10 and
	       .sockstat.tw == 30' "$WORK/out" > /dev/null ||
		fail "$(jq -c '{s: .sockets.tcp, k: .sockstat}' "$WORK/out")"
	run pt audit
	expect_out '^OK +time-wait +20 TIME_WAIT sockets;'
	expect_out 'tw 30 \(TIME_WAIT and orphaned FIN_WAIT2'
	expect_out 'TCP6 inuse [0-9]+'
	grep -q '30 TIME_WAIT' "$WORK/out" && fail "30 sockets called TIME_WAIT"
	return 0
}

test_bind_capacity_is_per_local_address() {
	tiny_range 40000 40009
	# every port used from 127.0.0.1 (towards two destinations)
	loadgen a --mode established --count 10 --dst 127.0.0.2:7002 --hold 30
	run pt audit --format json
	expect_eq "$(finding_sev bind-capacity 'bind\(127\.0\.0\.1, 0\) finds 10 of 10')" \
		WARNING
	jq -e '.local_addresses[] | select(.addr == "127.0.0.1" and
	       .proto == "tcp") | .ports == 10' "$WORK/out" > /dev/null ||
		fail "local_addresses: $(jq -c .local_addresses "$WORK/out")"
	[ "$(jq '[.local_addresses[] | select(.addr == "127.0.0.2")] | length' \
		"$WORK/out")" = 0 ] || fail "127.0.0.2 holds no port"
	# the kernel: another address still binds, the wildcard does not
	loadgen b2 --mode bound --count 1 --src 127.0.0.2 --hold 0
	grep -q 'created=1 failed=0' "$WORK/b2" || fail "bind 127.0.0.2: $(cat "$WORK/b2")"
	loadgen b0 --mode bound --count 1 --src 0.0.0.0 --hold 0
	grep -q 'created=0 failed=1 EADDRINUSE=1' "$WORK/b0" ||
		fail "bind 0.0.0.0: $(cat "$WORK/b0")"
}

test_one_capacity_figure_and_no_contradiction() {
	tiny_range 40000 40019
	loadgen l --listen 127.0.0.1:40010 --hold 30
	loadgen tw --mode timewait --count 25 --dst 127.0.0.2:7002 --timeout 30
	wait "$LG_PID" || true	# its listener must be gone before the next one
	grep -q 'created=19 .*EADDRNOTAVAIL' "$WORK/tw" || fail "kernel: $(cat "$WORK/tw")"
	run pt audit --format json
	expect_rc 2
	jq -e '.capacity.effective == 19 and
	       ([.destinations[].capacity] | unique == [19])' "$WORK/out" \
		> /dev/null || fail "capacity: $(jq -c '{capacity, destinations}' "$WORK/out")"
	jq -e '.findings[] | select(.check == "port-range") |
	       .summary | test("^19 usable")' "$WORK/out" > /dev/null ||
		fail "port-range: $(jq -c '.findings[0]' "$WORK/out")"
	expect_eq "$(finding_sev destination)" CRITICAL
	expect_eq "$(finding_sev time-wait)" CRITICAL "time-wait contradicts"
	expect_eq "$(finding_sev tw-reuse)" WARNING "tw-reuse"
}

test_shipped_profiles_keep_service_ports_out_of_the_range() {
	for p in baseline outbound-proxy; do
		run pt diff --profile "$TOP/profiles/$p.ini"
		if grep -q 'service port' "$WORK/out" "$WORK/err"; then
			fail "$p.ini exposes a service port: $(cat "$WORK/out" "$WORK/err")"
		fi
	done
	pt apply --profile "$TOP/profiles/outbound-proxy.ini" > /dev/null
	# /proc/sys ints do not support reads from an offset: no shell read
	set -- $(cat /proc/sys/net/ipv4/ip_local_port_range)
	lo=$1 hi=$2
	rsv=$(cat /proc/sys/net/ipv4/ip_local_reserved_ports)
	for port in 10250 10255 11211 15000 15001 15006 15090 27017 30000 32767; do
		if [ "$port" -ge "$lo" ] && [ "$port" -le "$hi" ]; then
			echo ",$rsv," | awk -v p="$port" -F, '{ for (i = 1; i <= NF; i++) {
				n = split($i, r, "-"); if (n == 1) r[2] = r[1]
				if ($i != "" && p >= r[1] && p <= r[2]) f = 1 } }
				END { exit !f }' || fail "port $port in $lo-$hi, not reserved ($rsv)"
		fi
	done
}

test_reserved_ports_are_really_skipped_by_connect() {
	# what the profiles rely on: a reserved port is never picked
	tiny_range 40000 40003
	sysctl_set net.ipv4.ip_local_reserved_ports 40001
	loadgen a --mode established --count 4 --dst 127.0.0.2:7002 --hold 30
	grep -q 'created=3 failed=1 EADDRNOTAVAIL=1' "$WORK/a" || fail "$(cat "$WORK/a")"
	ss -tanH state established dst 127.0.0.2:7002 | grep -q ':40001 ' &&
		fail "connect() used the reserved port"
	loadgen l --listen 127.0.0.1:40001 --hold 1
}

test_diff_warns_when_a_range_swallows_a_service_port() {
	loadgen l --listen 127.0.0.1:45000 --hold 30
	profile p.ini <<EOF
[sysctl]
net.ipv4.ip_local_port_range = 10240 65001
EOF
	run pt diff --profile "$WORK/p.ini"
	expect_rc 1
	grep -q '11211 (memcached)' "$WORK/out" "$WORK/err" ||
		fail "no memcached warning: $(cat "$WORK/out" "$WORK/err")"
	grep -q '45000 (listened on here)' "$WORK/out" "$WORK/err" ||
		fail "no listener warning: $(cat "$WORK/out" "$WORK/err")"
	# reserving them silences it
	profile q.ini <<EOF
[sysctl]
net.ipv4.ip_local_port_range = 40000 50001
net.ipv4.ip_local_reserved_ports = 45000
EOF
	run pt diff --profile "$WORK/q.ini"
	grep -q 'service port' "$WORK/out" "$WORK/err" &&
		fail "warned although reserved: $(cat "$WORK/out" "$WORK/err")"
	return 0
}

test_suggested_profile_fixes_what_the_audit_found() {
	tiny_range 40000 40009
	loadgen tw --mode timewait --count 10 --dst 127.0.0.2:7002 --timeout 30
	wait "$LG_PID" || true	# its listener must be gone before the next one
	run pt audit --suggest-profile "$WORK/s.ini"
	expect_rc 2
	expect_err 's.ini: [0-9]+ suggested setting'
	grep -q '^net.ipv4.tcp_tw_reuse = 1$' "$WORK/s.ini" || fail "$(cat "$WORK/s.ini")"
	grep -Eq '^; CRITICAL (destination|time-wait): ' "$WORK/s.ini" || fail "no comment: $(cat "$WORK/s.ini")"
	# each remedy ends with the line it suggests
	run pt audit --format json
	jq -e '.findings[] | select(.check == "destination" and .severity ==
	       "CRITICAL") | .remedy | endswith("net.ipv4.tcp_tw_reuse = 1")' \
		"$WORK/out" > /dev/null || fail "remedy: $(jq -c '.findings' "$WORK/out")"
	run pt diff --profile "$WORK/s.ini"
	expect_rc 1
	pt apply --profile "$WORK/s.ini" > /dev/null
	sleep 1.2
	run pt audit
	expect_rc 0
}

test_processes_that_cannot_be_read_are_counted() {
	loadgen est --mode established --count 5 --dst 127.0.0.2:7002 --hold 30
	command -v setpriv > /dev/null || { echo "no setpriv"; return 0; }
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PORTTUNE" --state-dir "$WORK/nostate" audit --processes --format json
	jq -e '.unattributed.unreadable >= 10' "$WORK/out" > /dev/null ||
		fail "$(jq -c .unattributed "$WORK/out") $(cat "$WORK/err")"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PORTTUNE" --state-dir "$WORK/nostate" audit --processes
	expect_out 'could not be attributed: not root'
}

test_host_wide_net_key_is_named_so_in_a_namespace() {
	profile p.ini <<EOF2
[sysctl]
net.core.rmem_max = 1000000
EOF2
	run pt diff --profile "$WORK/p.ini"
	expect_rc 2
	expect_err 'net.core.rmem_max: a host-wide setting, read-only in this network namespace'
}
