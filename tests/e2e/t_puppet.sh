# Puppet's conventions: --detailed-exitcodes in a dry run, and one set of
# change-status words in the JSON of diff and apply.

puppet_profile() {
	sysctl_set net.ipv4.tcp_fin_timeout 60
	sysctl_set net.ipv4.tcp_tw_reuse 2
	profile p.ini <<-EOT
	[sysctl]
	net.ipv4.tcp_fin_timeout = 30
	net.ipv4.tcp_tw_reuse = 1
	EOT
}

test_dry_run_with_detailed_exitcodes_exits_2_when_changes_are_pending() {
	puppet_profile
	before=$(state_of_sysctls)
	run pt apply --profile "$WORK/p.ini" --dry-run --detailed-exitcodes
	expect_rc 2
	expect_eq "$(state_of_sysctls)" "$before" "sysctls after a dry run"
	expect_eq "$(snapshot_count)" 0 "snapshots after a dry run"
	run pt apply --profile "$WORK/p.ini" --dry-run --detailed-exitcodes \
		--format json
	expect_rc 2
	jq -e '.changed == true and .dry_run == true' "$WORK/out" > /dev/null ||
		fail "json: $(cat "$WORK/out")"
	run pt apply --profile "$WORK/p.ini" --detailed-exitcodes
	expect_rc 2
	run pt apply --profile "$WORK/p.ini" --dry-run --detailed-exitcodes
	expect_rc 0
	# without the flag a dry run is a success either way
	sysctl_set net.ipv4.tcp_fin_timeout 60
	run pt apply --profile "$WORK/p.ini" --dry-run
	expect_rc 0
}

test_rollback_dry_run_with_detailed_exitcodes_exits_2_when_pending() {
	puppet_profile
	pt apply --profile "$WORK/p.ini" > /dev/null
	run pt rollback --dry-run --detailed-exitcodes
	expect_rc 2
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
}

test_diff_and_apply_json_use_the_same_status_words() {
	puppet_profile
	sysctl_set net.ipv4.tcp_tw_reuse 1	# one already set
	run pt diff --profile "$WORK/p.ini" --format json
	expect_rc 1
	jq -c '[.changes[] | {setting, status}]' "$WORK/out" > "$WORK/diff"
	jq -c '.counts' "$WORK/out" > "$WORK/diff.counts"
	run pt apply --profile "$WORK/p.ini" --dry-run --format json
	jq -c '[.changes[] | {setting, status}]' "$WORK/out" > "$WORK/dry"
	jq -c '.counts' "$WORK/out" > "$WORK/dry.counts"
	expect_eq "$(cat "$WORK/diff")" "$(cat "$WORK/dry")" "statuses"
	expect_eq "$(cat "$WORK/diff.counts")" "$(cat "$WORK/dry.counts")" "counts"
	grep -q '"status":"pending"' "$WORK/diff" || fail "$(cat "$WORK/diff")"
	grep -q '"status":"same"' "$WORK/diff" || fail "$(cat "$WORK/diff")"
	# every status word of a change is a key of "counts"
	jq -e '(.counts | keys) as $k | all(.changes[]; .status as $s |
	       $k | index($s))' "$WORK/out" > /dev/null ||
		fail "a status not counted: $(cat "$WORK/out")"
	run pt apply --profile "$WORK/p.ini" --format json
	jq -e '[.changes[].status] | sort == ["changed", "same"]' \
		"$WORK/out" > /dev/null || fail "apply: $(cat "$WORK/out")"
}
