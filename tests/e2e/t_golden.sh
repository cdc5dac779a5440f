# Golden tests: each profile in tests/golden with the exact `porttune diff`
# output it must give (see tests/golden/README). Each case runs in a private
# namespace of its own, nested in this test's.

test_golden_profiles_give_their_recorded_diff() {
	gdir=$TOP/tests/golden
	n=0
	GOLDEN_HOST_NETNS=$E2E_HOST_NETNS
	export PORTTUNE GOLDEN_HOST_NETNS
	for ini in "$gdir"/*.ini; do
		name=$(basename "$ini" .ini)
		[ -f "$gdir/$name.out" ] || fail "$name.ini has no $name.out"
		unshare -n -- sh "$gdir/run-case.sh" "$name" > "$WORK/$name.out"
		diff -u "$gdir/$name.out" "$WORK/$name.out" >&2 ||
			fail "golden $name: porttune diff prints something else"
		n=$((n + 1))
	done
	[ "$n" -ge 8 ] || fail "only $n golden cases found"
}

# Each command's usage is main's table row: porttune --help and CMD --help
# say the same, so the two can never drift apart again.
test_command_usage_comes_from_the_command_table() {
	"$PORTTUNE" --help > "$WORK/help"
	n=0
	for cmd in $(sed -n 's/^  \([a-z]*\)  .*/\1/p' "$WORK/help"); do
		row=$(sed -n "s/^  $cmd  *//p" "$WORK/help" | sed 's/ *$//')
		"$PORTTUNE" "$cmd" --help > "$WORK/cmd" ||
			fail "$cmd --help exits $?"
		# the alternatives a row joins with " | " come one per line
		got=$(sed -e '1s/^usage: porttune [a-z]* *//' \
			  -e "2,\$s/^       porttune $cmd /| /" "$WORK/cmd" |
			tr '\n' ' ' | sed 's/ *$//')
		expect_eq "$got" "$row" "usage of $cmd"
		n=$((n + 1))
	done
	[ "$n" -eq 8 ] || fail "found $n commands in porttune --help, expected 8"
}

# porttune(8)'s SYNOPSIS names every option main's table gives a command.
test_man_synopsis_names_every_option_of_the_table() {
	"$PORTTUNE" --help > "$WORK/help"
	man=$TOP/man/porttune.8
	for cmd in $(sed -n 's/^  \([a-z]*\)  .*/\1/p' "$WORK/help"); do
		# the synopsis lines of cmd: from ".Cm cmd" to the next ".Nm"
		awk -v c="$cmd" '/^\.Sh DESCRIPTION/ { exit }
			$0 == ".Cm " c { on = 1; next } /^\.Nm$/ { on = 0 }
			on' "$man" > "$WORK/syn"
		[ -s "$WORK/syn" ] || [ "$cmd" = confirm ] ||
			fail "porttune(8) SYNOPSIS lacks $cmd"
		for opt in $(sed -n "s/^  $cmd  *//p" "$WORK/help" |
			     grep -oE -- '(^|[[ ])--?[a-z][a-z-]*' | tr -d '[ '); do
			flag=$(echo "$opt" | sed 's/^-//')
			grep -Eq "Fl $flag( |\$)" "$WORK/syn" ||
				fail "porttune(8) SYNOPSIS of $cmd lacks $opt"
		done
	done
}
