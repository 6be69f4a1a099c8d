#!/bin/sh
# tests/examples.sh PATH_TO_WORMCAST — runs every example command of README.md
# (its ```sh blocks) and of wormcast.1 (its EXAMPLES section) as written, in
# order, in a temporary directory holding what they need, and checks each
# one's exit status and the files it promises (present, non-empty, and of
# their kind: a PNG is a PNG, a CSV has rows of equal width, JSON parses).
#
# README examples run where `build/wormcast` is the binary under test and
# tests/fixtures and scenarios/ are copies; man-page examples run with
# `wormcast` on PATH. Every example must be listed in policy() below: run as
# written, run smaller (with the reason), or skipped (with the reason). An
# example that is not listed fails, so a new example cannot go untested.
# Prints one line per example and ends with "N passed, M failed".

. "$(dirname "$0")/lib.sh"
wc_setup examples "$@"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
wc_lsan print_suppressions=0

# ---- extracting the examples: one command a line, continuations joined ----

join_lines() {
	awk '{ if (buf != "") sub(/^[ \t]+/, "")
	       if (sub(/\\$/, "")) { buf = buf $0; next }
	       print buf $0; buf = "" }'
}

readme_examples() {
	awk '/^```sh$/ { on = 1; next } /^```/ { on = 0 } on && NF' "$ROOT/README.md" | join_lines
}

# groff escapes as the page writes them: \- a hyphen, \e a backslash.
man_examples() {
	sed -n '/^\.SH EXAMPLES/,/^\.SH [A-Z]/p' "$ROOT/wormcast.1" |
		awk '/^\.EX/ { on = 1; next } /^\.EE/ { on = 0 } on' |
		sed -e 's/\\-/-/g' -e 's/\\e/\\/g' | join_lines
}

# ---- the policy for each example ----
# Sets: action (run or skip), why (for skip and smaller runs), edit (a sed
# expression applied to the command before it runs, or empty), outputs (files
# the example promises; "-" for a non-empty standard output).

policy() {
	action=run why="" edit="" outputs=""
	case $1 in
	'sudo apt-get'*'make quickstart'*)
		action=skip
		why="needs root and the network; the quickstart recipe of the Makefile is run instead, above" ;;
	'make test'*)
		action=skip why="the test suite that runs this script" ;;
	'sudo make install'*)
		action=skip
		why="writes under /usr/local as root; tests/install.sh runs the same install into a DESTDIR" ;;
	'make check'*)
		action=skip why="the fast tier of the tests (unit and CLI), a subset of make test, which runs this script" ;;
	*'wormcast selftest'*) outputs="-" ;;
	*'wormcast scenarios'*) outputs="-" ;;
	*'wormcast show codered-v2 > my.ini'*) outputs="my.ini" ;;
	'$EDITOR my.ini') why="EDITOR=true: no editing in a test" ;;
	*'wormcast run my.ini --seed 7 --plot my.svg'*) outputs="my.svg" ;;
	*'wormcast run codered-v2 --set population.vulnerable=180000'*) outputs="-" ;;
	*'wormcast keys > keys.md') outputs="keys.md" ;;
	*'wormcast keys'*) outputs="-" ;;
	*'wormcast run --help'*) outputs="-" ;;
	*'seq 1 100'*'--quiet'*)
		edit='s/seq 1 100/seq 1 3/'
		why="3 seeds, not 100: 100 full-day runs take over a minute of CPU"
		outputs="wormcast-out/codered-v2-seed3/timeline.csv" ;;
	*'--seeds 1-100 --plot band.png'*)
		edit='s/--seeds 1-100/--seeds 1-3/'
		why="3 seeds, not 100: 100 full-day runs take over a minute of CPU"
		outputs="band.png wormcast-out/codered-v2-seeds1-3/quantiles.csv wormcast-out/codered-v2-seeds1-3/summary.json" ;;
	*'population.vulnerable=10000000'*)
		edit='s/population.vulnerable=10000000/population.vulnerable=1000000/'
		why="10^6 hosts, not 10^7: placing 10^7 takes over 15 s of CPU; the code path is the same"
		outputs="-" ;;
	*'fit wormcast-out/codered-v2-seed1/timeline.csv --plot fit.png')
		outputs="fit.png fit-out/fit.json fit-out/forecast.csv" ;;
	*'fit tests/fixtures/detect-timeline.csv'* | *'fit tests/fixtures/codered-19jul.csv'* | \
	*'fit tests/fixtures/caida-codered-table.txt'*)
		outputs="- fit-out/fit.json fit-out/forecast.csv" ;;
	*'wormcast sweep codered-v2'*'--runs 20 --plot sweep.png')
		edit='s/--runs 20/--runs 2/'
		why="2 runs a combination, not 20: 300 full-day runs take minutes on 2 shared cores"
		outputs="sweep.png wormcast-out/sweep-codered-v2/sweep.csv wormcast-out/sweep-codered-v2/runs.csv" ;;
	*'detect tests/fixtures/detect/*.log --bin 600 --out worms --plot worms.png'* | \
		*'detect access_log access_log.1 access_log.2.gz capture.pcap --bin 600 --out worms --plot worms.png')
		outputs="worms.png worms/sources.csv worms/timeline.csv" ;;
	*'wormcast fit worms/timeline.csv --column codered2_cumulative_sources')
		outputs="- fit-out/fit.json fit-out/forecast.csv" ;;
	*'wormcast run codered-v2 --seed 7 --plot codered.png') outputs="codered.png" ;;
	*'--quiet --out cr256') outputs="cr256/timeline.csv cr256/summary.json" ;;
	*'wormcast fit cr256/timeline.csv --plot fit.png')
		outputs="fit.png fit-out/fit.json fit-out/forecast.csv" ;;
	*'wormcast calibrate codered-v2 '*'--plot calib.png')
		edit='s/--plot calib.png/--sims 600 --rounds 2 --particles 40 --plot calib.png/'
		why="600 simulations in 2 rounds, not 4000 in 5: the same code path in a few seconds"
		outputs="calib.png calibrate-out/posterior.csv calibrate-out/calibrate.json calibrate-out/forecast.csv" ;;
	*'wormcast run my.ini --out runs/my --plot runs/my.svg')
		outputs="runs/my/timeline.csv runs/my/summary.json runs/my.svg" ;;
	*'class.home.reboot_rate=0.3'*'--out runs/reboots') outputs="runs/reboots/timeline.csv" ;;
	*'--threads 1 --quiet --out t1') outputs="t1/timeline.csv" ;;
	*'--threads 8 --quiet --out t8') outputs="t8/timeline.csv" ;;
	'cmp t1/timeline.csv t8/timeline.csv') ;;
	*'wormcast report wormcast-out/codered-v2-seed1   # writes report.html') outputs="report.html" ;;
	*'wormcast report '*'--out compare.html'*) outputs="compare.html" ;;
	*) action=unlisted ;;
	esac
}

# ---- checking a promised file by its kind ----

check_file() { # FILE: prints what is wrong, nothing if fine
	if [ ! -s "$1" ]; then
		echo "$1 missing or empty"
		return
	fi
	case $1 in
	*.png) [ "$(head -c 4 "$1" | od -An -c | tr -d ' \n')" = '211PNG' ] || echo "$1 is not a PNG" ;;
	*.svg) grep -q '<svg' "$1" || echo "$1 is not an SVG" ;;
	*.csv)
		awk -F, '/^#/ { next } !w { w = NF; next } { n++ } NF != w { bad = 1 }
			END { exit !(n > 0 && !bad) }' "$1" ||
			echo "$1: no data rows, or rows of unequal width" ;;
	*.json)
		if command -v jq >/dev/null; then
			jq -e . "$1" >/dev/null 2>&1 || echo "$1 does not parse as JSON"
		else
			[ "$(head -c 1 "$1")" = '{' ] || echo "$1 does not start a JSON object"
		fi ;;
	*.ini) grep -q '^\[outbreak\]' "$1" || echo "$1 has no [outbreak] section" ;;
	*.md) grep -q '^|' "$1" || echo "$1 has no table" ;;
	esac
}

# run_example SOURCE COMMAND: in the current directory.
run_example() {
	src=$1 cmd=$2
	policy "$cmd"
	case $action in
	unlisted)
		fail "$src: $cmd" "not listed in tests/examples.sh's policy(): say what it promises"
		return ;;
	skip)
		pass "$src: skipped: $cmd ($why)"
		return ;;
	esac
	run=$cmd
	[ -n "$edit" ] && run=$(printf '%s\n' "$cmd" | sed "$edit")
	# Promised files are removed first, so a file left by an earlier
	# example cannot stand in for one this example failed to write.
	for o in $outputs; do [ "$o" = - ] || rm -rf "$o"; done
	EDITOR=true PATH="$T/bin:$PATH" timeout 300 sh -c "$run" >out.txt 2>err.txt
	rc=$?
	label="$src: $run${why:+ ($why)}"
	if [ $rc -ne 0 ]; then
		fail "$label" "exit status $rc: $(tail -c 300 err.txt)"
		return
	fi
	if grep -qE 'CRITICAL|ERROR: AddressSanitizer|runtime error' err.txt; then
		fail "$label" "$(grep -m1 -E 'CRITICAL|ERROR|runtime error' err.txt)"
		return
	fi
	problems=""
	for o in $outputs; do
		if [ "$o" = - ]; then
			[ -s out.txt ] || problems="$problems; nothing on standard output"
		else
			p=$(check_file "$o")
			[ -n "$p" ] && problems="$problems; $p"
		fi
	done
	if [ -n "$problems" ]; then
		fail "$label" "${problems#; }"
	else
		pass "$label"
	fi
}

# ---- the man page's synopsis names every option of every command ----
# Each command's --help is the reference: an option it lists that the
# SYNOPSIS lacks (or a command missing there) fails.
synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$ROOT/wormcast.1" |
	sed -e 's/\\-/-/g' -e 's/^\.[A-Za-z]* *//' | tr '\n' ' ')
for c in run sweep scenarios show keys detect fit calibrate; do
	missing=""
	case $synopsis in
	*"wormcast $c "*) ;;
	*) missing=" (the command itself)" ;;
	esac
	# The command's own stretch: up to the next "wormcast ".
	seg=${synopsis#*"wormcast $c "}
	seg=${seg%%wormcast *}
	for o in $("$WC" "$c" --help 2>/dev/null | grep -oE '^ +--[a-z-]+' | sort -u); do
		[ "$o" = --help ] && continue
		case $seg in
		*"$o "* | *"$o"[!a-z-]*) ;;
		*) missing="$missing $o" ;;
		esac
	done
	if [ -n "$missing" ]; then
		fail "wormcast.1 SYNOPSIS: wormcast $c" "lacks$missing"
	else
		pass "wormcast.1 SYNOPSIS: wormcast $c, every option of its --help"
	fi
done

# The default engine the docs name is the one `run --help` states.
engine=$("$WC" run --help | sed -n 's/.*--engine .*(default \([a-z]*\).*/\1/p')
wrong=$(grep -nE "default,? \`(auto|probe|fast)\`|\`(auto|probe|fast)\` \(the default\)|engine_[a-z]*\.c\`, the default" \
	"$ROOT/README.md" "$ROOT"/docs/*.md | grep -v "\`$engine\`" | head -3)
if [ -z "$engine" ] || [ -n "$wrong" ]; then
	fail "docs name the default engine, '$engine'" "$wrong"
else
	pass "docs name the default engine as run --help does ('$engine')"
fi

mkdir "$T/bin" && ln -s "$WC" "$T/bin/wormcast" || exit 2

# ---- README.md, in its own directory: build/wormcast, tests/fixtures ----
mkdir -p "$T/readme/build" "$T/readme/tests" && cd "$T/readme" || exit 2
ln -s "$WC" build/wormcast
cp -R "$ROOT/tests/fixtures" tests/fixtures && cp -R "$ROOT/scenarios" scenarios || exit 2

# `make quickstart` is the README's first example; it builds, then runs its
# recipe, which is run here as the Makefile writes it.
sed -n '/^quickstart:/,/^$/p' "$ROOT/Makefile" | sed -n 's/^\t//p' >quickstart.txt
if [ ! -s quickstart.txt ]; then
	fail "Makefile: quickstart recipe" "not found"
fi
while IFS= read -r line; do
	EDITOR=true timeout 300 sh -c "$line" >out.txt 2>err.txt
	rc=$?
	bad=""
	for f in wormcast-out/codered-v2-seed1/timeline.csv wormcast-out/codered-v2-seed1/summary.json \
		wormcast-out/codered-v2.png; do
		p=$(check_file "$f")
		[ -n "$p" ] && bad="$bad; $p"
	done
	if [ $rc -ne 0 ] || [ -n "$bad" ]; then
		fail "Makefile quickstart: $line" "exit $rc${bad}"
	else
		pass "Makefile quickstart: $line"
	fi
done <quickstart.txt

readme_examples >examples.txt
[ -s examples.txt ] || fail "README.md" "no example found in its sh blocks"
while IFS= read -r cmd; do
	run_example README.md "$cmd" </dev/null
done <examples.txt

# ---- wormcast.1, in its own directory, with stand-ins for a server's files ----
mkdir "$T/man" && cd "$T/man" || exit 2
# The detect example names a server's rotated logs and a capture. Stand-ins:
# access_log holds a Code Red II outbreak on 4 August 2001 (400 sources whose
# first requests follow a logistic, K = 1/h, midpoint 06:00 UTC), so that the
# example's fit has a series to fit; access_log.1 and access_log.2.gz are the
# test fixtures; capture.pcap is an empty capture (a header, no packet).
req=$(grep -m1 'default.ida?XXXX' "$ROOT/tests/fixtures/detect/access.log" |
	sed 's/.*"\(GET [^"]*\)".*/\1/')
awk -v req="$req" 'BEGIN {
	n = 400
	for (i = 1; i < n; i++) {
		s = 6 * 3600 + 3600 * log(i / (n - i))
		if (s < 0 || s >= 86400) continue
		printf "10.%d.%d.%d - - [04/Aug/2001:%02d:%02d:%02d +0000] \"%s\" 404 276\n",
			int(i / 200), i % 200, 7, int(s / 3600), int(s % 3600 / 60), int(s % 60), req
	}
}' >access_log
cp "$ROOT/tests/fixtures/detect/access.log" access_log.1
gzip -c "$ROOT/tests/fixtures/detect/iis.log" >access_log.2.gz
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000' \
	>capture.pcap

man_examples >examples.txt
[ -s examples.txt ] || fail "wormcast.1" "no example found in EXAMPLES"
while IFS= read -r cmd; do
	run_example wormcast.1 "$cmd" </dev/null
done <examples.txt

cd "$ROOT" || exit 2
wc_finish
