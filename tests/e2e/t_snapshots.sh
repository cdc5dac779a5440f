# Snapshots must always be able to undo what an apply did.

fin30() { printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' > "$WORK/a.ini"; }

test_damaged_snapshot_is_listed_not_fatal() {
	fin30
	pt apply --profile "$WORK/a.ini" > /dev/null
	printf '[sysctl]\nbroken\0x\n' > "$STATE/snapshots/000002.ini"
	run pt snapshots list
	expect_rc 0
	expect_out '^2 +.* damaged '
	# latest never skips a snapshot it cannot read
	run pt rollback
	expect_rc 2
	expect_err 'snapshot 2 is damaged'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
	run pt rollback 1
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}

test_failed_apply_leaves_no_snapshot_to_roll_back() {
	fin30
	pt apply --profile "$WORK/a.ini" > /dev/null
	printf '[sysctl]\nnet.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_syn_retries = 200\n' \
		> "$WORK/bad.ini"
	run pt apply --profile "$WORK/bad.ini"
	expect_rc 1
	expect_eq "$(snapshot_count)" 1 "snapshots after a reverted apply"
	# rollback still undoes the last apply that took effect
	run pt rollback
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}

test_snapshot_restores_values_porttune_would_refuse() {
	# the kernel takes 0 and negative values; porttune's own floor is 1
	sysctl_set net.ipv4.tcp_fin_timeout 0
	fin30
	run pt apply --profile "$WORK/a.ini"
	expect_rc 0
	run pt rollback
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 0
}

test_port_floor_and_range_apply_in_either_profile_order() {
	printf '[sysctl]\nnet.ipv4.ip_local_port_range = 500 60001\nnet.ipv4.ip_unprivileged_port_start = 400\n' \
		> "$WORK/down.ini"
	run pt apply --profile "$WORK/down.ini"
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.ip_local_port_range)" "500 60001"
	printf '[sysctl]\nnet.ipv4.ip_unprivileged_port_start = 2000\nnet.ipv4.ip_local_port_range = 3000 60001\n' \
		> "$WORK/up.ini"
	run pt apply --profile "$WORK/up.ini"
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.ip_unprivileged_port_start)" 2000
	run pt rollback 1
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.ip_local_port_range)" "32768 60999"
	expect_eq "$(sysctl_get net.ipv4.ip_unprivileged_port_start)" 1024
}

test_state_dir_too_long_changes_nothing() {
	fin30
	long=$WORK/$(printf 'd%.0s' $(seq 4100))
	run "$PORTTUNE" --state-dir "$long" apply --profile "$WORK/a.ini"
	expect_rc 2
	expect_err 'state directory name too long'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}

test_usage_errors_with_detailed_exitcodes_are_failures() {
	fin30
	run pt apply --detailed-exitcodes --profile "$WORK/a.ini" --bogus
	expect_rc 4
	expect_err "porttune: apply: unrecognized option '--bogus'"
	run pt rollback --format yaml --detailed-exitcodes
	expect_rc 4
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}

test_snapshot_names_odd_interfaces_exactly() {
	ip link add 'v]1' type veth peer name 'driver=veth'
	printf '[nic v*]\noffload.tso = off\n[nic driver=*]\noffload.gro = on\n' \
		> "$WORK/n.ini"
	run pt apply --profile "$WORK/n.ini"
	expect_rc 0
	run pt snapshots show 1
	expect_out '^\[nic name=v\]1\]$'
	expect_out '^\[nic name=driver=veth\]$'
	run pt rollback
	expect_rc 0
	ethtool -k 'v]1' | grep -q '^tcp-segmentation-offload: on' ||
		fail "tso not restored on v]1"
	ethtool -k 'driver=veth' | grep -q '^generic-receive-offload: off' ||
		fail "gro not restored on driver=veth"
	run pt rollback 1 --dry-run
	expect_rc 0
	expect_out 'dry run, 0 would change'
}

test_dependent_feature_request_is_corrected() {
	ip link add v0 type veth peer name v1
	ethtool -K v0 tx off
	# TSO is off in effect (tx is off) but still requested on
	printf '[nic v0]\noffload.tx = on\noffload.tso = off\n' > "$WORK/t.ini"
	run pt apply --profile "$WORK/t.ini"
	expect_rc 0
	ethtool -k v0 | grep -q '^tcp-segmentation-offload: off' ||
		fail "TSO came back on with tx: $(ethtool -k v0 | grep segmentation)"
	run pt diff --profile "$WORK/t.ini"
	expect_rc 0
}

test_planted_snapshot_link_is_refused() {
	fin30
	mkdir -p "$STATE" "$WORK/elsewhere"
	ln -s "$WORK/elsewhere" "$STATE/snapshots"
	run pt apply --profile "$WORK/a.ini"
	expect_rc 2
	expect_err 'snapshots: a symbolic link, not a directory; not safe'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
	[ -z "$(ls -A "$WORK/elsewhere")" ] || fail "wrote through the link"
}
