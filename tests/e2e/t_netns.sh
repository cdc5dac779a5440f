# --netns, --all-netns and host-wide sysctls, with namespaces made here by
# `ip netns add` (netns_add) and deleted on exit. The host's own settings are
# only ever read.

# ns_new NAME: netns_add, its loopback up, its full name in $NS
ns_new() {
	netns_add "$1"
	NS="$NS_PREFIX-$1"
	ip netns exec "$NS" ip link set lo up
}

two_ranges() {	# namespaces $A (40000-40999) and $B (50000-50999)
	ns_new a
	A=$NS
	ns_new b
	B=$NS
	ip netns exec "$A" sh -c 'echo "40000 40999" > /proc/sys/net/ipv4/ip_local_port_range'
	ip netns exec "$B" sh -c 'echo "50000 50999" > /proc/sys/net/ipv4/ip_local_port_range'
}

range_in() {	# the port range an audit JSON in $WORK/out reports
	jq -r '"\(.settings.port_range_low) \(.settings.port_range_high)"' "$WORK/out"
}

test_netns_before_and_after_the_command() {
	two_ranges
	run "$PORTTUNE" --netns "$A" audit --no-sockets --format json
	expect_eq "$(range_in)" "40000 40999" "--netns before audit"
	run "$PORTTUNE" audit --no-sockets --format json --netns "$B"
	expect_eq "$(range_in)" "50000 50999" "--netns after audit"
	run "$PORTTUNE" audit --netns="$A" --no-sockets --format json
	expect_eq "$(range_in)" "40000 40999" "--netns=NAME"
	# and porttune's own namespace is not touched by any of it
	expect_eq "$(sysctl_get net.ipv4.ip_local_port_range)" "32768 60999"
}

test_state_dir_after_the_command() {
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 31\n' > "$WORK/p.ini"
	run "$PORTTUNE" apply --profile "$WORK/p.ini" --state-dir "$WORK/s1"
	expect_rc 0
	[ -f "$WORK/s1/snapshots/000001.ini" ] || fail "no snapshot in --state-dir given after apply"
	run "$PORTTUNE" rollback --state-dir="$WORK/s1"
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
	run "$PORTTUNE" snapshots list --state-dir
	expect_rc 2
	expect_err 'porttune: --state-dir needs an argument'
}

test_netns_gives_what_ip_netns_exec_gives() {
	ns_new x
	ip netns exec "$NS" sh -c 'echo 33 > /proc/sys/net/ipv4/tcp_fin_timeout'
	ip netns exec "$NS" ip link add pv0 type veth peer name pv1
	ip netns exec "$NS" "$LOADGEN" --mode timewait --count 200 --dst 127.0.0.1:5001 \
		> /dev/null
	# sockstat's orphan count is host-wide (one kernel counter): other
	# programs on the host move it between the two runs
	keys='{settings, sockstat: (.sockstat | del(.orphan)), sockets, counters, interfaces: [.interfaces[].name] | sort}'
	run pt --netns "$NS" audit --format json
	jq -S "$keys" "$WORK/out" > "$WORK/via-option"
	run ip netns exec "$NS" "$PORTTUNE" --state-dir "$STATE" audit --format json
	jq -S "$keys" "$WORK/out" > "$WORK/via-exec"
	cmp "$WORK/via-option" "$WORK/via-exec" ||
		fail "audit differs: $(diff "$WORK/via-option" "$WORK/via-exec")"
	# sock_diag, /proc/sys/net, /proc/net/sockstat and /proc/net/snmp, and
	# rtnetlink: each the target's (this test's own namespace has none)
	jq -e '.sockets.tcp.time_wait == 200 and .settings.tcp_fin_timeout == 33
	       and .sockstat.tw == 200 and .counters.ActiveOpens == 200
	       and (.interfaces | index("pv0"))' "$WORK/via-option" > /dev/null ||
		fail "not the namespace's own sockets/settings/devices: $(cat "$WORK/via-option")"
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' > "$WORK/p.ini"
	run pt diff --profile "$WORK/p.ini" --netns "$NS"
	expect_rc 1
	cp "$WORK/out" "$WORK/diff-option"
	run ip netns exec "$NS" "$PORTTUNE" diff --profile "$WORK/p.ini"
	expect_rc 1
	cmp "$WORK/diff-option" "$WORK/out" || fail "diff differs"
	expect_out 'tcp_fin_timeout: 33 -> 30'
}

test_netns_by_pid_and_by_path() {
	two_ranges
	ip netns exec "$A" sleep 60 &
	pid=$!
	BG_PIDS="$BG_PIDS $pid"
	# ip netns exec execs in place: the PID is the one inside $A
	for _ in $(seq 50); do
		[ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.1
	done
	run "$PORTTUNE" --netns "$pid" audit --no-sockets --format json
	expect_eq "$(range_in)" "40000 40999" "--netns PID"
	run "$PORTTUNE" audit --no-sockets --format json --netns "/proc/$pid/ns/net"
	expect_eq "$(range_in)" "40000 40999" "--netns /proc/PID/ns/net"
	run "$PORTTUNE" audit --no-sockets --format json --netns "/run/netns/$B"
	expect_eq "$(range_in)" "50000 50999" "--netns /run/netns/NAME"
}

test_netns_errors_name_the_problem_with_each_commands_code() {
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' > "$WORK/p.ini"
	run pt audit --netns "pt-e2e-none-$$"
	expect_rc 3
	expect_err "porttune: --netns pt-e2e-none-$$: no network namespace of that name"
	run pt diff --profile "$WORK/p.ini" --netns "pt-e2e-none-$$"
	expect_rc 2
	run pt apply --profile "$WORK/p.ini" --netns 2147483646
	expect_rc 2
	expect_err 'no process with that PID'
	# Puppet reads 2 as "changed": a failure to start must be 4
	run pt apply --profile "$WORK/p.ini" --detailed-exitcodes --netns 2147483646
	expect_rc 4
	run pt audit --netns /etc/hostname
	expect_rc 3
	expect_err 'is not a namespace file'
	run pt audit --netns /proc/self/ns/mnt
	expect_rc 3
	expect_err 'not a network namespace'
	ns_new p
	run setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$PORTTUNE" --state-dir "$WORK" audit --netns "$NS"
	expect_rc 3
	expect_err 'permission denied'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60 "nothing applied"
}

# The profile asks for the host's current value of a host-wide key: even a
# broken refusal could not change the host, and the test proves the refusal.
test_host_wide_keys_are_refused_in_a_namespace() {
	ns_new h
	swap=$(cat /proc/sys/vm/swappiness)
	rmem=$(cat /proc/sys/net/core/rmem_max)
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\nvm.swappiness = %s\nnet.core.rmem_max = %s\n' \
		"$swap" "$rmem" > "$WORK/hw.ini"
	run pt --netns "$NS" apply --profile "$WORK/hw.ini"
	expect_rc 2
	expect_err "vm.swappiness: host-wide setting; porttune is acting on network namespace $NS"
	expect_err "net.core.rmem_max: a host-wide setting, read-only in this network namespace; porttune is acting on network namespace $NS"
	expect_err 'nothing was changed'
	expect_eq "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/tcp_fin_timeout)" 60 \
		"per-namespace key of a refused profile"
	run pt --netns "$NS" apply --profile "$WORK/hw.ini" --dry-run
	expect_rc 2
	expect_out 'invalid +vm.swappiness'
	run pt diff --profile "$WORK/hw.ini" --netns "$NS"
	expect_rc 2
	expect_out 'invalid +net.core.rmem_max: .*host-wide'
	# the test's own private namespace is not the initial one either
	run pt apply --profile "$WORK/hw.ini"
	expect_rc 2
	expect_err "vm.swappiness: host-wide setting; porttune is acting on network namespace net:\\["
	expect_eq "$(cat /proc/sys/vm/swappiness)" "$swap" "host vm.swappiness"
	expect_eq "$(cat /proc/sys/net/core/rmem_max)" "$rmem" "host net.core.rmem_max"
	[ -z "$(ls "$STATE/snapshots" 2>/dev/null)" ] || fail "a snapshot was written"
}

# Only ever a dry run: a real write of vm.swappiness from here changes the host.
test_allow_host_wide_shows_the_change_and_warns() {
	ns_new w
	swap=$(cat /proc/sys/vm/swappiness)
	want=$((swap == 60 ? 59 : 60))
	printf '[sysctl]\nvm.swappiness = %s\nnet.core.rmem_max = 1234567\n' "$want" > "$WORK/hw.ini"
	run pt --netns "$NS" apply --profile "$WORK/hw.ini" --dry-run --allow-host-wide
	# a host-wide net. key stays refused: the kernel makes it read-only here
	expect_rc 2
	expect_err 'net.core.rmem_max: a host-wide setting, read-only'
	printf '[sysctl]\nvm.swappiness = %s\n' "$want" > "$WORK/hw.ini"
	run pt --netns "$NS" apply --profile "$WORK/hw.ini" --dry-run --allow-host-wide
	expect_rc 0
	expect_out "would change +vm.swappiness: +$swap -> $want"
	expect_err "warning: vm.swappiness: host-wide setting: porttune is acting on network namespace $NS, and writing it there changes the whole host"
	run pt --netns "$NS" apply --profile "$WORK/hw.ini" --dry-run --allow-host-wide --format json
	expect_rc 0
	jq -e '.warnings | length == 1' "$WORK/out" > /dev/null || fail "no warning in JSON"
	expect_eq "$(cat /proc/sys/vm/swappiness)" "$swap" "host vm.swappiness"
}

test_all_netns_lists_each_namespace_with_its_settings() {
	two_ranges
	ip netns exec "$A" "$LOADGEN" --mode timewait --count 100 --dst 127.0.0.1:5001 > /dev/null
	run pt audit --all-netns
	expect_out "^[A-Z]+ +$A +40000-40999 +[0-9]+ +100 "
	expect_out "^[A-Z]+ +$B +50000-50999 "
	expect_out "^[A-Z]+ +net:\\[[0-9]+\\] pid [0-9]+ "
	expect_out "^==== $A: [A-Z]+ ===="
	# worst first
	awk '/^STATUS/ { on = 1; next } on && NF == 0 { exit } on { print $1 }' \
		"$WORK/out" > "$WORK/order"
	sed 's/^OK$/0/; s/^WARNING$/1/; s/^CRITICAL$/2/; s/^UNKNOWN$/3/' "$WORK/order" |
		sort -rnc || fail "not worst first: $(cat "$WORK/order")"
	text_rc=$RC

	run pt audit --all-netns --format json
	expect_eq "$RC" "$text_rc" "exit code, text and JSON"
	jq -e --arg a "$A" --arg b "$B" --argjson self $$ '
		(.namespaces | map(select(.netns.name == $a))[0]
		 | .settings.port_range_low == 40000 and .sockets.tcp.time_wait == 100
		   and (.netns.inode | type) == "number")
		and (.namespaces | map(select(.netns.name == $b))[0]
		 | .settings.port_range_low == 50000 and .netns.pids == [])
		and (.namespaces | map(select(.netns.pids | index($self)))
		 | length == 1 and .[0].netns.name == null)
		and .exit_code == ([.namespaces[].exit_code] | max)
		and ([.namespaces[].netns.inode] | length == (unique | length))' \
		"$WORK/out" > /dev/null || fail "JSON: $(head -c 3000 "$WORK/out")"
	expect_eq "$RC" "$(jq .exit_code "$WORK/out")" "exit code is the worst"
	jq -e '[.namespaces[] | select(.netns.initial)] | length <= 1' "$WORK/out" \
		> /dev/null || fail "more than one initial namespace"
	# Linux 6.18+ numbers the initial namespace 0xEFFFFFF9
	if [ "$E2E_HOST_NETNS" = "net:[4026531833]" ]; then
		jq -e '.namespaces[] | select(.netns.inode == 4026531833)
		       | .netns.initial' "$WORK/out" > /dev/null ||
			fail "the host's namespace is not marked initial"
	fi

	run pt audit --all-netns --format prometheus
	expect_prometheus_text
	grep -v '^#' "$WORK/out" | grep -v 'netns="' && fail "a series without a netns label"
	expect_out "^porttune_audit_status\\{netns=\"$A\"\\} 1\$"
	expect_out "^porttune_ephemeral_ports\\{netns=\"$B\"\\} 1000\$"
	dup=$(grep '^# TYPE' "$WORK/out" | sort | uniq -d)
	[ -z "$dup" ] || fail "metric families repeated: $dup"
}

test_all_netns_refuses_what_needs_one_namespace() {
	ns_new e
	run pt --netns "$NS" audit --all-netns
	expect_rc 3
	expect_err 'audit: --netns needs one namespace, not --all-netns'
	run pt audit --all-netns --format nagios
	expect_rc 3
	expect_err 'audit: --format nagios needs one namespace'
	run pt audit --all-netns --suggest-profile "$WORK/s.ini"
	expect_rc 3
	[ ! -e "$WORK/s.ini" ] || fail "a suggestion was written"
}

test_all_netns_output_file_and_thresholds() {
	ns_new o
	ip netns exec "$NS" sh -c 'echo "40000 40099" > /proc/sys/net/ipv4/ip_local_port_range'
	# no reuse: with the default 2, loopback TIME_WAIT older than 1 s is
	# reusable, and the destination would fall to OK under a slow audit
	ip netns exec "$NS" sh -c 'echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse'
	ip netns exec "$NS" "$LOADGEN" --mode timewait --count 60 --dst 127.0.0.1:5001 > /dev/null
	# 60 of 100 ports: WARNING at the default 50%, OK with -w 70 -c 90
	run pt audit --all-netns --format json
	jq -e --arg n "$NS" '.namespaces[] | select(.netns.name == $n)
		| .findings | map(select(.check == "destination"))[0].severity == "WARNING"' \
		"$WORK/out" > /dev/null || fail "60% not a warning by default"
	run pt audit --all-netns --format prometheus --output "$WORK/all.prom" -w 70 -c 90
	[ -s "$WORK/all.prom" ] || fail "--output wrote nothing"
	[ ! -s "$WORK/out" ] || fail "--output also wrote to stdout"
	grep -q "^porttune_finding_severity{netns=\"$NS\",check=\"destination\"} 0\$" \
		"$WORK/all.prom" || fail "thresholds not applied: $(grep "netns=\"$NS\"" "$WORK/all.prom" | grep finding)"
}

# Enough namespaces that they are audited by several processes at once.
test_all_netns_many_namespaces_each_with_its_own_range() {
	for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
		ns_new "m$i"
		ip netns exec "$NS" sh -c "echo '$((40000 + i * 100)) $((40099 + i * 100))' > /proc/sys/net/ipv4/ip_local_port_range"
	done
	run pt audit --all-netns --no-sockets --format json
	for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
		jq -e --arg n "pt-e2e-$$-m$i" --argjson lo $((40000 + i * 100)) '
			[.namespaces[] | select(.netns.name == $n)] | length == 1
			and .[0].settings.port_range_low == $lo
			and .[0].status == "WARNING"' "$WORK/out" > /dev/null ||
			fail "namespace m$i: $(jq -c --arg n "pt-e2e-$$-m$i" '.namespaces[] | select(.netns.name == $n) | {status, settings, netns}' "$WORK/out")"
	done
	jq -e '[.namespaces[] | select(.error)] | length == 0' "$WORK/out" > /dev/null ||
		fail "namespaces not audited: $(jq -c '[.namespaces[] | select(.error)]' "$WORK/out")"
	run pt audit --all-netns --no-sockets
	expect_out "^WARNING +pt-e2e-$$-m11 +41100-41199 "
	run pt audit --all-netns --no-sockets --format prometheus
	expect_prometheus_text
	expect_out "^porttune_ephemeral_ports\\{netns=\"pt-e2e-$$-m7\"\\} 100\$"
}
