# audit --format prometheus: checked by Prometheus's own promtool (Debian's
# prometheus package), and --output for node_exporter's textfile collector.

promtool_clean() {	# FILE: promtool check metrics says nothing and exits 0
	promtool check metrics < "$1" > "$WORK/promtool" 2>&1 ||
		fail "promtool: $(cat "$WORK/promtool")"
	[ ! -s "$WORK/promtool" ] || fail "promtool: $(cat "$WORK/promtool")"
}

test_prometheus_output_passes_promtool_under_load() {
	loadgen tw --mode timewait --count 200 --dst 127.0.0.2:7002 --timeout 30
	loadgen est --mode established --count 20 --dst '[::1]:7003' --hold 30
	run pt audit --format prometheus
	expect_rc 0
	promtool_clean "$WORK/out"
	expect_prometheus_text
	# the per-destination rates, one series per destination
	expect_out '^porttune_destination_close_rate\{src="127\.0\.0\.1",dst="127\.0\.0\.2",dport="7002"\} [0-9.]+$'
	expect_out '^porttune_destination_sustainable_rate\{src="::1",dst="::1",dport="7003"\} [0-9.e+]+$'
	jq_rate=$(pt audit --format json | jq '.destinations[] |
		select(.dst == "127.0.0.2") | .sustainable_rate')
	grep -q "^porttune_destination_sustainable_rate{src=\"127.0.0.1\",dst=\"127.0.0.2\",dport=\"7002\"} $jq_rate\$" \
		"$WORK/out" || fail "sustainable rate differs from JSON's $jq_rate"
}

test_prometheus_help_names_the_node_exporter_series() {
	run pt audit --format prometheus
	for pair in porttune_tcp_timewait_minisockets:node_sockstat_TCP_tw \
		    porttune_tcp_inuse_sockets:node_sockstat_TCP_inuse \
		    porttune_tcp_time_wait_entered_total:node_netstat_TcpExt_TW \
		    porttune_tcp_active_opens_total:node_netstat_Tcp_ActiveOpens; do
		expect_out "^# HELP ${pair%%:*} .*node_exporter: ${pair#*:}[ .]"
	done
}

test_prometheus_output_file_is_replaced_atomically() {
	dir=$WORK/textfile
	mkdir "$dir"
	echo "old" > "$dir/porttune.prom"
	inode=$(stat -c %i "$dir/porttune.prom")
	run pt audit --format prometheus --output "$dir/porttune.prom"
	expect_rc 0
	[ ! -s "$WORK/out" ] || fail "stdout should be empty with --output"
	promtool_clean "$dir/porttune.prom"
	# a new file renamed over the old one, readable by node_exporter
	[ "$(stat -c %i "$dir/porttune.prom")" != "$inode" ] ||
		fail "the file was rewritten in place"
	expect_eq "$(stat -c %a "$dir/porttune.prom")" 644 "mode"
	expect_eq "$(ls -A "$dir")" porttune.prom "files left in $dir"
	# a write that cannot happen leaves the old file and no temporary
	run pt audit --format prometheus --output "$WORK/missing/porttune.prom"
	expect_rc 3
	expect_err '^porttune: audit: --output: '
}

test_prometheus_systemd_units_verify() {
	dir=$WORK/units
	mkdir "$dir"
	sed "s|@SBINDIR@|$(dirname "$PORTTUNE")|" \
		"$TOP/contrib/systemd/porttune-textfile.service" \
		> "$dir/porttune-textfile.service"
	cp "$TOP/contrib/systemd/porttune-textfile.timer" "$dir/"
	# the service's ExecStart must be an audit that writes the textfile
	grep -q '^ExecStart=.*audit --format prometheus .*--output /var/lib/prometheus/node-exporter/porttune.prom$' \
		"$dir/porttune-textfile.service" || fail "ExecStart"
	grep -q '^OnUnitActiveSec=1min$' "$dir/porttune-textfile.timer" ||
		fail "timer interval"
	SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
		"$dir/porttune-textfile.timer" "$dir/porttune-textfile.service" \
		> "$WORK/verify" 2>&1 || fail "systemd-analyze: $(cat "$WORK/verify")"
	[ ! -s "$WORK/verify" ] || fail "systemd-analyze: $(cat "$WORK/verify")"
}
