#!/bin/sh
# tools/calibrate-coverage.sh [WORMCAST] [REPS] [SIMS] — coverage of calibrate's
# 90% intervals on the real simulator (docs/calibrate.md §5).
#
# Each replicate draws worm.threads ~ loguniform(30,300) and
# population.vulnerable ~ loguniform(500,5000) from the priors, simulates
# Code Red v2 at 1/256 scale with them (seed 1000+rep), takes the hourly
# cumulative and per-hour new infections 11:00-15:00 as observations, and
# calibrates to them with the same priors. Prints one line per replicate and
# the share of 90% intervals holding the truth.
set -u
WC=${1:-build/wormcast}
REPS=${2:-50}
SIMS=${3:-1200}
SMALL="--set worm.scan_space=12.0.0.0/8 --set telescope.blocks=12.44.0.0/16"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
hits=0
total=0
rep=1
while [ "$rep" -le "$REPS" ]; do
	set -- $(awk -v s="$rep" 'BEGIN { srand(s); a = rand(); b = rand();
		printf "%.0f %.0f\n", exp(log(30) + a * log(10)), exp(log(500) + b * log(10)) }')
	threads=$1 vuln=$2
	rm -rf "$T/truth"
	"$WC" run codered-v2 $SMALL --set worm.threads="$threads" --set population.vulnerable="$vuln" \
		--seed $((1000 + rep)) --until 2001-07-19T15:00:00Z --quiet --out "$T/truth" \
		>/dev/null 2>&1 || exit 1
	awk -F, 'NR == 1 { print "time,cumulative_infected,new_infections" }
		NR > 1 && $1 ~ /:00:00Z$/ && $1 > "2001-07-19T10:00:00Z" { print $1 "," $8 "," n + $7; n = 0; next }
		NR > 1 { n += $7 }' "$T/truth/timeline.csv" >"$T/obs.csv"
	"$WC" calibrate codered-v2 $SMALL --observed "$T/obs.csv" \
		--prior 'worm.threads=loguniform(30,300)' \
		--prior 'population.vulnerable=loguniform(500,5000)' \
		--sims "$SIMS" --rounds 4 --particles 60 --seed "$rep" \
		--forecast-until 2001-07-19T15:00:00Z --quiet --out "$T/cal" 2>"$T/err" || { cat "$T/err"; exit 1; }
	line=$(awk -v th="$threads" -v vu="$vuln" '
		/"worm.threads"/ { k = "t" } /"population.vulnerable"/ { k = "v" }
		/"q05"/ { gsub(/[,]/, ""); lo[k] = $2 } /"q95"/ { gsub(/[,]/, ""); hi[k] = $2 }
		END { ht = (lo["t"] <= th && th <= hi["t"]); hv = (lo["v"] <= vu && vu <= hi["v"]);
		      printf "%d %d threads %s [%s, %s] vulnerable %s [%s, %s]\n", ht, hv,
		             th, lo["t"], hi["t"], vu, lo["v"], hi["v"] }' "$T/cal/calibrate.json")
	echo "rep $rep: $line"
	set -- $line
	hits=$((hits + $1 + $2))
	total=$((total + 2))
	rep=$((rep + 1))
done
echo "coverage of 90% intervals: $hits of $total"
