#!/bin/sh
# tests/install.sh — `make install DESTDIR=... PREFIX=/usr` puts the program and
# its manual page where a packager expects them, the installed program runs,
# and `make uninstall` takes both away again. Run from the source tree (make
# test-run does); MAKE names the make to use.
make=${MAKE:-make}
T=$(mktemp -d "${TMPDIR:-/tmp}/wormcast-install.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
fail=0
if ! $make --no-print-directory -s install DESTDIR="$T" PREFIX=/usr >"$T.log" 2>&1; then
	echo "FAIL - make install DESTDIR=$T PREFIX=/usr: $(cat "$T.log")"
	fail=1
elif [ ! -x "$T/usr/bin/wormcast" ] || [ ! -f "$T/usr/share/man/man1/wormcast.1" ]; then
	echo "FAIL - make install: missing $(cd "$T" && find . -type f | tr '\n' ' ')"
	fail=1
elif ! "$T/usr/bin/wormcast" --version | grep -q '^wormcast [0-9]'; then
	echo "FAIL - the installed wormcast --version"
	fail=1
elif ! cmp -s wormcast.1 "$T/usr/share/man/man1/wormcast.1"; then
	echo "FAIL - the installed manual page differs from wormcast.1"
	fail=1
else
	echo "ok   - make install DESTDIR PREFIX=/usr: usr/bin/wormcast and usr/share/man/man1/wormcast.1"
fi
if [ $fail -eq 0 ]; then
	$make --no-print-directory -s uninstall DESTDIR="$T" PREFIX=/usr >"$T.log" 2>&1
	left=$(find "$T" -type f)
	if [ -n "$left" ]; then
		echo "FAIL - make uninstall left $left"
		fail=1
	else
		echo "ok   - make uninstall removes both"
	fi
fi
rm -f "$T.log"
exit $fail
