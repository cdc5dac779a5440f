#!/bin/sh
# Install what porttune needs to build and test, if anything is missing.
# Does nothing when all is there; says what to install when it cannot.
set -u
pkgs="pkg-config libmnl-dev libnl-3-dev libnl-route-3-dev libinih-dev
libcmocka-dev libjson-c-dev mandoc iproute2 ethtool net-tools jq util-linux strace
clang llvm libbpf-dev bpftool procps libclang-rt-14-dev"
# the real tools the integrations are tested with
pkgs="$pkgs prometheus bash-completion systemd ansible-core python3
debhelper dpkg-dev fakeroot lintian git"

if ! command -v dpkg-query >/dev/null 2>&1; then
	missing=""
	for m in libmnl libnl-route-3.0 inih json-c cmocka libbpf; do
		pkg-config --exists "$m" 2>/dev/null || missing="$missing $m"
	done
	for t in mandoc ip ss ethtool jq unshare sysctl clang bpftool; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	[ -z "$missing" ] && exit 0
	echo "porttune: not a Debian system; install these yourself:$missing" >&2
	echo "porttune: (Debian names: $(echo $pkgs))" >&2
	exit 1
fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "porttune: missing Debian packages:$missing" >&2
	echo "porttune: install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "porttune: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && \
	apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
	echo "porttune: apt-get could not install:$missing" >&2
	exit 1
}
