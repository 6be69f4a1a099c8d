#!/bin/sh
# tools/score-wis.sh TRUTH.csv COLUMN CALIBRATE_FORECAST.csv FIT_FORECAST.csv TIME...
#
# Scores two forecasts of COLUMN against the held-back truth (a timeline.csv)
# at each TIME with the weighted interval score of Bracher et al. 2021, as
# src/model/wis.c computes it (docs/calibrate.md §6): calibrate's 23
# quantile levels (forecast.csv, hub format), the same forecast cut to its
# median and 95% interval, and `wormcast fit`'s curve with its 95%
# prediction band (its forecast.csv, interpolated linearly to TIME).
# Prints a Markdown table row per TIME and the mean of each score.
set -eu
truth=$1 col=$2 cal=$3 fit=$4
shift 4
for t in "$@"; do
	y=$(awk -F, -v c="$col" -v t="$t" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
		$1 == t { print $k }' "$truth")
	awk -F, -v t="$t" -v y="$y" -v c="$col" -v calf="$cal" -v fitf="$fit" '
	function wis(n, lv, q,   K, s, k, a, l, u, is) {
		K = int(n / 2); s = 0.5 * (y > q[K + 1] ? y - q[K + 1] : q[K + 1] - y)
		for (k = 1; k <= K; k++) {
			a = 2 * lv[k]; l = q[k]; u = q[n + 1 - k]
			is = (u - l) + (y < l ? 2 / a * (l - y) : 0) + (y > u ? 2 / a * (y - u) : 0)
			s += a / 2 * is
		}
		return s / (K + 0.5)
	}
	BEGIN {
		FS = ","
		while ((getline line < calf) > 0) {
			split(line, f, ",")
			if (f[3] == t && f[2] ~ (" ahead " c "$")) { n++; lv[n] = f[6]; q[n] = f[7] }
		}
		w23 = wis(n, lv, q)
		for (i = 1; i <= n; i++) {
			if (lv[i] + 0 == 0.025) { l3[1] = 0.025; q3[1] = q[i] }
			if (lv[i] + 0 == 0.5) { l3[2] = 0.5; q3[2] = q[i]; med = q[i] }
			if (lv[i] + 0 == 0.975) { l3[3] = 0.975; q3[3] = q[i] }
		}
		w3 = wis(3, l3, q3)
		prev = ""
		while ((getline line < fitf) > 0) {
			split(line, f, ",")
			if (f[1] == "time") continue
			if (f[1] >= t && prev != "") {
				# linear in time between the rows around t (times as text: HH:MM:SS)
				x0 = sec(p[1]); x1 = sec(f[1]); x = sec(t)
				r = x1 > x0 ? (x - x0) / (x1 - x0) : 0
				fm = p[2] + r * (f[2] - p[2]); lo = p[5] + r * (f[5] - p[5]); hi = p[6] + r * (f[6] - p[6])
				break
			}
			prev = line; split(line, p, ",")
		}
		lf[1] = 0.025; lf[2] = 0.5; lf[3] = 0.975; qf[1] = lo; qf[2] = fm; qf[3] = hi
		wf = wis(3, lf, qf)
		printf "| %s | %d | %.0f [%.0f, %.0f] | %.1f | %.1f | %.0f [%.0f, %.0f] | %.1f |\n", t, y, med, q3[1], q3[3], w23, w3, fm, lo, hi, wf
	}
	function sec(s,   d) { d = substr(s, 9, 2) * 86400 + substr(s, 12, 2) * 3600 + substr(s, 15, 2) * 60 + substr(s, 18, 2); return d }'
done
