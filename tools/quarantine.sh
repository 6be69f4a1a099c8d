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

# Per deployment and coverage: the largest reaction time with a mean share
# under 0.1 such that every faster one is under it too, and the share there.
table() { # FILE UNIT(h|min)
	awk -F, -v unit="$2" '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == "infected_share_mean") col = i; next }
	{
		key = $1 " " $2
		if (unit == "h") {
			split($3, d, /[-T:Z]/)
			react = (d[4] - 10) + d[5] / 60
		} else {
			react = $3 / 60
		}
		if (!(key in ok)) { order[++n] = key; ok[key] = 1; best[key] = "none"; share[key] = "" }
		if (ok[key] && $col < 0.1) { best[key] = react; share[key] = $col }
		else ok[key] = 0
		last[key] = $col
	}
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]
			printf "%-14s %8s %s  (share there %s; at the slowest reaction %s)\n", k,
			       best[k], unit, share[k] == "" ? "-" : sprintf("%.4f", share[k]),
			       sprintf("%.4f", last[k])
		}
	}' "$1"
}
echo "content filtering: longest reaction after 10:00 UTC with < 10% infected"
table "$out/content/sweep.csv" h
echo "address blacklisting: longest listing delay with < 10% infected"
table "$out/blacklist/sweep.csv" min
