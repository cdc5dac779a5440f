# audit --format nagios: the monitoring-plugins output convention, checked
# against the real kernel's sockets (loadgen) and many real veth devices.

# 'label'=value[UOM];[warn];[crit];[min];[max], as the monitoring-plugins
# guidelines (section 2.6) define it: quoted label without ' or =, a
# numeric value, one of the defined units, thresholds in range syntax.
PERF_RE="^'[^'=]+'=-?[0-9]+(\.[0-9]+)?(us|ms|s|%|B|KB|MB|GB|TB|c)?(;@?~?-?[0-9.]*(:-?[0-9.]*)?){0,2}(;-?[0-9.]*){0,2}$"

nagios_small_range() {
	sysctl_set net.ipv4.ip_local_port_range "40000 40019"
	sysctl_set net.ipv4.tcp_tw_reuse 0
}

# every token after " | " on the first line must match PERF_RE
expect_perfdata() {
	head -n 1 "$WORK/out" | grep -q ' | ' || fail "no ' | ' on line 1"
	n=0
	for tok in $(head -n 1 "$WORK/out" | sed 's/^.* | //'); do
		echo "$tok" | grep -Eq "$PERF_RE" || fail "perfdata token '$tok'"
		n=$((n + 1))
	done
	[ "$n" -ge 4 ] || fail "only $n perfdata values"
	# '|' only once: nothing on the following lines starts perfdata
	[ "$(grep -c '|' "$WORK/out")" = 1 ] || fail "stray '|': $(cat "$WORK/out")"
}

test_nagios_first_line_names_the_worst_destination() {
	nagios_small_range
	loadgen a --mode established --count 18 --dst 127.0.0.2:7002 --hold 30
	run pt audit --format nagios
	expect_rc 2
	head -n 1 "$WORK/out" | grep -Eq '^PORTTUNE CRITICAL - 127\.0\.0\.1 -> 127\.0\.0\.2:7002 uses 18 of 20 ports \(90%\) \| ' ||
		fail "line 1: $(head -n 1 "$WORK/out")"
	expect_perfdata
	expect_out "'worst_destination'=90\.0%;50;80;0;100"
	expect_out "'usable_ports'=20;"
	expect_out "'established'=36;"
	# the other non-OK findings follow, one per line
	expect_out '^WARNING port-range: '
	! grep -q '^OK' "$WORK/out" || fail "OK findings listed"
}

test_nagios_ok_host_is_ok_with_perfdata() {
	# reuse off: these TIME_WAIT sockets hold their ports however old
	sysctl_set net.ipv4.tcp_tw_reuse 0
	loadgen a --mode timewait --count 5 --dst 127.0.0.2:7002 --timeout 30
	run pt audit --format nagios
	expect_rc 0
	expect_out '^PORTTUNE OK - 127\.0\.0\.1 -> 127\.0\.0\.2:7002 uses 5 of [0-9]+ ports'
	expect_out "'time_wait'=5;;;0"
	expect_perfdata
	[ "$(wc -l < "$WORK/out")" = 1 ] || fail "OK is one line: $(cat "$WORK/out")"
}

test_nagios_thresholds_override_the_profile() {
	nagios_small_range
	loadgen a --mode established --count 12 --dst 127.0.0.2:7002 --hold 30
	profile p.ini <<-EOT
	[audit]
	warn-occupancy = 90%
	crit-occupancy = 95%
	EOT
	run pt audit --format nagios --profile "$WORK/p.ini"
	expect_out "'worst_destination'=60\.0%;90;95;0;100"
	head -n 1 "$WORK/out" | grep -vq 'uses 12 of 20' ||
		fail "60% is below the profile's 90%: $(head -n 1 "$WORK/out")"
	run pt audit --format nagios --profile "$WORK/p.ini" -w 40 -c 55
	expect_rc 2
	expect_out '^PORTTUNE CRITICAL - .*127\.0\.0\.2:7002 uses 12 of 20 ports \(60%\)'
	expect_out "'worst_destination'=60\.0%;40;55;0;100"
	run pt audit --format nagios -w 50 -c 70
	expect_rc 1
	expect_out '^PORTTUNE WARNING - .*127\.0\.0\.2:7002 uses 12'
	run pt audit --format nagios -w 80 -c 60
	expect_rc 3
	expect_err 'warning threshold .* above the critical'
	run pt audit --format nagios -w 101
	expect_rc 3
}

test_nagios_timeout_turns_a_hang_into_unknown() {
	# a 3 s sampling interval stands for a hang: it cannot end in 0.5 s
	start=$(date +%s)
	run pt audit --format nagios --interval 3 --timeout 0.5
	expect_rc 3
	[ $(($(date +%s) - start)) -le 2 ] || fail "did not stop at the timeout"
	expect_eq "$(cat "$WORK/out")" \
		"PORTTUNE UNKNOWN - audit did not finish within 0.5 s"
	run pt audit --interval 3 --timeout 0.5
	expect_rc 3
	expect_err '^porttune: audit: did not finish within 0.5 s$'
	run pt audit --format nagios --timeout 30
	expect_rc 0
}

test_nagios_output_fits_8k_with_many_interfaces_and_destinations() {
	nagios_small_range
	# 150 veth pairs: 300 interfaces
	for i in $(seq 150); do
		echo "link add nv$i type veth peer name nvp$i"
	done > "$WORK/links"
	ip -batch "$WORK/links"
	# 60 destinations, each 18 of 20 ports: all critical
	loadgen a --mode established --count 1080 --dst 127.0.1.1:7002 \
		--spread 60 --hold 60
	profile p.ini <<-EOT
	[nic nv*]
	offload.gro = off
	EOT
	run pt audit --format nagios --profile "$WORK/p.ini" --top 200
	expect_rc 2
	size=$(wc -c < "$WORK/out")
	[ "$size" -le 8192 ] || fail "nagios output is $size bytes"
	expect_perfdata
	expect_out '^PORTTUNE CRITICAL - .* -> 127\.0\.1\.[0-9]+:7002 uses 18 of 20 ports \(90%\)'
	[ "$(grep -c '^CRITICAL destination: ' "$WORK/out")" -ge 5 ] ||
		fail "other destinations: $(cat "$WORK/out")"
	# the text format lists --top interfaces, not 300
	run pt audit --top 5
	nics=$(sed -n '/^INTERFACE/,/^$/p' "$WORK/out" | grep -c '^nv')
	expect_eq "$nics" 5 "interfaces listed with --top 5"
	expect_out '^\(295 more interfaces; --top 300 lists them all\)$'
}
