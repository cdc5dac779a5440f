# diff / apply / rollback of sysctls against the real kernel.

write_tuning() {
	profile tune.ini <<'P'
[profile]
description = e2e tuning
[sysctl]
net.ipv4.ip_local_port_range = 10240 65001
net.ipv4.tcp_fin_timeout = 30
net/ipv4/tcp_tw_reuse = 1
net.ipv4.ip_local_reserved_ports = 20000-20010, 15000
P
}

test_diff_shows_drift_and_exits_1() {
	write_tuning
	run pt diff --profile "$WORK/tune.ini"
	expect_rc 1
	expect_out 'net.ipv4.ip_local_port_range: +32768 60999 -> 10240 65001'
	expect_out 'net.ipv4.tcp_fin_timeout: +60 -> 30'
	expect_out 'net.ipv4.ip_local_reserved_ports: + -> 15000,20000-20010'
}

test_apply_changes_the_real_values() {
	write_tuning
	run pt apply --profile "$WORK/tune.ini"
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.ip_local_port_range)" "10240 65001"
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
	expect_eq "$(sysctl_get net.ipv4.tcp_tw_reuse)" 1
	expect_eq "$(sysctl_get net.ipv4.ip_local_reserved_ports)" \
		"15000,20000-20010"
	expect_out '^changed +net.ipv4.tcp_fin_timeout: +60 -> 30'
	expect_out 'apply: 4 changed, 0 already set; snapshot 1 saved'
}

test_diff_is_clean_after_apply() {
	write_tuning
	pt apply --profile "$WORK/tune.ini" > /dev/null
	run pt diff --profile "$WORK/tune.ini"
	expect_rc 0
	expect_out 'no drift: 4 settings match'
}

test_second_apply_is_a_no_op() {
	write_tuning
	pt apply --profile "$WORK/tune.ini" > /dev/null
	run pt apply --profile "$WORK/tune.ini" --detailed-exitcodes
	expect_rc 0
	expect_out 'apply: nothing to change, 4 already set'
	expect_eq "$(snapshot_count)" 1 "snapshots after a no-op apply"
}

test_rollback_restores_the_originals_exactly() {
	before=$(state_of_sysctls)
	write_tuning
	pt apply --profile "$WORK/tune.ini" > /dev/null
	[ "$(state_of_sysctls)" != "$before" ] || fail "apply changed nothing"
	run pt rollback
	expect_rc 0
	expect_out 'rollback: 4 changed'
	expect_eq "$(state_of_sysctls)" "$before" "sysctls after rollback"
	# rolling back again finds nothing to do
	run pt rollback --detailed-exitcodes
	expect_rc 0
	expect_out 'nothing to change'
}

test_dry_run_changes_nothing() {
	before=$(state_of_sysctls)
	write_tuning
	run pt apply --profile "$WORK/tune.ini" --dry-run
	expect_rc 0
	expect_out '^would change +net.ipv4.tcp_fin_timeout: +60 -> 30'
	expect_out 'dry run, 4 would change'
	expect_eq "$(state_of_sysctls)" "$before"
	expect_eq "$(snapshot_count)" 0 "snapshots after a dry run"
}

test_detailed_exitcodes_say_changed() {
	write_tuning
	run pt apply --profile "$WORK/tune.ini" --detailed-exitcodes
	expect_rc 2
	run pt apply --profile "$WORK/tune.ini" --detailed-exitcodes
	expect_rc 0
}

test_json_report_of_apply() {
	write_tuning
	run pt apply --profile "$WORK/tune.ini" --format json
	expect_rc 0
	jq -e '.changed == true and .result == "ok" and .snapshot.id == 1
	       and .counts.changed == 4 and .dry_run == false' "$WORK/out" \
		> /dev/null || fail "json: $(cat "$WORK/out")"
	jq -e '.changes[] | select(.setting == "net.ipv4.tcp_fin_timeout")
	       | .before == "60" and .after == "30" and .status == "changed"
	       and .type == "sysctl"' "$WORK/out" > /dev/null ||
		fail "json change entry"
	run pt apply --profile "$WORK/tune.ini" --format json
	jq -e '.changed == false and .snapshot == null' "$WORK/out" \
		> /dev/null || fail "second json apply should say unchanged"
}

test_json_diff_lists_drift() {
	write_tuning
	run pt diff --profile "$WORK/tune.ini" --format json
	expect_rc 1
	jq -e '.drift == true and ([.changes[] | select(.status == "pending")]
	       | length) == 4' "$WORK/out" > /dev/null || fail "json diff"
}

test_multivalue_sysctls_compare_normalised() {
	sysctl_set net.ipv4.ip_local_port_range "10240 65001"
	printf '[sysctl]\nnet.ipv4.ip_local_port_range =   10240\t\t65001\n' \
		> "$WORK/ws.ini"
	run pt diff --profile "$WORK/ws.ini"
	expect_rc 0
}

test_kernel_refusal_reverts_earlier_changes() {
	before=$(state_of_sysctls)
	# tcp_syn_retries is generic to porttune; the kernel caps it at 127
	profile refuse.ini <<'P'
[sysctl]
net.ipv4.tcp_fin_timeout = 25
net.ipv4.ip_local_port_range = 20000 40001
net.ipv4.tcp_syn_retries = 200
P
	run pt apply --profile "$WORK/refuse.ini"
	expect_rc 1
	expect_out '^failed +net.ipv4.tcp_syn_retries: .*Invalid argument'
	expect_out '^reverted +net.ipv4.tcp_fin_timeout: +60 -> 25'
	expect_err 'apply failed: net.ipv4.tcp_syn_retries: kernel refused'
	expect_err 'reverted 2 changes: the host is as it was'
	expect_eq "$(state_of_sysctls)" "$before" "sysctls after failed apply"
}

test_failed_apply_in_json_and_detailed_exitcodes() {
	profile refuse.ini <<'P'
[sysctl]
net.ipv4.tcp_fin_timeout = 25
net.ipv4.tcp_syn_retries = 200
P
	run pt apply --profile "$WORK/refuse.ini" --format json \
		--detailed-exitcodes
	expect_rc 4
	jq -e '.result == "failed" and .changed == false and
	       .counts.reverted == 1 and .counts.failed == 1' "$WORK/out" \
		> /dev/null || fail "json: $(cat "$WORK/out")"
}

test_port_range_below_unprivileged_start_is_refused_before_writing() {
	sysctl_set net.ipv4.ip_unprivileged_port_start 5000
	before=$(state_of_sysctls)
	profile low.ini <<'P'
[sysctl]
net.ipv4.tcp_fin_timeout = 25
net.ipv4.ip_local_port_range = 4000 6001
P
	run pt apply --profile "$WORK/low.ini"
	expect_rc 2
	expect_out 'invalid +net.ipv4.ip_local_port_range: low end 4000 is below net.ipv4.ip_unprivileged_port_start \(5000\)'
	expect_err 'nothing was changed'
	expect_eq "$(state_of_sysctls)" "$before"
	expect_eq "$(snapshot_count)" 0
	# the kernel agrees with the check
	if echo "4000 6001" > /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
	then fail "kernel accepted a range below ip_unprivileged_port_start"; fi
}

test_rollback_of_a_named_older_generation() {
	orig=$(sysctl_get net.ipv4.tcp_fin_timeout)
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' > "$WORK/a.ini"
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 20\n' > "$WORK/b.ini"
	pt apply --profile "$WORK/a.ini" > /dev/null
	pt apply --profile "$WORK/b.ini" > /dev/null
	run pt snapshots list
	expect_out '^1 +[0-9T:-]+Z +apply +complete +1 +[0-9]+ +.*a\.ini'
	expect_out '^2 +[0-9T:-]+Z +apply +complete +1 +[0-9]+ +.*b\.ini'
	run pt rollback 1
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" "$orig"
	run pt rollback 2
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
	run pt snapshots show 1
	expect_out '^net.ipv4.tcp_fin_timeout = 60$'
	expect_out '^command = apply$'
}

test_rollback_dry_run_changes_nothing() {
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' > "$WORK/a.ini"
	pt apply --profile "$WORK/a.ini" > /dev/null
	run pt rollback latest --dry-run
	expect_rc 0
	expect_out 'would change +net.ipv4.tcp_fin_timeout: +30 -> 60'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
}

test_rollback_without_snapshots_says_so() {
	run pt rollback
	expect_rc 2
	expect_err 'no snapshot of an apply in network namespace net:\[[0-9]+\] to roll back'
	run pt rollback 7
	expect_rc 2
	expect_err 'snapshot 7: no such snapshot'
}

test_snapshots_are_private_and_atomic() {
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' > "$WORK/a.ini"
	pt apply --profile "$WORK/a.ini" > /dev/null
	expect_eq "$(stat -c %a "$STATE/snapshots")" 700 "snapshot dir mode"
	expect_eq "$(stat -c %a "$STATE/snapshots/000001.ini")" 600 "file mode"
	[ -z "$(ls -A "$STATE/snapshots" | grep -Ev '^(0.*|baseline-[0-9]+)\.ini$')" ] ||
		fail "temporary files left: $(ls -A "$STATE/snapshots")"
	# a written snapshot is a profile that rollback applies
	run pt rollback 1 --dry-run
	expect_rc 0
	expect_out 'net.ipv4.tcp_fin_timeout: +30 -> 60'
}

test_lock_stops_a_second_apply() {
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' > "$WORK/a.ini"
	mkdir -p "$STATE"
	exec 9> "$STATE/lock"
	flock -n 9
	run pt apply --profile "$WORK/a.ini"
	exec 9>&-
	expect_rc 2
	expect_err 'another apply or rollback is running'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}

test_unsupported_sysctl_is_reported_not_failed() {
	# tcp_tw_reuse_delay exists from Linux 6.14; older kernels lack it
	printf '[sysctl]\nnet.ipv4.tcp_tw_reuse_delay = 500\n' > "$WORK/d.ini"
	run pt apply --profile "$WORK/d.ini"
	expect_rc 0
	if [ -e /proc/sys/net/ipv4/tcp_tw_reuse_delay ]; then
		expect_eq "$(sysctl_get net.ipv4.tcp_tw_reuse_delay)" 500
	else
		expect_out 'unsupported +net.ipv4.tcp_tw_reuse_delay: .*6.14'
	fi
}

test_missing_privileges_fail_cleanly() {
	command -v setpriv > /dev/null || fail "setpriv (util-linux) missing"
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' > "$WORK/a.ini"
	chmod 755 "$WORK"
	chmod 644 "$WORK/a.ini"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PORTTUNE" --state-dir "$WORK/nobody-state" apply \
		--profile "$WORK/a.ini"
	[ "$RC" -ne 0 ] || fail "apply as nobody succeeded"
	expect_err 'porttune: .*(Permission denied|not permitted)'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}
