#!/bin/sh
# report.sh — `wormcast report` (docs/teaching.md): the page for each kind of
# output folder is one self-contained file, and in a real browser (headless
# Chromium) it runs without an error, draws its plots and shows the numbers
# of summary.json / fit.json. Bad input exits 2 and writes nothing.
#
# Usage: tests/report.sh PATH_TO_WORMCAST. The browser checks are skipped,
# with a message, where `chromium` (or `jq`, which reads the files) is not
# installed; `make deps` installs both.
. "$(dirname "$0")/lib.sh"
wc_setup report "$@"
wc_lsan
fixtures=$(cd "$(dirname "$0")/fixtures" && pwd)
cd "$T" || exit 2

# One folder of each kind, small: a run and a 3-seed ensemble stopped at
# 16:00 UTC, a 2 x 2 sweep, detect on the fixture logs, a fit of the run.
until=2001-07-19T16:00:00Z
"$WC" run codered-v2 --until $until --out run --quiet &&
	"$WC" run codered-v2 --seeds 1-3 --until $until --out ens --quiet &&
	"$WC" sweep codered-v2 --vary population.vulnerable=200000,360000 --runs 2 \
		--until $until --out sweep --quiet &&
	"$WC" detect "$fixtures/detect/access.log" "$fixtures/detect/iis.log" --bin 600 \
		--out det --quiet 2>/dev/null &&
	"$WC" fit run/timeline.csv --out fit --quiet 2>/dev/null ||
	{ fail "the folders to report on" "a command failed"; wc_finish; exit 1; }
# A run whose summary holds text that would end the page's <script> block
# if the data were not escaped (the page must show it as text).
mkdir evil && cp run/timeline.csv evil/ &&
	sed 's|"scenario": "codered-v2"|"scenario": "</script><!--<script>x\&y"|' \
		run/summary.json >evil/summary.json

# Each kind alone, then all side by side.
for d in run ens sweep det fit; do
	if "$WC" report $d --out $d.html --quiet && [ -s $d.html ]; then
		pass "report $d: written"
	else
		fail "report $d" "$(cat $d.html 2>&1 | head -c 200)"
	fi
done
all="run ens sweep det fit evil"
if "$WC" report $all --out all.html >out.txt 2>&1 && grep -q "6 folders" out.txt; then
	pass "report of six folders side by side: $(cat out.txt)"
else
	fail "report of six folders" "$(cat out.txt)"
fi
# Self-contained: no address to fetch, no script or style from a file.
if ! grep -qiE 'https?://|<script[^>]* src=|<link[ >]|<img|@import|url\(' run.html all.html; then
	pass "the pages refer to nothing outside themselves (no http(s)://, script src, link, url())"
else
	fail "self-contained page" "$(grep -oiE '.{30}(https?://|<script[^>]* src=|<link|<img|@import|url\().{30}' all.html | head -3)"
fi
size=$(wc -c <run.html)
[ "$size" -lt 300000 ] && pass "the run's page is small: $size bytes" ||
	fail "page size" "$size bytes for a 6-hour run"

# Bad input: exit 2, a message naming the file, no page left behind.
bad() { # NAME EXPECTED_MESSAGE_PART DIR...
	name=$1 want=$2
	shift 2
	rm -f bad.html
	"$WC" report "$@" --out bad.html >/dev/null 2>err.txt
	rc=$?
	if [ $rc = 2 ] && grep -qF -- "$want" err.txt && [ ! -e bad.html ] &&
		[ -z "$(ls | grep 'bad.html.tmp')" ]; then
		pass "report $name: exit 2, '$(head -n 1 err.txt)'"
	else
		fail "report $name" "exit $rc, '$(cat err.txt)'"
	fi
}
bad "of a missing folder" "nosuch: No such file or directory" run nosuch
bad "of a file" "run/timeline.csv: not a folder" run/timeline.csv
mkdir empty
bad "of a folder of no known kind" "empty: not a wormcast output folder" empty
mkdir badjson && cp run/timeline.csv badjson/ && printf '{"scenario": "x",\n "final": }\n' >badjson/summary.json
bad "of a malformed summary.json" "badjson/summary.json:2: malformed JSON" badjson
mkdir other && printf '{"hello": 1}\n' >other/summary.json
bad "of a summary.json of no known kind" "other/summary.json: not the summary of a run" other
mkdir badcsv && cp run/summary.json badcsv/ && head -n 5 run/timeline.csv >badcsv/timeline.csv &&
	echo "2001-07-19T10:05:00Z,1,2" >>badcsv/timeline.csv
bad "of a timeline with a short line" "badcsv/timeline.csv:6: expected 23 fields" badcsv
mkdir badtime && cp run/summary.json badtime/ && sed '3s/^2001-07-19T10:01:00Z/19 July/' \
	run/timeline.csv >badtime/timeline.csv
bad "of a timeline with a malformed time" "badtime/timeline.csv:3: column 'time'" badtime
mkdir nocsv && cp run/summary.json nocsv/
bad "of a run folder without its timeline" "nocsv/timeline.csv: cannot open" nocsv
mkdir nofc && cp fit/fit.json nofc/
bad "of a fit folder without forecast.csv" "nofc/forecast.csv: cannot open" nofc
echo keep >keep.html
"$WC" report run nosuch --out keep.html 2>/dev/null
[ $? = 2 ] && [ "$(cat keep.html)" = keep ] && pass "a failed report leaves the old page as it was" ||
	fail "failed report over an old page" "$(head -c 100 keep.html)"
"$WC" report 2>/dev/null
[ $? = 2 ] && pass "report without a folder: exit 2" || fail "report without a folder" "not exit 2"
"$WC" report --help | grep -q "usage: wormcast report DIR" && pass "report --help" ||
	fail "report --help" "no usage line"

# The browser: one headless Chromium run over the six-folder page.
browser=$(command -v chromium || command -v chromium-browser)
if [ -z "$browser" ] || ! command -v jq >/dev/null 2>&1; then
	echo "skip - the report in a browser: chromium or jq is not installed (make deps installs them)"
	wc_finish
	exit $?
fi
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
	--user-data-dir="$T/chromium" --virtual-time-budget=5000 \
	--dump-dom "file://$T/all.html#selftest" >dom.html 2>chromium.err
sed -n 's/.*<pre id="selftest"[^>]*>\(.*\)<\/pre>.*/\1/p' dom.html |
	sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g' >st.json
if jq -e . st.json >/dev/null 2>&1; then
	pass "Chromium ran the page; its self-test: $(jq -c '{plots, plots_with_points, points}' st.json)"
else
	fail "Chromium ran the page" "no self-test in the DOM: $(head -c 300 dom.html) $(tail -n 3 chromium.err)"
	wc_finish
	exit 1
fi
[ "$(jq '.errors | length' st.json)" = 0 ] && pass "no console error or uncaught exception in the page" ||
	fail "console errors" "$(jq -c .errors st.json)"
# run: 2 plots, ensemble 1, sweep 1, detect 2, fit 1, evil 2.
[ "$(jq '.plots == 9 and .plots_with_points == 9 and .points > 500' st.json)" = true ] &&
	pass "every plot (9) drawn with points" || fail "plots drawn" "$(jq -c '{plots, plots_with_points, points}' st.json)"
grep -q '<title>wormcast report: run, ens, sweep, det, fit, evil</title>' dom.html &&
	grep -q 'observed (cumulative_infected)</text>' dom.html &&
	pass "the page's title names the folders; the fit's plot draws the series fitted" ||
	fail "title and fitted series" "$(grep -o '<title>[^<]*' dom.html)"
# #selftest: the page drags across its first plot, hovers, double-clicks.
if [ "$(jq '.interaction | .zoomed and .reset and .points_zoomed > 0 and
	.points_zoomed < .points_before and (.hover | test("UTC.*cumulative infected: [0-9,]+"))' st.json)" = true ]; then
	pass "drag zooms the time axis, hover shows values, double-click zooms out: $(jq -c '.interaction' st.json)"
else
	fail "zoom and hover" "$(jq -c '.interaction' st.json)"
fi
# Every figure shown equals the file's value (read back from the text shown).
i=0
for d in $all; do
	f=$d/summary.json
	[ -f $f ] || f=$d/fit.json
	jq -n --slurpfile s st.json --slurpfile m $f --argjson i $i '
		$s[0].folders[$i].shown | to_entries |
		map(. as $e | select(($m[0] | getpath($e.key | split(".") | map(tonumber? // .))) != $e.value))' \
		>diff.json
	n=$(jq ".folders[$i].shown | length" st.json)
	kind=$(jq -r ".folders[$i].kind" st.json)
	if [ "$(jq length diff.json)" = 0 ] && [ "$n" -ge 8 ]; then
		pass "$d ($kind): the $n figures shown equal $(basename $f)'s"
	else
		fail "$d ($kind): figures shown" "$n shown; differing: $(head -c 400 diff.json)"
	fi
	i=$((i + 1))
done
[ "$(jq -r '.folders[5].shown.scenario' st.json)" = '</script><!--<script>x&y' ] &&
	pass "text that would close the <script> block is shown as text" ||
	fail "script escaping" "$(jq -c '.folders[5].shown.scenario' st.json)"
[ "$(jq '[.folders[0].shown["final.cumulative_infected"], .folders[2].shown["combinations.1.outcomes.cumulative_infected.mean"]] | map(numbers) | length' st.json)" = 2 ] &&
	pass "the key figures are among those checked" || fail "key figures" "missing"
wc_finish
