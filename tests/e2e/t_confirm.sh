# apply --confirm: the change reverts by itself at the deadline unless
# `porttune confirm` runs first, also when the shell that started it is
# gone. The reverting child lives in this test's namespace.

write_confirm_profile() {
	profile confirm.ini <<'P'
[sysctl]
net.ipv4.tcp_fin_timeout = 17
P
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# apply --confirm S from a shell that exits at once; $APPLIED_MS is when
# the apply returned
apply_confirm_detached() {
	sh -c '"$PORTTUNE" --state-dir "$1" apply --profile "$2" --confirm "$3"' \
		sh "$STATE" "$WORK/confirm.ini" "$1" > "$WORK/apply.out" 2>&1 ||
		{ cat "$WORK/apply.out"; fail "apply --confirm failed"; }
	APPLIED_MS=$(now_ms)
}

pending_pid() { sed -n 's/^pid=//p' "$STATE/confirm.pending"; }

test_unconfirmed_apply_is_reverted_within_a_second_of_its_deadline() {
	write_confirm_profile
	sysctl_set net.ipv4.tcp_fin_timeout 60
	apply_confirm_detached 2
	grep -Eq '^apply: confirm by [0-9T:-]+Z with porttune confirm, or snapshot 1 is rolled back then$' \
		"$WORK/apply.out" || { cat "$WORK/apply.out"; fail "no deadline printed"; }
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 17 "applied"
	# the terminal going away does not stop it
	kill -HUP "$(pending_pid)"
	sleep 1.5
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 17 "before the deadline"
	while [ "$(sysctl_get net.ipv4.tcp_fin_timeout)" != 60 ]; do
		[ $(( $(now_ms) - APPLIED_MS )) -lt 3000 ] ||
			fail "not reverted 1 s after the deadline"
		sleep 0.05
	done
	echo "reverted $(( $(now_ms) - APPLIED_MS )) ms after apply --confirm 2 returned"
	# the record is gone and the log says what happened
	for _ in $(seq 20); do [ -e "$STATE/confirm.pending" ] || break; sleep 0.1; done
	[ ! -e "$STATE/confirm.pending" ] || fail "pending record left"
	run pt confirm
	expect_rc 1
	expect_err 'nothing awaits confirmation; last: .*rolled back snapshot 1'
}

test_confirmed_apply_is_kept_after_the_deadline() {
	write_confirm_profile
	sysctl_set net.ipv4.tcp_fin_timeout 60
	apply_confirm_detached 2
	child=$(pending_pid)
	run pt confirm
	expect_rc 0
	expect_out '^confirmed: the changes of snapshot 1 \(apply of .*confirm.ini at .*\) stay; the rollback due at .* is cancelled$'
	# the child notices and leaves (it polls every 100 ms; slow under load)
	for _ in $(seq 40); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$child" 2>/dev/null && fail "reverting child still running"
	sleep 2.5
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 17 "kept"
}

test_pending_confirm_refuses_apply_and_shows_in_snapshots_and_audit() {
	write_confirm_profile
	sysctl_set net.ipv4.tcp_fin_timeout 60
	apply_confirm_detached 30
	run pt apply --profile "$WORK/confirm.ini"
	expect_rc 2
	expect_err 'snapshot 1 awaits confirmation'
	run pt apply --profile "$WORK/confirm.ini" --confirm 5
	expect_rc 2
	# configuration management reads why from the JSON report
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 44\n' > "$WORK/other.ini"
	run pt apply --profile "$WORK/other.ini" --format json
	expect_rc 2
	jq -e '.result == "invalid" and (.error | test("snapshot 1 awaits confirmation"))' \
		"$WORK/out" > /dev/null || fail "json refusal: $(cat "$WORK/out")"
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 17 "refused apply changed nothing"
	run pt snapshots list
	expect_out '^pending: snapshot 1 is rolled back at .* unless porttune confirm runs first'
	run pt audit --no-sockets --format json
	expect_eq "$(jq -r '.findings[] | select(.check == "confirm-pending") | .severity' "$WORK/out")" \
		WARNING "audit finding"
	pt confirm > /dev/null
	run pt snapshots list
	grep -q pending "$WORK/out" && fail "still pending after confirm"
	run pt apply --profile "$WORK/confirm.ini"
	expect_rc 0
}

test_apply_confirm_without_changes_leaves_nothing_pending() {
	write_confirm_profile
	sysctl_set net.ipv4.tcp_fin_timeout 17
	run pt apply --profile "$WORK/confirm.ini" --confirm 2
	expect_rc 0
	expect_out 'nothing changed, nothing to confirm'
	[ ! -e "$STATE/confirm.pending" ] || fail "pending record for no change"
}
