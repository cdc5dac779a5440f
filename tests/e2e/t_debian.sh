# The Debian package: dpkg-buildpackage on the committed tree (what a clean
# clone has), its contents (dpkg -c), lintian, and the packaged binary run.
# Built in $WORK, so nothing is left in the source tree.

test_debian_package_builds_and_holds_what_it_should() {
	version=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
	deb_version=$(sed -n '1s/^porttune (\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
	expect_eq "$deb_version" "$version" "debian/changelog version"
	mkdir "$WORK/src"
	git -C "$TOP" archive HEAD | tar -x -C "$WORK/src"
	[ -f "$WORK/src/debian/control" ] || fail "debian/ is not committed"
	# make check's variables (SANITIZE, WERROR) are not the package's
	( cd "$WORK/src" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		DEB_BUILD_OPTIONS="nocheck parallel=2" \
		dpkg-buildpackage -us -uc -b ) > "$WORK/build.log" 2>&1 ||
		{ tail -n 30 "$WORK/build.log" >&2; fail "dpkg-buildpackage"; }
	deb=$WORK/porttune_${version}_amd64.deb
	[ -f "$deb" ] || fail "no $deb: $(ls "$WORK")"
	dpkg -c "$deb" | awk '{ print $6 }' | sed 's|^\./||' > "$WORK/files"
	for f in usr/sbin/porttune usr/share/man/man8/porttune.8.gz \
		 usr/share/man/man5/porttune.ini.5.gz \
		 usr/share/porttune/profiles/baseline.ini \
		 usr/share/porttune/profiles/outbound-proxy.ini \
		 usr/share/bash-completion/completions/porttune \
		 lib/systemd/system/porttune-textfile.service \
		 lib/systemd/system/porttune-textfile.timer \
		 usr/share/doc/porttune/copyright; do
		grep -qx "$f" "$WORK/files" || fail "$f not in the package: $(cat "$WORK/files")"
	done
	! grep -q 'usr/local' "$WORK/files" || fail "usr/local in the package"
	lintian --fail-on error "$deb" > "$WORK/lintian" 2>&1 ||
		fail "lintian: $(cat "$WORK/lintian")"
	# what is inside works and names its own paths
	dpkg -x "$deb" "$WORK/root"
	expect_eq "$("$WORK/root/usr/sbin/porttune" --version)" "porttune $version"
	zcat "$WORK/root/usr/share/man/man8/porttune.8.gz" |
		grep -q '^\.It Pa /usr/share/porttune/profiles/$' ||
		fail "man page names another profile directory"
	grep -q '^ExecStart=/usr/sbin/porttune ' \
		"$WORK/root/lib/systemd/system/porttune-textfile.service" ||
		fail "unit ExecStart"
	dpkg-deb -f "$deb" Depends | grep -q 'libjson-c' ||
		fail "Depends: $(dpkg-deb -f "$deb" Depends)"
	# links.c opens libnl-route-3 itself (dlopen): shlibs cannot see it
	dpkg-deb -f "$deb" Depends | grep -q 'libnl-route-3-200' ||
		fail "Depends: $(dpkg-deb -f "$deb" Depends)"
	# --trace opens libbpf itself (dlopen): shlibs cannot see it
	dpkg-deb -f "$deb" Recommends | grep -q 'libbpf1' ||
		fail "Recommends: $(dpkg-deb -f "$deb" Recommends)"
	# nothing was written into the source tree
	[ -z "$(git -C "$TOP" status --porcelain --ignored debian)" ] ||
		fail "build artefacts in $TOP/debian"
}
