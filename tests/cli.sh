#!/bin/sh
# tests/cli.sh PATH_TO_WORMCAST — checks the command-line contract (DESIGN.md §3)
# by running the real binary in a temporary directory. Prints one line per
# check and ends with "N passed, M failed"; exits nonzero if any check failed.
#
# Every real run uses the 1/256-scale Code Red overrides below, which make a
# run take about a second (a few under the sanitizers).

if [ $# -ne 1 ]; then
	echo "usage: tests/cli.sh PATH_TO_WORMCAST" >&2
	exit 2
fi
case $1 in
/*) WC=$1 ;;
*) WC=$(pwd)/$1 ;;
esac
if [ ! -x "$WC" ]; then
	echo "tests/cli.sh: $WC: not an executable" >&2
	exit 2
fi

# The fixtures tests/test_fit.c uses too (fit reads them by absolute path).
FIXTURES=$(cd "$(dirname "$0")" && pwd)/fixtures

T=$(mktemp -d "${TMPDIR:-/tmp}/wormcast-cli.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
cd "$T" || exit 2

# Under LeakSanitizer: PLplot's cairo driver loads fontconfig (through libltdl),
# whose caches live until exit by design. Those are not wormcast's leaks;
# everything else still is reported.
printf 'leak:libfontconfig.so\nleak:libltdl.so\n' >"$T/lsan.supp"
LSAN_OPTIONS="suppressions=$T/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

UNTIL=2001-07-19T16:00:00Z
HEADER=time,susceptible,infected,active,removed,patched,new_infections,cumulative_infected,probes,telescope_probes,telescope_sources,target_bytes

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

# run_small OUTDIR SCENARIO [ARGS...]: one reduced-scale run, stderr to OUTDIR.err.
run_small() {
	rs_out=$1
	rs_scenario=$2
	shift 2
	"$WC" run "$rs_scenario" --set worm.scan_space=12.0.0.0/8 \
		--set population.vulnerable=1406 --set telescope.blocks=12.44.0.0/16 \
		--until "$UNTIL" --quiet --seed 1 --out "$rs_out" "$@" >"$rs_out.stdout" 2>"$rs_out.err"
}

# ---- help and version ----

check_help() {
	name="wormcast $*"
	"$WC" "$@" >help.out 2>help.err
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name exits 0" "exit status $rc"
	elif ! grep -qi '^usage: wormcast' help.out; then
		fail "$name prints usage" "$(head -n 1 help.out)"
	else
		pass "$name exits 0 and prints usage"
	fi
}

check_help --help
check_help run --help
check_help scenarios --help
check_help show --help
check_help keys --help
check_help fit --help

"$WC" --version >version.out 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^wormcast [0-9]' version.out; then
	pass "wormcast --version exits 0 and prints the version"
else
	fail "wormcast --version" "exit $rc, '$(head -n 1 version.out)'"
fi

"$WC" >noargs.out 2>noargs.err
rc=$?
if [ $rc -eq 2 ] && grep -q 'usage: wormcast' noargs.err; then
	pass "wormcast with no command exits 2 with usage on stderr"
else
	fail "wormcast with no command" "exit $rc"
fi

# ---- scenarios, show, keys ----

if "$WC" scenarios >scenarios.out 2>scenarios.err && grep -q '^codered-v2 ' scenarios.out; then
	pass "scenarios lists codered-v2"
else
	fail "scenarios lists codered-v2" "$(cat scenarios.out scenarios.err)"
fi

if "$WC" show codered-v2 >x.ini 2>show.err && grep -q '^\[outbreak\]' x.ini; then
	pass "show codered-v2 prints an .ini"
else
	fail "show codered-v2 prints an .ini" "$(cat show.err)"
fi

# shellcheck disable=SC2016 # the backquotes are Markdown
KEY_ROW='| `vulnerable` |'
if "$WC" keys >keys.out 2>keys.err && grep -q '^### \[population\]' keys.out &&
	grep -qF "$KEY_ROW" keys.out; then
	pass "keys prints the key reference"
else
	fail "keys prints the key reference" "$(cat keys.err)"
fi

# ---- real runs ----

# The saved copy of a built-in gives the same timeline as the built-in.
run_small out-file ./x.ini --threads 2
rc_file=$?
run_small out-builtin codered-v2 --threads 2 --plot plot.png
rc_builtin=$?
run_small out-t1 codered-v2 --threads 1
rc_t1=$?

if [ $rc_file -eq 0 ] && [ -s out-file/timeline.csv ]; then
	pass "run of the saved x.ini exits 0 and writes timeline.csv"
else
	fail "run of the saved x.ini" "exit $rc_file: $(cat out-file.err)"
fi
if [ $rc_builtin -eq 0 ] && [ -s out-builtin/timeline.csv ]; then
	pass "run of codered-v2 exits 0 and writes timeline.csv"
else
	fail "run of codered-v2" "exit $rc_builtin: $(cat out-builtin.err)"
fi
if [ $rc_t1 -eq 0 ] && [ -s out-t1/timeline.csv ]; then
	pass "run with --threads 1 exits 0"
else
	fail "run with --threads 1" "exit $rc_t1: $(cat out-t1.err)"
fi

if cmp -s out-file/timeline.csv out-builtin/timeline.csv; then
	pass "x.ini and codered-v2 give byte-identical timeline.csv"
else
	fail "x.ini and codered-v2 give byte-identical timeline.csv"
fi

if cmp -s out-t1/timeline.csv out-builtin/timeline.csv; then
	pass "--threads 1 and --threads 2 give byte-identical timeline.csv"
else
	fail "--threads 1 and --threads 2 give byte-identical timeline.csv"
fi

head_line=$(head -n 1 out-builtin/timeline.csv 2>/dev/null | tr -d '\r')
first12=$(printf '%s\n' "$head_line" | cut -d, -f1-12)
if [ "$first12" = "$HEADER" ]; then
	pass "timeline.csv header starts with the DESIGN columns"
else
	fail "timeline.csv header" "got '$head_line'"
fi

# Rows: one per minute from 10:00 to 16:00 inclusive, each with as many
# fields as the header.
ncols=$(printf '%s\n' "$head_line" | awk -F, '{ print NF }')
bad_rows=$(awk -F, -v n="$ncols" 'NR > 1 && NF != n' out-builtin/timeline.csv 2>/dev/null | wc -l)
nrows=$(($(wc -l 2>/dev/null <out-builtin/timeline.csv || echo 0) - 1))
if [ "$bad_rows" -eq 0 ] && [ "$nrows" -eq 361 ]; then
	pass "timeline.csv has 361 rows of $ncols fields"
else
	fail "timeline.csv rows" "$nrows rows, $bad_rows with a wrong field count"
fi

if [ -s out-builtin/summary.json ] && head -c 1 out-builtin/summary.json | grep -q '{'; then
	pass "summary.json exists"
else
	fail "summary.json exists"
fi

magic=$(od -An -tx1 -N8 plot.png 2>/dev/null | tr -d ' \n')
if [ "$magic" = 89504e470d0a1a0a ]; then
	pass "--plot plot.png writes a PNG"
else
	fail "--plot plot.png writes a PNG" "magic '$magic'"
fi

# ---- bad input: exit 2, a message naming the problem, nothing written ----

mkdir bad || exit 2
cd bad || exit 2
printf '[outbreak]\nname = bad\n\n[worm]\nbogus = 1\n' >unknown-key.ini
printf '[worm]\nthreads = 100\nreply_fraction = 1.5\n' >range.ini
n_bad=0

# check_bad NAME PATTERN... -- RUN-ARGS: runs wormcast run RUN-ARGS with the
# reduced overrides and a fresh --out; every PATTERN must be on stderr.
check_bad() {
	name=$1
	shift
	patterns=""
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		patterns="$patterns
$1"
		shift
	done
	shift
	n_bad=$((n_bad + 1))
	out="fresh-$n_bad/out"
	"$WC" run "$@" --set worm.scan_space=12.0.0.0/8 --set population.vulnerable=1406 \
		--set telescope.blocks=12.44.0.0/16 --until "$UNTIL" --quiet \
		--out "$out" >bad.out 2>bad.err
	rc=$?
	why=""
	[ $rc -eq 2 ] || why="exit status $rc, not 2"
	if [ -z "$why" ] && [ ! -s bad.err ]; then
		why="nothing on stderr"
	fi
	if [ -z "$why" ]; then
		# Patterns are fixed strings, one per line.
		old_ifs=$IFS
		IFS='
'
		for p in $patterns; do
			grep -qF -- "$p" bad.err || why="stderr lacks '$p': $(cat bad.err)"
		done
		IFS=$old_ifs
	fi
	if [ -z "$why" ] && [ -e "fresh-$n_bad" ]; then
		why="created $out"
	fi
	if [ -z "$why" ]; then
		pass "$name: exit 2, message, no output"
	else
		fail "$name" "$why"
	fi
}

check_bad "unknown key in a file" "unknown-key.ini:5:" "'worm.bogus'" -- ./unknown-key.ini
check_bad "out-of-range value in a file" "range.ini:3:" "'worm.reply_fraction'" "1.5" \
	-- ./range.ini
check_bad "out-of-range value in --set" "'population.vulnerable'" "--set" \
	-- codered-v2 --set population.vulnerable=0
check_bad "malformed time in --until" "--until" "2001-07-19T25:00:00Z" \
	-- codered-v2 --until 2001-07-19T25:00:00Z
check_bad "missing scenario file" "missing.ini" -- ./missing.ini
check_bad "unknown scenario name" "'codered-v9'" -- codered-v9
check_bad "bad --set (no '=')" "--set" "worm.threads" -- codered-v2 --set worm.threads
check_bad "bad --set (unknown key)" "--set" "'worm.bogus'" -- codered-v2 --set worm.bogus=1
check_bad "unknown option" "--frobnicate" -- codered-v2 --frobnicate
check_bad "--plot with .gif" "--plot" "x.gif" -- codered-v2 --plot x.gif
check_bad "--threads 0" "--threads" -- codered-v2 --threads 0
check_bad "--engine bogus" "--engine" "bogus" -- codered-v2 --engine bogus

# Nothing at all was written in the working directory either (no default
# wormcast-out/, no plot file).
left=""
for f in * .[!.]*; do
	case $f in
	unknown-key.ini | range.ini | bad.out | bad.err | '*' | '.[!.]*') ;;
	*) left="$left $f" ;;
	esac
done
if [ -z "$left" ]; then
	pass "bad input leaves nothing behind"
else
	fail "bad input leaves nothing behind" "found:$left"
fi
cd .. || exit 2

"$WC" show no-such-scenario >show-bad.out 2>show-bad.err
rc=$?
if [ $rc -eq 2 ] && grep -qF "'no-such-scenario'" show-bad.err && [ ! -s show-bad.out ]; then
	pass "show of an unknown scenario exits 2 naming it"
else
	fail "show of an unknown scenario" "exit $rc"
fi

"$WC" frobnicate >cmd-bad.out 2>cmd-bad.err
rc=$?
if [ $rc -eq 2 ] && grep -qF "'frobnicate'" cmd-bad.err; then
	pass "an unknown command exits 2 naming it"
else
	fail "an unknown command" "exit $rc"
fi


# ---- fit ----

# json_value FILE KEY: the "value" of the first object named KEY in fit.json.
json_value() {
	grep -A1 "\"$2\": {" "$1" | sed -n 's/.*"value": \([-0-9.e+]*\).*/\1/p' | head -n 1
}

"$WC" fit "$FIXTURES/detect-timeline.csv" --out fit-detect --plot fit-detect.png \
	>fit-detect.out 2>fit-detect.err
rc=$?
if [ $rc -eq 0 ] && [ -s fit-detect/fit.json ] && [ -s fit-detect/forecast.csv ] &&
	grep -q '"column": "cumulative_sources"' fit-detect/fit.json &&
	grep -q '"chosen_by": "aicc"' fit-detect/fit.json && grep -q '<- best' fit-detect.out; then
	pass "fit of a detect timeline (cumulative_sources) compares models, writes fit.json"
else
	fail "fit of a detect timeline" "exit $rc: $(cat fit-detect.err)"
fi
magic=$(od -An -tx1 -N8 fit-detect.png 2>/dev/null | tr -d ' \n')
if [ "$magic" = 89504e470d0a1a0a ]; then
	pass "fit --plot fit-detect.png writes a PNG"
else
	fail "fit --plot writes a PNG" "magic '$magic'"
fi
k=$(json_value fit-detect/fit.json k)
if awk -v k="$k" 'BEGIN { exit !(k > 0.665 && k < 0.735) }'; then
	pass "fit of the detect timeline: K = $k/h (made with 0.7/h)"
else
	fail "fit of the detect timeline: K" "got '$k'"
fi
"$WC" fit "$FIXTURES/detect-timeline.csv" --out fit-detect2 --quiet >/dev/null 2>&1
if cmp -s fit-detect/fit.json fit-detect2/fit.json &&
	cmp -s fit-detect/forecast.csv fit-detect2/forecast.csv; then
	pass "fit: same input, byte-identical fit.json and forecast.csv"
else
	fail "fit: same input, byte-identical fit.json and forecast.csv"
fi

if "$WC" fit "$FIXTURES/detect-timeline-kinds.csv" --kind codered --column new_sources \
	--model rcs --out fit-kind --quiet >fit-kind.out 2>fit-kind.err &&
	grep -q '"counts": "per-interval"' fit-kind/fit.json &&
	grep -q '"kind": "codered"' fit-kind/fit.json; then
	pass "fit --kind codered --column new_sources: per-interval counts of one kind"
else
	fail "fit --kind codered --column new_sources" "$(cat fit-kind.err)"
fi

# The simulator's own timeline: K near codered-v2's 1.79/h (1.63/h net of
# removals; docs/model.md §5).
if "$WC" fit out-builtin/timeline.csv --model rcs --out fit-run --quiet 2>fit-run.err; then
	k=$(json_value fit-run/fit.json k)
	if awk -v k="$k" 'BEGIN { exit !(k > 1.4 && k < 2.0) }'; then
		pass "fit of a run's timeline.csv: K = $k/h"
	else
		fail "fit of a run's timeline.csv: K" "got '$k'"
	fi
else
	fail "fit of a run's timeline.csv" "$(cat fit-run.err)"
fi

# 19 July 2001 (codered.md §5): three figures fix the logistic exactly.
if "$WC" fit "$FIXTURES/codered-19jul.csv" --model rcs --out fit-19jul --quiet 2>f19.err; then
	k=$(json_value fit-19jul/fit.json k)
	if awk -v k="$k" 'BEGIN { exit !(k > 1.50 && k < 1.53) }' &&
		grep -q '"lo95": null' fit-19jul/fit.json &&
		grep -q 'warning: as many points as parameters' f19.err &&
		grep -q '"as many points as parameters' fit-19jul/fit.json; then
		pass "fit of the 19 July figures: K = $k/h, no interval from 3 points, and a warning"
	else
		fail "fit of the 19 July figures" "K '$k'"
	fi
else
	fail "fit of the 19 July figures" "$(cat f19.err)"
fi

mkdir fitbad || exit 2
cd fitbad || exit 2
printf 'time,cumulative\n1,5\n2,9\n' >few.csv
printf 'time,cumulative\n1,5\n2,9\n3,7\n4,12\n' >down.csv
printf 'time,cumulative\n1,0\n2,0\n3,0\n4,0\n' >zeros.csv
printf 'time,cumulative\n1,7\n2,7\n3,7\n4,7\n' >flat.csv
printf 'time,new\n1,5\n2,x9\n3,7\n4,2\n' >garbage.csv
printf 'time,new\n1,5\n2,9\n3,7\n4,2\n' >good.csv
n_fit=0

# check_fit_bad NAME PATTERN -- FIT-ARGS: exit 2, PATTERN on stderr, and no
# output directory or plot left behind.
check_fit_bad() {
	name=$1
	pattern=$2
	shift 3
	n_fit=$((n_fit + 1))
	"$WC" fit "$@" --out "fit-$n_fit" --plot "fit-$n_fit.png" >fb.out 2>fb.err
	rc=$?
	if [ $rc -ne 2 ]; then
		fail "fit: $name" "exit status $rc, not 2"
	elif ! grep -qF -- "$pattern" fb.err; then
		fail "fit: $name" "stderr lacks '$pattern': $(cat fb.err)"
	elif [ -e "fit-$n_fit" ] || [ -e "fit-$n_fit.png" ]; then
		fail "fit: $name" "left output behind"
	else
		pass "fit: $name: exit 2, message, no output"
	fi
}

check_fit_bad "too few points" "few.csv: column 'cumulative': 2 points" -- few.csv
check_fit_bad "a cumulative count going down" \
	"down.csv:4: column 'cumulative': a cumulative count cannot go down" -- down.csv
check_fit_bad "all zeros" "zeros.csv: column 'cumulative': every count is zero" -- zeros.csv
check_fit_bad "a cumulative count that never grows" "flat.csv: column 'cumulative': the cumulative count stays at 7" -- flat.csv
check_fit_bad "an unparseable line" "garbage.csv:3: column 'new': expected a non-negative" \
	-- garbage.csv
check_fit_bad "too few points to compare models" "name one with --model" -- good.csv
check_fit_bad "too few points for the model" "too few for the sir model" -- good.csv --model sir
check_fit_bad "unknown --model" "--model" -- good.csv --model gompertz
check_fit_bad "negative --forecast" "--forecast" -- good.csv --model rcs --forecast -3
check_fit_bad "--plot with .gif" "--plot" -- good.csv --model rcs --plot x.gif
check_fit_bad "missing file" "missing.csv: cannot open" -- missing.csv
check_fit_bad "--kind without a kind column" "no 'kind' column" -- good.csv --kind codered
cd .. || exit 2

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
