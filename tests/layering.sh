#!/bin/sh
# layering.sh — calls between source files go one way (docs/design.md §2).
#
# Reads the objects of src/ (nm: the functions each defines, the symbols it
# leaves undefined), maps each undefined symbol to the object defining it and
# so builds the file-level call graph. Two checks per file:
#   - no circle: the file is in no strongly connected component of more than
#     one file (a circle makes the files one unit that cannot be read, tested
#     or replaced apart);
#   - directory order: core calls only core; sim, model and detect call core
#     and their own directory; ensemble (the scheduler: generic, it knows no
#     simulation) calls core and itself; calib (calibration: simulations for
#     the model directory's ABC core) also sim, model and ensemble; report
#     also sim, model, detect and calib; selftest anything but api and cli;
#     api (the public library interface) anything but cli; cli anything, and
#     nothing calls cli.
# Usage: tests/layering.sh [OBJDIR]   (default build/obj)
# Ends with "N passed, M failed"; exits 1 on any failure.
set -u
objdir=${1:-build/obj}
if [ ! -d "$objdir" ]; then
	echo "layering: no object directory $objdir (run make build)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# One line per symbol: "D file sym" for a function defined, "U file sym" for
# a symbol used but not defined. Only the directories built from src/ count
# (build/obj/gen holds generated data, not code).
for dir in core sim model detect ensemble calib report selftest api cli; do
	for o in "$objdir/$dir"/*.o; do
		[ -f "$o" ] || continue
		f="$dir/$(basename "$o" .o).c"
		nm -g --defined-only "$o" | awk -v f="$f" '$2 ~ /^[TW]$/ { print "D", f, $3 }'
		nm -u "$o" | awk -v f="$f" '{ print "U", f, $NF }'
	done
done >"$tmp"

awk '
function dirof(f) { sub(/\/.*/, "", f); return f }
# May a file in directory a call one in directory b?
function allowed(a, b) {
	if (a == b) return 1
	if (b == "cli") return 0
	if (a == "cli") return 1
	if (a == "selftest") return b != "api"
	if (a == "api") return 1
	if (b == "core") return 1
	if (a == "calib") return b == "sim" || b == "model" || b == "ensemble"
	if (a == "report") return b == "sim" || b == "model" || b == "detect" || b == "calib"
	return 0
}
$1 == "D" { def[$3] = $2; files[$2] = 1; next }
$1 == "U" { use[++nu] = $2 SUBSEP $3; files[$2] = 1 }
END {
	for (i = 1; i <= nu; i++) {
		split(use[i], p, SUBSEP)
		if (!(p[2] in def) || def[p[2]] == p[1]) continue
		e = p[1] SUBSEP def[p[2]]
		if (!(e in edge)) edge[e] = p[2]
		reach[e] = 1
	}
	n = 0
	for (f in files) name[++n] = f
	# Transitive closure (Warshall): some sixty files, so n^3 is nothing.
	for (k = 1; k <= n; k++)
		for (i = 1; i <= n; i++) {
			if (!((name[i] SUBSEP name[k]) in reach)) continue
			for (j = 1; j <= n; j++)
				if ((name[k] SUBSEP name[j]) in reach)
					reach[name[i] SUBSEP name[j]] = 1
		}
	pass = 0; fail = 0
	for (i = 1; i <= n; i++) {
		a = name[i]
		# The files mutually reachable with a form its component.
		comp = ""; lead = a
		for (j = 1; j <= n; j++) {
			b = name[j]
			if (b == a) continue
			if ((a SUBSEP b) in reach && (b SUBSEP a) in reach) {
				comp = comp " " b
				if (b < lead) lead = b
			}
		}
		if (comp == "") pass++
		else {
			fail++
			if (lead == a) {
				print "FAIL circle:", a comp
				for (e in edge) {
					split(e, q, SUBSEP)
					if ((q[1] == a || index(comp " ", " " q[1] " ")) &&
					    (q[2] == a || index(comp " ", " " q[2] " ")))
						print "  " q[1] " calls " q[2] " (" edge[e] ")"
				}
			}
		}
		bad = ""
		for (e in edge) {
			split(e, q, SUBSEP)
			if (q[1] != a || allowed(dirof(a), dirof(q[2]))) continue
			bad = bad "\n  " a " calls " q[2] " (" edge[e] ")"
		}
		if (bad == "") pass++
		else { fail++; print "FAIL layer order:" bad }
	}
	printf "%d passed, %d failed\n", pass, fail
	exit fail > 0
}' "$tmp"
