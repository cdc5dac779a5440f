# Settings-level audit against the real kernel: findings and exit codes.

test_audit_of_a_fresh_namespace_is_ok() {
	run pt audit
	expect_rc 0
	expect_out '^porttune audit: OK'
	expect_out 'port-range +28232 usable ephemeral ports'
	expect_out 'fin-timeout +tcp_fin_timeout = 60 s bounds orphaned FIN_WAIT2 only'
}

test_audit_small_same_parity_range_is_a_warning() {
	sysctl_set net.ipv4.ip_local_port_range "40000 40998"
	run pt audit
	expect_rc 1
	expect_out '^porttune audit: WARNING'
	expect_out '^WARNING +port-range +999 usable'
	# same-parity ends cost connect() at most one port: noted, not a warning
	expect_out '^OK +port-parity +both ends of the port range are even'
}

test_audit_reserved_ports_count_against_the_range() {
	sysctl_set net.ipv4.ip_local_reserved_ports "32768-50000"
	run pt audit --format json
	expect_rc 1
	jq -e '.settings.reserved_in_range == 17233 and
	       .settings.effective_ports == 10999 and .status == "WARNING"' \
		"$WORK/out" > /dev/null || fail "json: $(cat "$WORK/out")"
}

test_audit_reports_drift_against_a_profile() {
	printf '[sysctl]\nnet.ipv4.tcp_tw_reuse = 1\n' > "$WORK/p.ini"
	run pt audit --profile "$WORK/p.ini"
	expect_rc 1
	expect_out '^WARNING +drift +1 setting differ'
	expect_out 'net.ipv4.tcp_tw_reuse: 2 -> 1'
	pt apply --profile "$WORK/p.ini" > /dev/null
	run pt audit --profile "$WORK/p.ini"
	expect_rc 0
}

test_audit_json_has_the_documented_keys() {
	run pt audit --format json
	expect_rc 0
	jq -e '(.status | type) == "string" and (.exit_code | type) == "number"
	       and (.findings | length) > 0
	       and (.findings[0] | has("check") and has("severity")
	            and has("summary") and has("evidence") and has("remedy"))
	       and (.settings.port_range_low == 32768)
	       and (.sockstat | has("tw") and has("inuse6"))
	       and (.counters | has("TCPTimeWaitOverflow"))' "$WORK/out" \
		> /dev/null || fail "json: $(cat "$WORK/out")"
}

test_audit_prometheus_output_parses() {
	run pt audit --format prometheus
	expect_rc 0
	# every line is a comment or "name{labels} value"
	expect_prometheus_text
	expect_out '^porttune_audit_status 0$'
	expect_out '^porttune_ephemeral_ports 28232$'
}

test_audit_bad_format_is_unknown() {
	run pt audit --format yaml
	expect_rc 3
	expect_err "audit: --format: 'yaml' is not text, json, prometheus or nagios"
}

test_audit_lists_matched_interfaces_and_nic_drift() {
	ip link add v0 type veth peer name v1
	ip tuntap add dev t0 mode tap
	printf '[nic v0]\noffload.gro = on\n' > "$WORK/p.ini"
	run pt audit --profile "$WORK/p.ini"
	expect_rc 1
	expect_out '^v0 +veth +on +on +off +off +n/a +n/a +1/2$'
	grep -q '^t0 ' "$WORK/out" && fail "t0 is not matched by [nic v0]"
	expect_out 'v0 offload.rx-gro: +off -> on'
	run pt audit --format json
	jq -e '[.interfaces[].name] | sort == ["t0", "v0", "v1"]' "$WORK/out" \
		> /dev/null || fail "json interfaces: $(cat "$WORK/out")"
	jq -e '.interfaces[] | select(.name == "t0") | .driver == "tun"' \
		"$WORK/out" > /dev/null || fail "t0 driver"
}
