# Files that are not what they seem: refused quickly, by name, with nothing
# changed; snapshots cut short stop rollback; long values survive a snapshot.

fin30() { printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' > "$WORK/a.ini"; }

# refused FILE PATTERN: apply and diff exit 2 within seconds, say PATTERN,
# and nothing changes
refused() {
	before=$(state_of_sysctls)
	run timeout 20 "$PORTTUNE" --state-dir "$STATE" apply --profile "$1"
	expect_rc 2
	expect_err "$2"
	expect_eq "$(state_of_sysctls)" "$before" "sysctls after refusing $1"
	expect_eq "$(snapshot_count)" 0 "snapshots after refusing $1"
	run timeout 20 "$PORTTUNE" --state-dir "$STATE" diff --profile "$1"
	expect_rc 2
	expect_err "$2"
}

test_fifo_profile_is_refused_without_hanging() {
	mkfifo "$WORK/p.ini"
	refused "$WORK/p.ini" "p.ini: not a regular file"
}

test_dev_zero_profile_is_refused() {
	refused /dev/zero "/dev/zero: not a regular file"
}

test_fifo_include_is_refused_by_line() {
	mkfifo "$WORK/fifo.ini"
	printf '[profile]\ninclude = fifo.ini\n' > "$WORK/p.ini"
	refused "$WORK/p.ini" "p.ini:2: include .*fifo.ini: not a regular file"
}

test_profile_over_one_mib_is_refused() {
	fin30
	truncate -s 1048577 "$WORK/big.ini"
	refused "$WORK/big.ini" "big.ini: larger than 1048576 bytes"
	printf '[profile]\ninclude = big.ini\n' > "$WORK/p.ini"
	refused "$WORK/p.ini" "include .*big.ini: larger than 1048576 bytes"
}

test_include_bomb_is_refused_quickly() {
	# 17 files, each including the next four times: 4^16 reads uncapped
	for i in $(seq 1 16); do
		n=$((i + 1))
		printf '[profile]\ninclude = f%s.ini\ninclude = f%s.ini\ninclude = f%s.ini\ninclude = f%s.ini\n' \
			$n $n $n $n > "$WORK/f$i.ini"
	done
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n' > "$WORK/f17.ini"
	start=$(date +%s)
	refused "$WORK/f1.ini" "more than 64 files in one profile"
	[ $(($(date +%s) - start)) -lt 10 ] || fail "took $(($(date +%s) - start)) s"
	[ "$(grep -c 'more than 64 files' "$WORK/err")" = 1 ] ||
		fail "the limit is reported more than once"
}

test_profile_with_utf8_bom_applies() {
	printf '\357\273\277[sysctl]\nnet.ipv4.tcp_fin_timeout = 31\n' > "$WORK/bom.ini"
	run pt apply --profile "$WORK/bom.ini"
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 31
}

test_long_reserved_ports_survive_snapshot_and_rollback() {
	# every third port: no ranges to fold, ~400 characters on one line
	long=$(seq -s, 20000 3 20250)
	[ ${#long} -gt 198 ] || fail "test list too short: ${#long}"
	sysctl_set net.ipv4.ip_local_reserved_ports "$long"
	expect_eq "$(sysctl_get net.ipv4.ip_local_reserved_ports)" "$long"
	printf '[sysctl]\nnet.ipv4.ip_local_reserved_ports = 8080\n' > "$WORK/r.ini"
	run pt apply --profile "$WORK/r.ini"
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.ip_local_reserved_ports)" 8080
	awk 'length > 198 { exit 1 }' "$STATE/snapshots/000001.ini" ||
		fail "snapshot has a line inih cannot read"
	grep -q "^	" "$STATE/snapshots/000001.ini" || fail "no continuation line"
	run pt snapshots list
	expect_out '^1 +.* apply +complete +1 '
	run pt rollback
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.ip_local_reserved_ports)" "$long"
	# and a profile may continue a long value the same way
	printf '[sysctl]\nnet.ipv4.ip_local_reserved_ports = 8080,\n\t9000-9010,\n    9100 ; comment\n' \
		> "$WORK/c.ini"
	run pt apply --profile "$WORK/c.ini"
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.ip_local_reserved_ports)" "8080,9000-9010,9100"
}

test_empty_newest_snapshot_stops_rollback() {
	fin30
	pt apply --profile "$WORK/a.ini" > /dev/null
	: > "$STATE/snapshots/000002.ini"
	run pt snapshots list
	expect_rc 0
	expect_out '^2 +.* damaged '
	run pt rollback
	expect_rc 2
	expect_err 'snapshot 2 is damaged'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
}

test_header_only_newest_snapshot_stops_rollback() {
	fin30
	pt apply --profile "$WORK/a.ini" > /dev/null
	# cut after the comment header, then after the metadata
	sed -n '1,3p' "$STATE/snapshots/000001.ini" > "$STATE/snapshots/000002.ini"
	run pt rollback
	expect_rc 2
	expect_err 'snapshot 2 is damaged'
	sed '/^\[sysctl\]/,$d; s/^id = 1$/id = 3/' "$STATE/snapshots/000001.ini" \
		> "$STATE/snapshots/000003.ini"
	rm "$STATE/snapshots/000002.ini"
	run pt rollback
	expect_rc 2
	expect_err 'snapshot 3 is damaged'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
	run pt rollback 1
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}

test_snapshot_ids_past_999999_are_kept() {
	fin30
	pt apply --profile "$WORK/a.ini" > /dev/null
	sed 's/^id = 1$/id = 1000000/' "$STATE/snapshots/000001.ini" \
		> "$STATE/snapshots/1000000.ini"
	rm "$STATE/snapshots/000001.ini"
	run pt snapshots list
	expect_out '^1000000 +.* apply +complete +1 '
	printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 40\n' > "$WORK/b.ini"
	run pt apply --profile "$WORK/b.ini"
	expect_rc 0
	expect_out 'snapshot 1000001 saved'
	[ -f "$STATE/snapshots/1000001.ini" ] || fail "no 1000001.ini"
	run pt rollback
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
	run pt rollback 1000000
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}

# full_state_dir CMD...: run porttune with a state directory on a tmpfs
# (in a private mount namespace) whose inodes are used up by snapshots/ and
# the lock file: the lock works, the snapshot file cannot be created
full_state_dir() {
	mkdir -p "$STATE"
	run unshare -m sh -c 'st=$1; shift
		mount -t tmpfs -o mode=700,nr_inodes=3 tmpfs "$st" &&
		mkdir -m 700 "$st/snapshots" && : > "$st/lock" &&
		! touch "$st/probe" 2>/dev/null &&
		exec "$@"' sh "$STATE" "$PORTTUNE" --state-dir "$STATE" "$@"
}

test_failed_snapshot_write_exits_2() {
	fin30
	full_state_dir apply --profile "$WORK/a.ini"
	expect_rc 2
	expect_err 'nothing was changed'
	expect_err 'No space left on device'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
	full_state_dir apply --detailed-exitcodes --profile "$WORK/a.ini"
	expect_rc 4
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}
