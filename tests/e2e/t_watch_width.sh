# watch fits the terminal: $COLUMNS (or the terminal's width) bounds every
# line, the table drops columns rather than wrap, and the status line names
# the check behind a WARNING or CRITICAL.

longest_line() { awk '{ if (length > m) m = length } END { print m + 0 }' "$1"; }

test_watch_fits_80_columns_and_names_the_critical_check() {
	sysctl_set net.ipv4.ip_local_port_range "40000 40019"
	sysctl_set net.ipv4.tcp_tw_reuse 0
	loadgen a --mode established --count 18 --dst 127.0.0.2:7002 --hold 30
	loadgen b --mode timewait --count 5 --dst '[::1]:7003' --timeout 30
	COLUMNS=80 run pt watch --interval 0.2 --count 1
	expect_rc 0
	m=$(longest_line "$WORK/out")
	[ "$m" -le 80 ] || fail "a line of $m columns: $(cat "$WORK/out")"
	expect_out '^CRITICAL destination: 127\.0\.0\.1 -> 127\.0\.0\.2:7002 uses 18 of 20 ports \(90%\)$'
	# the essential columns stay, with the rates
	expect_out '^DESTINATION +IN-USE +RATIO +ESTAB +TIME_WAIT .*CLOSE/S +SUSTAIN/S$'
	expect_out '^127\.0\.0\.2:7002 +18 +90\.0% +18 +0 '
	expect_out '^\[::1\]:7003 +5 +25\.0% +0 +5 '
	# no column is cut in half: every row has as many fields as the header
	awk '/^DESTINATION/ { n = NF; next } n && NF != n { exit 1 }' \
		"$WORK/out" || fail "ragged table: $(cat "$WORK/out")"
}

test_watch_narrow_and_wide_terminals() {
	loadgen a --mode established --count 3 --dst 127.0.0.2:7002 --hold 30
	COLUMNS=50 run pt watch --interval 0.2 --count 1
	m=$(longest_line "$WORK/out")
	[ "$m" -le 50 ] || fail "a line of $m columns at 50: $(cat "$WORK/out")"
	expect_out '^127\.0\.0\.2:7002 +3 '
	COLUMNS=200 run pt watch --interval 0.2 --count 1
	expect_out '^SOURCE +DESTINATION +IN-USE +RATIO +ESTAB +TIME_WAIT +FIN_WAIT2 +CLOSE_WAIT +OTHER +CLOSE/S +SUSTAIN/S$'
	# a terminal: script(1) gives watch a pty of 60 columns
	script -qec "stty cols 60; COLUMNS= $PORTTUNE --state-dir $STATE watch --interval 0.2 --count 1" \
		/dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' > "$WORK/tty"
	grep -q '^DESTINATION' "$WORK/tty" || fail "no table on the pty: $(cat "$WORK/tty")"
	m=$(longest_line "$WORK/tty")
	[ "$m" -le 60 ] || fail "a line of $m columns on a 60-column pty: $(cat "$WORK/tty")"
}
