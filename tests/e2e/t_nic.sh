# NIC settings (offloads, coalescing, channels) against the real kernel:
# a veth pair (features, channels) and a tap (coalesce rx-frames only) in
# the test's private network namespace. `ethtool` is the independent oracle.

nic_devices() {
	ip link add v0 type veth peer name v1
	ip tuntap add dev t0 mode tap
}

# feature IF NAME: on|off as `ethtool -k` shows it (kernel or ethtool name)
feature() {
	ethtool -k "$1" | sed -n "s/^[[:space:]]*$2: \([a-z]*\).*/\1/p"
}

# channel IF Current|Pre-set TYPE: the number `ethtool -l` shows
channel() {
	ethtool -l "$1" | sed -n "/^$2/,/^\$/s/^$3:[[:space:]]*//p" | head -n 1
}

coalesce() {	# coalesce IF PARAM
	ethtool -c "$1" | sed -n "s/^$2:[[:space:]]*//p"
}

# Everything ethtool shows for the settings the suite touches.
nic_state() {
	ethtool -k v0
	ethtool -k v1
	ethtool -l v0
	ethtool -c t0
}

write_nic_tuning() {
	profile nic.ini <<'P'
[profile]
description = e2e NIC tuning
[nic v0]
offload.tso = off
offload.gso = off
channels.rx = 2
[nic t0]
coalesce.rx-frames = 5
P
}

test_nic_diff_shows_drift_and_exits_1() {
	nic_devices
	write_nic_tuning
	run pt diff --profile "$WORK/nic.ini"
	expect_rc 1
	expect_out '^drift +v0 offload.tx-tcp-segmentation: +on -> off$'
	expect_out '^drift +v0 offload.tx-tcp6-segmentation: +on -> off$'
	expect_out '^drift +v0 offload.tx-generic-segmentation: +on -> off$'
	expect_out '^drift +v0 channels.rx: +1 -> 2$'
	expect_out '^drift +t0 coalesce.rx-frames: +0 -> 5$'
}

test_nic_apply_changes_what_ethtool_sees() {
	nic_devices
	write_nic_tuning
	run pt apply --profile "$WORK/nic.ini"
	expect_rc 0
	expect_out '^changed +v0 offload.tx-tcp-segmentation: +on -> off$'
	expect_out 'snapshot 1 saved'
	expect_eq "$(feature v0 tx-tcp-segmentation)" off tso
	expect_eq "$(feature v0 tx-tcp6-segmentation)" off tso6
	expect_eq "$(feature v0 generic-segmentation-offload)" off gso
	expect_eq "$(channel v0 Current RX)" 2 "rx channels"
	expect_eq "$(coalesce t0 rx-frames)" 5 "rx-frames"
	# the peer is not in the profile
	expect_eq "$(feature v1 tx-tcp-segmentation)" on "v1 tso"
}

# Only the rtnetlink link list opens libnl-route-3: NIC apply and rollback
# list links from the ethtool dump and run without it.
test_nic_apply_and_rollback_run_without_libnl() {
	nic_devices
	before=$(nic_state)
	write_nic_tuning
	run without_lib libnl-route-3.so.200 "$PORTTUNE" --state-dir "$STATE" \
		apply --profile "$WORK/nic.ini"
	expect_rc 0
	expect_out '^changed +v0 offload.tx-tcp-segmentation: +on -> off$'
	expect_eq "$(feature v0 tx-tcp-segmentation)" off tso
	run without_lib libnl-route-3.so.200 "$PORTTUNE" --state-dir "$STATE" \
		rollback
	expect_rc 0
	expect_eq "$(nic_state)" "$before" "ethtool state after rollback"
}

# The audit's interface table needs the rtnetlink list: without libnl it
# says so in one line and the rest of the audit runs.
test_nic_audit_without_libnl_names_it_and_goes_on() {
	nic_devices
	run without_lib libnl-route-3.so.200 "$PORTTUNE" audit --no-sockets
	expect_rc 0
	expect_eq "$(wc -l < "$WORK/err")" 1 "lines on stderr"
	grep -q '^porttune: audit: interfaces: listing links needs libnl-route-3.so.200: ' \
		"$WORK/err" || fail "stderr: $(cat "$WORK/err")"
	expect_out '^OK +port-range '
	run "$PORTTUNE" audit --no-sockets
	expect_out '^v0 +veth '
}

test_nic_diff_is_clean_after_apply() {
	nic_devices
	write_nic_tuning
	pt apply --profile "$WORK/nic.ini" > /dev/null
	run pt diff --profile "$WORK/nic.ini"
	expect_rc 0
	expect_out 'no drift'
}

test_nic_second_apply_is_a_no_op() {
	nic_devices
	write_nic_tuning
	pt apply --profile "$WORK/nic.ini" > /dev/null
	run pt apply --profile "$WORK/nic.ini" --detailed-exitcodes
	expect_rc 0
	expect_out 'apply: nothing to change'
	expect_eq "$(snapshot_count)" 1 "snapshots after a no-op apply"
}

test_nic_rollback_restores_ethtool_state_exactly() {
	nic_devices
	before=$(nic_state)
	write_nic_tuning
	pt apply --profile "$WORK/nic.ini" > /dev/null
	[ "$(nic_state)" != "$before" ] || fail "apply changed nothing"
	run pt rollback
	expect_rc 0
	expect_out '^changed +v0 offload.tx-tcp-segmentation: +off -> on$'
	expect_out '^changed +t0 coalesce.rx-frames: +5 -> 0$'
	expect_eq "$(nic_state)" "$before" "ethtool -k/-l/-c after rollback"
}

test_nic_tso_alias_expands_to_every_tcp_segmentation_bit() {
	nic_devices
	printf '[nic v0]\noffload.tso = off\n' > "$WORK/p.ini"
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	bits=$(ethtool -k v0 | grep -c '^[[:space:]]*tx-tcp.*-segmentation:')
	[ "$bits" -ge 4 ] || fail "only $bits tx-tcp*-segmentation features"
	expect_eq "$(ethtool -k v0 | grep '^[[:space:]]*tx-tcp.*-segmentation:' |
		     grep -vc ': off')" 0 "tx-tcp*-segmentation bits still on"
	expect_eq "$(grep -Ec '^changed +v0 offload.tx-tcp.*-segmentation' \
		     "$WORK/out")" "$bits" "changes listed"
	expect_eq "$(feature v0 generic-segmentation-offload)" on "gso untouched"
}

test_nic_lso_is_an_alias_of_tso() {
	nic_devices
	printf '[nic v0]\noffload.lso = off\n' > "$WORK/p.ini"
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_eq "$(ethtool -k v0 | grep '^[[:space:]]*tx-tcp.*-segmentation:' |
		     grep -vc ': off')" 0 "tx-tcp*-segmentation bits still on"
	expect_eq "$(feature v0 tcp-segmentation-offload)" off tso
}

test_nic_kernel_feature_names_work() {
	nic_devices
	printf '[nic v0]\noffload.rx-gro = on\noffload.tx-generic-segmentation = off\n' \
		> "$WORK/p.ini"
	[ "$(feature v0 generic-receive-offload)" = off ] ||
		fail "veth gro is expected off by default"
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_out '^changed +v0 offload.rx-gro: +off -> on$'
	expect_eq "$(feature v0 generic-receive-offload)" on gro
	expect_eq "$(feature v0 generic-segmentation-offload)" off gso
}

test_nic_driver_section_matches_veth_not_tap() {
	nic_devices
	printf '[nic driver=veth]\noffload.gso = off\n' > "$WORK/p.ini"
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_eq "$(feature v0 generic-segmentation-offload)" off "v0 gso"
	expect_eq "$(feature v1 generic-segmentation-offload)" off "v1 gso"
	expect_eq "$(feature t0 generic-segmentation-offload)" on "t0 gso"
	if grep -q '^changed +t0' "$WORK/out"; then fail "tap matched"; fi
}

test_nic_driver_section_matches_tun() {
	nic_devices
	printf '[nic driver=tun]\ncoalesce.rx-frames = 7\n' > "$WORK/p.ini"
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_out '^changed +t0 coalesce.rx-frames: +0 -> 7$'
	expect_eq "$(coalesce t0 rx-frames)" 7 "rx-frames"
	if grep -q ' v[01] ' "$WORK/out"; then fail "a veth matched"; fi
}

test_nic_glob_section_matches_by_name() {
	nic_devices
	printf '[nic v*]\noffload.gso = off\n' > "$WORK/p.ini"
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_out '^changed +v0 offload.tx-generic-segmentation'
	expect_out '^changed +v1 offload.tx-generic-segmentation'
	expect_eq "$(feature t0 generic-segmentation-offload)" on "t0 gso"
}

test_nic_later_section_wins() {
	nic_devices
	profile p.ini <<'P'
[nic v*]
offload.gso = off
offload.tso = off
[nic v1]
offload.gso = on
P
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_eq "$(feature v0 generic-segmentation-offload)" off "v0 gso"
	expect_eq "$(feature v1 generic-segmentation-offload)" on "v1 gso"
	# the later section overrides one key, not the whole earlier section
	expect_eq "$(feature v1 tx-tcp-segmentation)" off "v1 tso"
}

test_nic_section_matching_nothing_is_a_warning() {
	nic_devices
	profile p.ini <<'P'
[sysctl]
net.ipv4.tcp_fin_timeout = 30
[nic eth*]
offload.gso = off
P
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_err 'warning: .*p.ini:3: \[nic eth\*\] matches no interface'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
	run pt diff --profile "$WORK/p.ini"
	expect_rc 0
	expect_err 'matches no interface'
}

write_tap_coalesce() {
	printf '[nic t0]\ncoalesce.rx-usecs = 50\ncoalesce.rx-frames = 5\n' \
		> "$WORK/co.ini"
}

test_nic_unsupported_coalesce_is_reported_while_others_apply() {
	nic_devices
	write_tap_coalesce
	run pt apply --profile "$WORK/co.ini"
	expect_rc 0
	expect_out '^unsupported +t0 coalesce.rx-usecs: +not supported by driver tun$'
	expect_out '^changed +t0 coalesce.rx-frames: +0 -> 5$'
	expect_out '1 unsupported'
	expect_eq "$(coalesce t0 rx-frames)" 5 "rx-frames"
	expect_eq "$(coalesce t0 rx-usecs)" n/a "rx-usecs"
}

test_nic_unsupported_has_its_own_json_status() {
	nic_devices
	write_tap_coalesce
	run pt apply --profile "$WORK/co.ini" --format json
	expect_rc 0
	jq -e '.result == "ok" and .counts.unsupported == 1 and
	       .counts.failed == 0 and .counts.changed == 1' "$WORK/out" \
		> /dev/null || fail "json: $(cat "$WORK/out")"
	jq -e '.changes[] | select(.setting == "coalesce.rx-usecs")
	       | .status == "unsupported" and .device == "t0"' "$WORK/out" \
		> /dev/null || fail "json rx-usecs entry"
}

test_nic_strict_refuses_unsupported_and_changes_nothing() {
	nic_devices
	before=$(nic_state)
	write_tap_coalesce
	run pt apply --profile "$WORK/co.ini" --strict
	expect_rc 2
	expect_err '1 setting cannot be applied; nothing was changed'
	expect_eq "$(nic_state)" "$before" "ethtool state after --strict"
	expect_eq "$(snapshot_count)" 0 "snapshots after --strict"
}

test_nic_fixed_feature_is_unsupported_not_failure() {
	nic_devices
	printf '[nic v0]\noffload.lro = on\noffload.gso = off\n' > "$WORK/p.ini"
	[ "$(ethtool -k v0 | sed -n 's/^large-receive-offload: //p')" = \
	  "off [fixed]" ] || fail "veth lro is expected fixed off"
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_out '^unsupported +v0 offload.rx-lro: +fixed off on this device \(driver veth\)'
	expect_out '^changed +v0 offload.tx-generic-segmentation'
	expect_eq "$(feature v0 large-receive-offload)" off lro
	run pt apply --profile "$WORK/p.ini" --format json
	jq -e '.changes[] | select(.setting == "offload.rx-lro")
	       | .status == "unsupported"' "$WORK/out" > /dev/null ||
		fail "json: $(cat "$WORK/out")"
}

# ethtool -K semantics: tx = tx-checksum-*, and veth cannot change the
# ipv4/ipv6/fcoe bits; an alias changes what the device can change.
test_nic_alias_leaves_out_fixed_bits_when_others_can_change() {
	nic_devices
	ethtool -K v0 tx off > /dev/null
	printf '[nic v0]\noffload.tx = on\n' > "$WORK/p.ini"
	run pt apply --profile "$WORK/p.ini" --strict
	expect_rc 0
	expect_out '^changed +v0 offload.tx-checksum-ip-generic: +off -> on'
	if grep -q unsupported "$WORK/out"; then
		fail "fixed bits of an alias reported: $(cat "$WORK/out")"
	fi
	expect_eq "$(feature v0 tx-checksumming)" on "tx checksumming"
	expect_eq "$(feature v0 tx-checksum-ipv4)" off "fixed ipv4 checksum"
}

test_nic_channel_count_over_maximum_fails_and_reverts_everything() {
	nic_devices
	max=$(channel v0 Pre-set RX)
	before_k=$(ethtool -k v0) before_l=$(ethtool -l v0)
	fin=$(sysctl_get net.ipv4.tcp_fin_timeout)
	profile p.ini <<P
[sysctl]
net.ipv4.tcp_fin_timeout = 25
[nic v0]
offload.gso = off
channels.rx = $((max + 1))
P
	run pt apply --profile "$WORK/p.ini"
	expect_rc 1
	expect_err "apply failed: v0: channels.rx: requested channel count exceeds maximum \(Invalid argument\)"
	expect_err 'reverted 2 changes: the host is as it was'
	expect_out '^failed +v0 channels.rx: '
	expect_out '^reverted +v0 offload.tx-generic-segmentation: +on -> off'
	expect_out '^reverted +net.ipv4.tcp_fin_timeout: '
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" "$fin" fin_timeout
	expect_eq "$(ethtool -k v0)" "$before_k" "ethtool -k v0"
	expect_eq "$(ethtool -l v0)" "$before_l" "ethtool -l v0"
}

# apply_deleting IF: apply p.ini, deleting IF between the plan and the first
# write. The snapshot's rename() comes after the plan and before the first
# write: holding it 2 s leaves time to delete the planned interface.
apply_deleting() {
	command -v strace > /dev/null ||
		fail "strace is needed (scripts/deps.sh installs it)"
	set +e
	strace -f -o /dev/null -e trace=/^rename \
		-e inject=/^rename:delay_enter=2000000 \
		"$PORTTUNE" --state-dir "$STATE" apply --profile "$WORK/p.ini" \
		> "$WORK/out" 2> "$WORK/err" &
	pid=$!
	sleep 0.7
	ip link del "$1"
	wait $pid
	RC=$?
	set -e
}

test_nic_interface_deleted_between_plan_and_apply_fails_and_reverts() {
	nic_devices
	fin=$(sysctl_get net.ipv4.tcp_fin_timeout)
	profile p.ini <<'P'
[sysctl]
net.ipv4.tcp_fin_timeout = 25
[nic v0]
offload.gso = off
P
	apply_deleting v0
	expect_rc 1
	expect_err 'apply failed: v0: interface vanished'
	expect_err 'reverted 1 change: the host is as it was'
	expect_out '^failed +v0 offload.tx-generic-segmentation'
	expect_out '^reverted +net.ipv4.tcp_fin_timeout'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" "$fin" fin_timeout
}

test_nic_device_gone_mid_batch_fails_and_reverts_the_batch() {
	# 40 devices: their offload requests travel 32 to a datagram. The
	# kernel goes on past the one that fails, so what came after it in
	# the same datagram was written and is reverted too; the second
	# datagram is never sent.
	i=0
	while [ $i -lt 40 ]; do
		ip link add b$i type veth peer name c$i
		i=$((i + 1))
	done
	before=$(for i in 0 6 31 32 39; do ethtool -k b$i; done)
	profile p.ini <<'P'
[nic b*]
offload.gso = off
P
	apply_deleting b5
	expect_rc 1
	expect_err 'apply failed: b5: interface vanished'
	expect_err 'reverted 31 changes: the host is as it was'
	expect_out '^failed +b5 offload.tx-generic-segmentation'
	expect_out '^reverted +b4 offload.tx-generic-segmentation'
	expect_out '^reverted +b6 offload.tx-generic-segmentation'
	expect_out '^reverted +b31 offload.tx-generic-segmentation'
	expect_out '^skipped +b32 offload.tx-generic-segmentation'
	expect_eq "$(for i in 0 6 31 32 39; do ethtool -k b$i; done)" \
		"$before" "ethtool -k after the revert"
}

test_nic_channels_max_resolves_to_the_device_maximum() {
	nic_devices
	max=$(channel v0 Pre-set RX)
	printf '[nic v0]\nchannels.rx = max\n' > "$WORK/p.ini"
	run pt diff --profile "$WORK/p.ini"
	expect_rc 1
	expect_out "^drift +v0 channels.rx: +1 -> $max\$"
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_eq "$(channel v0 Current RX)" "$max" "rx channels"
	expect_eq "$max" 2 "veth rx channel maximum here"
}

test_nic_json_apply_entries() {
	nic_devices
	write_nic_tuning
	run pt apply --profile "$WORK/nic.ini" --format json
	expect_rc 0
	jq -e '.changes[] | select(.setting == "offload.tx-tcp-segmentation")
	       | .type == "nic" and .device == "v0" and .before == "on"
	       and .after == "off" and .status == "changed"
	       and (.source | test("nic.ini:4$"))' "$WORK/out" > /dev/null ||
		fail "json: $(cat "$WORK/out")"
	jq -e '.changes[] | select(.setting == "coalesce.rx-frames")
	       | .device == "t0" and .before == "0" and .after == "5"' \
		"$WORK/out" > /dev/null || fail "json coalesce entry"
}

test_nic_tx_off_says_tso_was_switched_too() {
	nic_devices
	printf '[nic v0]\noffload.tx = off\n' > "$WORK/p.ini"
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_out '^changed +v0 offload.tx-checksum-ip-generic: +on -> off  \(also switched: .*tx-tcp-segmentation off'
	expect_eq "$(feature v0 tx-checksumming)" off "tx checksumming"
	# the kernel keeps TSO requested but turns it off
	expect_eq "$(ethtool -k v0 | sed -n 's/^[[:space:]]*tx-tcp-segmentation: //p')" \
		"off [requested on]" "tso"
}

test_nic_rollback_restores_tx_and_tso() {
	nic_devices
	before=$(ethtool -k v0)
	printf '[nic v0]\noffload.tx = off\n' > "$WORK/p.ini"
	pt apply --profile "$WORK/p.ini" > /dev/null
	run pt rollback
	expect_rc 0
	expect_eq "$(feature v0 tx-checksumming)" on "tx checksumming"
	expect_eq "$(feature v0 tx-tcp-segmentation)" on tso
	expect_eq "$(ethtool -k v0)" "$before" "ethtool -k v0 after rollback"
}

test_nic_snapshot_records_kernel_feature_names() {
	nic_devices
	write_nic_tuning
	pt apply --profile "$WORK/nic.ini" > /dev/null
	run pt snapshots show 1
	expect_rc 0
	expect_out '^\[nic name=v0\]$'
	expect_out '^offload.tx-tcp-segmentation = on$'
	expect_out '^offload.tx-generic-segmentation = on$'
	expect_out '^channels.rx = 1$'
	expect_out '^\[nic name=t0\]$'
	expect_out '^coalesce.rx-frames = 0$'
	# never aliases or bit numbers
	if grep -Eq '^offload\.(tso|gso|lso|[0-9]+) ' "$WORK/out"; then
		fail "snapshot has an alias or a bit number: $(cat "$WORK/out")"
	fi
	# each [nic] line is the section of the following settings
	[ "$(sed -n '/^\[nic name=v0\]/,/^$/p' "$WORK/out" |
	     grep -c '^offload.tx-tcp')" -ge 4 ] || fail "tso bits not under [nic name=v0]"
}

# reject_nic FILE PATTERN: apply and diff exit 2, say PATTERN, change nothing
reject_nic() {
	before=$(nic_state)
	run pt apply --profile "$WORK/$1"
	expect_rc 2
	expect_err "$2"
	expect_eq "$(nic_state)" "$before" "ethtool state after rejected $1"
	expect_eq "$(snapshot_count)" 0 "snapshots after rejected $1"
	run pt diff --profile "$WORK/$1"
	expect_rc 2
}

test_nic_offload_value_must_be_on_or_off() {
	nic_devices
	printf '[nic v0]\noffload.gso = off\noffload.tso = maybe\n' > "$WORK/p.ini"
	reject_nic p.ini "p.ini:3: offload.tso: 'maybe' is not on or off"
}

test_nic_misspelt_coalesce_key_gets_a_suggestion() {
	nic_devices
	printf '[nic t0]\ncoalesce.rx-frames = 5\ncoalesce.rx-usec = 5\n' \
		> "$WORK/p.ini"
	reject_nic p.ini "p.ini:3: unknown NIC setting 'coalesce.rx-usec'; did you mean 'coalesce.rx-usecs'\\?"
}

test_nic_ring_size_must_be_a_number_or_max() {
	nic_devices
	printf '[nic v0]\noffload.gso = off\nring.rx = lots\n' > "$WORK/p.ini"
	reject_nic p.ini "p.ini:3: ring.rx: 'lots' is not a number or max"
}

test_nic_unknown_kernel_feature_is_rejected_before_writing() {
	nic_devices
	printf '[nic v0]\noffload.gso = off\noffload.tx-tcp-segmentatoin = off\n' \
		> "$WORK/p.ini"
	reject_nic p.ini "p.ini:3: v0: 'tx-tcp-segmentatoin' is not a feature of this kernel \\(did you mean tx-tcp-segmentation\\?\\)"
}

many_state() {
	for i in m0 m11 mt0 mt8; do
		ethtool -k $i
		ethtool -l $i
		ethtool -c $i 2>&1 || true	# veth: no coalescing at all
	done
}

# Past a handful of devices porttune reads each area in one dump: the
# results must be the same as device by device.
test_nic_many_interfaces_each_get_their_settings() {
	for i in 0 2 4 6 8 10; do
		ip link add "m$i" type veth peer name "m$((i + 1))"
	done
	for i in 0 1 2 3 4 5 6 7 8; do ip tuntap add dev "mt$i" mode tap; done
	before=$(many_state)
	profile many.ini <<'P'
[nic m*]
offload.gso = off
coalesce.rx-frames = 3
channels.rx = max
P
	run pt apply --profile "$WORK/many.ini"
	expect_rc 0
	expect_eq "$(grep -c '^changed .* offload.tx-generic-segmentation' \
		     "$WORK/out")" 21 "gso changes"
	expect_out '^unsupported +m0 coalesce.rx-frames: +driver veth has no coalesce settings$'
	expect_out '^unsupported +mt0 channels.rx: '
	for i in m0 m5 m11 mt0 mt8; do
		expect_eq "$(feature $i generic-segmentation-offload)" off "$i gso"
	done
	expect_eq "$(coalesce mt0 rx-frames)" 3 "mt0 rx-frames"
	expect_eq "$(coalesce mt8 rx-frames)" 3 "mt8 rx-frames"
	expect_eq "$(channel m0 Current RX)" 2 "m0 rx channels"
	expect_eq "$(channel m11 Current RX)" 2 "m11 rx channels"
	run pt diff --profile "$WORK/many.ini"
	expect_rc 0
	run pt rollback
	expect_rc 0
	expect_eq "$(many_state)" "$before" "state after rollback"
}
