# Bad profiles are rejected whole, with file:line, and nothing changes.

# reject NAME PATTERN: apply must exit 2, say PATTERN, and change nothing
reject() {
	before=$(state_of_sysctls)
	run pt apply --profile "$WORK/$1"
	expect_rc 2
	expect_err "$2"
	expect_eq "$(state_of_sysctls)" "$before" "sysctls after rejected $1"
	expect_eq "$(snapshot_count)" 0 "snapshots after rejected $1"
	run pt diff --profile "$WORK/$1"
	expect_rc 2
}

test_unknown_section_is_rejected_with_a_suggestion() {
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n[sysctrl]\nx = 1\n' \
		> "$WORK/p.ini"
	reject p.ini "p.ini:3: unknown section 'sysctrl'; did you mean 'sysctl'\\?"
}

test_misspelt_known_sysctl_is_rejected() {
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_tw_reuze = 1\n' \
		> "$WORK/p.ini"
	reject p.ini "p.ini:3: unknown sysctl 'net.ipv4.tcp_tw_reuze'; did you mean 'net.ipv4.tcp_tw_reuse'\\?"
}

test_nonexistent_sysctl_is_rejected_before_writing() {
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_syn_retrys = 3\n' \
		> "$WORK/p.ini"
	reject p.ini "p.ini:3: net.ipv4.tcp_syn_retrys: no such sysctl; did you mean net.ipv4.tcp_syn_retries\\?"
}

test_out_of_range_value_is_rejected() {
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_tw_reuse = 3\n' \
		> "$WORK/p.ini"
	reject p.ini "p.ini:3: net.ipv4.tcp_tw_reuse: 3 is out of range 0-2"
}

test_reversed_port_range_is_rejected() {
	printf '[sysctl]\nnet.ipv4.ip_local_port_range = 60000 50000\n' \
		> "$WORK/p.ini"
	reject p.ini "p.ini:2: net.ipv4.ip_local_port_range: low end 60000 is above high end 50000"
}

test_malformed_port_range_is_rejected() {
	printf '[sysctl]\nnet.ipv4.ip_local_port_range = 1024-65000\n' \
		> "$WORK/p.ini"
	reject p.ini "p.ini:2: net.ipv4.ip_local_port_range: '1024-65000' is not two port numbers"
}

test_tcp_tw_recycle_is_a_clear_error() {
	printf '[sysctl]\nnet.ipv4.tcp_tw_recycle = 1\n' > "$WORK/p.ini"
	reject p.ini "p.ini:2: net.ipv4.tcp_tw_recycle was removed in Linux 4.12"
}

test_bad_reserved_ports_list_is_rejected() {
	printf '[sysctl]\nnet.ipv4.ip_local_reserved_ports = 8080,90000\n' \
		> "$WORK/p.ini"
	reject p.ini "p.ini:2: net.ipv4.ip_local_reserved_ports: 90000-90000 is outside"
}

test_include_cycle_is_rejected() {
	printf '[profile]\ninclude = b.ini\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' \
		> "$WORK/a.ini"
	printf '[profile]\ninclude = a.ini\n' > "$WORK/b.ini"
	before=$(state_of_sysctls)
	run pt apply --profile "$WORK/a.ini"
	expect_rc 2
	expect_err "b.ini:2: include cycle"
	expect_eq "$(state_of_sysctls)" "$before"
}

test_missing_include_is_rejected() {
	printf '[profile]\ninclude = nowhere.ini\n' > "$WORK/p.ini"
	reject p.ini "p.ini:2: include .*nowhere.ini: No such file"
}

test_line_without_equals_is_rejected() {
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout 30\n' > "$WORK/p.ini"
	reject p.ini "p.ini:2: expected \\[section\\] or key = value"
}

test_key_outside_a_section_is_rejected() {
	printf 'net.ipv4.tcp_fin_timeout = 30\n' > "$WORK/p.ini"
	reject p.ini "p.ini:1: 'net.ipv4.tcp_fin_timeout' is outside any section"
}

test_every_error_is_reported_at_once() {
	printf '[sysctl]\nnet.ipv4.tcp_tw_reuse = 9\nnet.ipv4.tcp_fin_timeout = x\n' \
		> "$WORK/p.ini"
	run pt diff --profile "$WORK/p.ini"
	expect_rc 2
	expect_err 'p.ini:2: '
	expect_err 'p.ini:3: net.ipv4.tcp_fin_timeout: .x. is not an integer'
}

test_missing_profile_file_is_a_clear_error() {
	run pt apply --profile "$WORK/none.ini"
	expect_rc 2
	expect_err "porttune: .*none.ini: No such file or directory"
}

test_include_child_values_win() {
	printf '[profile]\ndescription = base\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 40\nnet.ipv4.tcp_tw_reuse = 1\n' \
		> "$WORK/base.ini"
	mkdir "$WORK/sub"
	printf '[profile]\ninclude = ../base.ini\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 35\n' \
		> "$WORK/sub/child.ini"
	run pt apply --profile "$WORK/sub/child.ini"
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 35
	expect_eq "$(sysctl_get net.ipv4.tcp_tw_reuse)" 1
}

test_parity_warning_does_not_block() {
	printf '[sysctl]\nnet.ipv4.ip_local_port_range = 10000 60000\n' \
		> "$WORK/p.ini"
	run pt apply --profile "$WORK/p.ini"
	expect_rc 0
	expect_err 'warning: .*p.ini:2: .*both ends are even'
	expect_eq "$(sysctl_get net.ipv4.ip_local_port_range)" "10000 60000"
}
