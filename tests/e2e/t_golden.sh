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
