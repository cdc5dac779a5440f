# The Ansible module (contrib/ansible/library/porttune.py) run by Debian's
# ansible-core, against the sysctls of this private network namespace.

ansible_setup() {
	export HOME=$WORK/home ANSIBLE_LOCAL_TEMP=$WORK/home/tmp
	export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
	export ANSIBLE_LIBRARY=$TOP/contrib/ansible/library
	export ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_FORCE_COLOR=0
	mkdir -p "$HOME/tmp"
	echo 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3' \
		> "$WORK/inventory"
	sysctl_set net.ipv4.tcp_fin_timeout 60
	sysctl_set net.ipv4.tcp_tw_reuse 2
	profile p.ini <<-EOT
	[sysctl]
	net.ipv4.tcp_fin_timeout = 30
	net.ipv4.tcp_tw_reuse = 1
	EOT
	cat > "$WORK/play.yml" <<-EOT
	- hosts: localhost
	  gather_facts: false
	  tasks:
	    - porttune:
	        profile: $WORK/p.ini
	        state: "{{ want | default('applied') }}"
	        state_dir: $STATE
	        binary: $PORTTUNE
	EOT
}

play() {	# play ARGS...: run the playbook, output in $WORK/out
	run ansible-playbook -i "$WORK/inventory" "$WORK/play.yml" "$@"
}

recap() {	# the "changed=N" of the play recap
	sed -n 's/^localhost *: .*changed=\([0-9]*\).*/\1/p' "$WORK/out"
}

test_ansible_check_mode_reports_and_changes_nothing() {
	ansible_setup
	# the module's documentation parses (ansible-doc reads it as YAML)
	ansible-doc -t module porttune > "$WORK/doc" 2>&1 ||
		fail "ansible-doc: $(cat "$WORK/doc")"
	before=$(state_of_sysctls)
	play --check --diff
	expect_rc 0
	expect_eq "$(recap)" 1 "changed in check mode"
	expect_eq "$(state_of_sysctls)" "$before" "sysctls after check mode"
	expect_eq "$(snapshot_count)" 0 "snapshots after check mode"
	expect_out '^-net\.ipv4\.tcp_fin_timeout = 60$'
	expect_out '^\+net\.ipv4\.tcp_fin_timeout = 30$'
}

test_ansible_first_run_changes_second_does_not() {
	ansible_setup
	play --diff
	expect_rc 0
	expect_eq "$(recap)" 1 "first run"
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
	expect_eq "$(sysctl_get net.ipv4.tcp_tw_reuse)" 1
	expect_eq "$(snapshot_count)" 1 "snapshots"
	expect_out '^-net\.ipv4\.tcp_tw_reuse = 2$'
	expect_out '^\+net\.ipv4\.tcp_tw_reuse = 1$'
	play --diff
	expect_rc 0
	expect_eq "$(recap)" 0 "second run"
	! grep -q '^[-+]net\.' "$WORK/out" || fail "a diff on the second run"
	# and back
	play -e want=rolledback
	expect_rc 0
	expect_eq "$(recap)" 1 "rollback"
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}

test_ansible_failure_carries_porttunes_message() {
	ansible_setup
	printf '[sysctl]\nnet.ipv4.tcp_tw_recycle = 1\n' > "$WORK/p.ini"
	play
	[ "$RC" -ne 0 ] || fail "a bad profile should fail the play"
	expect_out 'FAILED!.*porttune: .*p\.ini:2: .*tcp_tw_recycle'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}

test_ansible_netns_option_tunes_that_namespace_only() {
	ansible_setup
	netns_add pod
	in_ns pod sh -c 'echo 60 > /proc/sys/net/ipv4/tcp_fin_timeout'
	sed -i "s|^        binary: .*|&\n        netns: $NS_PREFIX-pod|" "$WORK/play.yml"
	play
	expect_rc 0
	expect_eq "$(recap)" 1 "changed"
	expect_eq "$(in_ns pod cat /proc/sys/net/ipv4/tcp_fin_timeout)" 30 "pod's value"
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60 "this namespace's value"
}
