#!/bin/sh
# tests/e2e_docs.sh -- the documentation's relative links: every link of
# README.md, docs/*.md and docs/*/*.md (outside code blocks) names a file
# that exists, and its #anchor a heading of that file.  The numbers and
# commands the pages quote are checked by tests/e2e*.sh, each beside the
# command that produces them.
# Usage: sh tests/e2e_docs.sh   (from the repo root; needs no shsim)
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

md_links() { # FILE: its relative link targets, one a line
    awk '/^```/ { code = !code; next } !code {
        s = $0
        while (match(s, /\]\([^) ]+\)/)) { print substr(s, RSTART + 2, RLENGTH - 3); s = substr(s, RSTART + RLENGTH) }
    }' "$1" | grep -v '^[a-z]*:'
}
md_anchors() { # FILE: the anchors of its headings, by GitHub's rule: lower
    # case, spaces to -, other punctuation dropped
    awk '/^```/ { code = !code; next } !code && /^#+ / { sub(/^#+ /, ""); s = tolower($0)
        gsub(/[^a-z0-9 _-]/, "", s); gsub(/ /, "-", s); print s }' "$1"
}
for f in README.md docs/*.md docs/*/*.md; do
    dir=$(dirname "$f") missing=
    for l in $(md_links "$f"); do
        path=${l%%#*} anchor=
        case $l in *#*) anchor=${l#*#} ;; esac
        [ -n "$path" ] && target="$dir/$path" || target=$f
        if [ ! -e "$target" ]; then missing="$missing $l"
        elif [ -n "$anchor" ] && ! md_anchors "$target" | grep -qxF -- "$anchor"; then missing="$missing $l"; fi
    done
    [ -z "$missing" ] && ok || bad "$f: dangling links:$missing"
done

echo "e2e_docs: $pass passed, $fail failed"
[ "$fail" = 0 ]
