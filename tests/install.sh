#!/bin/sh
# tests/install.sh — `make install DESTDIR=... PREFIX=/usr` puts the program,
# its manual page and libwormcast (static, shared with its SONAME links, the
# public header, wormcast.pc) where a packager expects them; the installed
# program runs; the example program builds against the installed library
# through pkg-config, shared and static, and gives the same numbers as the
# installed program for the same scenario and seed; the shared library
# exports only the public functions; and `make uninstall` takes everything
# away again. Run from the source tree (make test-run does); MAKE names the
# make to use, CC the compiler.
make=${MAKE:-make}
cc=${CC:-cc}
T=$(mktemp -d "${TMPDIR:-/tmp}/wormcast-install.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok   - $1"; }
bad() {
	echo "FAIL - $1"
	fail=1
}
D="$T/stage"
L="$D/usr/lib"
if ! $make --no-print-directory -s install DESTDIR="$D" PREFIX=/usr >"$T/log" 2>&1; then
	bad "make install DESTDIR=$D PREFIX=/usr: $(cat "$T/log")"
	exit 1
fi
SHLIB=$(cd "$L" && ls libwormcast.so.*.*.* 2>/dev/null | head -n 1)
missing=""
for f in usr/bin/wormcast usr/share/man/man1/wormcast.1 usr/lib/libwormcast.a \
	usr/lib/libwormcast.so usr/lib/libwormcast.so.0 "usr/lib/$SHLIB" \
	usr/include/wormcast/wormcast.h usr/lib/pkgconfig/wormcast.pc; do
	[ -e "$D/$f" ] || missing="$missing $f"
done
if [ -n "$missing" ] || [ -z "$SHLIB" ]; then
	bad "make install: missing$missing ${SHLIB:-libwormcast.so.X.Y.Z}"
elif ! "$D/usr/bin/wormcast" --version | grep -q '^wormcast [0-9]'; then
	bad "the installed wormcast --version"
elif ! cmp -s wormcast.1 "$D/usr/share/man/man1/wormcast.1"; then
	bad "the installed manual page differs from wormcast.1"
elif [ "$(readlink "$L/libwormcast.so")" != libwormcast.so.0 ] ||
	[ "$(readlink "$L/libwormcast.so.0")" != "$SHLIB" ]; then
	bad "libwormcast.so -> libwormcast.so.0 -> $SHLIB links"
elif ! readelf -d "$L/$SHLIB" | grep -q 'SONAME.*\[libwormcast\.so\.0\]'; then
	bad "$SHLIB has no SONAME libwormcast.so.0"
else
	ok "make install DESTDIR PREFIX=/usr: the program, its manual page, libwormcast.a, $SHLIB (SONAME libwormcast.so.0, links), include/wormcast/wormcast.h, wormcast.pc"
fi

# Only the public functions are exported (OpenMP's named critical sections
# are libgomp's, shared by design).
exported=$(nm -D --defined-only "$L/$SHLIB" | awk '{ print $3 }' |
	grep -v '^\.gomp_critical_user_' | sort)
public=$(sed -n 's/^WC_API [^(]*[ *]\(wormcast_[a-z0-9_]*\)(.*/\1/p' include/wormcast/wormcast.h | sort)
if [ -z "$exported" ] || [ "$exported" != "$public" ]; then
	bad "the shared library exports other than the public functions: $(printf '%s\n' "$exported" "$public" | sort | uniq -u | tr '\n' ' ')"
else
	ok "libwormcast.so exports exactly the $(printf '%s\n' "$public" | wc -l | tr -d ' ') functions of wormcast.h"
fi

# The installed program's numbers for codered-v2, seed 1.
"$D/usr/bin/wormcast" run codered-v2 --seed 1 --quiet --out "$T/run" >/dev/null 2>&1 &&
	"$D/usr/bin/wormcast" fit "$T/run/timeline.csv" --quiet --out "$T/fit" >/dev/null 2>&1 ||
	bad "the installed wormcast run/fit codered-v2 --seed 1"
rows=$(($(wc -l <"$T/run/timeline.csv") - 1))
col=$(head -n 1 "$T/run/timeline.csv" | tr ',' '\n' | grep -n '^cumulative_infected$' | cut -d: -f1)
last=$(tail -n 1 "$T/run/timeline.csv" | cut -d, -f"${col:-1}")
model=$(sed -n 's/^  "model": "\([a-z-]*\)",$/\1/p' "$T/fit/fit.json" | head -n 1)

# example_check HOW: the example built HOW gives the program's numbers.
example_check() {
	out="$T/example-$1.out"
	if ! "$T/ex/run_and_classify" codered-v2 1 "$T/run/timeline.csv" \
		tests/fixtures/detect/access.log >"$out" 2>&1; then
		bad "the example ($1) failed: $(tail -n 3 "$out")"
		return
	fi
	for want in "run codered-v2 seed 1: $rows rows, 22 columns, .* cumulative_infected $last\$" \
		"read: $rows rows, 22 columns, .* cumulative_infected $last\$" \
		"fit: model $model, $rows points" '^classify 1: codered 192\.0\.2\.10$' \
		'^classify 4: codered2 198\.51\.100\.7$' '^classify 6: nimda 203\.0\.113\.5$' \
		'^classify 10: other 192\.0\.2\.99$' '^classify 15: not read: line:1: expected a time like'; do
		if ! grep -q "$want" "$out"; then
			bad "the example ($1) lacks '$want': $(cat "$out")"
			return
		fi
	done
	ok "the example ($1) against the installed library: $rows rows, cumulative_infected $last, fit $model, as the installed wormcast gives; the signatures of access.log"
}
export PKG_CONFIG_PATH="$L/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
cp -r examples "$T/ex"
if [ -z "$last" ] || [ -z "$model" ]; then
	bad "no cumulative_infected or fit model from the installed wormcast"
elif ! $make --no-print-directory -s -C "$T/ex" CC="$cc" >"$T/log" 2>&1; then
	bad "the example against the installed libwormcast.so: $(cat "$T/log")"
elif ! readelf -d "$T/ex/run_and_classify" | grep -q 'NEEDED.*\[libwormcast\.so\.0\]'; then
	bad "the shared example does not need libwormcast.so.0"
else
	LD_LIBRARY_PATH="$L" example_check shared
fi
rm -f "$T/ex/run_and_classify"
if ! $make --no-print-directory -s -C "$T/ex" CC="$cc" STATIC=1 >"$T/log" 2>&1; then
	bad "the example against the installed libwormcast.a: $(cat "$T/log")"
elif readelf -d "$T/ex/run_and_classify" | grep -q 'libwormcast'; then
	bad "the static example still needs libwormcast.so"
else
	example_check static
fi
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

if [ $fail -eq 0 ]; then
	$make --no-print-directory -s uninstall DESTDIR="$D" PREFIX=/usr >"$T/log" 2>&1
	left=$(find "$D" ! -type d)
	if [ -n "$left" ]; then
		bad "make uninstall left $left"
	else
		ok "make uninstall removes everything make install put there"
	fi
fi
exit $fail
