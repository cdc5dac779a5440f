# make install and the bash completion it installs, with bash-completion's
# own _init_completion (Debian's bash-completion package).

# comp WORDS...: run the completion for the last word; replies in $WORK/comp
comp() {
	bash -c '
	. /usr/share/bash-completion/bash_completion
	. "$COMPLETION"
	COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
	_porttune porttune "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	printf "%s\n" "${COMPREPLY[@]}" | sort' comp "$@" > "$WORK/comp"
}

expect_comp() {	# expect_comp "WORD WORD ..." : exactly these replies
	expect_eq "$(tr '\n' ' ' < "$WORK/comp" | sed 's/ $//')" "$1" "completion"
}

# options other branches may add to: these replies at least, and only
# words starting with the prefix
expect_comp_has() {	# expect_comp_has PREFIX WORD...
	p=$1
	shift
	for w in "$@"; do
		grep -qx -- "$w" "$WORK/comp" || fail "no '$w' in: $(cat "$WORK/comp")"
	done
	! grep -qv -- "^$p" "$WORK/comp" || fail "not '$p...': $(cat "$WORK/comp")"
}

install_into() {	# install_into PREFIX: make install into $WORK/root
	make -s -C "$TOP" install DESTDIR="$WORK/root" PREFIX="$1" \
		> "$WORK/install.log" 2>&1 || fail "make install: $(cat "$WORK/install.log")"
}

test_install_substitutes_paths_for_the_prefix() {
	install_into /usr
	r=$WORK/root
	for f in usr/sbin/porttune usr/share/man/man8/porttune.8 \
		 usr/share/man/man5/porttune.ini.5 \
		 usr/share/porttune/profiles/baseline.ini \
		 usr/share/bash-completion/completions/porttune \
		 usr/lib/systemd/system/porttune-textfile.service \
		 usr/lib/systemd/system/porttune-textfile.timer; do
		[ -f "$r/$f" ] || fail "$f not installed"
	done
	# /usr/local/lib/sysctl.d is a systemd directory, not the PREFIX
	! grep -rEq '/usr/local/(share|sbin)' "$r/usr/share/man" ||
		fail "man pages name /usr/local"
	grep -q '^\.It Pa /usr/share/porttune/profiles/$' "$r/usr/share/man/man8/porttune.8" ||
		fail "FILES does not name /usr/share/porttune/profiles"
	grep -q '^ExecStart=/usr/sbin/porttune audit ' \
		"$r/usr/lib/systemd/system/porttune-textfile.service" || fail "ExecStart"
	mandoc -T lint -W warning "$r/usr/share/man/man8/porttune.8" \
		"$r/usr/share/man/man5/porttune.ini.5" || fail "installed man pages lint"
	rm -rf "$r"
	install_into /usr/local
	grep -q '^\.It Pa /usr/local/share/porttune/profiles/$' \
		"$r/usr/local/share/man/man8/porttune.8" || fail "PREFIX=/usr/local"
}

test_completion_offers_commands_options_and_formats() {
	export COMPLETION=$TOP/contrib/bash-completion/porttune
	export PATH="$(dirname "$PORTTUNE"):$PATH"
	comp porttune ""
	expect_comp "apply audit confirm diff persist rollback snapshots watch"
	comp porttune --
	expect_comp_has -- --help --state-dir --version
	comp porttune audit --f
	expect_comp "--format"
	comp porttune audit --format ""
	expect_comp "json nagios prometheus text"
	comp porttune diff --format ""
	expect_comp "json text"
	comp porttune apply --d
	expect_comp_has --d --detailed-exitcodes --dry-run
	comp porttune watch --
	expect_comp_has -- --count --help --interval --top
	comp porttune audit -
	grep -qx -- -w "$WORK/comp" && grep -qx -- -c "$WORK/comp" ||
		fail "audit -w/-c: $(cat "$WORK/comp")"
	comp porttune snapshots ""
	expect_comp "list show"
}

test_completion_offers_profiles_snapshots_and_interfaces() {
	export COMPLETION=$TOP/contrib/bash-completion/porttune
	export PATH="$(dirname "$PORTTUNE"):$PATH"
	mkdir "$WORK/p"
	touch "$WORK/p/web.ini" "$WORK/p/db.ini" "$WORK/p/notes.txt"
	( cd "$WORK/p" && comp porttune apply --profile "" )
	expect_comp "db.ini web.ini"
	# snapshot ids of the --state-dir given on the line
	profile s.ini <<-EOT
	[sysctl]
	net.ipv4.tcp_fin_timeout = 31
	EOT
	pt apply --profile "$WORK/s.ini" > /dev/null
	sysctl_set net.ipv4.tcp_fin_timeout 60
	pt apply --profile "$WORK/s.ini" > /dev/null
	comp porttune --state-dir "$STATE" rollback ""
	expect_comp_has "" 1 2 latest
	comp porttune --state-dir "$STATE" snapshots show ""
	expect_comp "1 2"
	ip link add cmpl0 type veth peer name cmpl1
	comp porttune apply --interface cm
	expect_comp "cmpl0 cmpl1"
}
