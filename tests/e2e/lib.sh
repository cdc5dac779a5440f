# Helpers for end-to-end tests; sourced inside a private network namespace.
# A test is a shell function named test_*; it fails on the first failing
# command (set -e) or assertion.

e2e_setup() {
	WORK=$(mktemp -d /tmp/porttune-e2e.XXXXXX)
	STATE=$WORK/state
	BG_PIDS=""
	NETNS_ADDED=""
	trap 'for p in $BG_PIDS; do kill "$p" 2>/dev/null || true; done
	      for n in $NETNS_ADDED; do ip netns del "$n" 2>/dev/null || true; done
	      rm -rf "$WORK"' EXIT
	ip link set lo up
}

pt() { "$PORTTUNE" --state-dir "$STATE" "$@"; }

# netns_add NAME: a named namespace (ip netns add), deleted when the test
# ends; its name is unique to this test run ($NS_PREFIX-NAME).
netns_add() {
	ip netns add "$NS_PREFIX-$1"
	NETNS_ADDED="$NETNS_ADDED $NS_PREFIX-$1"
}
NS_PREFIX=pt-e2e-$$

# in_ns NAME CMD...: run CMD in that namespace
in_ns() { n=$1; shift; ip netns exec "$NS_PREFIX-$n" "$@"; }

fail() { echo "ASSERTION FAILED: $*" >&2; exit 1; }

sysctl_get() {	# dotted key -> value with blanks folded
	tr '\t' ' ' < "/proc/sys/$(echo "$1" | tr . /)"
}

sysctl_set() { echo "$2" > "/proc/sys/$(echo "$1" | tr . /)"; }

expect_eq() {	# expect_eq ACTUAL EXPECTED [WHAT]
	[ "$1" = "$2" ] || fail "${3:-value}: got '$1', expected '$2'"
}

# run CMD..., keep stdout/stderr in $WORK/out, $WORK/err, status in $RC
# without_lib SONAME CMD...: CMD on a host without that library: /dev/null
# bind-mounted over it in a private mount namespace.
without_lib() {
	lib=$(ldconfig -p | awk -v so="$1" '$1 == so { print $NF; exit }')
	[ -n "$lib" ] || fail "$1 is not installed"
	shift
	unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' \
		sh "$lib" "$@"
}

# jq 1.6 (Debian 12) exits 0 under -e when its input is empty, so a check
# of JSON that porttune never printed would pass. Here, with -e, empty input
# (a file named last, else standard input) fails.
jq() {
	case " $* " in
	*" -e "*) ;;
	*) command jq "$@"; return ;;
	esac
	eval "_jq_last=\${$#}"
	if [ -f "$_jq_last" ]; then
		grep -q '[^[:space:]]' "$_jq_last" ||
			{ echo "jq -e: $_jq_last is empty" >&2; return 1; }
		command jq "$@"
		return
	fi
	_jq_in=$(cat)
	[ -n "$(printf '%s' "$_jq_in" | tr -d '[:space:]')" ] ||
		{ echo "jq -e: empty input" >&2; return 1; }
	printf '%s\n' "$_jq_in" | command jq "$@"
}

run() {
	set +e
	"$@" > "$WORK/out" 2> "$WORK/err"
	RC=$?
	set -e
	return 0
}

expect_rc() {
	[ "$RC" = "$1" ] || {
		cat "$WORK/out" "$WORK/err" >&2
		fail "exit status $RC, expected $1"
	}
}

expect_out() {	# grep -E pattern in stdout
	grep -Eq -- "$1" "$WORK/out" || {
		cat "$WORK/out" >&2
		fail "stdout lacks /$1/"
	}
}

expect_err() {
	grep -Eq -- "$1" "$WORK/err" || {
		cat "$WORK/err" >&2
		fail "stderr lacks /$1/"
	}
}

profile() {	# profile NAME <<EOF ... : write $WORK/NAME
	cat > "$WORK/$1"
}

# Every setting the suite touches, to prove "nothing changed".
state_of_sysctls() {
	for k in ip_local_port_range ip_local_reserved_ports tcp_fin_timeout \
		 tcp_tw_reuse tcp_max_tw_buckets tcp_syn_retries \
		 ip_unprivileged_port_start; do
		printf '%s=%s\n' "$k" "$(sysctl_get net.ipv4.$k)"
	done
}

snapshot_count() {
	ls "$STATE/snapshots" 2>/dev/null | grep -Ec '^[0-9]+\.ini$' || true
}

# loadgen NAME ARGS...: start the load generator in the background, wait for
# its "ready" line; its pid is in $LG_PID and its output in $WORK/NAME.
loadgen() {
	name=$1
	shift
	"$LOADGEN" "$@" > "$WORK/$name" 2>&1 &
	LG_PID=$!
	BG_PIDS="$BG_PIDS $LG_PID"
	for _ in $(seq 100); do
		grep -q '^ready' "$WORK/$name" && return 0
		kill -0 "$LG_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -q '^ready' "$WORK/$name" && return 0
	cat "$WORK/$name" >&2
	fail "loadgen $* did not get ready"
}

# stdout is the Prometheus text format: comments or "name{labels} value"
expect_prometheus_text() {
	bad=$(grep -Ev '^# (HELP|TYPE) [a-z_]+ |^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+]+$' \
		"$WORK/out" || true)
	[ -z "$bad" ] || fail "unparseable prometheus lines: $bad"
}
