#!/bin/sh
# The Internet Quarantine table (docs/validation.md): for each filtering method
# and deployment, the longest reaction time that keeps the mean share of
# vulnerable hosts ever infected under 10% in codered-v2 (Moore, Shannon,
# Voelker and Savage, INFOCOM 2003, judged containment by that share).
#
#   tools/quarantine.sh [RUNS] [OUTDIR]     (defaults 5, wormcast-out/quarantine)
#
# Content filters are deployed the reaction time after the outbreak's start
# (10:00 UTC); under blacklisting each address is listed the reaction time
# after its first infection. Uses build/wormcast; about two minutes on 2 cores.
set -eu
runs=${1:-5}
out=${2:-wormcast-out/quarantine}
wc=${WORMCAST:-build/wormcast}
mkdir -p "$out"

deploy="--vary defense.filter.deployment=transit,edge --vary defense.filter.coverage=0.5,0.9,0.99,1"
content_hours="0.5 1 1.5 2 2.5 3 3.5 4 4.5 5 5.5 6 7 8"
blacklist_minutes="1 5 10 15 20 25 30 35 40 45 50 60 90 120 240"

times=""
for h in $content_hours; do
	t=$(date -u -d "2001-07-19T10:00:00Z + $(awk -v h="$h" 'BEGIN { print h * 60 }') minutes" +%Y-%m-%dT%H:%M:%SZ)
	times="$times${times:+,}$t"
done
delays=""
for m in $blacklist_minutes; do
	delays="$delays${delays:+,}$((m * 60))"
done

# shellcheck disable=SC2086 # $deploy is a list of options
"$wc" sweep codered-v2 --quiet --runs "$runs" --out "$out/content" \
	--set defense.filter.method=content $deploy --vary "defense.filter.at=$times"
# shellcheck disable=SC2086
"$wc" sweep codered-v2 --quiet --runs "$runs" --out "$out/blacklist" \
	--set defense.filter.method=blacklist --set defense.filter.at=2001-07-19T10:00:00Z \
	$deploy --vary "defense.filter.blacklist_delay=$delays"

# Per deployment and coverage, from runs.csv: the largest reaction time such
# that it and every faster one keep the share infected under 0.1, judged two
# ways: on the mean over the runs, and in at least 95% of the runs (the
# stricter, percentile criterion).
table() { # FILE UNIT(h|min)
	awk -F, -v unit="$2" '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == "infected_share") col = i; next }
	{
		key = $2 " " $3
		if (unit == "h") {
			split($4, d, /[-T:Z]/)
			react = (d[4] - 10) + d[5] / 60
		} else {
			react = $4 / 60
		}
		if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
		c = key SUBSEP react
		if (!(c in runs)) { reacts[key, ++nr[key]] = react }
		runs[c]++
		sum[c] += $col
		under[c] += $col < 0.1
	}
	END {
		printf "%-14s %20s %20s\n", "", "mean < 10%", "95% of runs < 10%"
		for (i = 1; i <= n; i++) {
			k = order[i]
			mean_ok = all_ok = 1
			best_mean = best_all = "none"
			for (j = 1; j <= nr[k]; j++) {
				r = reacts[k, j]
				c = k SUBSEP r
				m = sum[c] / runs[c]
				if (mean_ok && m < 0.1) { best_mean = r; share = m } else mean_ok = 0
				if (all_ok && under[c] >= 0.95 * runs[c]) best_all = r
				else all_ok = 0
			}
			printf "%-14s %16s %-3s %16s %-3s\n", k, best_mean, unit, best_all, unit
		}
	}' "$1"
}
echo "content filtering: longest reaction after 10:00 UTC keeping infections under 10%"
table "$out/content/runs.csv" h
echo "address blacklisting: longest listing delay keeping infections under 10%"
table "$out/blacklist/runs.csv" min
