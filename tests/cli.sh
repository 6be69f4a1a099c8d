#!/bin/sh
# tests/cli.sh PATH_TO_WORMCAST — checks the command-line contract (docs/design.md §3)
# by running the real binary in a temporary directory. Prints one line per
# check and ends with "N passed, M failed"; exits nonzero if any check failed.
#
# Every real run uses the 1/256-scale Code Red overrides below, which make a
# run take about a second (a few under the sanitizers). WORMCAST_QUICK=1
# (make check) skips the slowest checks, each named on a "skip" line.

. "$(dirname "$0")/lib.sh"
wc_setup cli "$@"

# Fixtures for `wormcast detect`, found from the script before it leaves for $T.
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures/detect
# The fixtures tests/test_fit.c uses too (fit reads them by absolute path).
FIXTURES=$(cd "$(dirname "$0")" && pwd)/fixtures

cd "$T" || exit 2
wc_lsan

UNTIL=2001-07-19T16:00:00Z
# The 1/256-scale overrides of every reduced-scale run (split into words where used).
SMALL="--set worm.scan_space=12.0.0.0/8 --set population.vulnerable=1406 --set telescope.blocks=12.44.0.0/16"
HEADER=time,susceptible,infected,active,removed,patched,new_infections,cumulative_infected,probes,telescope_probes,telescope_sources,target_bytes

# slow NAME: false (and says so) when WORMCAST_QUICK=1 skips the check NAME.
slow() {
	[ "${WORMCAST_QUICK:-0}" != 1 ] && return 0
	echo "skip - $1 (WORMCAST_QUICK=1)"
	return 1
}

# run_small OUTDIR SCENARIO [ARGS...]: one reduced-scale run, stderr to OUTDIR.err.
run_small() {
	rs_out=$1
	rs_scenario=$2
	shift 2
	"$WC" run "$rs_scenario" $SMALL \
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
check_help sweep --help
check_help detect --help
check_help fit --help
check_help calibrate --help
check_help selftest --help

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

# ---- selftest ----

"$WC" selftest >selftest.out 2>selftest.err
rc=$?
if [ $rc -eq 0 ] && ! grep -q '^FAIL' selftest.out && [ -s selftest.out ] &&
	[ "$(grep -c '^ok   - ' selftest.out)" -ge 10 ] &&
	tail -n 1 selftest.out | grep -q '^selftest: [0-9]* passed, 0 failed$'; then
	pass "selftest: $(tail -n 1 selftest.out | cut -d' ' -f2-), exit 0"
else
	fail "selftest" "exit $rc: $(grep '^FAIL' selftest.out | head -n 3) $(head -n 3 selftest.err)"
fi
"$WC" selftest extra >/dev/null 2>selftest.err
rc=$?
if [ $rc -eq 2 ] && grep -q 'selftest: takes no arguments' selftest.err; then
	pass "selftest with an argument: exit 2, says why"
else
	fail "selftest extra" "exit $rc: $(cat selftest.err)"
fi

# ---- scenarios, show, keys ----

if "$WC" scenarios >scenarios.out 2>scenarios.err && grep -q '^codered-v2 ' scenarios.out; then
	pass "scenarios lists codered-v2"
else
	fail "scenarios lists codered-v2" "$(cat scenarios.out scenarios.err)"
fi
for s in codered-v1 codered-ii slammer; do
	if grep -q "^$s " scenarios.out; then
		pass "scenarios lists $s"
	else
		fail "scenarios lists $s" "$(cat scenarios.out)"
	fi
done
# The catalogue runs from the command line: Slammer's fifteen minutes at full
# scale (fast engine), every value sourced in the file.
if "$WC" run slammer --quiet --out slammer-run >slammer.out 2>slammer.err &&
	[ "$(tail -n 1 slammer-run/timeline.csv | cut -d, -f8)" -ge 67500 ]; then
	pass "run slammer: over 90% of 75,000 hosts infected"
else
	fail "run slammer" "$(cat slammer.err; tail -n 1 slammer-run/timeline.csv)"
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

# The default engine is the fast one; the probe engine is deterministic across
# thread counts too, and a short window keeps it cheap here.
if grep -q '"engine": *"fast"' out-builtin/summary.json; then
	pass "the default engine is fast (summary.json)"
else
	fail "the default engine is fast (summary.json)" "$(grep engine out-builtin/summary.json)"
fi
UNTIL=2001-07-19T13:00:00Z
run_small out-p1 codered-v2 --engine probe --threads 1
rc_p1=$?
run_small out-p2 codered-v2 --engine probe --threads 2
rc_p2=$?
UNTIL=2001-07-19T16:00:00Z
if [ $rc_p1 -eq 0 ] && [ $rc_p2 -eq 0 ] && grep -q '"engine": *"probe"' out-p2/summary.json &&
	cmp -s out-p1/timeline.csv out-p2/timeline.csv; then
	pass "--engine probe: --threads 1 and 2 give byte-identical timeline.csv"
else
	fail "--engine probe: --threads 1 and 2 give byte-identical timeline.csv" \
		"exit $rc_p1/$rc_p2: $(cat out-p1.err out-p2.err)"
fi

head_line=$(head -n 1 out-builtin/timeline.csv 2>/dev/null | tr -d '\r')
first12=$(printf '%s\n' "$head_line" | cut -d, -f1-12)
if [ "$first12" = "$HEADER" ]; then
	pass "timeline.csv header starts with the contract's twelve columns"
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
	"$WC" run "$@" $SMALL --until "$UNTIL" --quiet \
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
# Target strategies: an unknown name, and a parameter that only
# another strategy takes, both named in the message.
check_bad "unknown worm.strategy" "'worm.strategy'" "zigzag" -- codered-v2 --set worm.strategy=zigzag
check_bad "parameter of another strategy" "'worm.local_own8'" "local-preference" \
	-- codered-v2 --set worm.local_own8=0.4
check_bad "static-seed parameter on local-preference" "'worm.static_seed'" \
	-- codered-ii --set worm.static_seed=3
# Filters: an unknown method is named with its choices. The fast
# engine refuses a strategy whose copies carry state, saying why.
check_bad "unknown defense.filter.method" "'defense.filter.method'" "blacklist" \
	-- codered-v2 --set defense.filter.method=firewall
check_bad "stateful strategy on the fast engine" "--engine fast" "static-seed" \
	"each copy's state" -- codered-v2 --engine fast --set worm.strategy=static-seed

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

# ---- sweep ----

# sweep_small OUTDIR [ARGS...]: a reduced-scale sweep, stdout and stderr beside OUTDIR.
sweep_small() {
	ss_out=$1
	shift
	"$WC" sweep codered-v2 $SMALL \
		--set outbreak.seed_hosts=1 --until "$UNTIL" --quiet --out "$ss_out" "$@" \
		>"$ss_out.stdout" 2>"$ss_out.err"
}

SWEEP_HEAD=class.home.patch_rate,outbreak.seed_hosts,cumulative_infected_mean,cumulative_infected_lo,cumulative_infected_hi,
sweep_small sw1 --vary class.home.patch_rate=0:0.5:2 --vary outbreak.seed_hosts=1,3 --runs 2 \
	--threads 1
rc=$?
if [ $rc -ne 0 ]; then
	fail "sweep writes sweep.csv" "exit $rc: $(cat sw1.err)"
elif [ "$(head -c ${#SWEEP_HEAD} sw1/sweep.csv)" != "$SWEEP_HEAD" ]; then
	fail "sweep.csv header" "$(head -n 1 sw1/sweep.csv)"
elif [ "$(wc -l <sw1/sweep.csv)" -ne 5 ] || [ "$(wc -l <sw1/runs.csv)" -ne 9 ]; then
	fail "sweep row counts" "sweep.csv $(wc -l <sw1/sweep.csv), runs.csv $(wc -l <sw1/runs.csv)"
elif ! head -n 1 sw1/sweep.csv | grep -q ',hours_to_50pct_reached,.*,target_bytes_hi,.*,infected_share_p95,runs$'; then
	fail "sweep.csv header columns" "$(head -n 1 sw1/sweep.csv)"
elif ! sed -n 2p sw1/sweep.csv | grep -q '^0,1,.*,2$' || ! sed -n 5p sw1/sweep.csv | grep -q '^0.5,3,'; then
	fail "sweep.csv rows in combination order" "$(cut -d, -f1,2 sw1/sweep.csv | tr '\n' ' ')"
else
	pass "sweep: sweep.csv header and 4 rows, runs.csv 8 rows, in combination order"
fi

sweep_small sw2 --vary class.home.patch_rate=0:0.5:2 --vary outbreak.seed_hosts=1,3 --runs 2 \
	--threads 2
if cmp -s sw1/sweep.csv sw2/sweep.csv && cmp -s sw1/runs.csv sw2/runs.csv; then
	pass "sweep: --threads 1 and 2 write the same bytes"
else
	fail "sweep: --threads 1 and 2 write the same bytes"
fi

sweep_small sw3 --vary outbreak.seed_hosts=1,2 --runs 1 --plot sw3.svg --outcome peak_active
if [ $? -eq 0 ] && grep -q '<svg' sw3.svg 2>/dev/null && [ "$(wc -l <sw3/sweep.csv)" -eq 3 ]; then
	pass "sweep --plot sw3.svg --outcome peak_active draws an SVG"
else
	fail "sweep --plot" "$(cat sw3.err)"
fi

# check_sweep_bad NAME PATTERN ARGS...: exit 2, PATTERN on stderr, no --out dir.
check_sweep_bad() {
	csb_name=$1
	csb_pat=$2
	shift 2
	sweep_small swbad "$@"
	rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$csb_pat" swbad.err && [ ! -e swbad ]; then
		pass "sweep $csb_name: exit 2 naming it, nothing written"
	else
		fail "sweep $csb_name" "exit $rc, stderr '$(cat swbad.err)'"
	fi
	rm -rf swbad
}
check_sweep_bad "bad --vary key" "--vary worm.no_such_key: unknown key" \
	--vary worm.no_such_key=1,2
check_sweep_bad "bad --vary value" "--vary class.home.patch_rate: value '-1'" \
	--vary class.home.patch_rate=0,-1
check_sweep_bad "fractional range of an integer key" "takes whole numbers" \
	--vary outbreak.seed_hosts=1:4:3
check_sweep_bad "too many runs" "more than 1000000 runs" \
	--vary class.home.patch_rate=0:1:2000 --runs 1000
check_sweep_bad "unknown --outcome" "'nope'" --vary outbreak.seed_hosts=1,2 --outcome nope

"$WC" frobnicate >cmd-bad.out 2>cmd-bad.err
rc=$?
if [ $rc -eq 2 ] && grep -qF "'frobnicate'" cmd-bad.err; then
	pass "an unknown command exits 2 naming it"
else
	fail "an unknown command" "exit $rc"
fi

# ---- detect (docs/detect.md) ----

"$WC" detect "$FIX/access.log" "$FIX/iis.log" "$FIX/error.log" --out det >det.out 2>det.err
rc=$?
rows=$(($(wc -l <det/sources.csv) - 1))
if [ $rc -eq 0 ] && [ "$(head -n 1 det/sources.csv)" = "source,first_seen,last_seen,requests,kind" ] &&
	[ "$rows" -eq 17 ]; then
	pass "detect on three logs writes sources.csv (17 source-kind rows)"
else
	fail "detect on three logs" "exit $rc, $rows rows"
fi
# codered: 4 + 1 + 3 requests from 3 + 1 + 3 sources, 192.0.2.10 in two logs.
line=$(grep -E '^codered ' det.out | tr -s ' ' | sed 's/ $//')
if [ "$line" = "codered 8 6 2001-07-19T17:05:00Z 2001-09-18T13:00:03Z" ]; then
	pass "detect summary: codered requests, sources, first and last seen"
else
	fail "detect summary codered line" "'$line'"
fi
# Nimda: 203.0.113.5 (access and error logs) and 192.0.2.52 (IIS); 192.0.2.10
# asked for /MSADC/root.exe alone: an exe-probe, not Nimda (docs/detect.md §2).
if grep -q '^nimda ' det.out && [ "$(grep -c ',nimda$' det/sources.csv)" -eq 2 ] &&
	grep -q '^192\.0\.2\.10,.*,exe-probe$' det/sources.csv; then
	pass "detect finds Nimda in all three formats, a lone root.exe probe is an exe-probe"
else
	fail "detect nimda rows" "$(grep -c ',nimda$' det/sources.csv)"
fi
if grep -qF 'access.log:15: ' det.err && grep -qF 'iis.log:11: ' det.err &&
	grep -qF 'error.log:10: ' det.err; then
	pass "detect reports unparseable lines by file and line, and reads on"
else
	fail "detect unparseable lines" "$(head -n 3 det.err)"
fi
hdr=$(head -n 1 det/timeline.csv | cut -d, -f1-4)
t1=$(sed -n 2p det/timeline.csv | cut -d, -f1)
if [ "$hdr" = "time,requests,new_sources,cumulative_sources" ] && [ "$t1" = "2001-07-19T18:00:00Z" ] &&
	[ -f det/timeline-codered.csv ] && [ ! -f det/timeline-scanner.csv ]; then
	pass "detect timeline.csv: fit's columns, hourly rows ending on the hour"
else
	fail "detect timeline.csv" "'$hdr' '$t1'"
fi
last=$(tail -n 1 det/timeline-codered.csv)
if [ "$last" = "2001-09-18T15:00:00Z,0,0,6" ]; then
	pass "detect timeline-codered.csv ends with 6 cumulative sources"
else
	fail "detect timeline-codered.csv last row" "'$last'"
fi

"$WC" detect "$FIX/access.log" --bin 600 --out det600 --quiet >/dev/null 2>&1
if [ "$(sed -n 2p det600/timeline.csv | cut -d, -f1-4)" = "2001-07-19T17:10:00Z,1,1,1" ] &&
	[ "$(sed -n 3p det600/timeline.csv | cut -d, -f1)" = "2001-07-19T17:20:00Z" ]; then
	pass "detect --bin 600 gives 10-minute rows"
else
	fail "detect --bin 600" "$(sed -n 2p det600/timeline.csv | cut -c1-60)"
fi

gzip -c "$FIX/access.log" >access.log.gz
"$WC" detect - --out det-stdin --quiet <"$FIX/access.log" 2>/dev/null
rc1=$?
"$WC" detect access.log.gz --out det-gz --quiet 2>/dev/null
rc2=$?
"$WC" detect "$FIX/access.log" --out det-plain --quiet 2>/dev/null
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && cmp -s det-stdin/sources.csv det-plain/sources.csv &&
	cmp -s det-gz/sources.csv det-plain/sources.csv && [ -s det-plain/sources.csv ]; then
	pass "detect reads stdin and gzip as it reads the plain file"
else
	fail "detect stdin / gzip" "exit $rc1 $rc2"
fi

# A one-packet capture, written byte by byte: pcap header (Ethernet), then a
# TCP segment from 192.0.2.9 to port 80 at 2001-09-18T13:00:00Z with an .ida probe.
{
	printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000'
	printf '\120\105\247\073\000\000\000\000\116\000\000\000\116\000\000\000'
	printf '\000\000\000\000\000\000\000\000\000\000\000\000\010\000'
	printf '\105\000\000\100\000\000\000\000\100\006\000\000\300\000\002\011\012\000\000\001'
	printf '\004\127\000\120\000\000\000\001\000\000\000\000\120\030\377\377\000\000\000\000'
	printf 'GET /NULL.ida HTTP/1.0\r\n'
} >one.pcap
"$WC" detect one.pcap --out det-pcap --quiet >/dev/null 2>det-pcap.err
rc=$?
if [ $rc -eq 0 ] &&
	[ "$(sed -n 2p det-pcap/sources.csv)" = "192.0.2.9,2001-09-18T13:00:00Z,2001-09-18T13:00:00Z,1,ida-probe" ]; then
	pass "detect sniffs a capture and classifies its request"
else
	fail "detect on a capture" "exit $rc: $(sed -n 2p det-pcap/sources.csv 2>/dev/null)"
fi
"$WC" detect - --format pcap --out det-pcap-stdin --quiet <one.pcap >/dev/null 2>&1
rc1=$?
"$WC" detect - --out det-pcap-auto --quiet <one.pcap >/dev/null 2>det-pcap-auto.err
rc2=$?
if [ $rc1 -eq 0 ] && cmp -s det-pcap/sources.csv det-pcap-stdin/sources.csv && [ $rc2 -eq 2 ] &&
	grep -qF "format pcap" det-pcap-auto.err; then
	pass "detect reads a capture on stdin with --format pcap, and says so without"
else
	fail "detect capture on stdin" "exit $rc1 $rc2: $(head -n 1 det-pcap-auto.err)"
fi

head -c 300 access.log.gz >cut.log.gz
"$WC" detect cut.log.gz --out det-cut >det-cut.out 2>det-cut.err
rc=$?
if [ $rc -eq 0 ] && grep -qF "cut.log.gz: gzip data cut short" det-cut.err &&
	[ "$(wc -l <det-cut/sources.csv)" -ge 2 ]; then
	pass "detect keeps the lines of a .gz cut short and says so"
else
	fail "detect on a .gz cut short" "exit $rc: $(head -n 1 det-cut.err)"
fi

"$WC" detect "$FIX/access.log" --out det-plot --quiet --plot det.png >/dev/null 2>&1
magic=$(od -An -tx1 -N8 det.png 2>/dev/null | tr -d ' \n')
if [ "$magic" = "89504e470d0a1a0a" ]; then
	pass "detect --plot det.png writes a PNG"
else
	fail "detect --plot" "magic '$magic'"
fi

"$WC" detect "$FIX/access.log" no-such-log --out det-bad >det-bad.out 2>det-bad.err
rc=$?
if [ $rc -eq 2 ] && grep -qF "no-such-log" det-bad.err && [ ! -e det-bad ]; then
	pass "detect on a missing file exits 2 naming it, writes nothing"
else
	fail "detect on a missing file" "exit $rc"
fi
for args in "--format xml $FIX/access.log" "--bin 0 $FIX/access.log" "--ports 0 $FIX/access.log" ""; do
	# shellcheck disable=SC2086
	"$WC" detect $args --out det-usage >/dev/null 2>det-usage.err
	rc=$?
	if [ $rc -eq 2 ] && [ ! -e det-usage ]; then
		pass "detect ${args:-(no file)} exits 2"
	else
		fail "detect ${args:-(no file)}" "exit $rc"
	fi
done

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
# Every byte but the provenance of the invocation.
invocation='"command_line"|"started_at"'
if [ "$(grep -Ev "$invocation" fit-detect/fit.json)" = "$(grep -Ev "$invocation" fit-detect2/fit.json)" ] &&
	cmp -s fit-detect/forecast.csv fit-detect2/forecast.csv; then
	pass "fit: same input, byte-identical fit.json (less its command line and start) and forecast.csv"
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

# 19 July 2001 (docs/reference.md §5): three figures fix the logistic exactly.
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

# ---- detect → fit, end to end ----

# A synthetic access log of a Code Red re-awakening: 1,000 sources, each sending
# one Code Red v1/v2 request (the fixture's own request line) at the 1000
# quantiles of a logistic with K = 0.7/h centred on 2001-08-01T10:00Z. detect
# bins the first sightings hourly; fit must find K again.
req=$(sed -n '1s/^[^"]*"\([^"]*\)".*/\1/p' "$FIX/access.log")
awk -v req="$req" 'BEGIN {
	split("31/Jul/2001 01/Aug/2001 02/Aug/2001", day, " ")
	for (i = 0; i < 1000; i++) {
		u = (i + 0.5) / 1000
		s = 86400 + int((10 + log(u / (1 - u)) / 0.7) * 3600)
		d = int(s / 86400); r = s - 86400 * d
		printf "10.%d.%d.1 - - [%s:%02d:%02d:%02d +0000] \"%s\" 404 276\n", \
			int(i / 256), i % 256, day[d + 1], int(r / 3600), int(r % 3600 / 60), \
			r % 60, req
	}
}' >reawake.log
if "$WC" detect reawake.log --out detect-reawake --quiet >/dev/null 2>detect-reawake.err &&
	"$WC" fit detect-reawake/timeline.csv --model rcs --out fit-reawake --quiet \
		2>fit-reawake.err; then
	k=$(json_value fit-reawake/fit.json k)
	n=$(json_value fit-reawake/fit.json n)
	if awk -v k="$k" -v n="$n" 'BEGIN { exit !(k > 0.68 && k < 0.72 && n > 990 && n < 1010) }'; then
		pass "detect → fit: K = $k/h and N = $n from a log made with 0.7/h and 1,000"
	else
		fail "detect → fit" "K '$k', N '$n'"
	fi
else
	fail "detect → fit" "$(cat detect-reawake.err fit-reawake.err 2>/dev/null)"
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
mkdir -p adir
check_fit_bad "a directory given as the series" "adir: is a directory, not a series" -- adir
printf '0,1\n1,2\n2,4\n3,8\n' >noheader.csv
check_fit_bad "a first line of numbers, not a header" "noheader.csv:1: the first line holds numbers" -- noheader.csv
check_fit_bad "--kind without a kind column" "no 'kind' column" -- good.csv --kind codered
printf 'start_time\tend_time\n995536812\t995536900\n99553681x\t995536999\n' >caida-bad.txt
check_fit_bad "CAIDA's table with a bad start_time" \
	"caida-bad.txt:3: field 1 'start_time': expected Unix seconds" -- caida-bad.txt
printf 'date,records,sources\n2001-07-19,10,5\n2001-07-20,20\n' >dshield-bad.csv
check_fit_bad "a DShield summary with a short row" "dshield-bad.csv:3: expected 3 fields, got 2" \
	-- dshield-bad.csv
check_fit_bad "--input-format caida on a CSV series" "good.csv:1: header: no 'start_time' field" \
	-- good.csv --input-format caida
check_fit_bad "unknown --input-format" "--input-format: expected auto, csv, caida or dshield" \
	-- good.csv --input-format json
check_fit_bad "--bin 0" "--bin: expected 1 to 2592000 seconds" -- good.csv --bin 0
cd .. || exit 2

# --- fit: published data sets, read directly ---
# CAIDA's Code-Red table (20 addresses, tests/test_dataset.c has the exact
# points) per 5 minutes, and a DShield daily summary from standard input.
if "$WC" fit "$FIXTURES/caida-codered-table.txt" --bin 300 --model rcs --out fit-caida \
	>caida.out 2>caida.err &&
	grep -q "CAIDA Code-Red table: 20 addresses, start_time 2001-07-19T10:00:12Z to 2001-07-19T10:49:50Z, counted per 300 s: 10 points" caida.out &&
	grep -q '"column": "start_time"' fit-caida/fit.json &&
	grep -q '"format": "caida"' fit-caida/fit.json && grep -q '"rows": 20,' fit-caida/fit.json &&
	grep -q '"bin_seconds": 300,' fit-caida/fit.json; then
	pass "fit of CAIDA's Code-Red table: 20 addresses as 10 five-minute points, said"
else
	fail "fit of CAIDA's Code-Red table" "$(cat caida.out caida.err)"
fi
if "$WC" fit - --model rcs --out fit-dshield <"$FIXTURES/dshield-porthistory.csv" \
	>dshield.out 2>dshield.err &&
	grep -q "stdin: DShield daily summary: 12 days, 2001-07-12 to 2001-07-24, column 'sources'" dshield.out &&
	grep -q '"counts": "per-interval"' fit-dshield/fit.json &&
	grep -q '"format": "dshield"' fit-dshield/fit.json; then
	pass "fit - of a DShield daily summary: 12 days of sources per day, said"
else
	fail "fit of a DShield daily summary" "$(cat dshield.out dshield.err)"
fi

# --- fit: malformed series, unidentified fits, long series ---
mkdir fitchk || exit 2
cd fitchk || exit 2
# A full day in minutes (1,201 rows, as `wormcast run codered-v2` writes):
# a logistic of 360,000 hosts, K = 1.8/h, rounded to whole hosts.
awk 'BEGIN { print "time,cumulative_infected"
	for (i = 0; i <= 1200; i++) {
		m = 600 + i; d = 19 + int(m / 1440); m = m % 1440
		printf "2001-07-%02dT%02d:%02d:00Z,%d\n", d, int(m / 60), m % 60,
			int(360000 / (1 + exp(-1.8 * (i / 60 - 7))) + 0.5) } }' >day.csv
if "$WC" fit day.csv --model rcs --out fit-day --plot fit-day.png --quiet 2>day.err &&
	[ "$(od -An -tx1 -N4 fit-day.png | tr -d ' \n')" = 89504e47 ]; then
	pass "fit --plot of a 1,201-row day: a PNG, no overflow"
else
	fail "fit --plot of a 1,201-row day" "$(tail -n 5 day.err)"
fi
# Two-factor through 6 points with a jump: GSL's solver fails on some starts;
# a message or a fit, never GSL's abort.
printf 'time,infected\n0,1\n1,2\n2,4\n3,8\n4,12\n5,1000000\n' >jump.csv
"$WC" fit jump.csv --model two-factor --out fit-jump >jump.out 2>jump.err
rc=$?
if { [ $rc -eq 0 ] || [ $rc -eq 2 ]; } && ! grep -q 'gsl:' jump.err; then
	pass "fit --model two-factor where GSL fails: exit $rc, no abort"
else
	fail "fit --model two-factor where GSL fails" "exit $rc: $(head -n 3 jump.err)"
fi
# AAWP steps once a minute: a series spanning ten years is refused at once.
printf 'time,infected\n0,1\n1,2\n2,4\n3,8\n4,16\n87600,100\n' >decade.csv
"$WC" fit decade.csv --model aawp --out fit-decade >decade.out 2>decade.err
rc=$?
if [ $rc -eq 2 ] && grep -q "spans 87600 hours" decade.err && [ ! -e fit-decade ]; then
	pass "fit --model aawp over ten years: exit 2, the span named"
else
	fail "fit --model aawp over ten years" "exit $rc: $(cat decade.err)"
fi
# Not a series: exit 2 with the line named (a decreasing time, epoch
# milliseconds spanning millennia).
printf 'time,cumulative\n1,5\n3,9\n2,12\n' >backwards.csv
printf 'time,cumulative\n995536800000,1\n995537400000,3\n995538000000,8\n' >millis.csv
for f in backwards.csv:"times must increase" millis.csv:"more than a century"; do
	"$WC" fit "${f%%:*}" --model rcs --out fit-bad >bad.out 2>bad.err
	rc=$?
	if [ $rc -eq 2 ] && grep -q "${f#*:}" bad.err && [ ! -e fit-bad ]; then
		pass "fit ${f%%:*}: exit 2, '${f#*:}'"
	else
		fail "fit ${f%%:*}" "exit $rc: $(cat bad.err)"
	fi
done
# Epoch seconds are read as UTC times, and the unit read is printed.
awk 'BEGIN { print "time,cumulative_sources"
	for (i = 0; i < 40; i++)
		printf "%.0f,%d\n", 995536800 + i * 600, int(1000 / (1 + exp(-0.9 * (i / 6 - 3))) + 0.5) }' >epoch.csv
if "$WC" fit epoch.csv --model rcs --out fit-epoch >epoch.out 2>epoch.err &&
	grep -q "Unix epoch seconds, read as UTC times" epoch.out &&
	grep -q '"origin": "2001-07-19T10:00:00Z"' fit-epoch/fit.json; then
	pass "fit of epoch seconds: read as UTC times, the unit printed"
else
	fail "fit of epoch seconds" "$(cat epoch.err epoch.out)"
fi
# An exact solve is not identified: no forecast unless forced.
printf 'time,cumulative\n0,1\n1,5\n2,9\n' >three.csv
if "$WC" fit three.csv --model rcs --out fit-three --quiet 2>three.err &&
	grep -q '"withheld": ' fit-three/fit.json && ! grep -q eventual_size fit-three/fit.json &&
	grep -q "no forecast: " three.err &&
	"$WC" fit three.csv --model rcs --out fit-three-f --quiet --force-forecast 2>/dev/null &&
	grep -q '"eventual_size"' fit-three-f/fit.json; then
	pass "fit of an exact solve: not identified, no forecast unless --force-forecast"
else
	fail "fit of an exact solve: forecast withheld" "$(cat three.err)"
fi
# The prediction band of observations beside the confidence band of the curve.
if head -n 1 fit-day/forecast.csv | grep -qx 'time,fit,conf_lo95,conf_hi95,pred_lo95,pred_hi95' &&
	awk -F, 'NR > 1 && $5 != "" { n++; if ($5 > $3 || $6 < $4) bad++ }
		END { exit !(n > 0 && bad == 0) }' fit-day/forecast.csv; then
	pass "fit forecast.csv: prediction band (pred_*) around the confidence band (conf_*)"
else
	fail "fit forecast.csv: prediction band" "$(head -n 2 fit-day/forecast.csv)"
fi
# In the comparison, a model that cannot be fitted is marked, the others
# compared: AAWP over 6,000 hours.
printf 'time,new\n' >long.csv
awk 'BEGIN { for (i = 1; i <= 12; i++) printf "%d,%d\n", i * 500, int(1000 * exp(-((i - 6) ^ 2) / 4)) + 1 }' >>long.csv
if "$WC" fit long.csv --out fit-long >long.out 2>long.err &&
	grep -q '^aawp  *not fitted: the series spans 6000 hours' long.out &&
	grep -q '"model": "aawp"' fit-long/fit.json && grep -q '<- best' long.out; then
	pass "fit comparison: a model that cannot be fitted is marked 'not fitted', the rest compared"
else
	fail "fit comparison with a model that cannot be fitted" "$(cat long.err long.out)"
fi
cd .. || exit 2

# --- scenario: names, spans, line ends, history files ---
# check_scen_bad NAME PATTERN ARGS...: `wormcast ARGS` (from $T/scenchk/w) exits 2,
# says PATTERN on stderr and leaves no wormcast-out behind.
mkdir -p "$T/scenchk/w"
check_scen_bad() {
	csb_name=$1
	csb_pattern=$2
	shift 2
	(cd "$T/scenchk/w" && "$WC" "$@" --quiet >../csb.out 2>../csb.err)
	rc=$?
	if [ $rc -ne 2 ]; then
		fail "scenario: $csb_name" "exit status $rc, not 2: $(cat "$T/scenchk/csb.err")"
	elif ! grep -qF -- "$csb_pattern" "$T/scenchk/csb.err"; then
		fail "scenario: $csb_name" "stderr lacks '$csb_pattern': $(cat "$T/scenchk/csb.err")"
	elif [ -e "$T/scenchk/w/wormcast-out" ] || [ -e "$T/scenchk/escaped-seed1" ] ||
		[ -e "$T/scenchk/sweep-escaped" ]; then
		fail "scenario: $csb_name" "left output behind"
	else
		pass "scenario: $csb_name: exit 2, message, no output"
	fi
}
check_scen_bad "outbreak.name with a path" "--set: key 'outbreak.name': expected a plain name" \
	run codered-v2 --set outbreak.name=../../escaped --until 2001-07-19T10:01:00Z
check_scen_bad "outbreak.name with a path (sweep)" "key 'outbreak.name': expected a plain name" \
	sweep codered-v2 --set outbreak.name=../../escaped --vary worm.threads=10,20 --runs 1 \
	--until 2001-07-19T10:01:00Z

check_scen_bad "--until 1970-01-01 (instant 0) is checked, not ignored" \
	"--until: 1970-01-01T00:00:00Z must lie after outbreak.start" run codered-v2 --until 1970-01-01
check_scen_bad "--until 1970-01-01 in a sweep" "--until: must lie after outbreak.start" \
	sweep codered-v2 --vary worm.threads=10,20 --runs 1 --until 1970-01-01
printf '[outbreak]\nstart = 0000-01-01\nend = 9999-12-31\n' >"$T/scenchk/years.ini"
check_scen_bad "an outbreak spanning 10,000 years" \
	"years.ini: key 'outbreak.end': the outbreak spans 3652424.0 days, more than the 366" \
	run ../years.ini

mkdir -p "$T/scenchk/adir.ini"
check_scen_bad "a directory given as a scenario" "adir.ini: is a directory, not a scenario file" \
	run ../adir.ini
printf '[outbreak]\nname = x\n[worm] threads = 3\n' >"$T/scenchk/hdr.ini"
check_scen_bad "a key on a header line" "hdr.ini:3: text after the section header [worm]" \
	run ../hdr.ini

# history.file: from a scenario file, relative to its directory; from --set,
# relative to the current directory. Each point appears in summary.json.
mkdir -p "$T/scenchk/sc"
printf 'time,cumulative_infected\n2001-07-19T12:00:00Z,100\n2001-07-19T13:00:00Z 200\n' \
	>"$T/scenchk/sc/pts.csv"
printf '2001-07-19T12:30:00Z,150\n' >"$T/scenchk/here.csv"
"$WC" show codered-v2 >"$T/scenchk/sc/h.ini" && printf '[history]\nfile = pts.csv\n' >>"$T/scenchk/sc/h.ini"
run_small "$T/scenchk/hf" "$T/scenchk/sc/h.ini"
rc=$?
n=$(grep -c '"measured"' "$T/scenchk/hf/summary.json" 2>/dev/null)
if [ $rc -ne 0 ] || [ "$n" != 2 ] || ! grep -q '"measured": 200' "$T/scenchk/hf/summary.json"; then
	fail "scenario: history.file beside the scenario" "exit $rc, $n points: $(cat "$T/scenchk/hf.err")"
else
	pass "scenario: history.file is read beside the scenario file"
fi
(cd "$T/scenchk" && run_small "$T/scenchk/hs" codered-v2 --set history.file=here.csv)
rc=$?
n=$(grep -c '"measured"' "$T/scenchk/hs/summary.json" 2>/dev/null)
if [ $rc -ne 0 ] || [ "$n" != 1 ] || ! grep -q '"measured": 150' "$T/scenchk/hs/summary.json"; then
	fail "scenario: --set history.file from the cwd" "exit $rc, $n points: $(cat "$T/scenchk/hs.err")"
else
	pass "scenario: --set history.file is read from the current directory"
fi
printf '2001-07-19T12:30:00Z,150\n2001-07-19T13:30:00Z,x\n' >"$T/scenchk/w/bad.csv"
check_scen_bad "a bad line in a history file" \
	"bad.csv:2: key 'history.file': expected \`TIME,COUNT\`" \
	run codered-v2 --set history.file=bad.csv --until 2001-07-19T10:01:00Z
rm -f "$T/scenchk/w/bad.csv"

# --- detect: edge cases of logs and captures ---
cd "$T" || exit 2
mkdir detchk || exit 2
cd detchk || exit 2
# One Code Red request line: /default.ida? + 224 N + %u escapes.
CR="/default.ida?$(printf 'N%.0s' $(seq 224))%u9090%u6858%ucbd3%u7801=a"
# a.log: 2,000 Code Red lines of 19 July 2001 (660 kB: split among threads);
# b.log: the same day, with one line dated 19 July 1990 in its middle.
awk -v cr="$CR" 'BEGIN { for (i = 0; i < 2000; i++)
	printf "192.0.2.%d - - [19/Jul/2001:%02d:%02d:00 +0000] \"GET %s HTTP/1.0\" 404 1\n",
		i % 250, int(i / 60) % 24, i % 60, cr }' >a.log
awk -v cr="$CR" 'BEGIN { for (i = 0; i < 2000; i++) {
	y = i == 1500 ? 1990 : 2001
	printf "198.51.100.%d - - [19/Jul/%d:%02d:%02d:00 +0000] \"GET %s HTTP/1.0\" 404 1\n",
		i % 250, y, int(i / 60) % 24, i % 60, cr } }' >b.log
"$WC" detect b.log --bin 600 --threads 2 --out stray600 >stray600.out 2>stray600.err
rc=$?
if [ $rc -eq 2 ] && [ ! -e stray600 ] &&
	grep -qF "wormcast: requests from 1990-07-19T01:00:00Z (b.log) to 2001-07-19T23:59:00Z (b.log) make" stray600.err &&
	grep -qF "give --bin 1325 or more" stray600.err; then
	pass "detect: a 1990 line among 2001 lines with --bin 600 exits 2 naming it, no crash"
else
	fail "detect stray 1990 line, --bin 600" "exit $rc: $(head -n 2 stray600.err)"
fi
"$WC" detect b.log --threads 2 --out stray --quiet >/dev/null 2>stray.err
rc=$?
if [ $rc -eq 0 ] && [ "$(sed -n 2p stray/timeline.csv | cut -d, -f1-4)" = "1990-07-19T02:00:00Z,1,1,1" ] &&
	[ "$(tail -n 1 stray/timeline.csv | cut -d, -f1,4)" = "2001-07-20T00:00:00Z,250" ]; then
	pass "detect: the same 1990 line with hourly bins is counted, timeline from 1990"
else
	fail "detect stray 1990 line, hourly" "exit $rc: $(head -n 2 stray.err)"
fi
# The same inputs in both orders on 1 and 2 threads: byte-identical outputs,
# and the same refusal when the bins do not fit.
if slow "detect: files in either order, 1 or 2 threads"; then
	same=1
	for v in "1 a.log b.log" "2 a.log b.log" "1 b.log a.log" "2 b.log a.log"; do
		set -- $v
		n=$1
		shift
		"$WC" detect "$@" --threads "$n" --out "ord-$n-$1" 2>/dev/null | grep -v '^wrote ' \
			>"ord-$n-$1.out" || same=0
		"$WC" detect "$@" --threads "$n" --bin 1 --out "ord1-$n-$1" >/dev/null 2>"ord1-$n-$1.err"
		[ $? -eq 2 ] || same=0
	done
	for f in sources.csv timeline.csv timeline-codered.csv; do
		for o in ord-2-a.log ord-1-b.log ord-2-b.log; do
			cmp -s "ord-1-a.log/$f" "$o/$f" || same=0
		done
	done
	for o in 2-a.log 1-b.log 2-b.log; do
		cmp -s ord-1-a.log.out "ord-$o.out" || same=0
		cmp -s ord1-1-a.log.err "ord1-$o.err" || same=0
	done
	if [ $same -eq 1 ] && [ "$(tail -n 1 ord-1-a.log/timeline.csv | cut -d, -f4)" = 500 ]; then
		pass "detect: files in either order, 1 or 2 threads: identical outputs and refusals"
	else
		fail "detect order/threads" "$(head -n 1 ord1-1-a.log.err)"
	fi
fi

# The plot of a full day, in minutes and in seconds (00:00 to 23:59: 1,440 and
# 86,341 rows; under ASan when make test runs this with build/san/wormcast).
for b in 60 1; do
	want=$((b == 60 ? 1440 : 86341))
	"$WC" detect a.log --bin $b --plot "day$b.png" --out "day$b" --quiet >/dev/null 2>"day$b.err"
	rc=$?
	magic=$(od -An -tx1 -N8 "day$b.png" 2>/dev/null | tr -d ' \n')
	rows=$(($(wc -l <"day$b/timeline.csv") - 1))
	if [ $rc -eq 0 ] && [ "$magic" = "89504e470d0a1a0a" ] &&
		[ $rows -eq $want ]; then
		pass "detect --plot on a full day of --bin $b rows ($rows) writes a PNG"
	else
		fail "detect --plot, a full day of --bin $b" "exit $rc, $rows rows: $(head -n 3 "day$b.err")"
	fi
done

# Apache lines after '#' comments are Apache lines, not a W3C log.
{
	echo "# exported from the load balancer"
	head -n 3 a.log
} >commented.log
"$WC" detect commented.log --out commented >commented.out 2>commented.err
rc=$?
line=$(grep -E '^codered ' commented.out | tr -s ' ' | cut -d' ' -f1-3)
if [ $rc -eq 0 ] && [ "$line" = "codered 3 3" ] && [ ! -s commented.err ]; then
	pass "detect: an Apache log starting with # comments is read as Apache"
else
	fail "detect commented Apache log" "exit $rc: '$line' $(head -n 1 commented.err)"
fi
# A file most of whose lines cannot be read: exit 2 naming it, unless --keep-going.
{
	head -n 1 a.log
	printf 'not a log line\nnor this\n'
} >junk.log
"$WC" detect junk.log --out junk >junk.out 2>junk.err
rc=$?
if [ $rc -eq 2 ] && [ ! -e junk ] &&
	grep -qF "wormcast: junk.log: 2 of 3 lines are not Apache/nginx access log lines (line 2: " junk.err; then
	pass "detect: a file most of whose lines are unparseable exits 2 naming it"
else
	fail "detect mostly unparseable" "exit $rc: $(head -n 1 junk.err)"
fi
"$WC" detect junk.log --keep-going --out junkk >junkk.out 2>junkk.err
rc=$?
if [ $rc -eq 0 ] && [ "$(wc -l <junkk/sources.csv)" -eq 2 ] &&
	grep -qF "wormcast: warning: junk.log: 2 of 3 lines are not Apache/nginx access log lines; counting the rest (--keep-going)" junkk.err; then
	pass "detect --keep-going reads it and warns"
else
	fail "detect --keep-going" "exit $rc: $(head -n 3 junkk.err)"
fi
# vhost_combined: the client is the word after HOST:PORT.
sed 's/^/www.example.com:80 /' a.log | head -n 3 >vhost.log
"$WC" detect vhost.log --out vhost --quiet >/dev/null 2>vhost.err
rc=$?
if [ $rc -eq 0 ] && [ "$(cut -d, -f1 vhost/sources.csv | sed -n 2,4p | tr '\n' ' ')" = "192.0.2.0 192.0.2.1 192.0.2.2 " ]; then
	pass "detect reads Apache's vhost_combined, the client after HOST:PORT"
else
	fail "detect vhost_combined" "exit $rc: $(sed -n 2p vhost/sources.csv)"
fi
# --log-format: an nginx log_format with $request_time after the agent, and an
# unknown Apache directive.
sed 's/$/ "-" "curl" 0.003/' a.log | head -n 3 >nginx.log
"$WC" detect nginx.log --out nginx --quiet --log-format \
	'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time' \
	>/dev/null 2>nginx.err
rc=$?
if [ $rc -eq 0 ] && cmp -s nginx/sources.csv vhost/sources.csv && [ ! -s nginx.err ]; then
	pass "detect --log-format reads an nginx log_format"
else
	fail "detect --log-format nginx" "exit $rc: $(head -n 2 nginx.err)"
fi
"$WC" detect a.log --out lfbad --log-format '%h %Z %t "%r"' >/dev/null 2>lfbad.err
rc=$?
if [ $rc -eq 2 ] && [ ! -e lfbad ] &&
	grep -qF "wormcast: --log-format: unknown directive '%Z' at character 4 of '%h %Z %t \"%r\"'" lfbad.err; then
	pass "detect --log-format with an unknown directive exits 2 naming it"
else
	fail "detect --log-format unknown directive" "exit $rc: $(head -n 1 lfbad.err)"
fi
cd .. || exit 2

# --- plots: a whole day of run and of sweep ---
# A whole day (10:00 to 06:00 the next day, 1,201 rows) at reduced scale, with
# the plot, so the sanitized binary draws every row and every history point;
# a warning from the sanitizers or PLplot/Pango on stderr fails the check.
# The historical points say what they are: Code Red v2's are lower bounds.
cd "$T" && mkdir plots && cd plots || exit 2
"$WC" run codered-v2 $SMALL --set outbreak.seed_hosts=1 --out day \
	--plot day.png >day.out 2>day.err
rc=$?
if [ $rc -ne 0 ] || grep -qE 'CRITICAL|ERROR|runtime error' day.err; then
	fail "run --plot over a whole day" "exit $rc: $(head -c 400 day.err)"
elif [ "$(head -c 4 day.png | od -An -c | tr -d ' \n')" != '211PNG' ] ||
	[ "$(wc -l <day/timeline.csv)" -ne 1202 ]; then
	fail "run --plot over a whole day" "no PNG, or $(wc -l <day/timeline.csv) timeline lines"
elif ! grep -q '> 250,000 vs ' day.out ||
	[ "$(grep -c '"kind": "lower_bound"' day/summary.json)" -ne 2 ]; then
	fail "history points say they are lower bounds" "$(grep -A2 measured day.out)"
else
	pass "run --plot over a whole day; history shown as lower bounds ('> 250,000')"
fi

"$WC" sweep codered-v2 $SMALL --set outbreak.seed_hosts=1 --quiet --out sw \
	--vary class.home.patch_rate=0,0.5 --vary outbreak.seed_hosts=1,3 --runs 3 \
	--plot sweep.svg >sw.out 2>sw.err
rc=$?
# The spread columns, and on every row p5 <= p95 and p5 <= the mean <= p95.
spread_bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ m = $col["cumulative_infected_mean"]; a = $col["cumulative_infected_p5"];
	  b = $col["cumulative_infected_p95"]
	  if (a == "" || b == "" || a + 0 > b + 0 || m + 0 < a + 0 || m + 0 > b + 0) print NR }' \
	sw/sweep.csv 2>&1)
if [ $rc -ne 0 ] || grep -qE 'CRITICAL|ERROR|runtime error' sw.err; then
	fail "sweep --plot over a whole day" "exit $rc: $(head -c 400 sw.err)"
elif ! grep -q '<svg' sweep.svg; then
	fail "sweep --plot over a whole day" "no SVG"
elif ! head -n 1 sw/sweep.csv | grep -q ',cumulative_infected_p5,cumulative_infected_p95,' ||
	[ -n "$spread_bad" ]; then
	fail "sweep.csv: the runs' 5-95% spread" "bad rows: $spread_bad"
else
	pass "sweep --plot over a whole day; sweep.csv has the runs' 5-95% spread"
fi
cd .. || exit 2


# --- probe engine: threads ---
# The probe engine keeps each thread's state on cache lines of its own; its
# output must not depend on the thread count. Unlike the --engine probe check
# above (one seed host: below 1,024 active hosts a step runs on one thread),
# 1,300 of the 1,406 hosts are seeded, so the steps do run on 2 threads; 10-s
# steps, since every step is a parallel region and a barrier.
if slow "run --engine probe, 1,300 hosts active, --threads 1 and 2"; then
	perf_ok=1
	for t in 1 2; do
		run_small perf-t$t codered-v2 --engine probe --threads $t --set outbreak.seed_hosts=1300 \
			--set outbreak.step=10 --until 2001-07-19T11:00:00Z || perf_ok=0
	done
	if [ $perf_ok = 1 ] && cmp -s perf-t1/timeline.csv perf-t2/timeline.csv; then
		pass "run --engine probe, 1,300 hosts active: --threads 1 and 2 give the same timeline.csv"
	else
		fail "run --engine probe: --threads 1 and 2" "$(cat perf-t1.err perf-t2.err)"
	fi
fi

# --- outputs: one unit, a lock, signals, out of memory, provenance ---
# Every command writes its folder as one unit (all or none), under a lock,
# and removes its temporary files on SIGTERM and when out of memory.
mkdir "$T/outputs" || exit 2
cd "$T/outputs" || exit 2
out_clean() { # out_clean DIR: nothing named DIR, DIR.lock or DIR.tmp.* here
	[ ! -e "$1" ] && [ ! -e "$1.lock" ] && [ -z "$(ls -d "$1".tmp.* 2>/dev/null)" ]
}

# A plot that fails late leaves no data folder behind, for every command.
run_small o-plot codered-v2 --plot no-such-dir/x.png
rc=$?
if [ $rc -eq 1 ] && grep -qF "no-such-dir/x.png" o-plot.err && out_clean o-plot; then
	pass "outputs: run whose plot cannot be written exits 1, leaves no folder"
else
	fail "outputs: run with an unwritable plot" "exit $rc, $(ls -A | tr '\n' ' ')"
fi
"$WC" detect "$FIX/access.log" --out d-plot --plot no-such-dir/x.png --quiet 2>d-plot.err
rc=$?
if [ $rc -eq 1 ] && out_clean d-plot; then
	pass "outputs: detect whose plot cannot be written exits 1, leaves no folder"
else
	fail "outputs: detect with an unwritable plot" "exit $rc, $(ls -A | tr '\n' ' ')"
fi
"$WC" fit "$FIXTURES/detect-timeline.csv" --out f-plot --plot no-such-dir/x.png --quiet \
	2>f-plot.err
rc=$?
if [ $rc -eq 1 ] && out_clean f-plot; then
	pass "outputs: fit whose plot cannot be written exits 1, leaves no folder"
else
	fail "outputs: fit with an unwritable plot" "exit $rc, $(ls -A | tr '\n' ' ')"
fi

# A disk that fills up between the two files (a 1 KiB file size limit here:
# timeline.csv fits, summary.json does not) leaves neither, not half a pair.
(
	trap '' XFSZ
	ulimit -f 2 # 512-byte blocks in dash, 1 KiB in bash: summary.json is larger still
	exec "$WC" run codered-v2 --until 2001-07-19T10:05:00Z --quiet --out o-full
) 2>o-full.err
rc=$?
if [ $rc -eq 1 ] && grep -qF "cannot write 'o-full/summary.json'" o-full.err && out_clean o-full; then
	pass "outputs: a full disk after one of two files exits 1 and leaves neither"
else
	fail "outputs: a full disk after one file" "exit $rc, $(ls -A o-full 2>&1 | tr '\n' ' ')"
fi

# A failed re-run leaves the previous run whole: both files of seed 1.
run_small o-keep codered-v2
cp o-keep/timeline.csv keep-timeline.csv
cp o-keep/summary.json keep-summary.json
run_small o-keep codered-v2 --seed 2 --plot no-such-dir/x.png
rc=$?
if [ $rc -eq 1 ] && cmp -s o-keep/timeline.csv keep-timeline.csv &&
	cmp -s o-keep/summary.json keep-summary.json && [ ! -e o-keep.lock ]; then
	pass "outputs: a failed re-run leaves the previous run's files as they were"
else
	fail "outputs: a failed re-run" "exit $rc, $(ls -A o-keep | tr '\n' ' ')"
fi

# A folder holding files wormcast does not write is refused, not emptied.
mkdir mine && echo precious >mine/notes.txt
run_small mine codered-v2
rc=$?
if [ $rc -eq 2 ] && grep -qF "'notes.txt'" mine.err && [ "$(ls -A mine)" = notes.txt ]; then
	pass "outputs: --out naming a folder of the user's files exits 2, touches nothing"
else
	fail "outputs: --out naming a user's folder" "exit $rc, $(ls -A mine | tr '\n' ' ')"
fi

# While another process holds the folder's lock, a run fails at once.
if command -v flock >/dev/null; then
	flock o-keep.lock sleep 30 &
	holder=$!
	i=0
	while flock -n o-keep.lock true 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1 # until the holder has the lock
		i=$((i + 1))
	done
	run_small o-keep codered-v2 --seed 3
	rc=$?
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	if [ $rc -eq 1 ] && grep -qF "is being written by another wormcast" o-keep.err &&
		cmp -s o-keep/timeline.csv keep-timeline.csv; then
		pass "outputs: a locked --out is refused with exit 1 and left as it was"
	else
		fail "outputs: a locked --out" "exit $rc: $(cat o-keep.err)"
	fi
else
	pass "outputs: a locked --out (skipped: no flock(1))"
fi

# Two runs to one --out at once: each succeeds or is refused by the lock, and
# the folder holds one run's pair of files, never a mix.
run_small o-s2 codered-v2 --seed 2
run_small o-both codered-v2 --seed 1 &
first=$!
"$WC" run codered-v2 $SMALL --until "$UNTIL" --quiet --seed 2 --out o-both \
	>o-both2.stdout 2>o-both2.err
rc2=$?
wait $first
rc1=$?
seed=$(sed -n 's/^  "seed": \([0-9]*\),$/\1/p' o-both/summary.json 2>/dev/null)
ref=o-keep/timeline.csv
[ "$seed" = 2 ] && ref=o-s2/timeline.csv
if { [ $rc1 -eq 0 ] || grep -qF "being written" o-both.err; } &&
	{ [ $rc2 -eq 0 ] || grep -qF "being written" o-both2.err; } &&
	[ $((rc1 * rc2)) -eq 0 ] && cmp -s o-both/timeline.csv "$ref" && [ ! -e o-both.lock ]; then
	pass "outputs: two runs to one --out: one run's files, whole (exits $rc1, $rc2)"
else
	fail "outputs: two runs to one --out" "exits $rc1/$rc2, seed '$seed'"
fi

# SIGTERM in the middle of a long run (the probe engine's full day): the
# process dies of the signal (143) and leaves no folder, lock or temp file.
"$WC" run codered-v2 --engine probe --threads 1 --out o-sig --plot o-sig.png --quiet \
	2>o-sig.err &
pid=$!
i=0
while [ ! -e o-sig.lock ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
kill -TERM $pid
wait $pid
rc=$?
if [ $rc -eq 143 ] && out_clean o-sig && [ -z "$(ls o-sig.png* 2>/dev/null)" ]; then
	pass "outputs: SIGTERM mid-run exits 143 and leaves no file behind"
else
	fail "outputs: SIGTERM mid-run" "exit $rc, left $(ls -A | grep o-sig | tr '\n' ' ')"
fi

# Out of memory: exit 1 with a message, nothing written. Not under ASan,
# which reserves terabytes of address space and cannot run under ulimit -v.
if grep -qa __asan_init "$WC"; then
	pass "outputs: out of memory (skipped under ASan)"
else
	(
		ulimit -v 300000
		exec "$WC" run codered-v2 --set population.vulnerable=100000000 \
			--set population.placement=uniform --threads 1 --quiet --out o-oom
	) 2>o-oom.err
	rc=$?
	if [ $rc -eq 1 ] && grep -qF "out of memory" o-oom.err && out_clean o-oom; then
		pass "outputs: out of memory exits 1 with a message, writes nothing"
	else
		fail "outputs: out of memory" "exit $rc: $(cat o-oom.err)"
	fi
fi

# Default folders: the README's path for a built-in as shipped; a run with a
# --set goes to a folder of its own, and the first run is left as it was.
Q="--until 2001-07-19T11:00:00Z --quiet"
# shellcheck disable=SC2086 # $Q is two options
"$WC" run codered-v2 $Q 2>plain.err
rc1=$?
cp wormcast-out/codered-v2-seed1/timeline.csv plain-timeline.csv 2>/dev/null
# shellcheck disable=SC2086
"$WC" run codered-v2 $Q --set population.vulnerable=180000 2>set.err
rc2=$?
set_dir=$(ls -d wormcast-out/codered-v2-????????-seed1 2>/dev/null)
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ -n "$set_dir" ] && [ -s "$set_dir/timeline.csv" ] &&
	cmp -s wormcast-out/codered-v2-seed1/timeline.csv plain-timeline.csv &&
	! cmp -s "$set_dir/timeline.csv" plain-timeline.csv; then
	pass "outputs: runs with and without --set get default folders of their own"
else
	fail "outputs: default folders" "exits $rc1/$rc2: $(ls wormcast-out | tr '\n' ' ')"
fi

# An --out holding another scenario's run is refused without --force.
# shellcheck disable=SC2086
"$WC" run codered-v2 $Q --set population.vulnerable=180000 \
	--out wormcast-out/codered-v2-seed1 2>other.err
rc1=$?
# shellcheck disable=SC2086
"$WC" run codered-v2 $Q --set population.vulnerable=180000 --force \
	--out wormcast-out/codered-v2-seed1 2>force.err
rc2=$?
if [ $rc1 -eq 2 ] && grep -qF "holds a run of another scenario" other.err &&
	grep -qF -- "--force" other.err && [ $rc2 -eq 0 ] &&
	cmp -s wormcast-out/codered-v2-seed1/timeline.csv "$set_dir/timeline.csv"; then
	pass "outputs: --out with another scenario's run: exit 2 without --force, replaced with it"
else
	fail "outputs: --out with another scenario's run" "exits $rc1/$rc2: $(cat other.err)"
fi

# Provenance in summary.json: version, commit, command line, start time, the
# resolved scenario and its hash; the same run on 1 and 2 threads differs
# only in the fields that describe the machine and the invocation.
S2=$set_dir/summary.json
version=$("$WC" --version | cut -d' ' -f2)
h8=${set_dir#wormcast-out/codered-v2-}
h8=${h8%-seed1}
if grep -qF "\"wormcast_version\": \"$version\"" "$S2" && grep -q '"git_commit": "[0-9a-f]' "$S2" &&
	grep -qF '"command_line": "wormcast run codered-v2 --until 2001-07-19T11:00:00Z --quiet --set population.vulnerable=180000"' "$S2" &&
	grep -q '"started_at": "20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]*Z"' "$S2" &&
	grep -q "\"scenario_hash\": \"$h8[0-9a-f]\{8\}\"" "$S2" &&
	grep -qF '\n[population]\nvulnerable = 180000\n' "$S2"; then
	pass "outputs: summary.json records version, commit, command line, start, scenario and hash"
else
	fail "outputs: summary.json provenance" "$(grep -A7 provenance "$S2" | cut -c1-100)"
fi
run_small o-t1 codered-v2 --threads 1
run_small o-t2 codered-v2 --threads 2
strip='"threads"|"wall_seconds"|"command_line"|"started_at"'
if grep -q '"scenario_hash"' o-t1/summary.json &&
	[ "$(grep -Ev "$strip" o-t1/summary.json)" = "$(grep -Ev "$strip" o-t2/summary.json)" ]; then
	pass "outputs: summary.json on 1 and 2 threads differs only in threads, time and command"
else
	fail "outputs: summary.json across threads" "$(diff o-t1/summary.json o-t2/summary.json | head -n 6)"
fi

# When stderr is not a terminal, a run says when it starts and ends (one line
# each) instead of drawing a bar; --quiet says nothing.
"$WC" run codered-v2 --until 2001-07-19T11:00:00Z --out o-lines >o-lines.out 2>o-lines.err
rc=$?
# shellcheck disable=SC2086
"$WC" run codered-v2 $Q --out o-lines >/dev/null 2>o-quiet.err
if [ $rc -eq 0 ] && [ "$(wc -l <o-lines.err)" -eq 2 ] &&
	[ "$(sed -n 1p o-lines.err)" = "wormcast: run codered-v2: started" ] &&
	sed -n 2p o-lines.err | grep -q '^wormcast: run codered-v2: done in [0-9.]* s$' &&
	[ ! -s o-quiet.err ]; then
	pass "outputs: a run into a log prints one line at its start and one at its end"
else
	fail "outputs: start and end lines" "exit $rc: '$(cat o-lines.err o-quiet.err)'"
fi

"$WC" fit "$FIXTURES/codered-19jul.csv" --model rcs --out f-prov --quiet 2>/dev/null
if grep -qF '"command_line": "wormcast fit ' f-prov/fit.json &&
	grep -q '"git_commit": "' f-prov/fit.json && grep -q '"started_at": "20' f-prov/fit.json; then
	pass "outputs: fit.json records version, commit, command line and start"
else
	fail "outputs: fit.json provenance" "$(tail -n 7 f-prov/fit.json)"
fi
cd "$T" || exit 2

# Sensor logs: Zeek http.log (TSV, JSON) and Suricata eve.json carrying the
# Apache fixture's requests give its sources.csv, sniffed or named, from a
# file, from a pipe, and gzip'd.
cd "$T" || exit 2
"$WC" detect "$FIXTURES/detect/access.log" --out s-apache --quiet 2>/dev/null
ok=1
for f in zeek-http.log zeek-http.json eve.json; do
	"$WC" detect "$FIXTURES/detect/$f" --out "s-$f" --quiet || ok=0
	cmp -s s-apache/sources.csv "s-$f/sources.csv" || ok=0
	cmp -s s-apache/timeline.csv "s-$f/timeline.csv" || ok=0
	# shellcheck disable=SC2002
	cat "$FIXTURES/detect/$f" | "$WC" detect - --out "p-$f" --quiet || ok=0
	cmp -s s-apache/sources.csv "p-$f/sources.csv" || ok=0
	gzip -c "$FIXTURES/detect/$f" >"$f.gz"
	"$WC" detect "$f.gz" --out "g-$f" --quiet || ok=0
	cmp -s s-apache/sources.csv "g-$f/sources.csv" || ok=0
done
"$WC" detect "$FIXTURES/detect/eve.json" --input-format zeek-json --out s-wrong --quiet \
	>/dev/null 2>s-wrong.err
rc=$?
"$WC" detect "$FIXTURES/detect/eve.json" --input-format eve --out s-eve2 --quiet || ok=0
if [ $ok -eq 1 ] && [ $rc -eq 2 ] && cmp -s s-apache/sources.csv s-eve2/sources.csv &&
	grep -qF '(line 1: field ts: expected seconds since 1970' s-wrong.err &&
	grep -qF "lines are not Zeek http.log (JSON) lines" s-wrong.err && [ ! -e s-wrong ]; then
	pass "detect reads Zeek http.log (TSV, JSON) and eve.json like the Apache log, piped and gzip'd"
else
	fail "detect sensor logs" "rc $rc: $(head -n 3 s-wrong.err)"
fi
cd "$T" || exit 2

# .zst: each log format compressed with zstd reads as the plain file; zstd on
# a pipe (which cannot be peeked at) is refused, saying what to do.
if command -v zstd >/dev/null 2>&1; then
	ok=1
	for f in access.log zeek-http.log zeek-http.json eve.json; do
		zstd -q -c "$FIXTURES/detect/$f" >"$f.zst"
		"$WC" detect "$f.zst" --out "z-$f" --quiet 2>/dev/null || ok=0
		"$WC" detect "$FIXTURES/detect/$f" --out "zp-$f" --quiet 2>/dev/null || ok=0
		cmp -s "zp-$f/sources.csv" "z-$f/sources.csv" || ok=0
		cmp -s "zp-$f/timeline.csv" "z-$f/timeline.csv" || ok=0
	done
	# shellcheck disable=SC2002
	cat eve.json.zst | "$WC" detect - --out z-pipe --quiet >/dev/null 2>z-pipe.err
	rc=$?
	if [ $ok -eq 1 ] && [ $rc -eq 2 ] && [ ! -e z-pipe ] &&
		grep -qF "stdin: zstd data read through a pipe" z-pipe.err; then
		pass "detect reads .zst logs like the plain file; zstd on a pipe is refused, saying why"
	else
		fail "detect .zst" "ok $ok, rc $rc: $(head -n 2 z-pipe.err)"
	fi
else
	echo "skip - detect .zst: the zstd command is not installed"
fi

# '-' reads standard input wherever a command reads a file: fit's series,
# run's and sweep's scenario (detect's logs: the sensor-log block above).
cd "$T" || exit 2
ok=1
"$WC" fit "$FIXTURES/detect-timeline.csv" --model rcs --out in-f1 --quiet 2>/dev/null || ok=0
# shellcheck disable=SC2002
cat "$FIXTURES/detect-timeline.csv" | "$WC" fit - --model rcs --out in-f2 --quiet 2>/dev/null || ok=0
cmp -s in-f1/forecast.csv in-f2/forecast.csv || ok=0
grep -qF '"file": "stdin"' in-f2/fit.json || ok=0
# shellcheck disable=SC2086
"$WC" run codered-v2 $SMALL --until "$UNTIL" --out in-r1 --quiet || ok=0
# shellcheck disable=SC2086
"$WC" show codered-v2 | "$WC" run - $SMALL --until "$UNTIL" --out in-r2 --quiet || ok=0
cmp -s in-r1/timeline.csv in-r2/timeline.csv || ok=0
# shellcheck disable=SC2086
"$WC" sweep codered-v2 $SMALL --set outbreak.seed_hosts=1 --until "$UNTIL" --runs 2 \
	--vary class.home.patch_rate=0,0.05 --quiet --out in-s1 || ok=0
# shellcheck disable=SC2086
"$WC" show codered-v2 | "$WC" sweep - $SMALL --set outbreak.seed_hosts=1 --until "$UNTIL" \
	--runs 2 --vary class.home.patch_rate=0,0.05 --quiet --out in-s2 || ok=0
cmp -s in-s1/sweep.csv in-s2/sweep.csv || ok=0
printf 'not a scenario\n' | "$WC" run - --out in-bad --quiet >/dev/null 2>in-bad.err
rc=$?
if [ $ok -eq 1 ] && [ $rc -eq 2 ] && grep -qF "stdin:1:" in-bad.err && [ ! -e in-bad ]; then
	pass "fit, run and sweep read '-' from a pipe like the file"
else
	fail "'-' as standard input" "ok $ok, rc $rc: $(head -n 1 in-bad.err)"
fi

# --alerts: one eve.json-style JSON object per line per source; jq reads them.
cd "$T" || exit 2
"$WC" detect "$FIXTURES/detect/access.log" --out al --alerts al.json --quiet 2>/dev/null
rc1=$?
"$WC" detect "$FIXTURES/detect/access.log" --out al2 --alerts - 2>/dev/null >al-stdout.json
rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && cmp -s al.json al-stdout.json &&
	[ "$(wc -l <al.json)" -eq "$(($(wc -l <al/sources.csv) - 1))" ]; then
	pass "detect --alerts writes one line per sources.csv row, to a file or standard output"
else
	fail "detect --alerts" "rc $rc1/$rc2, $(wc -l <al.json) lines"
fi
if command -v jq >/dev/null 2>&1; then
	if jq -e -s 'length == 9 and (.[0] | .event_type == "alert" and .src_ip == "192.0.2.10" and
		.timestamp == "2001-07-19T17:05:00.000000+0000" and .wormcast.kind == "codered" and
		.wormcast.requests == 2 and .alert.severity == 1) and
		(map(.wormcast.kind) | group_by(.) | map({(.[0]): length}) | add) ==
		{"codered": 3, "codered2": 1, "nimda": 1, "ida-probe": 3, "exe-probe": 1}' \
		al.json >/dev/null; then
		pass "jq reads every --alerts line, with the fixture's values"
	else
		fail "jq on --alerts" "$(head -c 300 al.json)"
	fi
else
	echo "skip - jq on --alerts: jq is not installed"
fi

# jq over the alerts of every log format: each line an eve.json alert (its
# time format and names); the sensor logs' alerts are the Apache log's bytes;
# docs/soc.md's SIEM one-liner gives the worm sources.
if command -v jq >/dev/null 2>&1; then
	ok=1
	for f in access.log iis.log error.log zeek-http.log zeek-http.json eve.json; do
		"$WC" detect "$FIXTURES/detect/$f" --out "alq-$f" --alerts - 2>/dev/null \
			>"alq-$f.json" || ok=0
		jq -e -s 'length > 0 and all(.[]; (.timestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.]000000[+]0000$")) and
			.event_type == "alert" and (.src_ip | type) == "string" and
			(.alert.signature | startswith("WORMCAST ")) and (.alert.severity | IN(1, 2)))' \
			"alq-$f.json" >/dev/null || ok=0
	done
	for f in zeek-http.log zeek-http.json eve.json; do
		cmp -s alq-access.log.json "alq-$f.json" || ok=0
	done
	worms=$(jq -r 'select(.alert.severity == 1) | [.timestamp, .src_ip, .wormcast.kind] | @tsv' \
		alq-eve.json.json | cut -f3 | sort | uniq -c | tr -s ' ' | tr '\n' ';')
	if [ $ok -eq 1 ] && [ "$worms" = " 3 codered; 1 codered2; 1 nimda;" ]; then
		pass "jq reads the alerts of every log format as eve.json alerts; Zeek's and Suricata's are the Apache log's"
	else
		fail "jq on the alerts of every format" "ok $ok, worms '$worms'"
	fi
else
	echo "skip - jq on the alerts of every format: jq is not installed"
fi

# --format json: the summary on standard output is the summary file the
# command wrote (summary.json; fit.json for fit), byte for byte, and JSON.
cd "$T" || exit 2
ok=1
"$WC" detect "$FIXTURES/detect/access.log" --out fj-d --format json >fj-d.out 2>/dev/null || ok=0
cmp -s fj-d.out fj-d/summary.json || ok=0
# shellcheck disable=SC2086
"$WC" run codered-v2 $SMALL --until "$UNTIL" --out fj-r --format json >fj-r.out 2>/dev/null || ok=0
cmp -s fj-r.out fj-r/summary.json || ok=0
"$WC" fit "$FIXTURES/detect-timeline.csv" --model rcs --out fj-f --format json >fj-f.out 2>/dev/null ||
	ok=0
cmp -s fj-f.out fj-f/fit.json || ok=0
# shellcheck disable=SC2086
"$WC" sweep codered-v2 $SMALL --set outbreak.seed_hosts=1 --until "$UNTIL" --runs 2 \
	--vary class.home.patch_rate=0,0.05 --out fj-s --format json >fj-s.out 2>/dev/null || ok=0
cmp -s fj-s.out fj-s/summary.json || ok=0
if command -v jq >/dev/null 2>&1; then
	for c in d r s; do
		[ "$(jq -S . "fj-$c.out")" = "$(jq -S . "fj-$c/summary.json")" ] || ok=0
	done
	[ "$(jq -r '.kinds.codered.sources, .kinds.nimda.requests, .worm_sources, .input_stats.unparseable_lines' fj-d.out | tr '\n' ' ')" = "3 3 4 2 " ] || ok=0
fi
"$WC" run codered-v2 --format yaml --out fj-bad >/dev/null 2>fj-bad.err
rc=$?
if [ $ok -eq 1 ] && [ $rc -eq 2 ] && grep -qF "expected json or text" fj-bad.err; then
	pass "--format json prints run's, detect's, sweep's summary.json and fit's fit.json"
else
	fail "--format json" "ok $ok, rc $rc"
fi

# --from/--until: detect counts only the window's requests; fit fits only the
# window's points, as if the file held only those rows.
cd "$T" || exit 2
ok=1
"$WC" detect "$FIXTURES/detect/zeek-http.log" --from 2001-07-19T18:00Z --until 2001-09-18T14:00Z \
	--out win-d --quiet || ok=0
[ "$(cut -d, -f5 win-d/sources.csv | sort | uniq -c | tr -s ' ' | tr '\n' ';')" = \
	" 3 codered; 1 codered2; 1 kind; 1 nimda;" ] || ok=0
grep -qF '192.0.2.10,2001-07-19T18:30:00Z,2001-07-19T18:30:00Z,1,codered' win-d/sources.csv || ok=0
grep -v '^#' "$FIXTURES/detect-timeline.csv" |
	awk -F, 'NR == 1 || ($1 >= "2001-08-01T04:00:00Z" && $1 < "2001-08-01T14:00:00Z")' >win.csv
"$WC" fit "$FIXTURES/detect-timeline.csv" --column new_sources --model rcs \
	--from 2001-08-01T04:00Z --until 2001-08-01T14:00Z --out win-f1 --quiet 2>/dev/null || ok=0
"$WC" fit win.csv --column new_sources --model rcs --out win-f2 --quiet 2>/dev/null || ok=0
cmp -s win-f1/forecast.csv win-f2/forecast.csv || ok=0
"$WC" detect "$FIXTURES/detect/access.log" --from 2001-08-01 --until 2001-07-01 --out win-bad \
	>/dev/null 2>win-bad.err
rc=$?
"$WC" fit "$FIXTURES/detect-timeline.csv" --from 2001-08-01T12:00Z --until 2001-08-01T13:00Z \
	--out win-few >/dev/null 2>win-few.err
rc2=$?
if [ $ok -eq 1 ] && [ $rc -eq 2 ] && [ $rc2 -eq 2 ] && [ ! -e win-bad ] && [ ! -e win-few ] &&
	grep -qF "points lie in the --from/--until window" win-few.err; then
	pass "detect and fit --from/--until keep only the window, exactly"
else
	fail "--from/--until" "ok $ok, rc $rc/$rc2: $(cat win-bad.err win-few.err)"
fi

# --follow: a log that grows, is rotated by rename, then by copytruncate, and
# grows again; SIGINT ends it. Every source is alerted on exactly once, and
# the final sources.csv is the batch run's over the same lines.
cd "$T" || exit 2
mkdir fol && cd fol || exit 2
A="$FIXTURES/detect/access.log"
sed -n 1,3p "$A" >web.log
"$WC" detect --follow web.log --interval 0.5 --alerts alerts.json --out out --quiet 2>err.txt &
fpid=$!
sleep 2
sed -n 4,5p "$A" >>web.log
sleep 1.5
mv web.log web.log.1
sed -n 6,8p "$A" >web.log
sleep 1.5
sed -n 9,10p "$A" >>web.log
sleep 1.5
cp web.log web.log.2
: >web.log
sleep 1.5
sed -n 11,14p "$A" >>web.log
sleep 2
kill -INT $fpid
wait $fpid
rc=$?
sed -n 1,14p "$A" >batch.log
"$WC" detect batch.log --out batch --quiet 2>/dev/null
if [ $rc -eq 0 ] && cmp -s batch/sources.csv out/sources.csv && [ "$(wc -l <alerts.json)" -eq 9 ] &&
	[ "$(sed -E 's/.*"src_ip":"([^"]*)".*"kind":"([^"]*)".*/\1 \2/' alerts.json | sort -u |
		wc -l)" -eq 9 ] && [ ! -s err.txt ]; then
	pass "detect --follow: appends, rename and copytruncate rotation, each source alerted once"
else
	fail "detect --follow" "rc $rc, $(wc -l <alerts.json) alerts: $(head -c 300 err.txt)"
fi
cd "$T" || exit 2

# --follow with an --interval too long to come round: an append is picked up
# while it runs (its alerts come before any signal; the waits are bounded, not
# timed), and SIGINT ends it with the final files written whole and
# summary.json on standard output.
mkdir fol2 && cd fol2 || exit 2
A="$FIXTURES/detect/access.log"
sed -n 1,3p "$A" >web.log
"$WC" detect --follow web.log --interval 3600 --alerts alerts.json --out out --format json \
	>final.json 2>err.txt &
fpid=$!
i=0
while [ "$(cat alerts.json 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
sed -n 4,14p "$A" >>web.log
while [ "$(wc -l <alerts.json)" -lt 9 ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
picked=$(wc -l <alerts.json)
kill -INT $fpid
wait $fpid
rc=$?
sed -n 1,14p "$A" >batch.log
"$WC" detect batch.log --out batch --quiet 2>/dev/null
if [ $rc -eq 0 ] && [ "$picked" -eq 9 ] && [ "$(wc -l <alerts.json)" -eq 9 ] &&
	cmp -s batch/sources.csv out/sources.csv && cmp -s batch/timeline.csv out/timeline.csv &&
	cmp -s final.json out/summary.json && grep -q '"worm_sources": 4' final.json &&
	[ ! -s err.txt ]; then
	pass "detect --follow: an append is alerted on while it runs; SIGINT writes the final files"
else
	fail "detect --follow append / SIGINT" "rc $rc, $picked alerts before SIGINT: $(head -c 300 err.txt)"
fi
cd "$T" || exit 2

# --follow on the sensors' own logs: Zeek's http.log rotated by rename (the new
# file starts with its own header lines), Suricata's eve.json by copytruncate;
# each waits for the alerts of what it was given before rotating (bounded
# waits, not timed). Both end with the batch run's sources.csv.
mkdir fol3 && cd fol3 || exit 2
# wait_lines FILE N: until FILE has N lines, for at most 30 s.
wait_lines() {
	wl_i=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ] && [ $wl_i -lt 300 ]; do
		sleep 0.1
		wl_i=$((wl_i + 1))
	done
}
Z="$FIXTURES/detect/zeek-http.log"
E="$FIXTURES/detect/eve.json"
sed -n 1,12p "$Z" >http.log
"$WC" detect --follow http.log --alerts z.json --out zo --quiet 2>z.err &
zpid=$!
wait_lines z.json 3
mv http.log http.log.1
{
	sed -n 1,8p "$Z"
	sed -n '13,$p' "$Z"
} >http.log
wait_lines z.json 9
kill -INT $zpid
wait $zpid
zrc=$?
sed -n 1,10p "$E" >eve.json
"$WC" detect --follow eve.json --alerts e.json --out eo --quiet 2>e.err &
epid=$!
wait_lines e.json 3
# Written right after the truncation, lines 11-20 (3.9 kB) are shorter than
# what was read (8.1 kB): the look that finds them sees a file that shrank.
cp eve.json eve.json.1
: >eve.json
sed -n '11,$p' "$E" >>eve.json
wait_lines e.json 9
kill -INT $epid
wait $epid
erc=$?
"$WC" detect "$Z" --out zb --quiet 2>/dev/null
if [ $zrc -eq 0 ] && [ $erc -eq 0 ] && cmp -s zb/sources.csv zo/sources.csv &&
	cmp -s zb/sources.csv eo/sources.csv && [ "$(wc -l <z.json)" -eq 9 ] &&
	[ "$(wc -l <e.json)" -eq 9 ] && [ ! -s z.err ] && [ ! -s e.err ]; then
	pass "detect --follow: Zeek http.log rotated by rename, eve.json by copytruncate"
else
	fail "detect --follow on sensor logs" "rc $zrc/$erc, alerts $(wc -l <z.json)/$(wc -l <e.json): $(head -c 200 z.err e.err)"
fi
cd "$T" || exit 2

# ---- run --seeds: an ensemble's quantiles per row time and column ----

mkdir ens || exit 2
cd ens || exit 2
ENS_ARGS="codered-v2 --set population.vulnerable=20000 --until 2001-07-19T14:00:00Z"
"$WC" run $ENS_ARGS --seeds 1-3 --quiet --out e3 >e3.out 2>e3.err
rc=$?
for i in 1 2 3; do
	"$WC" run $ENS_ARGS --seed $i --quiet --out s$i >/dev/null 2>&1
done
if [ $rc -ne 0 ] || [ ! -s e3/quantiles.csv ]; then
	fail "run --seeds 1-3" "exit status $rc: $(head -c 300 e3.err)"
else
	# rows x columns x quantiles: columns from the timeline header, less `time`.
	rows=$(($(wc -l <s1/timeline.csv) - 1))
	cols=$(($(head -1 s1/timeline.csv | tr , '\n' | wc -l) - 1))
	want=$((rows * cols * 3 + 1))
	last=$(tail -1 s1/timeline.csv | cut -d, -f1)
	ci=$(head -1 s1/timeline.csv | tr , '\n' | grep -n '^cumulative_infected$' | cut -d: -f1)
	median=$(for i in 1 2 3; do tail -1 s$i/timeline.csv | cut -d, -f"$ci"; done | sort -n | sed -n 2p)
	got=$(grep "^$last,cumulative_infected,0.5," e3/quantiles.csv | cut -d, -f4)
	if [ "$(head -1 e3/quantiles.csv)" != time,column,quantile,value ]; then
		fail "run --seeds: quantiles.csv header" "$(head -1 e3/quantiles.csv)"
	elif [ "$(wc -l <e3/quantiles.csv)" -ne $want ]; then
		fail "run --seeds: quantiles.csv rows" "$(wc -l <e3/quantiles.csv), want $want"
	elif [ -z "$median" ] || [ "$got" != "$median" ]; then
		fail "run --seeds: median of cumulative_infected" "got '$got', seeds' median '$median'"
	elif ! grep -q '"first_seed": 1' e3/summary.json || ! grep -q '"last_seed": 3' e3/summary.json ||
		[ -e e3/timeline.csv ]; then
		fail "run --seeds: summary.json" "$(grep -A3 ensemble e3/summary.json)"
	else
		pass "run --seeds 1-3: quantiles.csv of $want lines, median = the seeds' median ($median)"
	fi
fi
# check_ens_bad NAME PATTERN ARGS...: exit 2, PATTERN on stderr, no --out dir.
check_ens_bad() {
	ceb_name=$1
	ceb_pat=$2
	shift 2
	"$WC" run $ENS_ARGS "$@" --quiet --out bad-out >bad.out 2>bad.err
	rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$ceb_pat" bad.err && [ ! -e bad-out ]; then
		pass "run $ceb_name: exit 2 naming it, nothing written"
	else
		fail "run $ceb_name" "exit status $rc: $(head -c 300 bad.err)"
	fi
}
check_ens_bad "--seeds 5-3" "runs backwards" --seeds 5-3
check_ens_bad "--seeds x" "expected a range" --seeds x
check_ens_bad "--seeds 1-" "expected a range" --seeds 1-
check_ens_bad "--seed with --seeds" "not both" --seed 2 --seeds 1-3
check_ens_bad "--seeds 1-10001" "more than 10000" --seeds 1-10001
check_ens_bad "--quantiles 0,0.5" "strictly between 0 and 1" --seeds 1-3 --quantiles 0,0.5
check_ens_bad "--quantiles 0.5,1" "strictly between 0 and 1" --seeds 1-3 --quantiles 0.5,1
check_ens_bad "--quantiles 0.9,0.1" "must increase" --seeds 1-3 --quantiles 0.9,0.1
check_ens_bad "--quantiles 0.5,0.5" "must increase" --seeds 1-3 --quantiles 0.5,0.5
check_ens_bad "--quantiles without --seeds" "only with --seeds" --quantiles 0.5
check_ens_bad "--keep-runs without --seeds" "only with --seeds" --keep-runs
# --keep-runs: each seed's timeline is byte for byte its --seed N run's.
"$WC" run $ENS_ARGS --seeds 2-3 --keep-runs --quiet --out k23 >/dev/null 2>k23.err
if cmp -s k23/timeline-seed2.csv s2/timeline.csv && cmp -s k23/timeline-seed3.csv s3/timeline.csv &&
	[ ! -e k23/timeline-seed1.csv ]; then
	pass "run --seeds 2-3 --keep-runs: each seed's timeline as --seed N writes it"
else
	fail "run --seeds --keep-runs" "$(ls k23) $(head -c 300 k23.err)"
fi
cd "$T" || exit 2

# ---- calibrate ----
# Observations from one reduced-scale run (seed 99), hourly 11:00-15:00; a
# small calibration of worm.threads and population.vulnerable to them.
"$WC" run codered-v2 $SMALL --seed 99 --until 2001-07-19T15:00:00Z --quiet --out cal-truth \
	>/dev/null 2>&1
awk -F, 'NR == 1 { print "time,seen,new" }
	NR > 1 && $1 ~ /:00:00Z$/ && $1 > "2001-07-19T10:00:00Z" { print $1 "," $8 "," n + $7; n = 0; next }
	NR > 1 { n += $7 }' cal-truth/timeline.csv >cal-obs.csv
CAL_PRIORS="--prior worm.threads=loguniform(30,300) --prior population.vulnerable=loguniform(500,5000)"
cal_run() {
	cr_out=$1
	shift
	"$WC" calibrate codered-v2 $SMALL --observed cal-obs.csv --column seen=cumulative_infected \
		--column new=new_infections $CAL_PRIORS --sims 300 --rounds 2 --particles 40 \
		--forecast-until 2001-07-19T18:00:00Z --out "$cr_out" "$@" >"$cr_out.out" 2>"$cr_out.err"
}
if cal_run cal1 --threads 1 --quiet && cal_run cal2 --threads 2 --format json &&
	cmp -s cal1/posterior.csv cal2/posterior.csv && cmp -s cal1/forecast.csv cal2/forecast.csv &&
	cmp -s cal2.out cal2/calibrate.json; then
	pass "calibrate: same seed, same posterior.csv and forecast.csv for --threads 1 and 2; --format json prints calibrate.json"
else
	fail "calibrate --threads 1 vs 2" "$(head -c 300 cal1.err cal2.err)"
fi
# 3 hours ahead x 2 columns x 23 levels, and a header; 41 lines of particles.
if [ "$(wc -l <cal1/forecast.csv)" -eq 139 ] && [ "$(wc -l <cal1/posterior.csv)" -eq 41 ] &&
	head -n 1 cal1/forecast.csv | grep -qx 'forecast_date,target,target_end_date,location,type,quantile,value' &&
	grep -q '^2001-07-19T15:00:00Z,3 h ahead new,2001-07-19T18:00:00Z,codered-v2,quantile,0.975,' cal1/forecast.csv &&
	grep -q '"rounds_completed": 2' cal1/calibrate.json &&
	grep -q '"new": "new_infections (per interval)"' cal1/calibrate.json; then
	pass "calibrate: forecast.csv in the hubs' quantile format (23 levels), posterior.csv, calibrate.json"
else
	fail "calibrate outputs" "$(head -n 3 cal1/forecast.csv)"
fi
# A whole timeline.csv as the observations: the mapped column only, up to --until.
if "$WC" calibrate codered-v2 $SMALL --observed cal-truth/timeline.csv \
	--column cumulative_infected=cumulative_infected --until 2001-07-19T13:00Z \
	--prior 'worm.threads=loguniform(30,300)' --sims 40 --rounds 1 --particles 20 \
	--forecast-until 2001-07-19T14:00Z --quiet --out cal-tl >cal-tl.out 2>cal-tl.err &&
	grep -q '"count": 181' cal-tl/calibrate.json &&
	grep -q '"last": "2001-07-19T13:00:00Z"' cal-tl/calibrate.json &&
	[ "$(wc -l <cal-tl/forecast.csv)" -eq $((60 * 23 + 1)) ]; then
	pass "calibrate: a timeline.csv as observations, --column picks, --until cuts (181 rows to 13:00)"
else
	fail "calibrate on a timeline.csv" "$(head -c 300 cal-tl.err)"
fi
# check_cal_bad NAME PATTERN ARGS...: exit 2 naming the problem, nothing written.
check_cal_bad() {
	ccb_name=$1
	ccb_pat=$2
	shift 2
	"$WC" calibrate codered-v2 $SMALL --out cal-bad --quiet "$@" >cal-bad.out 2>cal-bad.err
	rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$ccb_pat" cal-bad.err && [ ! -e cal-bad ]; then
		pass "calibrate $ccb_name: exit 2 naming it, nothing written"
	else
		fail "calibrate $ccb_name" "exit status $rc: $(head -c 300 cal-bad.err)"
	fi
}
printf 'time,cumulative_infected\n2001-07-21T00:00:00Z,5\n' >cal-late.csv
printf 'time,cumulative_infected\n2001-07-19T11:00:00Z,x\n' >cal-badval.csv
check_cal_bad "bad prior syntax" "expected uniform(a,b)" --observed cal-obs.csv \
	--column seen=cumulative_infected --column new=new_infections --prior 'worm.threads=gamma(1,2)'
check_cal_bad "unknown key" "unknown key 'worm.nosuch'" --observed cal-obs.csv \
	--column seen=cumulative_infected --column new=new_infections --prior 'worm.nosuch=uniform(1,2)'
check_cal_bad "prior outside the key's range" "outside the key's range" --observed cal-obs.csv \
	--column seen=cumulative_infected --column new=new_infections --prior 'population.vulnerable=uniform(0,100)'
check_cal_bad "observation outside the window" "outside the run's window" \
	--observed cal-late.csv --prior 'worm.threads=loguniform(30,300)'
check_cal_bad "unreadable count" "cal-badval.csv: line 2: cumulative_infected" \
	--observed cal-badval.csv --prior 'worm.threads=loguniform(30,300)'
check_cal_bad "unmapped column" "column 'seen' is no timeline column" \
	--observed cal-obs.csv --prior 'worm.threads=loguniform(30,300)'
check_cal_bad "--until before every observation" "no observation at 2001-07-19T10:30:00Z or earlier" \
	--observed cal-obs.csv --column seen=cumulative_infected --column new=new_infections \
	--until 2001-07-19T10:30Z --prior 'worm.threads=loguniform(30,300)'
check_cal_bad "too few simulations" "too few for 5 rounds" --observed cal-obs.csv \
	--column seen=cumulative_infected --column new=new_infections \
	--prior 'worm.threads=loguniform(30,300)' --sims 99 --rounds 5 --particles 20
# A sensor's distinct sources per row do not add over rows: hourly counts need hourly rows.
printf 'time,site_interval_sources\n2001-07-19T11:00:00Z,3\n2001-07-19T12:00:00Z,5\n' >cal-site.csv
check_cal_bad "hourly distinct sources on minute rows" "do not add over rows" \
	--observed cal-site.csv --set sensor.site.kind=live --set sensor.site.prefix_length=24 \
	--prior 'worm.threads=loguniform(30,300)'
check_cal_bad "a sensor the scenario lacks" "no [sensor.NAME] section of the scenario has it" \
	--observed cal-site.csv --prior 'worm.threads=loguniform(30,300)'

# [sensor.NAME]: three columns per sensor after the fixed ones, in section order,
# in timeline.csv and quantiles.csv; a bad section is exit 2 naming file, line and key.
cd "$T" || exit 2
printf '%s\n' '[outbreak]' 'name = sensors' 'start = 2001-07-19T10:00:00Z' \
	'end = 2001-07-19T11:00:00Z' 'seed_hosts = 20' '[population]' 'vulnerable = 3000' \
	'[output]' 'interval = 600' '[sensor.site]' 'kind = live' 'size = 65536' \
	'[sensor.dark]' 'blocks = 45.0.0.0/16' >sensors.ini
"$WC" run sensors.ini --quiet --out sens >/dev/null 2>sens.err
hdr=$(head -1 sens/timeline.csv 2>/dev/null)
case $hdr in
*,infected_addresses,site_probes,site_sources,site_interval_sources,dark_probes,dark_sources,dark_interval_sources)
	pass "run with two [sensor.NAME]: their columns follow the fixed ones in section order" ;;
*) fail "run with sensors: header" "$hdr $(head -c 300 sens.err)" ;;
esac
"$WC" run sensors.ini --seeds 1-2 --quiet --out sensq >/dev/null 2>sensq.err
if grep -q ',dark_interval_sources,0.5,' sensq/quantiles.csv 2>/dev/null; then
	pass "run --seeds with sensors: quantiles.csv has the sensor columns"
else
	fail "run --seeds with sensors" "$(head -c 300 sensq.err)"
fi
printf '[sensor.a]\nkind = live\nsize = 300\n' >badsensor.ini
"$WC" run badsensor.ini --quiet --out badsens >/dev/null 2>badsens.err
rc=$?
if [ $rc -eq 2 ] && grep -qF "badsensor.ini:3: key 'sensor.a.size'" badsens.err && [ ! -e badsens ]; then
	pass "run with a bad [sensor.NAME]: exit 2 naming file, line and key, nothing written"
else
	fail "run with a bad sensor" "exit status $rc: $(head -c 300 badsens.err)"
fi

# PLplot and libpcap load only when a figure is drawn or a capture read
# (src/core/dynlib.h): a run without either never maps them.
cd "$T" || exit 2
LD_DEBUG=files "$WC" run codered-v2 --set population.vulnerable=2000 --until 2001-07-19T11:00:00Z \
	--quiet --out lazy >/dev/null 2>lazy.err
if [ -s lazy/timeline.csv ] && grep -q 'file=libgsl' lazy.err &&
	! grep -qE 'file=lib(plplot|pcap)' lazy.err; then
	pass "a run without a plot or a capture loads neither PLplot nor libpcap"
else
	fail "lazy libraries" "$(grep -oE 'file=lib(plplot|pcap)[^ ]*' lazy.err | head -2)"
fi

wc_finish
