#!/bin/sh
# lab_check.sh -- run every command of the course lab and check every
# number its handout and key quote against what the commands print, so the
# lab cannot drift from the tool (`make lab`).
#
# Usage: SHSIM=path/to/shsim sh tools/lab_check.sh [--keep DIR] [--update] FILE.md...
#   --keep DIR  run in DIR (created, must not exist) and keep it: the lab's
#               outputs, for drawing the projectable figures (make lab-figures)
#   --update    rewrite the files: every expect block with its command's
#               output and every marked number with its value (then read the
#               diff: the prose around a number may need to change too)
#
# What it reads in the markdown files, in the order given (handout first):
#   ```sh ... ```              a block of commands: run with sh -e in a fresh
#                              folder that holds links to shsim and plots/;
#                              its output is kept in out/NAME when the block
#                              follows <!-- lab: run NAME -->
#   <!-- lab: skip -->         the next fenced block is not run (set-up)
#   <!-- lab: expect CMD -->   the next fenced block must equal CMD's output
#                              (CMD runs in the same folder, after every block)
#   <!-- lab: value NAME = CMD -->
#                              NAME is CMD's output (one line)
#   41.7%<!--=NAME-->          the last number before the marker must be
#                              NAME's value, character for character
# Relative links and images must point at files that exist.
# CMD is one line of sh; helpers for it are defined below (col, agg, fmt,
# pct).  Every value must be quoted somewhere and every marker must name a
# value.  Exit status 0 when everything matches, 1 otherwise (each mismatch
# is printed with its file and line), 2 on a malformed file.
#
# Why markers and not free text: a number in prose is only checked when it
# says where it comes from; the marker is invisible when the markdown is
# rendered, and the definitions read as a list of where the numbers come from.

SHSIM=${SHSIM:-./shsim}
keep='' update=''
while :; do
    case $1 in
    --keep) keep=$2; shift 2 ;;
    --update) update=1; shift ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "usage: SHSIM=shsim sh tools/lab_check.sh [--keep DIR] [--update] FILE.md..." >&2; exit 2; }
for f in "$@"; do [ -r "$f" ] || { echo "lab_check: cannot read $f" >&2; exit 2; }; done
case $SHSIM in /*) ;; *) SHSIM=$(pwd)/$SHSIM ;; esac
[ -x "$SHSIM" ] || { echo "lab_check: $SHSIM: not an executable (build it: make)" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "lab_check: gnuplot is needed (the lab draws with it)" >&2; exit 2; }
repo=$(pwd)

if [ -n "$keep" ]; then
    [ -e "$keep" ] && { echo "lab_check: $keep exists" >&2; exit 2; }
    mkdir -p "$keep" || exit 2
    dir=$(cd "$keep" && pwd)
else
    dir=$(mktemp -d) || exit 2
    trap 'rm -rf "$dir"' EXIT
    trap 'exit 130' INT TERM
fi
work=$dir/.lab
mkdir -p "$work" "$dir/out"
ln -s "$SHSIM" "$dir/shsim"
ln -s "$repo/plots" "$dir/plots"

# Split the files into numbered pieces under $work: run-N.sh (+ run-N.name),
# expect-N.cmd/.txt/.where, values (NAME TAB WHERE TAB CMD), refs (NAME TAB
# WHERE TAB the number before the marker).
awk -v work="$work" '
function where() { return FILENAME ":" FNR }
function die(msg) { print FILENAME ":" FNR ": " msg > "/dev/stderr"; bad = 1; exit 2 }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
FNR == 1 && infence { die("fenced block not closed at the end of the previous file") }
{
    line = $0
    if (infence) {
        if (line ~ /^[ \t]*```[ \t]*$/) {
            infence = 0
            close(cur)
            next
        }
        if (cur != "") print line > cur
        next
    }
    if (line ~ /^[ \t]*```/) {
        info = line; sub(/^[ \t]*```/, "", info); info = trim(info)
        infence = 1; cur = ""
        if (pending == "skip") { pending = ""; next }
        if (pending == "expect") {
            cur = work "/expect-" ne ".txt"; printf "" > cur
            pending = ""; next
        }
        if (info == "sh") {
            nr++
            cur = work "/run-" sprintf("%03d", nr) ".sh"; printf "" > cur
            print where() > (work "/run-" sprintf("%03d", nr) ".where")
            close(work "/run-" sprintf("%03d", nr) ".where")
            if (runname != "") {
                print runname > (work "/run-" sprintf("%03d", nr) ".name")
                close(work "/run-" sprintf("%03d", nr) ".name")
            }
            runname = ""
        }
        next
    }
    if (pending != "" && trim(line) != "") die("<!-- lab: " pending " --> must be followed by a fenced block")
    # directives: one per line, alone on it
    if (line ~ /^[ \t]*<!-- lab: /) {
        d = line; sub(/^[ \t]*<!-- lab: /, "", d)
        if (d !~ /-->[ \t]*$/) die("a lab directive must end on its line with -->")
        sub(/[ \t]*-->[ \t]*$/, "", d)
        if (d == "skip") { pending = "skip"; next }
        if (d ~ /^run [A-Za-z0-9_.-]+$/) { runname = substr(d, 5); next }
        if (d ~ /^expect /) {
            ne++
            print substr(d, 8) > (work "/expect-" ne ".cmd"); close(work "/expect-" ne ".cmd")
            print where() > (work "/expect-" ne ".where"); close(work "/expect-" ne ".where")
            pending = "expect"; next
        }
        if (d ~ /^value [A-Za-z0-9_]+ = /) {
            name = d; sub(/^value /, "", name); sub(/ = .*/, "", name)
            cmd = d; sub(/^value [A-Za-z0-9_]+ = /, "", cmd)
            if (name in defined) die("value " name " defined twice (first at " defined[name] ")")
            defined[name] = where()
            printf "%s\t%s\t%s\n", name, where(), cmd > (work "/values")
            next
        }
        die("unknown lab directive: " d)
    }
    # references: NUMBER<!--=NAME-->, any number of them on a line, outside
    # inline code (where the syntax itself can be shown)
    rest = line
    gsub(/`[^`]*`/, "``", rest)
    while (match(rest, /<!--=[A-Za-z0-9_]+-->/)) {
        name = substr(rest, RSTART + 5, RLENGTH - 8)
        before = substr(rest, 1, RSTART - 1)
        rest = substr(rest, RSTART + RLENGTH)
        num = ""
        if (match(before, /-?[0-9][0-9.]*[^0-9.]*$/)) {
            num = substr(before, RSTART)
            match(num, /-?[0-9][0-9.]*/); num = substr(num, RSTART, RLENGTH)
            sub(/\.$/, "", num)
        }
        printf "%s\t%s\t%s\n", name, where(), num > (work "/refs")
    }
}
END {
    if (bad) exit 2
    if (infence) { print FILENAME ": fenced block not closed" > "/dev/stderr"; exit 2 }
    if (pending != "") { print FILENAME ": <!-- lab: " pending " --> at the end of the file" > "/dev/stderr"; exit 2 }
}' "$@" || exit 2
touch "$work/values" "$work/refs"

# Helpers for the CMDs of expect and value lines; the lab's folder is the
# working directory.
cat >"$work/helpers.sh" <<'EOF'
# col FILE COLUMN [KEY=VAL,...]: the named column of a CSV file's first row
# (or of the first row whose named columns have those values)
col() {
    awk -F, -v c="$2" -v f="${3-}" '
    NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i
              if (!(c in h)) { print "no column " c > "/dev/stderr"; exit 1 }
              n = split(f, kv, ","); next }
    { for (j = 1; j <= n; j++) { split(kv[j], p, "="); if (!(p[1] in h) || $h[p[1]] != p[2]) next }
      print $h[c]; found = 1; exit }
    END { if (!found) { print "no row " f > "/dev/stderr"; exit 1 } }' "$1"
}
# agg DIR COLUMN [KEY=VAL,...]: a column of DIR/sweep_agg.csv
agg() { col "$1/sweep_agg.csv" "$2" "${3-}"; }
# fmt FORMAT: printf FORMAT of the number on stdin;  pct: 100 x it, one decimal
fmt() { awk -v f="$1" '{ printf f "\n", $1 }'; }
pct() { awk '{ printf "%.1f\n", 100 * $1 }'; }
EOF

fail=0
say() { echo "lab_check: $*"; }

# 1. the blocks, in order
for b in "$work"/run-*.sh; do
    [ -e "$b" ] || { say "no \`\`\`sh block found"; exit 2; }
    n=${b%.sh}
    name=$(cat "$n.name" 2>/dev/null || basename "$n")
    if ! (cd "$dir" && sh -e "$b" >"$dir/out/$name" 2>"$work/stderr"); then
        say "$(cat "$n.where"): the block failed:"; sed 's/^/  | /' "$b"; sed 's/^/  ! /' "$work/stderr" | tail -20
        exit 1
    fi
done

# 2. expected outputs
for c in "$work"/expect-*.cmd; do
    [ -e "$c" ] || break
    n=${c%.cmd}
    if ! (cd "$dir" && . "$work/helpers.sh" && eval "$(cat "$c")") >"$n.got" 2>"$work/stderr"; then
        say "$(cat "$n.where"): failed: $(cat "$c")"; sed 's/^/  ! /' "$work/stderr" | tail -5; fail=$((fail + 1)); continue
    fi
    if ! cmp -s "$n.got" "$n.txt"; then
        say "$(cat "$n.where"): the block differs from the output of: $(cat "$c")"
        diff "$n.txt" "$n.got" | sed 's/^/  /' | head -40
        fail=$((fail + 1))
    fi
done

# 3. values, then every reference to one
tab=$(printf '\t')
: >"$work/valtab"
while IFS="$tab" read -r name where cmd; do
    if ! v=$(cd "$dir" && . "$work/helpers.sh" && eval "$cmd" 2>"$work/stderr") ||
        [ -z "$v" ] || [ "$(printf '%s\n' "$v" | wc -l)" != 1 ]; then
        say "$where: value $name: '$cmd' gave '$v' (want one line)"; sed 's/^/  ! /' "$work/stderr" | tail -5
        fail=$((fail + 1)); continue
    fi
    printf '%s\t%s\n' "$name" "$v" >>"$work/valtab"
done <"$work/values"
nref=0
while IFS="$tab" read -r name where num; do
    nref=$((nref + 1))
    v=$(awk -F'\t' -v n="$name" '$1 == n { print $2; exit }' "$work/valtab")
    if ! grep -q "^$name$tab" "$work/values"; then
        say "$where: <!--=$name--> names no value"; fail=$((fail + 1))
    elif [ -z "$v" ]; then
        : # its definition already failed
    elif [ "$num" != "$v" ]; then
        say "$where: $name: the text says '$num', the lab gives '$v'"; fail=$((fail + 1))
    fi
done <"$work/refs"
while IFS="$tab" read -r name where cmd; do
    grep -q "^$name$tab" "$work/refs" || { say "$where: value $name is never quoted"; fail=$((fail + 1)); }
done <"$work/values"

# 4. relative links and images of the markdown files point at files that exist
for f in "$@"; do
    base=$(dirname "$f")
    awk '/^[ \t]*```/ { fence = !fence; next } !fence {
        s = $0; gsub(/`[^`]*`/, "", s)
        while (match(s, /\]\([^)]+\)/)) { print FNR "\t" substr(s, RSTART + 2, RLENGTH - 3); s = substr(s, RSTART + RLENGTH) }
    }' "$f" | while IFS="$tab" read -r ln target; do
        case $target in http:*|https:*|mailto:*|\#*) continue ;; esac
        p=${target%%#*}
        [ -e "$base/$p" ] || { say "$f:$ln: link to a missing file: $target"; echo x >>"$work/badlinks"; }
    done
done
[ -s "$work/badlinks" ] && fail=$((fail + $(wc -l <"$work/badlinks")))

if [ -n "$update" ] && [ $fail != 0 ]; then
    # the same walk as the split above: expect blocks counted across files
    ne=0
    for f in "$@"; do
        awk -v work="$work" -v ne0="$ne" '
        BEGIN { ne = ne0; while ((getline l < (work "/valtab")) > 0) { split(l, p, "\t"); val[p[1]] = p[2] } }
        {
            line = $0
            if (skip) {
                if (line ~ /^[ \t]*```[ \t]*$/) { skip = 0; print line }
                next
            }
            if (infence) { if (line ~ /^[ \t]*```[ \t]*$/) infence = 0; print line; next }
            if (line ~ /^[ \t]*```/) {
                print line
                if (pending) {
                    pending = 0; skip = 1
                    g = work "/expect-" ne ".got"
                    while ((getline l < g) > 0) print l
                    close(g)
                } else infence = 1
                next
            }
            if (line ~ /^[ \t]*<!-- lab: expect /) { ne++; pending = 1; print line; next }
            out = ""
            while (match(line, /<!--=[A-Za-z0-9_]+-->/)) {
                name = substr(line, RSTART + 5, RLENGTH - 8)
                before = substr(line, 1, RSTART - 1); mark = substr(line, RSTART, RLENGTH)
                line = substr(line, RSTART + RLENGTH)
                if ((name in val) && match(before, /-?[0-9][0-9.]*[^0-9.]*$/)) {
                    tail = substr(before, RSTART); head = substr(before, 1, RSTART - 1)
                    match(tail, /-?[0-9][0-9.]*/)
                    num = substr(tail, RSTART, RLENGTH); rest = substr(tail, RSTART + RLENGTH)
                    if (num ~ /\.$/) { num = substr(num, 1, length(num) - 1); rest = "." rest }
                    before = head substr(tail, 1, RSTART - 1) val[name] rest
                }
                out = out before mark
            }
            print out line
        }
        END { print ne > (work "/ne") }' "$f" >"$work/updated" || exit 1
        ne=$(cat "$work/ne")
        cmp -s "$work/updated" "$f" || { cp "$work/updated" "$f" && say "updated $f"; }
    done
fi

nb=$(ls "$work"/run-*.sh | wc -l)
ne=$(ls "$work"/expect-*.cmd 2>/dev/null | wc -l)
nv=$(wc -l <"$work/values")
if [ $fail = 0 ]; then
    say "$(echo $nb) command blocks ran; $(echo $ne) outputs, $(echo $nv) values and $nref quoted numbers match"
else
    say "$fail mismatches"
fi
[ $fail = 0 ]
