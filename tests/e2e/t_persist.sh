# persist, --root, boot-time conflicts and apply --interface. Everything
# persist writes goes under --root, a temporary directory: never the real
# /etc. sysctl(8) reads the written file back inside the private namespace,
# where net.* keys are this namespace's own.

# a root with a legacy file that undoes the profile's tcp_tw_reuse
persist_root() {
	ROOT=$WORK/root
	mkdir -p "$ROOT/etc/sysctl.d" "$ROOT/usr/lib/sysctl.d"
	printf '# old tuning\nnet.ipv4.tcp_tw_reuse = 0\n' \
		> "$ROOT/etc/sysctl.d/60-legacy.conf"
	printf 'net/ipv4/tcp_fin_timeout=45\n' \
		> "$ROOT/usr/lib/sysctl.d/75-vendor.conf"
	# hidden by nothing, sets nothing of the profile
	printf 'net.ipv4.tcp_syn_retries = 5\n' \
		> "$ROOT/usr/lib/sysctl.d/99-other.conf"
}

write_persist_profile() {
	profile base.ini <<'P'
[sysctl]
net.ipv4.tcp_fin_timeout = 20
P
	profile persist.ini <<'P'
[profile]
description = e2e persist
include = base.ini
[sysctl]
net.ipv4.tcp_tw_reuse = 1
net.ipv4.ip_local_port_range = 20000 40001
[nic vt*]
offload.tso = off
P
}

ptr() { "$PORTTUNE" --root "$ROOT" --state-dir "$STATE" "$@"; }

porttune_conf() { ls "$ROOT/etc/sysctl.d" | grep -- '-porttune\.conf$'; }

test_persist_sysctl_file_read_by_sysctl_gives_profile_values() {
	persist_root
	write_persist_profile
	run ptr persist --profile "$WORK/persist.ini"
	expect_rc 0
	conf=$ROOT/etc/sysctl.d/$(porttune_conf)
	grep -q '^# Written by porttune persist from .*persist.ini' "$conf" ||
		fail "no header naming the profile"
	sysctl_set net.ipv4.tcp_tw_reuse 2
	sysctl_set net.ipv4.tcp_fin_timeout 60
	sysctl -p "$conf" > /dev/null
	expect_eq "$(sysctl_get net.ipv4.tcp_tw_reuse)" 1 tcp_tw_reuse
	# from the included file: includes are resolved
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 20 tcp_fin_timeout
	expect_eq "$(sysctl_get net.ipv4.ip_local_port_range)" "20000 40001" range
}

test_persist_file_sorts_after_every_file_setting_its_keys() {
	persist_root
	write_persist_profile
	run ptr persist --profile "$WORK/persist.ini"
	expect_rc 0
	name=$(porttune_conf)
	# after 60-legacy.conf and 75-vendor.conf, which set the same keys
	last=$(printf '%s\n' 60-legacy.conf 75-vendor.conf "$name" | LC_ALL=C sort | tail -n 1)
	expect_eq "$last" "$name" "sort order"
	expect_out "wrote /etc/sysctl.d/$name"
}

test_persisted_profile_resolves_includes_and_matches_diff() {
	persist_root
	write_persist_profile
	ptr persist --profile "$WORK/persist.ini" > /dev/null
	grep -q '^include' "$ROOT/etc/porttune/profile.ini" &&
		fail "the persisted profile still includes"
	ip link add vt0 type veth peer name vt1
	pt apply --profile "$WORK/persist.ini" > /dev/null
	# the flattened profile asks for exactly what the original did
	run ptr diff --profile /etc/porttune/profile.ini
	expect_rc 0
	expect_out 'no drift'
}

test_conflict_is_named_in_text_and_json() {
	persist_root
	write_persist_profile
	run ptr diff --profile "$WORK/persist.ini"
	expect_err '^porttune: warning: /etc/sysctl.d/60-legacy.conf:2 sets net.ipv4.tcp_tw_reuse = 0; the next boot undoes this profile$'
	expect_err '^porttune: warning: /usr/lib/sysctl.d/75-vendor.conf:1 sets net.ipv4.tcp_fin_timeout = 45; the next boot undoes this profile$'
	grep -q tcp_syn_retries "$WORK/err" && fail "a key outside the profile"
	run ptr diff --profile "$WORK/persist.ini" --format json
	expect_eq "$(jq -c '.conflicts[] | select(.setting == "net.ipv4.tcp_tw_reuse")' "$WORK/out")" \
		'{"setting":"net.ipv4.tcp_tw_reuse","file":"/etc/sysctl.d/60-legacy.conf","line":2,"value":"0","profile_value":"1"}' \
		"diff json conflict"
	expect_eq "$(jq '.conflicts | length' "$WORK/out")" 2 "conflicts"
	run ptr apply --profile "$WORK/persist.ini" --format json
	expect_rc 0
	expect_eq "$(jq -r '.conflicts[] | select(.setting == "net.ipv4.tcp_fin_timeout") | .file' "$WORK/out")" \
		/usr/lib/sysctl.d/75-vendor.conf "apply json conflict"
	run ptr audit --profile "$WORK/persist.ini" --no-sockets --format json
	expect_eq "$(jq -r '[.findings[] | select(.check == "boot-conflict") | .severity] | .[0]' "$WORK/out")" \
		WARNING "audit finding"
}

test_same_name_in_etc_hides_the_vendor_file() {
	persist_root
	write_persist_profile
	printf '# masked\n' > "$ROOT/etc/sysctl.d/75-vendor.conf"
	run ptr diff --profile "$WORK/persist.ini"
	grep -q 75-vendor "$WORK/err" && fail "a hidden file was read"
	expect_err '60-legacy.conf:2'
}

test_persisted_file_is_not_a_conflict() {
	persist_root
	write_persist_profile
	ptr persist --profile "$WORK/persist.ini" > /dev/null
	run ptr diff --profile "$WORK/persist.ini"
	grep -q 'next boot' "$WORK/err" && { cat "$WORK/err"; fail "conflict after persist"; }
	# a later file that undoes it again is named
	printf 'net.ipv4.tcp_tw_reuse = 2\n' > "$ROOT/etc/sysctl.d/zz-late.conf"
	run ptr diff --profile "$WORK/persist.ini"
	expect_err 'zz-late.conf:1 sets net.ipv4.tcp_tw_reuse = 2'
}

test_udev_rule_command_tunes_a_new_veth_and_nothing_else() {
	persist_root
	write_persist_profile
	ptr persist --profile "$WORK/persist.ini" > /dev/null
	rule=$ROOT/etc/udev/rules.d/81-porttune.rules
	grep -q 'ACTION=="add", SUBSYSTEM=="net"' "$rule" || fail "rule match"
	cmd=$(sed -n 's/.*RUN+="\([^"]*\)".*/\1/p' "$rule")
	[ -n "$cmd" ] || fail "no RUN command in the rule"
	# the device appears after persist
	ip link add vt0 type veth peer name vt1
	before=$(state_of_sysctls)
	# as udev would run it, %k substituted; the profile is under --root
	set -- $(echo "$cmd" | sed 's/%k/vt0/g')
	bin=$1
	shift
	start=$(date +%s%N)
	"$bin" --root "$ROOT" "$@" > "$WORK/out" 2> "$WORK/err" || {
		cat "$WORK/out" "$WORK/err"; fail "rule command failed"; }
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "rule command took ${ms} ms"
	[ "$ms" -lt 2000 ] || fail "rule command took ${ms} ms"
	expect_eq "$(ethtool -k vt0 | sed -n 's/^tcp-segmentation-offload: //p')" off "vt0 tso"
	# vt1 matches the section too, but was not named
	expect_eq "$(ethtool -k vt1 | sed -n 's/^tcp-segmentation-offload: //p')" on "vt1 tso"
	expect_eq "$(state_of_sysctls)" "$before" "sysctls"
}

test_apply_interface_unknown_is_an_error() {
	write_persist_profile
	run pt apply --profile "$WORK/persist.ini" --interface nosuch0
	expect_rc 2
	expect_err 'nosuch0: no such interface'
}

test_persist_remove_leaves_nothing() {
	persist_root
	write_persist_profile
	before=$(cd "$ROOT" && find . | sort; cat etc/sysctl.d/*)
	ptr persist --profile "$WORK/persist.ini" > /dev/null
	# again, over the first: still one set of files
	ptr persist --profile "$WORK/persist.ini" > /dev/null
	expect_eq "$(porttune_conf | wc -l)" 1 "porttune sysctl files"
	run ptr persist --remove
	expect_rc 0
	expect_out 'removed /etc/udev/rules.d/81-porttune.rules'
	after=$(cd "$ROOT" && find . | sort; cat etc/sysctl.d/*)
	expect_eq "$after" "$before" "tree after persist --remove"
}

test_persist_remove_refuses_a_changed_file() {
	persist_root
	write_persist_profile
	ptr persist --profile "$WORK/persist.ini" > /dev/null
	conf=$ROOT/etc/sysctl.d/$(porttune_conf)
	echo 'net.ipv4.tcp_syn_retries = 3' >> "$conf"
	run ptr persist --remove
	expect_rc 1
	expect_err "/etc/sysctl.d/.*-porttune.conf was changed"
	[ -f "$ROOT/etc/porttune/profile.ini" ] || fail "removed despite refusing"
	run ptr persist --remove --force
	expect_rc 0
	[ ! -e "$conf" ] || fail "--force kept the file"
}

test_persist_dry_run_writes_nothing() {
	persist_root
	write_persist_profile
	before=$(cd "$ROOT" && find . | sort)
	run ptr persist --profile "$WORK/persist.ini" --dry-run
	expect_rc 0
	expect_out '^==> /etc/systemd/system/porttune.service <==$'
	expect_out '^Before=network-pre.target'
	expect_out '^ExecStart=.* apply --profile /etc/porttune/profile.ini$'
	expect_eq "$(cd "$ROOT" && find . | sort)" "$before" "tree"
}

test_apply_interface_waits_for_a_busy_lock() {
	write_persist_profile
	ip link add vt0 type veth peer name vt1
	mkdir -p "$STATE"
	# another apply holds the lock for a second, as in a burst of events
	flock "$STATE/lock" sleep 1 &
	BG_PIDS="$BG_PIDS $!"
	sleep 0.2
	run pt apply --profile "$WORK/persist.ini" --interface vt0
	expect_rc 0
	expect_eq "$(ethtool -k vt0 | sed -n 's/^tcp-segmentation-offload: //p')" off "vt0 tso"
	# an interactive apply still says at once that it is busy
	flock "$STATE/lock" sleep 1 &
	BG_PIDS="$BG_PIDS $!"
	sleep 0.2
	run pt apply --profile "$WORK/persist.ini"
	expect_rc 2
	expect_err 'another apply or rollback is running'
}
