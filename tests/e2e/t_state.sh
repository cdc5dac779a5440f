# The state directory is a trust boundary; interrupted applies are noticed
# and undone; snapshots belong to the network namespace they were taken in.

fin() { printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = %s\n' "$1" > "$WORK/fin$1.ini"; }

# three settings, so a kill can fall between the first and the second
three() {
	printf '[sysctl]\nnet.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_syn_retries = 3\n' \
		> "$WORK/three.ini"
}

# Every command that reads the state directory refuses it: exit 2, the
# directory and the reason named, nothing changed or written.
refused_everywhere() {	# PATTERN
	before=$(state_of_sysctls)
	fin 45
	for cmd in "apply --profile $WORK/fin45.ini" \
		   "apply --dry-run --profile $WORK/fin45.ini" \
		   "rollback" "rollback --dry-run" "rollback 1" \
		   "rollback baseline" "snapshots" "snapshots list --all" \
		   "snapshots show 1" "snapshots ack 1"; do
		# shellcheck disable=SC2086
		run pt $cmd
		[ "$RC" = 2 ] || { cat "$WORK/out" "$WORK/err" >&2
			fail "'$cmd': exit status $RC, expected 2"; }
		grep -Eq -- "$1" "$WORK/err" || { cat "$WORK/err" >&2
			fail "'$cmd': stderr lacks /$1/"; }
		[ ! -s "$WORK/out" ] || fail "'$cmd' printed: $(cat "$WORK/out")"
	done
	# diff does not need the state: it runs, and says why it did not look
	run pt diff --profile "$WORK/fin45.ini"
	expect_rc 1
	expect_err "warning: diff: not checked for an interrupted apply: .*$1"
	expect_eq "$(state_of_sysctls)" "$before" "sysctls"
	expect_eq "$(snapshot_count)" 1 "snapshots"
}

test_world_writable_state_dir_is_refused_by_every_command() {
	fin 30
	pt apply --profile "$WORK/fin30.ini" > /dev/null
	chmod 777 "$STATE"
	refused_everywhere "$STATE: writable by anyone \\(mode 0777\\); not safe for porttune state"
	chmod 775 "$STATE/snapshots"
	chmod 700 "$STATE"
	refused_everywhere "$STATE/snapshots: writable by its group \\(mode 0775\\)"
}

test_foreign_owned_state_dir_is_refused_by_every_command() {
	fin 30
	pt apply --profile "$WORK/fin30.ini" > /dev/null
	chown nobody "$STATE"
	refused_everywhere "$STATE: owned by uid [0-9]+, not by this user \\(uid 0\\); not safe"
	chown 0 "$STATE"
	chown nobody "$STATE/snapshots"
	refused_everywhere "$STATE/snapshots: owned by uid [0-9]+, not by this user"
}

test_planted_snapshot_is_refused_by_every_command() {
	fin 30
	pt apply --profile "$WORK/fin30.ini" > /dev/null
	# what someone else wrote: it would set tcp_fin_timeout to 5
	sed 's/= 60$/= 5/' "$STATE/snapshots/000001.ini" > "$STATE/snapshots/000001.new"
	mv "$STATE/snapshots/000001.new" "$STATE/snapshots/000001.ini"
	chown nobody "$STATE/snapshots/000001.ini"
	refused_everywhere "000001.ini: owned by uid [0-9]+, not by this user"
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
}

test_state_dir_is_created_private() {
	fin 30
	run "$PORTTUNE" --state-dir "$WORK/new" snapshots list
	expect_rc 0
	expect_out 'no snapshots'
	[ ! -e "$WORK/new" ] || fail "snapshots list created the state directory"
	run "$PORTTUNE" --state-dir "$WORK/new" apply --profile "$WORK/fin30.ini"
	expect_rc 0
	expect_eq "$(stat -c '%a %u' "$WORK/new")" "700 0" "state dir"
	expect_eq "$(stat -c '%a %u' "$WORK/new/snapshots")" "700 0" "snapshots/"
}

# A real SIGKILL between the first and the second write of an apply:
# strace skips the write to tcp_fin_timeout and kills porttune there.
kill_at_second_write() {
	run strace -qq -f -o /dev/null -P /proc/sys/net/ipv4/tcp_fin_timeout \
		-e trace=write -e inject=write:error=EIO:signal=KILL \
		"$PORTTUNE" --state-dir "$STATE" apply --profile "$WORK/three.ini"
	expect_rc 137
	expect_eq "$(sysctl_get net.ipv4.tcp_tw_reuse)" 1 "first change made"
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60 "second not"
}

test_killed_apply_is_noticed_refused_and_rolled_back_exactly() {
	command -v strace > /dev/null || fail "strace is needed (scripts/deps.sh)"
	three
	orig=$(state_of_sysctls)
	kill_at_second_write
	for cmd in "snapshots list" "diff --profile $WORK/three.ini" \
		   "apply --dry-run --profile $WORK/three.ini"; do
		# shellcheck disable=SC2086
		run pt $cmd
		expect_err "warning: snapshot 1: an apply or rollback was interrupted"
	done
	run pt rollback --dry-run
	expect_err "snapshot 1: undoing an interrupted apply"
	expect_out "would change +net.ipv4.tcp_tw_reuse: +1 -> 2"
	run pt snapshots list
	expect_out '^1 +[0-9T:-]+Z +apply +INTERRUPTED +3 '
	run pt apply --dry-run --format json --profile "$WORK/three.ini"
	expect_eq "$(jq .interrupted "$WORK/out")" 1 "JSON interrupted"
	# applying again would record the half-applied state as "before"
	run pt apply --profile "$WORK/three.ini"
	expect_rc 2
	expect_err "snapshot 1: an earlier apply or rollback was interrupted; undo it with 'porttune rollback', or keep the host as it is with 'porttune snapshots ack 1'; nothing was changed"
	expect_eq "$(snapshot_count)" 1 "snapshots after the refused apply"
	run pt rollback
	expect_rc 0
	expect_eq "$(state_of_sysctls)" "$orig" "sysctls after rollback"
	run pt snapshots list
	expect_out '^1 +[0-9T:-]+Z +apply +complete '
	run pt apply --profile "$WORK/three.ini"
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
}

# A mark is an interruption only when no apply or rollback holds the lock.
test_transaction_holding_the_lock_is_running_not_interrupted() {
	three
	kill_at_second_write
	exec 9< "$STATE/lock"
	flock -n 9 || fail "could not take the lock"
	run pt snapshots list
	expect_rc 0
	expect_out '^1 +[0-9T:-]+Z +apply +running +3 '
	[ ! -s "$WORK/err" ] || fail "warned: $(cat "$WORK/err")"
	exec 9<&-
	run pt snapshots list
	expect_out '^1 +[0-9T:-]+Z +apply +INTERRUPTED +3 '
	expect_err "warning: snapshot 1"
}

test_interrupted_apply_can_be_acknowledged() {
	three
	kill_at_second_write
	run pt snapshots ack 1
	expect_rc 0
	expect_out 'snapshot 1: accepted'
	run pt snapshots list
	[ ! -s "$WORK/err" ] || fail "still warned: $(cat "$WORK/err")"
	run pt apply --profile "$WORK/three.ini"
	expect_rc 0
	# the snapshot still holds the original of what it changed
	run pt rollback 1
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_tw_reuse)" 2
	run pt snapshots ack 1
	expect_rc 1
	expect_err 'no interrupted apply or rollback with this id'
}

# A real SIGKILL when the seal links the snapshot as NNNNNN.ini: it is left
# only in its mark.
kill_at_seal() {
	command -v strace > /dev/null || fail "strace is needed (scripts/deps.sh)"
	three
	run strace -qq -f -o /dev/null \
		-e trace=linkat -e inject=linkat:error=EIO:signal=KILL \
		"$PORTTUNE" --state-dir "$STATE" apply --profile "$WORK/three.ini"
	expect_rc 137
	[ -s "$STATE/snapshots/000001.pending" ] || fail "no mark holding the snapshot"
	[ ! -e "$STATE/snapshots/000001.ini" ] || fail "sealed despite the kill"
}

# The snapshot is in place (in its mark) before the first change, and made
# durable (synced, linked as NNNNNN.ini) alongside the changes: a kill
# before that still leaves everything rollback needs.
test_apply_killed_before_its_snapshot_was_sealed_is_rolled_back() {
	orig=$(state_of_sysctls)
	kill_at_seal
	run pt snapshots list
	expect_out '^1 +[0-9T:-]+Z +apply +INTERRUPTED +3 '
	expect_err "warning: snapshot 1: an apply or rollback was interrupted"
	run pt apply --profile "$WORK/three.ini"
	expect_rc 2
	expect_err "snapshot 1: an earlier apply or rollback was interrupted"
	# the refused apply held the lock: it sealed the snapshot meanwhile
	[ -s "$STATE/snapshots/000001.ini" ] || fail "not sealed under the lock"
	run pt rollback
	expect_rc 0
	expect_eq "$(state_of_sysctls)" "$orig" "sysctls after rollback"
	expect_eq "$(ls "$STATE/snapshots" | grep -c pending)" 0 "marks left"
}

# Accepting such an apply keeps its snapshot: the mark held the only copy.
test_apply_killed_before_its_snapshot_was_sealed_can_be_acknowledged() {
	orig=$(state_of_sysctls)
	kill_at_seal
	run pt snapshots ack 1
	expect_rc 0
	[ -s "$STATE/snapshots/000001.ini" ] || fail "the snapshot went with its mark"
	run pt apply --profile "$WORK/three.ini"
	expect_rc 0
	run pt rollback 1
	expect_rc 0
	expect_eq "$(state_of_sysctls)" "$orig" "sysctls after rollback 1"
}

# seal_traced CPUS APPLY-ARGS...: an apply allowed on CPUS, its threads'
# placement and the seal's syscalls in $WORK/seal.trace
seal_traced() {
	command -v strace > /dev/null || fail "strace is needed (scripts/deps.sh)"
	cpus=$1
	shift
	# LeakSanitizer cannot run under ptrace: with SANITIZE= builds it
	# would fail the exit of a traced apply that succeeded
	run env ASAN_OPTIONS=detect_leaks=0 taskset -c "$cpus" \
		strace -qq -f -o "$WORK/seal.trace" \
		-e trace=sched_setaffinity,sched_yield,linkat \
		"$PORTTUNE" --state-dir "$STATE" apply "$@"
	expect_rc 0
}

# The seal runs on a CPU the apply's own thread is not on, where there is
# one: its disk work does not take turns with the changes. On one CPU it
# shares it, started at once by a yield. Sealed either way.
test_snapshot_seal_runs_on_another_cpu_when_there_is_one() {
	fin 30
	fin 45
	seal_traced 0 --profile "$WORK/fin30.ini"
	! grep -q sched_setaffinity "$WORK/seal.trace" ||
		fail "placed on one CPU: $(cat "$WORK/seal.trace")"
	grep -q 'sched_yield()' "$WORK/seal.trace" ||
		fail "no yield: $(cat "$WORK/seal.trace")"
	grep -q 'linkat(.*"000001.pending".*"000001.ini"' "$WORK/seal.trace" ||
		fail "not sealed: $(cat "$WORK/seal.trace")"
	[ "$(nproc --all)" -ge 2 ] || return 0
	seal_traced 0,1 --profile "$WORK/fin45.ini"
	grep -Eq '^[0-9]+ +sched_setaffinity\([0-9]+, [0-9]+, \[[01]\]\)' \
		"$WORK/seal.trace" ||
		fail "seal not placed apart: $(cat "$WORK/seal.trace")"
	[ -s "$STATE/snapshots/000002.ini" ] || fail "snapshot 2 not sealed"
	expect_eq "$(ls "$STATE/snapshots" | grep -c pending)" 0 "marks left"
}

# A snapshot the disk cannot keep undoes the apply: nothing stays changed
# that rollback could not reach after a power loss.
test_apply_whose_snapshot_cannot_be_saved_is_reverted() {
	command -v strace > /dev/null || fail "strace is needed (scripts/deps.sh)"
	fin 30
	fin 45
	pt apply --profile "$WORK/fin30.ini" > /dev/null
	run strace -qq -f -o /dev/null -e trace=fsync -e inject=fsync:error=EIO \
		"$PORTTUNE" --state-dir "$STATE" apply --profile "$WORK/fin45.ini"
	expect_rc 1
	expect_err "snapshot 2 not saved: .*/snapshots/000002.ini: fsync: Input/output error"
	expect_out "reverted"
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
	expect_eq "$(snapshot_count)" 1 "snapshots"
	expect_eq "$(ls "$STATE/snapshots" | grep -c pending)" 0 "marks left"
	run pt rollback
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 60
}

# The generation that falls out of the 50 kept goes on the seal's thread,
# after the new snapshot is sealed: not before the first change, and not
# at all when the new one cannot be saved. It becomes the spare (its
# blocks kept for the next snapshot), a second one goes.
test_pruning_follows_the_seal_on_its_thread() {
	command -v strace > /dev/null || fail "strace is needed (scripts/deps.sh)"
	for v in $(seq 10 59); do
		fin "$v"
		pt apply --profile "$WORK/fin$v.ini" > /dev/null
	done
	expect_eq "$(snapshot_count)" 50 "generations"
	fin 60
	fin 61
	run strace -qq -f -o /dev/null -e trace=fsync -e inject=fsync:error=EIO \
		"$PORTTUNE" --state-dir "$STATE" apply --profile "$WORK/fin60.ini"
	expect_rc 1
	[ -e "$STATE/snapshots/000001.ini" ] ||
		fail "snapshot 1 pruned though snapshot 51 was not saved"
	[ ! -e "$STATE/snapshots/.spare" ] || fail "a spare without a prune"
	ino=$(stat -c %i "$STATE/snapshots/000001.ini")
	run env ASAN_OPTIONS=detect_leaks=0 strace -qq -f -o "$WORK/prune.trace" \
		-e trace=execve,fsync,linkat,unlinkat,renameat,renameat2 \
		"$PORTTUNE" --state-dir "$STATE" apply --profile "$WORK/fin61.ini"
	expect_rc 0
	expect_eq "$(snapshot_count)" 50 "generations kept"
	[ ! -e "$STATE/snapshots/000001.ini" ] || fail "snapshot 1 not pruned"
	expect_eq "$(stat -c %i "$STATE/snapshots/.spare")" "$ino" \
		"the spare's inode (snapshot 1's)"
	main=$(grep -m 1 execve "$WORK/prune.trace" | cut -d' ' -f1)
	# the seal thread's lines: fsync, link, fsync of the directory, prune
	awk -v main="$main" '$1 != main { sub(/^[0-9]+ +/, ""); print }' \
		"$WORK/prune.trace" | sed 's/(.*//; s/^renameat2$/renameat/' |
		tr '\n' ' ' > "$WORK/seal.steps"
	expect_eq "$(cat "$WORK/seal.steps")" "fsync linkat fsync renameat " \
		"the seal thread's steps"
	grep -Eq "^[0-9]+ +renameat2?\([0-9]+, \"000001.ini\", [0-9]+, \"\.spare\"" \
		"$WORK/prune.trace" || fail "no prune in: $(cat "$WORK/prune.trace")"
	# the next apply writes over the spare; the oldest becomes the next
	spare=$(stat -c %i "$STATE/snapshots/.spare")
	oldest=$(ls "$STATE/snapshots" | grep -E '^[0-9]+\.ini$' | head -n 1)
	next=$(stat -c %i "$STATE/snapshots/$oldest")
	fin 62
	run pt apply --profile "$WORK/fin62.ini"
	expect_rc 0
	newest=$(ls "$STATE/snapshots" | grep -E '^[0-9]+\.ini$' | tail -n 1)
	expect_eq "$(stat -c %i "$STATE/snapshots/$newest")" "$spare" \
		"$newest's inode (the spare's)"
	expect_eq "$(stat -c %i "$STATE/snapshots/.spare")" "$next" \
		"the new spare's inode ($oldest's)"
	expect_eq "$(snapshot_count)" 50 "generations kept"
	run pt rollback
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 61
}

# A spare is written over only when it is a regular file of ours that no
# other name links to; otherwise its name goes and a new file is made.
# Whatever it was, the snapshot holds exactly its own text.
test_the_next_snapshot_is_written_over_the_spare() {
	mkdir -p "$STATE/snapshots"
	chmod 700 "$STATE" "$STATE/snapshots"
	sp=$STATE/snapshots/.spare
	i=0
	while [ $i -lt 3000 ]; do echo "old text of a pruned generation"; i=$((i + 1)); done > "$sp"
	chmod 600 "$sp"
	ino=$(stat -c %i "$sp")
	fin 30
	run pt apply --profile "$WORK/fin30.ini"
	expect_rc 0
	expect_eq "$(stat -c %i "$STATE/snapshots/000001.ini")" "$ino" "snapshot 1's inode"
	[ ! -e "$sp" ] || fail "the spare is still there"
	grep -q "pruned generation" "$STATE/snapshots/000001.ini" &&
		fail "the spare's old text is left in snapshot 1"
	expect_eq "$(sed -n 1p "$STATE/snapshots/000001.ini")" \
		"; porttune snapshot 1: values found before they were changed."
	run pt snapshots show 1
	expect_rc 0
	expect_out "^net.ipv4.tcp_fin_timeout = 60$"
	# linked from elsewhere, a link, a FIFO, readable by the group: kept
	# whole where they are, never written
	echo "another file's text" > "$WORK/other"
	echo "a link's target" > "$WORK/target"
	n=1
	for kind in hardlink symlink fifo groupreadable; do
		case $kind in
		hardlink) ln "$WORK/other" "$sp" ;;
		symlink) ln -s "$WORK/target" "$sp" ;;
		fifo) mkfifo -m 600 "$sp" ;;
		groupreadable)	# held open: its inode cannot be reused
			echo x > "$sp"; chmod 640 "$sp"
			ino=$(stat -c %i "$sp"); exec 9< "$sp" ;;
		esac
		n=$((n + 1))
		fin $((30 + n))
		run timeout 20 "$PORTTUNE" --state-dir "$STATE" apply \
			--profile "$WORK/fin$((30 + n)).ini"
		expect_rc 0
		[ ! -e "$sp" ] && [ ! -L "$sp" ] || fail "$kind: the spare's name stayed"
		snap=$STATE/snapshots/$(printf '%06d' $n).ini
		expect_eq "$(stat -c '%h %a' "$snap")" "1 600" "$kind: snapshot $n's links and mode"
		[ "$kind" = groupreadable ] &&
			[ "$(stat -c %i "$snap")" = "$ino" ] && fail "$kind: written over"
	done
	expect_eq "$(cat <&9)" x "the group-readable file's text"
	exec 9<&-
	expect_eq "$(cat "$WORK/other")" "another file's text" "the hard-linked file"
	expect_eq "$(stat -c %h "$WORK/other")" 1 "its links"
	expect_eq "$(cat "$WORK/target")" "a link's target" "the link's target"
	run pt rollback
	expect_rc 0
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 34
}

test_orphaned_temporary_files_are_removed() {
	fin 30
	mkdir -p "$STATE/snapshots"
	chmod 700 "$STATE" "$STATE/snapshots"
	: > "$STATE/snapshots/.tmp-4242-0"
	: > "$STATE/snapshots/.tmp-XyZ123"
	: > "$STATE/snapshots/000007.pending"	# its snapshot is gone
	run pt apply --profile "$WORK/fin30.ini"
	expect_rc 0
	[ -z "$(ls -A "$STATE/snapshots" | grep -E '^\.tmp-|^000007')" ] ||
		fail "left: $(ls -A "$STATE/snapshots")"
	expect_eq "$(ls "$STATE/snapshots" | grep -c pending)" 0 "marks left"
}

test_rollback_baseline_after_more_than_50_applies() {
	orig=$(state_of_sysctls)
	printf '[sysctl]\nnet.ipv4.tcp_syn_retries = 3\n' > "$WORK/syn.ini"
	pt apply --profile "$WORK/syn.ini" > /dev/null
	for v in $(seq 10 62); do
		fin "$v"
		pt apply --profile "$WORK/fin$v.ini" > /dev/null
	done
	expect_eq "$(snapshot_count)" 50 "generations kept"
	[ ! -e "$STATE/snapshots/000001.ini" ] || fail "snapshot 1 not pruned"
	run pt snapshots list
	expect_out '^baseline +[0-9T:-]+Z +baseline +complete +2 '
	run pt rollback baseline
	expect_rc 0
	expect_eq "$(state_of_sysctls)" "$orig" "sysctls after rollback baseline"
	# and the baseline itself did not move
	fin 20
	pt apply --profile "$WORK/fin20.ini" > /dev/null
	pt rollback baseline > /dev/null
	expect_eq "$(state_of_sysctls)" "$orig" "after a second rollback baseline"
}

test_profile_with_a_snapshot_section_is_refused_at_file_line() {
	printf '[snapshot]\nid = 1\ncommand = apply\n[sysctl]\nnet.ipv4.tcp_tw_reuse = 7\n' \
		> "$WORK/p.ini"
	before=$(state_of_sysctls)
	for cmd in diff apply; do
		run pt $cmd --profile "$WORK/p.ini"
		expect_rc 2
		expect_err "p.ini:1: \\[snapshot\\] belongs to snapshots porttune writes, not to a profile"
		expect_err "p.ini:5: net.ipv4.tcp_tw_reuse: 7 is out of range"
	done
	expect_eq "$(state_of_sysctls)" "$before" "sysctls"
	expect_eq "$(snapshot_count)" 0 "snapshots"
}

test_apply_in_one_namespace_rollback_in_another_is_refused() {
	netns_add a
	netns_add b
	fin 30
	in_ns a "$PORTTUNE" --state-dir "$STATE" apply --profile "$WORK/fin30.ini" > /dev/null
	b_before=$(in_ns b sh -c '. "$E2E_DIR/lib.sh"; state_of_sysctls')
	run in_ns b "$PORTTUNE" --state-dir "$STATE" rollback
	expect_rc 2
	expect_err "no snapshot of an apply in network namespace $NS_PREFIX-b \\(net:\\[[0-9]+\\]\\) to roll back"
	run in_ns b "$PORTTUNE" --state-dir "$STATE" rollback 1
	expect_rc 1
	expect_err "snapshot 1 was taken in network namespace $NS_PREFIX-a \\(net:\\[[0-9]+\\]\\), this is $NS_PREFIX-b \\(net:\\[[0-9]+\\]\\); refusing to restore it here"
	run in_ns b "$PORTTUNE" --state-dir "$STATE" rollback baseline
	expect_rc 2
	expect_err "no baseline for network namespace $NS_PREFIX-b"
	expect_eq "$(in_ns b sh -c '. "$E2E_DIR/lib.sh"; state_of_sysctls')" \
		"$b_before" "b's sysctls"
	expect_eq "$(snapshot_count)" 1 "snapshots"
	expect_eq "$(in_ns a cat /proc/sys/net/ipv4/tcp_fin_timeout)" 30
	# and this test's own namespace is a third one
	run pt rollback 1
	expect_rc 1
	run in_ns a "$PORTTUNE" --state-dir "$STATE" rollback
	expect_rc 0
	expect_eq "$(in_ns a cat /proc/sys/net/ipv4/tcp_fin_timeout)" 60
}

test_snapshots_list_shows_this_namespace_unless_all() {
	netns_add a
	fin 30
	in_ns a "$PORTTUNE" --state-dir "$STATE" apply --profile "$WORK/fin30.ini" > /dev/null
	fin 40
	pt apply --profile "$WORK/fin40.ini" > /dev/null
	run pt snapshots list
	expect_rc 0
	expect_out '^2 +.* apply +complete +1 +[0-9]+ +.*fin40\.ini'
	grep -q 'fin30' "$WORK/out" && fail "listed namespace a's snapshot"
	run in_ns a "$PORTTUNE" --state-dir "$STATE" snapshots list
	expect_out "^1 +.* apply +complete +1 +$NS_PREFIX-a:[0-9]+ +.*fin30\\.ini"
	grep -q 'fin40' "$WORK/out" && fail "listed another namespace's snapshot"
	run pt snapshots list --all
	expect_out "^1 +.*$NS_PREFIX-a:[0-9]+ +.*fin30\\.ini"
	expect_out '^2 +.*fin40\.ini'
	expect_eq "$(grep -c '^baseline ' "$WORK/out")" 2 "baselines listed"
}

# Namespace inodes are reused after a reboot: only the host's namespace
# (the initial one) is the same across boots.
test_snapshot_of_an_earlier_boot_is_not_rolled_back() {
	fin 30
	pt apply --profile "$WORK/fin30.ini" > /dev/null
	f=$STATE/snapshots/000001.ini
	sed 's/^boot-id = .*/boot-id = 00000000-0000-0000-0000-000000000000/' "$f" > "$f.new"
	mv "$f.new" "$f"
	chmod 600 "$f"
	run pt rollback
	expect_rc 2
	run pt rollback 1
	expect_rc 1
	expect_err 'snapshot 1 was taken in network namespace net:\[[0-9]+\] during an earlier boot, this is'
	run pt snapshots list --all
	expect_out '^1 +.*[0-9]+,earlier-boot'
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 30
}

# cpus LIST: a kernel CPU list as strace prints a set ("0-2,5" -> "0 1 2 5")
cpus() {
	echo "$1" | tr ',' '\n' | awk -F- '{ for (c = $1; c <= ($2 == "" ? $1 : $2); c++) printf "%s%d", (n++ ? " " : ""), c }'
}

# Where the state directory's disk interrupts some of the allowed CPUs and
# not others, the seal runs on those and the changes on the others; the
# main thread's CPUs are given back once the seal is joined. The CPUs are
# found here as an operator would: sysfs up to the device's MSI
# interrupts, then /proc/irq.
test_the_seal_runs_where_the_disk_interrupts() {
	command -v strace > /dev/null || fail "strace is needed (scripts/deps.sh)"
	fin 30
	pt apply --profile "$WORK/fin30.ini" > /dev/null
	dev=$(stat -c '%Hd:%Ld' "$STATE/snapshots")
	d=$(readlink -f "/sys/dev/block/$dev" 2>/dev/null || true)
	while [ -n "$d" ] && [ "$d" != /sys ] && [ ! -d "$d/msi_irqs" ]; do d=${d%/*}; done
	irq=""
	if [ -n "$d" ] && [ -d "$d/msi_irqs" ]; then
		for i in $(ls "$d/msi_irqs"); do
			irq="$irq $(cpus "$(cat "/proc/irq/$i/effective_affinity_list")")"
		done
	fi
	all=$(cpus "$(taskset -pc $$ | sed 's/.*: //')")
	seal=$(for c in $irq; do echo "$c"; done | sort -nu | while read -r c; do
		case " $all " in *" $c "*) echo "$c" ;; esac; done | tr '\n' ' ' | sed 's/ $//')
	rest=$(for c in $all; do case " $seal " in *" $c "*) ;; *) echo "$c" ;; esac; done |
		tr '\n' ' ' | sed 's/ $//')
	fin 31
	run env ASAN_OPTIONS=detect_leaks=0 strace -qq -f -o "$WORK/aff.trace" \
		-e trace=sched_setaffinity "$PORTTUNE" --state-dir "$STATE" \
		apply --profile "$WORK/fin31.ini"
	expect_rc 0
	sed 's/^[0-9]* *//; s/^sched_setaffinity(\([0-9]*\), [0-9]*, \[\(.*\)\]) *= 0$/\1:\2/' \
		"$WORK/aff.trace" | sed 's/^[1-9][0-9]*:/seal:/; s/^0:/main:/' |
		tr '\n' ';' > "$WORK/aff.steps"
	if [ -n "$seal" ] && [ -n "$rest" ]; then
		expect_eq "$(cat "$WORK/aff.steps")" "main:$rest;seal:$seal;main:$all;" \
			"CPUs (disk interrupts on $seal)"
	else	# nothing to steer: the seal only leaves this thread's CPU
		grep -q '^main:' "$WORK/aff.steps" &&
			fail "the main thread moved: $(cat "$WORK/aff.steps")"
	fi
	expect_eq "$(sysctl_get net.ipv4.tcp_fin_timeout)" 31
}
