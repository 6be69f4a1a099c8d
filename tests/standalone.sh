#!/bin/sh
# tests/standalone.sh — a clone of the repository is all a reader needs.
#
# Fails on any tracked file that points outside the repository (the old design
# notes and reference files beside the checkout, numbered issues in a tracker a
# clone does not have), and on any "docs/X.md §N" pointer whose section does not
# exist. Numbered sections in docs/*.md are written "## N. Title" and
# "### N.M Title"; a numbered heading written otherwise fails too, since the
# pointer check could not see it. Prints one line per check and ends with
# "N passed, M failed"; exits nonzero if any check failed.
#
# The patterns below are spelled so that this file does not match them itself.
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 2

passed=0
failed=0
pass() {
	passed=$((passed + 1))
	echo "ok   - $1"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL - $1"
	[ -z "$2" ] || printf '%s\n' "$2" | sed 's/^/       /'
}

list=$(mktemp) || exit 2
trap 'rm -f "$list"' EXIT
# Tracked files in a git checkout; elsewhere (a tarball) every file but the
# build and the default output directories.
if command -v git >/dev/null 2>&1 && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files >"$list"
else
	find . -type f ! -path './.git/*' ! -path './build/*' ! -path './*-out/*' |
		sed 's|^\./||' | sort >"$list"
fi
# Files deleted in the work tree but still tracked are not read.
files() { while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done <"$list"; }
# An empty list would pass every check below without reading anything.
nfiles=$(files | wc -l | tr -d ' ')
if [ "$nfiles" -gt 0 ] && files | grep -qx 'tests/standalone.sh'; then
	pass "$nfiles files to read, this script among them"
else
	fail "the file list is empty or lacks tests/standalone.sh ($nfiles files)"
fi

# no_pointer WHAT HINT ERE: no text file holds a match of ERE.
no_pointer() {
	hits=$(files | tr '\n' '\0' | xargs -0 grep -nIE -- "$3" 2>/dev/null)
	if [ -z "$hits" ]; then
		pass "no pointer to $1"
	else
		fail "$(printf '%s\n' "$hits" | wc -l | tr -d ' ') pointer(s) to $1 ($2):" "$hits"
	fi
}
no_pointer "the design notes outside the repository" "point at docs/design.md" 'DESIGN[.]md'
no_pointer "a directory beside the checkout" "point inside the repository" '[.][.]/shared'
no_pointer "the reference notes outside the repository" "point at docs/reference.md" \
	'shared/referenc[e]'
no_pointer "a numbered issue" "say what it means instead" '[Ii]ssues? #?[0-9]'

# Numbered headings of each doc, one "doc section" line each; a heading that
# starts with a number in another form is reported.
sections=$(mktemp) || exit 2
trap 'rm -f "$list" "$sections" "$sections.bad" "$sections.n"' EXIT
for d in docs/*.md; do
	awk -v doc="$d" '
		/^## [0-9]+\. / { s = $2; sub(/\.$/, "", s); print doc, s; next }
		/^### [0-9]+\.[0-9]+ / { print doc, $2; next }
		/^#+ [0-9]/ { printf "%s:%d: %s\n", doc, NR, $0 > "/dev/stderr" }
	' "$d" 2>>"$sections.bad" >>"$sections"
done
bad_heads=$(cat "$sections.bad")
rm -f "$sections.bad"
if [ -z "$bad_heads" ]; then
	pass "numbered headings in docs/*.md are '## N. Title' or '### N.M Title'"
else
	fail "numbered headings not written '## N. Title' or '### N.M Title':" "$bad_heads"
fi

# Every "X.md §N" (docs/ implied when absent) names an existing section of docs/X.md.
pointers=$(files | tr '\n' '\0' |
	xargs -0 grep -noIE -- '([a-z]+/)?[a-z][a-z0-9_-]*[.]md §[0-9A-Za-z]+([.][0-9]+)*' 2>/dev/null)
bad=$(printf '%s\n' "$pointers" | awk -v secfile="$sections" '
	BEGIN { while ((getline l < secfile) > 0) { split(l, p, " "); ok[p[1] " " p[2]] = 1; has[p[1]] = 1 } }
	NF == 0 { next }
	{
		# FILE:LINE:MATCH, MATCH being the doc, a blank, the section sign and the section
		where = $0; sub(/:[^:]*$/, "", where)
		m = $0; sub(/^[^:]*:[^:]*:/, "", m)
		doc = m; sub(/ .*/, "", doc); sec = m; sub(/.* §/, "", sec)
		if (doc !~ /\//) doc = "docs/" doc
		n++
		if (doc !~ /^docs\//) why = "not a doc under docs/"
		else if (!(doc in has)) why = doc " has no numbered section (or does not exist)"
		else if (sec !~ /^[0-9]+(\.[0-9]+)?$/) why = "a section is a number, N or N.M"
		else if (!((doc " " sec) in ok)) why = doc " has no section " sec
		else next
		printf "%s: %s: %s\n", where, m, why
	}
	END { printf "%d\n", n > "/dev/stderr" }' 2>"$sections.n")
count=$(cat "$sections.n")
rm -f "$sections.n"
if [ "${count:-0}" -eq 0 ] || [ ! -s "$sections" ]; then
	fail "no 'docs/X.md §N' pointer or no numbered section found: the scan itself is broken"
elif [ -z "$bad" ]; then
	pass "all $count 'docs/X.md §N' pointers name a section that exists"
else
	fail "'docs/X.md §N' pointers to no such section:" "$bad"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
