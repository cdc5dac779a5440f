# audit --trace / watch --trace: tracepoint counts against a client that
# counts its own results (tests/tools/churn.c), in this test's namespace.
CHURN=${CHURN:-$TOP/build/churn}

exhausting_range() {
	# 100 ports and no TIME_WAIT reuse: connect() fails with EADDRNOTAVAIL
	# once 100 connections have been closed from this side
	sysctl_set net.ipv4.ip_local_port_range "40000 40099"
	sysctl_set net.ipv4.tcp_tw_reuse 0
}

# trace_bg NAME ARGS...: porttune ARGS in the background; returns once its
# three tracepoints are attached (three BPF link fds). Pid in $TR_PID.
trace_bg() {
	name=$1
	shift
	"$PORTTUNE" "$@" > "$WORK/$name" 2> "$WORK/$name.err" &
	TR_PID=$!
	BG_PIDS="$BG_PIDS $TR_PID"
	for _ in $(seq 150); do
		n=$(ls -l "/proc/$TR_PID/fd" 2>/dev/null | grep -c bpf_link) || true
		[ "$n" -ge 3 ] && return 0
		kill -0 "$TR_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$WORK/$name.err" >&2
	fail "porttune $* did not attach its tracepoints"
}

# The BPF program ids a process holds, from its fds.
prog_ids() {
	cat "/proc/$1"/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' |
		sort -u
}

progs_gone() {	# progs_gone ID... : all unloaded within 5 s
	for _ in $(seq 50); do
		left=""
		for id in "$@"; do
			bpftool prog show id "$id" > /dev/null 2>&1 && left="$left $id"
		done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	fail "BPF programs still loaded:$left"
}

# The cgroup2 mount active closes are counted at, or nothing.
cgroup2_dir() {
	for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		[ "$(stat -f -c %T "$d" 2>/dev/null)" = cgroup2fs ] && echo "$d" && return
	done
	return 0
}

expect_close_hook() {	# expect_close_hook TRACE-JSON
	want=tp_btf/inet_sock_set_state
	[ -z "$(cgroup2_dir)" ] || want=cgroup/sock_release
	expect_eq "$(jq -r .trace.close_hook "$1")" "$want" "close hook"
}

within5() {	# within5 TRACED OWN WHAT
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d
		exit !(b > 0 && d <= 0.05 * b) }' ||
		fail "$3: traced ${1:-nothing}, the client counted $2"
}

# Every count the client printed matches the trace within 5 %, for its pid;
# and the trace has nothing else for that pid.
match_client() {	# match_client CLIENT-OUTPUT TRACE-JSON
	pid=$(sed -n 's/^total pid=\([0-9]*\).*/\1/p' "$1")
	[ -n "$pid" ] || fail "no client result in $1"
	lines=0
	while read -r kind dst dport errno count; do
		dst=${dst#dst=} dport=${dport#dport=}
		if [ "$kind" = close ]; then
			count=${errno#count=}
			got=$(jq --argjson p "$pid" --arg d "$dst" --argjson dp "$dport" \
				'[.trace.active_closes[] | select(.pid == $p and .dst == $d
				 and .dport == $dp) | .count] | add' "$2")
		else
			errno=${errno#errno=} count=${count#count=}
			got=$(jq --argjson p "$pid" --arg d "$dst" --argjson dp "$dport" \
				--arg e "$errno" '[.trace.connect_failures[] | select(
				 .pid == $p and .dst == $d and .dport == $dp and
				 .errno == $e) | .count] | add' "$2")
		fi
		within5 "$got" "$count" "$kind $dst:$dport $errno (pid $pid)"
		lines=$((lines + 1))
	done <<-EOT
	$(grep -E '^(close|fail) ' "$1")
	EOT
	[ "$lines" -gt 0 ] || fail "the client reported nothing"
	n=$(jq --argjson p "$pid" '[.trace.active_closes[], .trace.connect_failures[]
	     | select(.pid == $p)] | length' "$2")
	expect_eq "$n" "$lines" "trace entries of pid $pid"
}

test_trace_counts_match_the_client_ipv4() {
	exhausting_range
	trace_bg trace audit --trace 4 --format json
	"$CHURN" --dst 127.0.0.1:8080 --seconds 1.5 > "$WORK/client"
	wait "$TR_PID" || [ $? -eq 2 ] || fail "audit exit status"
	grep -q 'EADDRNOTAVAIL' "$WORK/client" || fail "no failures: $(cat "$WORK/client")"
	match_client "$WORK/client" "$WORK/trace"
	expect_close_hook "$WORK/trace"
	jq -e '.status == "CRITICAL" and .trace.map_full == false and
	       (.findings[] | select(.check == "connect-failures") | .summary |
		test("churn \\(pid [0-9]+, .*\\) failed [0-9,.]+ connect\\(\\) calls/s to 127\\.0\\.0\\.1:8080 with EADDRNOTAVAIL"))' \
		"$WORK/trace" > /dev/null || fail "finding: $(jq -c .findings "$WORK/trace")"
}

test_trace_counts_match_the_client_ipv6() {
	exhausting_range
	trace_bg trace audit --trace 4 --format json
	"$CHURN" --dst '[::1]:8080' --seconds 1.5 > "$WORK/client"
	wait "$TR_PID" || true
	grep -q 'dst=::1 .*EADDRNOTAVAIL' "$WORK/client" || fail "no IPv6 failures"
	match_client "$WORK/client" "$WORK/trace"
	expect_close_hook "$WORK/trace"
}

# Without a cgroup2 hierarchy (a mount namespace of the test's own where it
# is unmounted, if the host has one) closes come from the state-change
# tracepoint, as exactly.
test_trace_closes_without_cgroup2() {
	exhausting_range
	unshare -m sh -c 'mount --make-rprivate / &&
		for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
			[ "$(stat -f -c %T "$d")" != cgroup2fs ] || umount "$d" || exit 1
		done && exec "$0" audit --trace 4 --format json' "$PORTTUNE" \
		> "$WORK/trace" 2> "$WORK/trace.err" &
	TR_PID=$!
	BG_PIDS="$BG_PIDS $TR_PID"
	for _ in $(seq 150); do
		n=$(ls -l "/proc/$TR_PID/fd" 2>/dev/null | grep -c bpf_link) || true
		[ "$n" -ge 3 ] && break
		sleep 0.1
	done
	"$CHURN" --dst 127.0.0.1:8080 --seconds 1.5 > "$WORK/client"
	wait "$TR_PID" || [ $? -eq 2 ] || fail "audit: $(cat "$WORK/trace.err")"
	expect_eq "$(jq -r .trace.close_hook "$WORK/trace")" \
		tp_btf/inet_sock_set_state "close hook without cgroup2"
	match_client "$WORK/client" "$WORK/trace"
}

test_trace_ignores_other_namespaces() {
	exhausting_range
	trace_bg trace audit --trace 5 --format json
	# the same destination, failing the same way, in a second namespace
	unshare -n sh -c 'ip link set lo up &&
		echo "40000 40049" > /proc/sys/net/ipv4/ip_local_port_range &&
		echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse &&
		exec "$0" --dst 127.0.0.1:8080 --seconds 2' "$CHURN" \
		> "$WORK/other" &
	other=$!
	"$CHURN" --dst 127.0.0.1:8080 --seconds 2 > "$WORK/client"
	wait "$other"
	wait "$TR_PID" || true
	opid=$(sed -n 's/^total pid=\([0-9]*\).*/\1/p' "$WORK/other")
	grep -q EADDRNOTAVAIL "$WORK/other" || fail "the other client did not fail"
	match_client "$WORK/client" "$WORK/trace"
	n=$(jq --argjson p "$opid" '[.trace[] | arrays | .[] | select(.pid == $p)]
	     | length' "$WORK/trace")
	expect_eq "$n" 0 "entries of the other namespace's client (pid $opid)"
}

test_trace_counts_port0_bind_failures() {
	sysctl_set net.ipv4.ip_local_port_range "40000 40009"
	trace_bg trace audit --trace 3 --format json
	loadgen bound --mode bound --count 25 --src 127.0.0.1 --hold 0
	wait "$TR_PID" || true
	own=$(sed -n 's/.* EADDRINUSE=\([0-9]*\).*/\1/p' "$WORK/bound")
	expect_eq "$own" 15 "loadgen's own EADDRINUSE count"
	got=$(jq --argjson p "$LG_PID" '[.trace.bind_failures[] | select(.pid == $p
	      and .addr == "127.0.0.1" and .errno == "EADDRINUSE") | .count] | add' \
	      "$WORK/trace")
	expect_eq "$got" 15 "traced bind failures"
	jq -e '.findings[] | select(.check == "bind-failures" and
	       .severity == "CRITICAL")' "$WORK/trace" > /dev/null ||
		fail "no bind-failures finding"
}

test_trace_text_table_and_prometheus() {
	exhausting_range
	trace_bg text audit --trace 3
	"$CHURN" --dst 127.0.0.1:8080 --seconds 1 > "$WORK/client"
	wait "$TR_PID" || true
	grep -Eq '^CRITICAL +connect-failures +churn \(pid' "$WORK/text" ||
		fail "no finding: $(cat "$WORK/text")"
	grep -Eq 'FAILS/S TOP-CLOSER$' "$WORK/text" || fail "no FAILS/S column"
	grep -Eq '^127\.0\.0\.1 +127\.0\.0\.1:8080 .* churn/[0-9]+$' "$WORK/text" ||
		fail "no top closer: $(cat "$WORK/text")"
	trace_bg prom audit --trace 3 --format prometheus
	"$CHURN" --dst 127.0.0.1:8080 --seconds 0.5 > "$WORK/client"
	wait "$TR_PID" || true
	cp "$WORK/prom" "$WORK/out"
	expect_prometheus_text
	expect_out '^porttune_trace_connect_failures_total\{pid="[0-9]+",comm="churn",dst="127\.0\.0\.1",dport="8080",errno="EADDRNOTAVAIL"\} [0-9]+$'
	expect_out '^porttune_trace_available 1$'
}

test_watch_trace_shows_failures_per_frame() {
	exhausting_range
	trace_bg watch watch --trace --count 1 --interval 3
	"$CHURN" --dst 127.0.0.1:8080 --seconds 1 > "$WORK/client"
	wait "$TR_PID" || fail "watch exit status"
	grep -Eq '^CRITICAL +connect-failures +churn' "$WORK/watch" ||
		fail "no failure line: $(cat "$WORK/watch")"
	grep -q 'Failed connect() calls, traced over' "$WORK/watch" ||
		fail "no trace table"
}

test_trace_without_root_is_unknown_in_one_line() {
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PORTTUNE" audit --trace 1 --no-sockets
	expect_rc 3
	expect_eq "$(grep -c 'trace' "$WORK/out")" 1 "lines about the trace"
	expect_out '^UNKNOWN +trace +cannot trace: .*root'
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PORTTUNE" audit --trace 1 --no-sockets --format json
	jq -e '.trace.available == false and (.trace.error | test("root"))' \
		"$WORK/out" > /dev/null || fail "json: $(jq -c .trace "$WORK/out")"
}

# Only --trace opens libbpf: hidden (a private bind mount over it), the
# trace is UNKNOWN with the reason and the rest of the audit runs.
test_trace_without_libbpf_is_unknown_in_one_line() {
	run without_lib libbpf.so.1 "$PORTTUNE" audit --trace 1 --no-sockets
	expect_rc 3
	expect_eq "$(grep -c 'trace' "$WORK/out")" 1 "lines about the trace"
	expect_out '^UNKNOWN +trace +cannot trace: tracing needs libbpf.so.1: '
	expect_out '^OK +port-range '
}

test_trace_detaches_on_sigterm() {
	trace_bg trace audit --trace 60 --format json --no-sockets
	ids=$(prog_ids "$TR_PID")
	expect_eq "$(echo "$ids" | wc -w)" 3 "programs held"
	kill -TERM "$TR_PID"
	wait "$TR_PID" || true
	jq -e '.trace.available and .trace.seconds < 30' "$WORK/trace" > /dev/null ||
		fail "no report after SIGTERM: $(cat "$WORK/trace")"
	# shellcheck disable=SC2086
	progs_gone $ids
}

test_trace_leaves_nothing_after_kill_9() {
	trace_bg trace audit --trace 60 --no-sockets
	ids=$(prog_ids "$TR_PID")
	expect_eq "$(echo "$ids" | wc -w)" 3 "programs held"
	kill -KILL "$TR_PID"
	wait "$TR_PID" || true
	# shellcheck disable=SC2086
	progs_gone $ids
	[ -z "$(ls /sys/fs/bpf 2>/dev/null)" ] || fail "something pinned in /sys/fs/bpf"
}

test_trace_reports_a_full_map() {
	trace_bg trace audit --trace 3 --format json --no-sockets
	# 5000 destinations refuse (nothing listens): more than a map holds
	"$CHURN" --dst 127.0.0.1:9 --spread 5000 --no-server --seconds 1 \
		> "$WORK/client"
	wait "$TR_PID" || true
	grep -q ECONNREFUSED "$WORK/client" || fail "no refusals: $(tail -1 "$WORK/client")"
	jq -e '.trace.map_full and .trace.dropped.connect_failures > 0 and
	       (.trace.connect_failures | length) == 4096' "$WORK/trace" > /dev/null ||
		fail "map: $(jq -c '[.trace.map_full, .trace.dropped, (.trace.connect_failures | length)]' "$WORK/trace")"
	jq -e '.findings[] | select(.check == "trace-map-full" and
	       .severity == "WARNING")' "$WORK/trace" > /dev/null ||
		fail "no trace-map-full finding"
}

test_trace_failures_in_nagios_perfdata() {
	exhausting_range
	trace_bg nag audit --trace 3 --format nagios
	"$CHURN" --dst 127.0.0.1:8080 --seconds 1 > "$WORK/client"
	wait "$TR_PID" || true
	own=$(sed -n 's/^fail .*errno=EADDRNOTAVAIL count=\([0-9]*\).*/\1/p' "$WORK/client" |
		awk '{ s += $1 } END { print s + 0 }')
	got=$(sed -n "s/.*'traced_connect_failures'=\([0-9]*\);;1;0.*/\1/p" "$WORK/nag")
	grep -q '^PORTTUNE CRITICAL - ' "$WORK/nag" || fail "$(cat "$WORK/nag")"
	within5 "$got" "$own" "nagios traced failures"
}

# audit --all-netns --trace: one window over two namespaces made here, each
# exhausted to a different depth; each namespace's report has its own counts
# and nothing of the other's.
test_all_netns_trace_labels_each_namespace() {
	for x in a b; do
		netns_add "$x"
		in_ns "$x" ip link set lo up
		in_ns "$x" sh -c 'echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse'
	done
	A=$NS_PREFIX-a B=$NS_PREFIX-b
	in_ns a sh -c 'echo "40000 40099" > /proc/sys/net/ipv4/ip_local_port_range'
	in_ns b sh -c 'echo "40000 40029" > /proc/sys/net/ipv4/ip_local_port_range'
	trace_bg all audit --all-netns --trace 4 --format json
	in_ns a "$CHURN" --dst 127.0.0.1:8080 --seconds 1.5 > "$WORK/client-a" &
	ca=$!
	in_ns b "$CHURN" --dst '[::1]:8081' --seconds 0.7 > "$WORK/client-b"
	wait "$ca"
	# 2 (CRITICAL) here; another namespace of the host may add UNKNOWN
	wait "$TR_PID" || [ $? -ge 2 ] ||
		fail "audit exit status: $(cat "$WORK/all.err")"
	jq -e '.exit_code >= 2' "$WORK/all" > /dev/null ||
		fail "audit: $(cat "$WORK/all.err")"
	for x in a b; do
		grep -q EADDRNOTAVAIL "$WORK/client-$x" ||
			fail "client $x did not fail: $(cat "$WORK/client-$x")"
		jq --arg n "$NS_PREFIX-$x" '.namespaces[] | select(.netns.name == $n)' \
			"$WORK/all" > "$WORK/trace-$x"
		[ -s "$WORK/trace-$x" ] || fail "no report for namespace $x"
		match_client "$WORK/client-$x" "$WORK/trace-$x"
		jq -e '.status == "CRITICAL" and .trace.available' "$WORK/trace-$x" \
			> /dev/null || fail "namespace $x: $(jq -c '[.status, .trace]' "$WORK/trace-$x")"
	done
	closes_a=$(jq '[.trace.active_closes[].count] | add' "$WORK/trace-a")
	closes_b=$(jq '[.trace.active_closes[].count] | add' "$WORK/trace-b")
	[ "$closes_a" != "$closes_b" ] || fail "both namespaces closed $closes_a"
	# nothing of a namespace's client anywhere else
	for x in a b; do
		pid=$(sed -n 's/^total pid=\([0-9]*\).*/\1/p' "$WORK/client-$x")
		got=$(jq --argjson p "$pid" '[.namespaces[] | .trace // {} | .[] | arrays
		      | .[] | select(.pid == $p)] | length' "$WORK/all")
		own=$(jq --argjson p "$pid" '[.trace[] | arrays | .[] | select(.pid == $p)]
		      | length' "$WORK/trace-$x")
		expect_eq "$got" "$own" "entries of client $x (pid $pid) outside its namespace: $((got - own))"
	done

	trace_bg text audit --all-netns --trace 2
	in_ns a "$CHURN" --dst 127.0.0.1:8080 --seconds 0.5 > "$WORK/client-a"
	wait "$TR_PID" || true
	grep -Eq "^==== $A: CRITICAL ====" "$WORK/text" || fail "no section for $A"
	sed -n "/^==== $A: /,/^==== /p" "$WORK/text" |
		grep -Eq '^CRITICAL +connect-failures +churn \(pid' ||
		fail "no failure finding in $A's section: $(cat "$WORK/text")"
	trace_bg prom audit --all-netns --trace 2 --format prometheus
	in_ns b "$CHURN" --dst 127.0.0.1:8082 --seconds 0.5 > "$WORK/client-b"
	wait "$TR_PID" || true
	cp "$WORK/prom" "$WORK/out"
	expect_prometheus_text
	expect_out "^porttune_trace_connect_failures_total\\{netns=\"$B\",pid=\"[0-9]+\",comm=\"churn\",dst=\"127\\.0\\.0\\.1\",dport=\"8082\",errno=\"EADDRNOTAVAIL\"\\} [0-9]+\$"
	grep -q "^porttune_trace_connect_failures_total{netns=\"$A\"" "$WORK/out" &&
		fail "failures in $A, where nothing failed: $(grep "netns=\"$A\"" "$WORK/out" | grep trace_connect)"
	return 0
}
