# tests/lib.sh — sourced by the test scripts that run the binary: the argument
# check, the temporary directory, LeakSanitizer's suppressions and the
# pass/fail counters with the closing "N passed, M failed" line.
#
#   . "$(dirname "$0")/lib.sh"
#   wc_setup NAME "$@"    # NAME: the script's name; sets WC (absolute) and T
#   pass "check"; fail "check" "why"
#   wc_finish             # the closing line; exits nonzero if any check failed

# wc_setup NAME PATH_TO_WORMCAST: exits 2 on a wrong call. T is a fresh
# directory, removed on exit.
wc_setup() {
	if [ $# -ne 2 ]; then
		echo "usage: tests/$1.sh PATH_TO_WORMCAST" >&2
		exit 2
	fi
	case $2 in
	/*) WC=$2 ;;
	*) WC=$(pwd)/$2 ;;
	esac
	if [ ! -x "$WC" ]; then
		echo "tests/$1.sh: $WC: not an executable" >&2
		exit 2
	fi
	T=$(mktemp -d "${TMPDIR:-/tmp}/wormcast-$1.XXXXXX") || exit 2
	trap 'rm -rf "$T"' EXIT
	trap 'exit 130' INT TERM
}

# wc_lsan [OPTION]: under LeakSanitizer, PLplot's cairo driver loads fontconfig
# (through libltdl), whose caches live until exit by design. Those are not
# wormcast's leaks; everything else still is reported. OPTION (e.g.
# print_suppressions=0) is added to LSAN_OPTIONS.
wc_lsan() {
	printf 'leak:libfontconfig.so\nleak:libltdl.so\n' >"$T/lsan.supp"
	LSAN_OPTIONS="suppressions=$T/lsan.supp${1:+:$1}${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
	export LSAN_OPTIONS
}

passed=0
failed=0
pass() {
	passed=$((passed + 1))
	echo "ok   - $1"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL - $1${2:+: $2}"
}

wc_finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
