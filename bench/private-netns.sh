# Sourced by every benchmark: re-run the script inside a new network
# namespace (unshare -n), and go on only once it really runs in one other
# than the namespace it was started in. Never guess: a script that guessed
# it was already in a private namespace once changed the host's port range.
#
#   . "$here/private-netns.sh"; private_netns NAME INTERPRETER "$@"

private_netns() {
	_pn_name=$1 _pn_sh=$2
	shift 2
	_pn_ns=$(readlink /proc/self/ns/net)
	if [ -z "${PORTTUNE_BENCH_HOST_NETNS:-}" ]; then
		[ "$(id -u)" = 0 ] ||
			{ echo "$_pn_name: needs root (unshare -n)" >&2; exit 2; }
		[ -n "$_pn_ns" ] ||
			{ echo "$_pn_name: cannot read /proc/self/ns/net" >&2; exit 2; }
		PORTTUNE_BENCH_HOST_NETNS=$_pn_ns
		export PORTTUNE_BENCH_HOST_NETNS
		exec unshare -n "$_pn_sh" "$0" "$@"
	fi
	# pid 1's namespace too, where it is readable (often it is not)
	_pn_init=$(readlink /proc/1/ns/net 2>/dev/null || true)
	if [ -z "$_pn_ns" ] || [ "$_pn_ns" = "$PORTTUNE_BENCH_HOST_NETNS" ] ||
	   [ "$_pn_ns" = "$_pn_init" ]; then
		echo "$_pn_name: not in a private network namespace; refusing" >&2
		exit 2
	fi
}
