#!/bin/sh
# The worked case of docs/validation.md ("Calibrated on the first hours of
# 1 August"): calibrate codered-aug1 on Goldsmith's hourly counts and forecast
# to 20:00 UTC on 2 August; then the same with the data cut at each hour.
#   tools/worked-aug1.sh WORMCAST OUTDIR [SIMS] [CUTOFF_SIMS] [THREADS]
# SIMS 0 skips the main calibration, CUTOFF_SIMS 0 the cut-off ones. The main
# one keeps 300 particles, a cut-off one CUTOFF_SIMS / 10; at most 8 rounds,
# the budget ends them.
set -eu
W=${1:?usage: tools/worked-aug1.sh WORMCAST OUTDIR [SIMS] [CUTOFF_SIMS] [THREADS]}
OUT=${2:?usage: tools/worked-aug1.sh WORMCAST OUTDIR [SIMS] [CUTOFF_SIMS] [THREADS]}
SIMS=${3:-10000}
CSIMS=${4:-600}
T=${5:-2}
OBS=validate/data/goldsmith-2001-08-01.csv
mkdir -p "$OUT"
cal() { # cal OUTDIR SIMS PARTICLES [--until TIME]
	d=$1 n=$2 p=$3
	shift 3
	"$W" calibrate codered-aug1 --observed "$OBS" \
		--column goldsmith=goldsmith_interval_sources \
		--column cumulative_infected=cumulative_infected \
		--column infected_addresses=infected_addresses \
		--column telescope_sources=telescope_sources \
		--set output.interval=3600 \
		--set sensor.goldsmith.size=0 --set sensor.goldsmith.prefix_length=16 \
		--prior 'sensor.goldsmith.prefix_length=int-uniform(16,24)' \
		--prior 'worm.wake_gain=loguniform(2,100)' \
		--prior 'population.vulnerable=loguniform(100000,360000)' \
		--sims "$n" --rounds 8 --particles "$p" --seed 1 --threads "$T" \
		--forecast-until 2001-08-02T20:00:00Z --quiet --out "$d" "$@"
}
if [ "$SIMS" -gt 0 ]; then
	s=$(date +%s)
	cal "$OUT/main" "$SIMS" 300 --plot "$OUT/main.png"
	echo "main: $SIMS simulations, $(($(date +%s) - s)) s wall" | tee -a "$OUT/times.txt"
fi
[ "$CSIMS" -gt 0 ] || exit 0
for h in 02 03 04 05 06 07; do
	s=$(date +%s)
	cal "$OUT/until$h" "$CSIMS" $((CSIMS / 10)) --until "2001-08-01T$h:00:00Z"
	echo "until $h:00: $CSIMS simulations, $(($(date +%s) - s)) s wall" | tee -a "$OUT/times.txt"
done
