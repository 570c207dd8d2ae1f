#!/bin/sh
# tests/e2e.sh -- end-to-end checks of the shsim command: determinism
# (the same command twice gives byte-identical files), --help everywhere,
# exit status 2 and untouched outputs on bad input.
# Usage: SHSIM=path/to/shsim sh tests/e2e.sh
. tests/e2e_common.sh # SHSIM, $tmp, ok, bad, expect

# determinism: every scheduler, twice, byte-identical
for s in "sh --barrier strict" "sh --barrier fill" "asha --type promotion" \
         "asha --type stopping" "asha --type stopping --rule rank" "random" \
         "hyperband --barrier strict" "hyperband --barrier fill" "async-hyperband --type promotion" \
         "async-hyperband --type stopping --rule ray"; do
    for i in 1 2; do
        # shellcheck disable=SC2086
        $SHSIM run --scheduler $s --workers 7 --eta 3 --r-max 27 --trials 200 \
            --workload synthetic:lognormal:1:0.6 --seed 5 --horizon 80 -q --out "$tmp/d$i" \
            || bad "run $s"
    done
    if diff -r "$tmp/d1" "$tmp/d2" >/dev/null; then ok; else bad "not deterministic: $s"; fi
    rm -rf "$tmp/d1" "$tmp/d2"
done

# the figures: CSV files identical run to run, and equal to the book's bars
expect 0 $SHSIM figure all --no-plot -q --out "$tmp/f1"
expect 0 $SHSIM figure all --no-plot -q --out "$tmp/f2"
if diff -r "$tmp/f1" "$tmp/f2" >/dev/null; then ok; else bad "figure not deterministic"; fi
if grep -qx '1,12,19' "$tmp/f1/sync-sh/idle.csv" && grep -qx '0,23,24' "$tmp/f1/sync-sh/idle.csv"
then ok; else bad "sync-sh idle gaps"; fi
if [ "$(wc -l <"$tmp/f1/asha/idle.csv")" = 1 ]; then ok; else bad "asha has idle time"; fi

# --help and --version
expect 0 $SHSIM --help
expect 0 $SHSIM --version
for c in run figure; do
    expect 0 $SHSIM $c --help
    grep -q "Usage: shsim $c" "$tmp/stdout" && ok || bad "$c --help prints no usage"
done
# every scheduler type (run --help lists core/'s table) is named where a list of
# them is: sweep's and compare's --schedulers entries, and the docs that list them
$SHSIM run --help | sed -n '/^Scheduler types/,$p' | awk '/^  [a-z]/ { sub(/\[.*/, "", $1); print $1 }' \
    >"$tmp/types"
[ "$(wc -l <"$tmp/types")" -ge 5 ] && ok || bad "run --help: the scheduler types not found"
sed -n 's/^| `--scheduler \([^`]*\)`.*/\1/p' docs/commands.md | tr -d '\\' | tr '|' '\n' >"$tmp/types_doc"
for c in sweep compare; do
    $SHSIM $c --help | sed -n '/--schedulers LIST/,/(default/p' >"$tmp/axis_help_$c"
done
while read -r t; do
    for c in sweep compare; do
        grep -qE "(^| |,)$t(\[|,|;|$)" "$tmp/axis_help_$c" && ok || bad "$c --help: --schedulers does not list $t"
    done
    grep -qE "\`$t[:\`]" docs/sweeps.md && ok || bad "docs/sweeps.md: the scheduler axis does not list $t"
    grep -qx "$t" "$tmp/types_doc" && ok || bad "docs/commands.md: --scheduler does not list $t"
done <"$tmp/types"

# bad input: exit 2, a message naming the culprit, no output written
expect 2 $SHSIM run --workers 0 --out "$tmp/x"
grep -q -- "--workers" "$tmp/stderr" && ok || bad "message does not name --workers"
expect 2 $SHSIM run --scheduler nope --out "$tmp/x"
expect 2 $SHSIM run --eta 1 --out "$tmp/x"
expect 2 $SHSIM run --r-min 5 --r-max 2 --out "$tmp/x"
expect 2 $SHSIM run --horizon 0 --out "$tmp/x"
expect 2 $SHSIM run --trials 0 --out "$tmp/x"
expect 2 $SHSIM run --bogus
expect 2 $SHSIM run --workload table:"$tmp/missing.csv" --out "$tmp/x"
grep -q "missing.csv" "$tmp/stderr" && ok || bad "message does not name the missing file"
expect 2 $SHSIM run --workload synthetic --out "$tmp/x"
expect 2 $SHSIM nonsense
if [ -e "$tmp/x" ]; then bad "a failed run wrote output"; else ok; fi

# a failed run leaves an existing output folder as it was
$SHSIM run -q --out "$tmp/keep" || bad "run into keep"
cp -r "$tmp/keep" "$tmp/keep.orig"
expect 2 $SHSIM run --eta 1 --out "$tmp/keep"
if diff -r "$tmp/keep" "$tmp/keep.orig" >/dev/null; then ok; else bad "failed run changed outputs"; fi

# an output name taken by a non-file is refused, never replaced
mkdir -p "$tmp/od/jobs.csv"
expect 1 $SHSIM run -q --out "$tmp/od"
grep -q "not a regular file" "$tmp/stderr" && [ -d "$tmp/od/jobs.csv" ] && ok || bad "non-file output replaced"

# write errors are reported (a full disk: /dev/full)
$SHSIM figure sync-sh --no-plot --out "$tmp/full" >/dev/full 2>"$tmp/stderr"
if [ $? = 1 ] && grep -q "write error" "$tmp/stderr"; then ok; else bad "write error not reported"; fi

# stragglers (docs/stragglers.md): deterministic, shown in the traces, bad values named
for i in 1 2; do
    $SHSIM run --scheduler sh --workers 6 --eta 3 --r-max 9 --trials 54 --workload synthetic:constant:1 \
        --noise lognormal:0.5 --slow-workers 2:3 --drop 0.1 --on-drop lose --seed 4 -q --out "$tmp/s$i" \
        || bad "straggler run"
done
if diff -r "$tmp/s1" "$tmp/s2" >/dev/null; then ok; else bad "straggler run not deterministic"; fi
grep -q ',dropped,0$' "$tmp/s1/jobs.csv" && ok || bad "jobs.csv shows no dropped job"
grep -q 'lognormal:0.5,,2:3,0.1,lose' "$tmp/s1/summary.csv" && ok || bad "summary lacks the straggler settings"
for bad_opt in "--noise gamma:2" "--noise pareto:1" "--drop 1" "--drop -0.1" "--worker-speed 1,0" \
               "--slow-workers 3" "--on-drop maybe"; do
    # shellcheck disable=SC2086
    expect 2 $SHSIM run $bad_opt --out "$tmp/y"
    grep -q -- "${bad_opt%% *}" "$tmp/stderr" && ok || bad "message does not name ${bad_opt%% *}"
done
expect 2 $SHSIM run --workers 2 --worker-speed 1,1,1 --out "$tmp/y"
grep -q -- "--worker-speed" "$tmp/stderr" && ok || bad "message does not name --worker-speed"
if [ -e "$tmp/y" ]; then bad "a failed straggler run wrote output"; else ok; fi
$SHSIM run -s sh -W figure -w 2 --r-max 4 -T 32 --explain -q --out "$tmp/e" >"$tmp/explain"
grep -q "t=12 worker 1 waits: rung 0 of bracket 0 still runs trial 2" "$tmp/explain" && ok \
    || bad "--explain does not say why worker 1 waits"

# the text Gantt chart never hides a cut or dropped job (docs/stragglers.md): this run
# has 5 dropped jobs (one of them exactly as wide as its label "|T0r1") and a
# job cut by the horizon on every worker (one column wide)
$SHSIM run -s sh -W synthetic:constant:6 -w 4 --eta 2 --r-max 4 -T 72 --drop 0.15 --gantt -q \
    --out "$tmp/gt" >"$tmp/gantt.txt" || bad "gantt run"
[ "$(grep -c ',dropped,0$' "$tmp/gt/jobs.csv") $(grep -c ',cut,0$' "$tmp/gt/jobs.csv")" = "5 4" ] && ok \
    || bad "gantt run: expected 5 dropped and 4 cut jobs"
[ "$(grep '^W' "$tmp/gantt.txt" | grep -o 'x*' | grep -c x)" = 5 ] && ok \
    || bad "text Gantt chart: not every dropped job shows its x"
[ "$(grep -c '^W.*~|$' "$tmp/gantt.txt")" = 4 ] && ok || bad "text Gantt chart: a cut job hides"
# ... and in the drawn chart the cut/dropped legend swatches have the bars' colours:
# the SVG's pale polygons (fill-opacity 0.35) are bars (tall) or swatches (13 px)
if command -v gnuplot >/dev/null; then
    gnuplot -e "dir='$tmp/gt'; out='$tmp/gt.svg'; fmt='svg'" plots/gantt.gp || bad "gantt.gp"
    awk -F"'" '/fill-opacity = .0.35/ { n = split($6, p, /[ ,]+/); lo = 1e9; hi = -1e9
        for (i = 2; i <= n; i += 2) if (p[i] != "") { lo = p[i] < lo ? p[i] : lo; hi = p[i] > hi ? p[i] : hi }
        print (hi - lo < 20 ? "swatch" : "bar"), $2 }' "$tmp/gt.svg" | sort -u >"$tmp/pale"
    grep '^bar' "$tmp/pale" | cut -d' ' -f2- >"$tmp/pale.bar"
    grep '^swatch' "$tmp/pale" | cut -d' ' -f2- >"$tmp/pale.swatch"
    if [ -s "$tmp/pale.bar" ] && cmp -s "$tmp/pale.bar" "$tmp/pale.swatch"; then ok
    else bad "gantt.gp: cut/dropped legend colours differ from the bars"; cat "$tmp/pale"; fi
else
    echo "SKIP: gnuplot not installed (gantt.gp legend colours not checked)"
fi

# shsim check: every closed form holds
expect 0 $SHSIM check --reps 200
expect 0 $SHSIM check --help
expect 2 $SHSIM check --reps 1
expect 0 $SHSIM check --emax lognormal:0.5
grep -q '^ *16 *2.21788' "$tmp/stdout" && ok || bad "check --emax: E[max of 16] of lognormal:0.5"
expect 2 $SHSIM check --emax gamma:1

# the straggler options as sweep axes (the ASHA paper's presets and laws:
# tests/e2e_asha_paper.sh)
expect 0 $SHSIM sweep --schedulers sh:fill,asha --workloads synthetic:constant:1 --eta 4 --r-max 16 \
    --workers 5 --noise normal:0,normal:1 --drop 0,0.05 --on-drop retry,lose --worker-speed 1/1/0.5 \
    --horizon 100 --seeds 1..2 -j 2 -q --out "$tmp/sw"
[ "$(wc -l <"$tmp/sw/sweep_agg.csv")" = 17 ] && ok || bad "straggler sweep: 16 cells"
head -1 "$tmp/sw/sweep_agg.csv" | grep -q "noise,worker_speed,slow_workers,drop,on_drop" && \
    head -1 "$tmp/sw/sweep_agg.csv" | grep -q "time_first_rmax_mean" && ok || bad "sweep_agg columns"
expect 2 $SHSIM sweep --noise normal:x --dry-run
grep -q -- "--noise" "$tmp/stderr" && ok || bad "sweep: message does not name --noise"

# recorded LeNet data: the default workload, import, replay (docs/lenet-data.md)
expect 0 $SHSIM run --workload lenet-cpu31 --scheduler sh --r-min 2 -q --out "$tmp/cpu31"
# seeds replicate on recorded workloads (docs/workloads.md): lenet's default order is
# drawn from the seed, so three seeds give three different runs and a
# confidence interval of nonzero width; --orders file gives back the one
# file-order run three times
col() { awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } { print $h[c] }' "$1"; }
expect 0 $SHSIM sweep --workloads lenet --schedulers asha --workers 4 --seeds 1..3 --horizon 900 -q \
    --out "$tmp/ord"
[ "$(col "$tmp/ord/sweep.csv" order | sort -u)" = seeded ] && ok || bad "lenet: default order not seeded"
[ "$(col "$tmp/ord/sweep.csv" busy | sort -u | wc -l)" = 3 ] && ok || bad "lenet: seeds 1..3 not 3 different runs"
awk -v lo="$(col "$tmp/ord/sweep_agg.csv" busy_lo)" -v hi="$(col "$tmp/ord/sweep_agg.csv" busy_hi)" \
    'BEGIN { exit !(hi - lo > 0) }' && ok || bad "lenet: seeds give a zero-width interval"
expect 0 $SHSIM sweep --workloads lenet --orders file --schedulers asha --workers 4 --seeds 1..3 \
    --horizon 900 -q --out "$tmp/ordf"
[ "$(col "$tmp/ordf/sweep.csv" busy | sort -u | wc -l)" = 1 ] && ok || bad "lenet --orders file: seeds differ"
# file order is the order of before the seeded order, byte for byte (cksum of main's
# outputs before the change); lenet-cpu31 keeps file order by default
expect 0 $SHSIM run --workload lenet --order file --scheduler asha --workers 4 --horizon 900 -q \
    --out "$tmp/ordr"
# (the bracket column, added later, is cut off: the columns before it are the old files)
[ "$(cut -d, -f1-6 "$tmp/ordr/results.csv" | cksum)" = "391467198 12660" ] && \
    [ "$(cut -d, -f1-9 "$tmp/ordr/jobs.csv" | cksum)" = "3105597259 11779" ] && ok || bad "lenet --order file: not the old run"
expect 0 $SHSIM run --workload lenet --order file --scheduler sh --workers 4 -q --out "$tmp/ordr"
[ "$(cut -d, -f1-6 "$tmp/ordr/results.csv" | cksum)" = "369031694 10572" ] && \
    [ "$(cksum <"$tmp/ordr/trials.csv")" = "3939045195 4745" ] && ok || bad "lenet --order file: not the old sh run"
[ "$(col "$tmp/cpu31/summary.csv" order)" = file ] && ok || bad "lenet-cpu31: default order not file"
# docs/files.md lists summary.csv's columns (remarks in
# parentheses aside): the header a run
# writes (sim/summary.h and sim/summary.c generate it)
sed -n 's/^| `summary.csv` | one row: \(.*\) |$/\1/p' docs/files.md | sed 's/ ([^)]*)//g; s/, /,/g' >"$tmp/readme_cols"
[ -s "$tmp/readme_cols" ] && head -1 "$tmp/cpu31/summary.csv" | cmp -s - "$tmp/readme_cols" && ok \
    || bad "docs/files.md: the summary.csv columns differ from the header a run writes"
# the browser page's summary table (web/page.js SUMMARY_SHOWN) names
# summary columns: each is one of the header a run writes (their labels
# come from sim/summary.h through the page's catalog)
sed -n '/^var SUMMARY_SHOWN = \[/,/\];/p' web/page.js | grep -o "'[a-z_]*'" | tr -d "'" >"$tmp/page_cols"
[ "$(wc -l <"$tmp/page_cols")" -ge 10 ] && ok || bad "web/page.js: SUMMARY_SHOWN not found"
while read -r c; do
    head -1 "$tmp/cpu31/summary.csv" | tr ',' '\n' | grep -qx "$c" || bad "web/page.js names '$c', not a summary column"
done <"$tmp/page_cols"
expect 2 $SHSIM run --workload lenet --order random -q --out "$tmp/ordx"
grep -q -- "--order 'random'" "$tmp/stderr" && [ ! -e "$tmp/ordx" ] && ok || bad "--order: bad value not named"
printf 'orders = file, seeded\n' >"$tmp/ord.ini"
expect 0 $SHSIM sweep --config "$tmp/ord.ini" --workloads lenet --schedulers asha --workers 4 --seeds 1..2 --dry-run
grep -q "grid: 2 orders x 2 seeds = 2 cells, 4 runs" "$tmp/stdout" && ok || bad "sweep: the orders axis"
printf 'orders = random\n' >"$tmp/ord.ini"
expect 2 $SHSIM sweep --config "$tmp/ord.ini" --dry-run
grep -q "ord.ini:1: orders = random" "$tmp/stderr" && ok || bad "sweep: a bad order not named by file:line"
# the numbers of README "Standard figures" (time_to_target_rmax of the
# figures grid's cells; the figures themselves are drawn by make figures)
agg_at() { # FILE SCHEDULER VARIANT WORKERS ETA COLUMN: the value, rounded
    awk -F, -v s="$2" -v v="$3" -v w="$4" -v e="$5" -v c="$6" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $h["scheduler"] == s && $h["variant"] == v && $h["workers"] == w && $h["eta"] == e { printf "%.0f", $h[c] }' "$1"
}
expect 0 $SHSIM sweep --preset figures --schedulers sh:fill,asha:promotion --workers 128 --eta 2 -q \
    --curve-points 0 --out "$tmp/stdfig1"
[ "$(agg_at "$tmp/stdfig1/sweep_agg.csv" asha promotion 128 2 time_to_target_rmax_mean)" = 118 ] && \
    [ "$(agg_at "$tmp/stdfig1/sweep_agg.csv" sh fill 128 2 time_to_target_rmax_mean)" = 128 ] && \
    [ "$(agg_at "$tmp/stdfig1/sweep_agg.csv" asha promotion 128 2 time_to_target_mean)" = 85 ] && ok \
    || bad "README standard figures: time to find a configuration at 128 workers"
expect 0 $SHSIM sweep --preset figures --schedulers sh:strict --workers 32 --eta 2,3,4 -q \
    --curve-points 0 --out "$tmp/stdfig2"
[ "$(agg_at "$tmp/stdfig2/sweep_agg.csv" sh strict 32 2 time_to_target_rmax_mean)" = 1017 ] && \
    [ "$(agg_at "$tmp/stdfig2/sweep_agg.csv" sh strict 32 3 time_to_target_rmax_mean)" = 739 ] && \
    [ "$(agg_at "$tmp/stdfig2/sweep_agg.csv" sh strict 32 4 time_to_target_rmax_mean)" = 559 ] && ok \
    || bad "README standard figures: strict SH's plateau"
# docs/hyperband.md: the four schedulers of the hyperband preset at 64
# workers (time_to_target_rmax, one decimal), and the committed figure data
agg1() { # FILE SCHEDULER WORKERS: time_to_target_rmax_mean with one decimal
    awk -F, -v s="$2" -v w="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $h["scheduler"] == s && $h["workers"] == w { printf "%.1f", $h["time_to_target_rmax_mean"] }' "$1"
}
expect 0 $SHSIM sweep --preset hyperband --workers 64 -q --curve-points 0 --out "$tmp/hbfig"
[ "$(agg1 "$tmp/hbfig/sweep_agg.csv" sh 64) $(agg1 "$tmp/hbfig/sweep_agg.csv" hyperband 64)" = "738.6 1079.6" ] && \
    [ "$(agg1 "$tmp/hbfig/sweep_agg.csv" asha 64) $(agg1 "$tmp/hbfig/sweep_agg.csv" async-hyperband 64)" = "145.5 192.7" ] && \
    grep -q "At 64 workers: strict SH 738.6 s, strict\$" docs/hyperband.md && \
    [ "$(agg1 docs/figures/hyperband/sweep_agg.csv async-hyperband 64)" = 192.7 ] && ok \
    || bad "docs/hyperband.md: time to find a configuration at 64 workers"
# with one bracket the Hyperband types are SH and ASHA, file for file
expect 0 $SHSIM run --scheduler sh --barrier fill -w 5 --trials 60 -q --out "$tmp/hb1/sh"
expect 0 $SHSIM run --scheduler hyperband --barrier fill --brackets 1 -w 5 --trials 60 -q --out "$tmp/hb1/hb"
expect 0 $SHSIM run --scheduler asha --type stopping --rule rank -w 5 --trials 60 -q --out "$tmp/hb1/asha"
expect 0 $SHSIM run --scheduler async-hyperband --type stopping --rule rank --brackets 1 -w 5 --trials 60 -q \
    --out "$tmp/hb1/ahb"
cmp -s "$tmp/hb1/sh/jobs.csv" "$tmp/hb1/hb/jobs.csv" && cmp -s "$tmp/hb1/sh/results.csv" "$tmp/hb1/hb/results.csv" && \
    cmp -s "$tmp/hb1/asha/jobs.csv" "$tmp/hb1/ahb/jobs.csv" && cmp -s "$tmp/hb1/asha/best.csv" "$tmp/hb1/ahb/best.csv" && ok \
    || bad "one bracket: hyperband is not sh, or async-hyperband not asha"
expect 2 $SHSIM run --scheduler asha --brackets 2 -q --out "$tmp/hb1/x"
grep -q "only hyperband and async-hyperband take --brackets" "$tmp/stderr" && ok || bad "--brackets on asha accepted"
expect 2 $SHSIM run --scheduler hyperband --brackets 6 --r-max 10 -q --out "$tmp/hb1/x"
grep -q -- "--brackets 6: at most 5, one per rung level" "$tmp/stderr" && ok || bad "--brackets beyond the levels"
[ ! -e "$tmp/hb1/x" ] && ok || bad "a refused run wrote its folder"
# the summary lines of docs/lenet-data.md (lenet-cpu31 keeps file
# order) and of the lab's step 2 (docs/lab/key.md)
expect 0 $SHSIM run --workload lenet-cpu31 --scheduler sh --r-min 2 --workers 2 --out "$tmp/out/sh31"
grep -q "out/sh31: 31 trials started, 4 reached r_max 10, 128 epochs, end 572.434 s, idle 12.7% of worker time, best error 0.1325 (any epoch), 0.1325 at r_max$" "$tmp/stdout" && ok || bad "docs/lenet-data.md: the sh31 line"
expect 0 $SHSIM run --workload lenet-cpu31 --scheduler asha --type stopping --r-min 2 --workers 2 --horizon 720 --out "$tmp/out/asha31"
grep -q "out/asha31: 28 trials started, 11 reached r_max 10, 189 epochs, end 720 s, idle 0.0% of worker time, best error 0.1325 (any epoch), 0.1325 at r_max$" "$tmp/stdout" && ok || bad "docs/lenet-data.md: the asha31 line"
expect 0 $SHSIM run -s sh -W synthetic:constant:6 -w 4 --eta 2 --r-max 4 -T 72 --slow-workers 1:3 --out "$tmp/lab/slow-sh"
grep -q "slow-sh: 12 trials started, 2 reached r_max 4, 22 epochs, end 72 s, idle 41.7% of worker time, best error 0.173426 (any epoch), 0.173426 at r_max$" "$tmp/stdout" && ok || bad "docs/lab (step 2): the slow strict SH line"
# the numbers of the course lab's step 6 (docs/lab/key.md; make lab checks them all): lenet, seed 1
for sc in sh asha random; do
    expect 0 $SHSIM run -s $sc -W lenet -w 4 --target 0.15 --out "$tmp/lab/lenet-$sc"
    cat "$tmp/stdout" >>"$tmp/lab6.txt"
done
grep -q "lenet-sh: 99 trials started, 7 reached r_max 10, 264 epochs, end 955.982 s, idle 36.1% .*best error 0.137771 (any epoch), 0.141632 at r_max, error <= 0.15 first at 398.389 s (any epoch), by a trial at r_max at 448.57 s$" "$tmp/lab6.txt" && \
grep -q "lenet-asha: 99 trials started, 12 reached r_max 10, 317 epochs, end 764.423 s, idle 6.5% .*best error 0.137771 (any epoch), 0.141632 at r_max, error <= 0.15 first at 227.797 s (any epoch), by a trial at r_max at 427.948 s$" "$tmp/lab6.txt" && \
grep -q "lenet-random: 99 trials started, 99 reached r_max 10, 990 epochs, end 2050.81 s, idle 2.3% .*best error 0.137771 (any epoch), 0.141632 at r_max, error <= 0.15 first at 509.026 s (any epoch), by a trial at r_max at 782.692 s$" "$tmp/lab6.txt" && \
[ "$(awk -F, '$3 == 25 && $4 == 7 { print $5 } $3 == 25 && $4 == 8 { print $5, $6 }' "$tmp/lab/lenet-asha/results.csv" | tr '\n' ' ')" = "0.1430707 0.19165713 PAUSE " ] && \
[ "$(awk -F, '$3 == 25 { o = $9 } END { print o }' "$tmp/lab/lenet-asha/jobs.csv")" = paused ] && ok \
    || bad "docs/lab step 6 numbers"
expect 0 $SHSIM import --help
expect 0 $SHSIM replay --help
expect 0 $SHSIM import synetune tests/data/synetune_small.csv --metric validation_error -o "$tmp/imp/t.csv"
grep -q "2 of 3 trials kept" "$tmp/stdout" && ok || bad "import summary"
expect 0 $SHSIM run --workload table:"$tmp/imp/t.csv" -q --out "$tmp/imp/run"
expect 2 $SHSIM import synetune tests/data/synetune_small.csv --metric nope -o "$tmp/imp/u.csv"
grep -q "synetune_small.csv:1: field 'nope'" "$tmp/stderr" && ok || bad "import error names file:line:field"
if [ -e "$tmp/imp/u.csv" ]; then bad "a failed import wrote output"; else ok; fi
# the book's run (docs/lenet-data.md): every judged decision agrees under quantile;
# docs/lenet-data.md ("Replaying the book's ASHA run") and traces/README.md quote these lines
expect 0 $SHSIM replay tests/data/d2l_asha_19.5_trace.csv --r-min 2 --eta 2 --r-max 10 --rule quantile \
    --horizon 720
grep -qx "quantile: 58 of 58 decisions agree with the recorded run" "$tmp/stdout" && ok || bad "replay of the book's run"
grep -qx "(2 of them under a tie order; 0 stops at the end of the run not judged)" "$tmp/stdout" && ok \
    || bad "replay: tie-order line"
grep -q "poll interval 5.03 s (median of 80 gaps" "$tmp/stdout" && ok || bad "replay: poll interval"
grep -qx "   35.304 s, rung 4: trials 1, 0 (file order: 0, 1)" "$tmp/stdout" && ok || bad "replay: the tie order"
grep -qx "(topk would have agreed on 54 of 58; 2 under a tie order; 0 stops at the end not judged)" \
    "$tmp/stdout" && ok || bad "replay: topk"
grep -qx "(rank would have agreed on 54 of 58; 0 under a tie order; 0 stops at the end not judged)" \
    "$tmp/stdout" && ok || bad "replay: rank"
grep -qx "(ray would have agreed on 55 of 58; 2 under a tie order; 0 stops at the end not judged)" \
    "$tmp/stdout" && ok || bad "replay: ray"
# every line docs/lenet-data.md shows of that replay is in the output
sed -n '/^\$ shsim replay tests\/data\/d2l_asha_19.5_trace.csv/,/^```/p' docs/lenet-data.md | sed '1d;$d' \
    | grep -v '^   \.\.\.$' >"$tmp/readme_replay"
[ -s "$tmp/readme_replay" ] && ok || bad "docs/lenet-data.md: the replay example not found"
while IFS= read -r line; do
    grep -qxF -- "$line" "$tmp/stdout" || bad "docs/lenet-data.md replay line not in the output: $line"
done <"$tmp/readme_replay"
expect 0 $SHSIM replay tests/data/replay_end.csv --r-max 2 --horizon 45 -q
grep -qx "(0 of them under a tie order; 1 stops at the end of the run not judged)" "$tmp/stdout" && ok \
    || bad "replay: a stop at the time limit"
expect 2 $SHSIM replay tests/data/replay_end.csv --horizon 0
grep -q -- "--horizon" "$tmp/stderr" && ok || bad "replay: --horizon 0 not named"
expect 2 $SHSIM replay tests/data/replay_small.csv --r-max 2
# a clock per trial (elapsed_time: from each trial's start) cannot order results
# of different trials: refused, naming file, line and column (docs/lenet-data.md)
printf 'trial_id,epoch,elapsed_time,validation_error\nA,1,10,0.5\nA,2,20,0.4\nB,1,5,0.7\n' >"$tmp/elapsed.csv"
expect 2 $SHSIM replay "$tmp/elapsed.csv"
grep -q "elapsed.csv:1: field 'elapsed_time': counts from each trial's start" "$tmp/stderr" && ok \
    || bad "replay: a per-trial clock not refused by file, line and column"

# decision for decision against the peers' own code: tests/e2e_peers.sh

# the ray rule (docs/design.md, semantics 4): stopping type only, refused for promotion
expect 2 $SHSIM run --rule ray --out "$tmp/ray/p"
grep -q -- "--rule ray is a stopping rule" "$tmp/stderr" && ok || bad "run: ray with promotion not refused"
if [ -e "$tmp/ray/p" ]; then bad "a refused ray run wrote output"; else ok; fi
expect 2 $SHSIM sweep --schedulers asha:promotion:ray --seeds 1 --dry-run
grep -q "rule ray is a stopping rule" "$tmp/stderr" && ok || bad "sweep: ray with promotion not refused"
expect 0 $SHSIM run --scheduler asha --type stopping --rule ray --workers 3 --r-max 8 --workload lenet-cpu31 \
    -q --out "$tmp/ray/s"
grep -q "^asha,stopping,ray," "$tmp/ray/s/summary.csv" && ok || bad "run: ray rule not in summary.csv"
grep -q ",STOP,0$" "$tmp/ray/s/results.csv" && ok || bad "run: the ray rule stopped nothing"

# the fitted LeNet model: shsim fit, --workload lenet-model[:FILE] (docs/model.md)
expect 0 $SHSIM fit --help
expect 0 $SHSIM fit -q --out "$tmp/fit/m.params" --trials 200
for i in 1 2; do
    expect 0 $SHSIM run --workload lenet-model:"$tmp/fit/m.params" --scheduler asha --type stopping \
        --trials 50 --seed 3 -q --out "$tmp/lm$i"
done
if diff -r "$tmp/lm1" "$tmp/lm2" >/dev/null; then ok; else bad "lenet-model not deterministic"; fi
expect 0 $SHSIM run --workload lenet-model --scheduler sh --trials 40 -q --out "$tmp/lm3"
expect 2 $SHSIM fit --table /nonexistent.csv --out "$tmp/fit/n.params"
if [ -e "$tmp/fit/n.params" ]; then bad "a failed fit wrote output"; else ok; fi
expect 2 $SHSIM run --workload lenet-model:/nonexistent.params -q --out "$tmp/lm4"
# a params "file" that is not a regular file is written into, not replaced
mkfifo "$tmp/fit/fifo" && { cat "$tmp/fit/fifo" >"$tmp/fit/got" & }
expect 0 $SHSIM fit -q --trials 20 --out "$tmp/fit/fifo"
wait
if [ -p "$tmp/fit/fifo" ] && grep -q "^format = 2" "$tmp/fit/got"; then ok; else bad "fit replaced a FIFO"; fi

# docs/model.md (the fitted LeNet model): every line of each marked block is what
# `shsim fit` prints (with the block's options)
readme_block() { # NAME: the lines between "<!-- NAME: begin -->" and "... end -->"
    awk -v b="<!-- $1: begin -->" -v e="<!-- $1: end -->" \
        '$0 == e { on = 0 } on && NF && !/^```/ { print } $0 == b { on = 1 }' docs/model.md
}
for opts in "" "--floor 0" "--floor 0.12"; do
    # shellcheck disable=SC2086
    $SHSIM fit $opts --out "$tmp/fit/readme.params" >"$tmp/fit/readme.out" 2>&1 || bad "shsim fit $opts"
    name=$(echo "shsim fit $opts" | sed 's/ *$//')
    readme_block "$name" >"$tmp/fit/readme.want"
    if [ -s "$tmp/fit/readme.want" ] && grep -Fxvf "$tmp/fit/readme.out" "$tmp/fit/readme.want" >"$tmp/fit/readme.miss"
    then bad "docs/model.md block '$name' differs from shsim fit: $(head -1 "$tmp/fit/readme.miss")"
    elif [ -s "$tmp/fit/readme.want" ]; then ok
    else bad "docs/model.md has no block '$name'"; fi
done

# sweep and merge (docs/sweeps.md): config file, shards joined byte-identical to
# one sweep whatever the thread count, bad shards and parts refused
for c in sweep merge bench; do
    expect 0 $SHSIM $c --help
    grep -q "Usage: shsim $c" "$tmp/stdout" && ok || bad "$c --help prints no usage"
done
printf '[sweep]\nschedulers = sh:strict, asha:stopping:rank\nworkers = 1..8*2\nseeds = 1..3\n' >"$tmp/sw.ini"
sw="--config $tmp/sw.ini --workloads synthetic:lognormal:1:0.5 --r-max 9 --eta 3 --horizon 40 -q"
expect 0 $SHSIM sweep $sw -j 1 --out "$tmp/swa"
expect 0 $SHSIM sweep $sw -j 3 --out "$tmp/swb"
if diff -r "$tmp/swa" "$tmp/swb" >/dev/null; then ok; else bad "sweep depends on --jobs"; fi
[ "$(wc -l <"$tmp/swa/sweep.csv")" = 25 ] && ok || bad "sweep: 8 cells x 3 seeds"
for i in 1 2 3; do expect 0 $SHSIM sweep $sw --shard $i/3 --out "$tmp/part$i"; done
expect 0 $SHSIM merge -q --out "$tmp/swm" "$tmp/part3" "$tmp/part1" "$tmp/part2"
if diff -r "$tmp/swa" "$tmp/swm" >/dev/null; then ok; else bad "merged shards differ from one sweep"; fi
expect 2 $SHSIM merge -q --out "$tmp/swx" "$tmp/part1" "$tmp/part2"
expect 2 $SHSIM sweep $sw --shard 4/3 --out "$tmp/swx"
grep -q -- "--shard" "$tmp/stderr" && ok || bad "sweep: message does not name --shard"
printf 'workers = 0\n' >"$tmp/bad.ini"
expect 2 $SHSIM sweep --config "$tmp/bad.ini" --out "$tmp/swx"
grep -q "bad.ini:1" "$tmp/stderr" && ok || bad "sweep: config error names file:line"
expect 2 $SHSIM sweep --schedulers sh:promotion --out "$tmp/swx"
if [ -e "$tmp/swx" ]; then bad "a failed sweep or merge wrote output"; else ok; fi
expect 0 $SHSIM sweep --preset figures --dry-run
grep -q "4 schedulers x 3 eta x 9 workers x 10 seeds = 108 cells, 1080 runs" "$tmp/stdout" && ok \
    || bad "figures preset grid"

# hostile input (docs/input-errors.md): every command refuses unknown options, missing
# and non-numeric arguments with status 2; bad config files and merge parts
# are named by file:line[:field]; nothing is written
for c in run figure sweep merge bench import replay check fit; do
    expect 2 $SHSIM $c --bogus-option
    grep -q -- "--bogus-option" "$tmp/stderr" && ok || bad "$c: message does not name the unknown option"
done
expect 2 $SHSIM run --workers
expect 2 $SHSIM bench --workers x
expect 2 $SHSIM check --reps x
expect 2 $SHSIM fit --trials x --out "$tmp/h/f.params"
expect 2 $SHSIM replay tests/data/replay_small.csv --eta x
expect 2 $SHSIM run --out ""
grep -q -- "--out" "$tmp/stderr" && ok || bad "run: an empty --out is not named"
expect 2 $SHSIM sweep --max-runs 0 --out "$tmp/h/s"
grep -q -- "--max-runs" "$tmp/stderr" && ok || bad "sweep: message does not name --max-runs"
mkdir -p "$tmp/h/dir.ini"
expect 2 $SHSIM sweep --config "$tmp/h/dir.ini" --dry-run
grep -q "read error" "$tmp/stderr" && ok || bad "sweep: a folder as --config is not refused"
printf 'workers = 1,2\nseeds = 1\nworkers = 4\n' >"$tmp/h/twice.ini"
expect 2 $SHSIM sweep --config "$tmp/h/twice.ini" --out "$tmp/h/s"
grep -q "twice.ini:3: key 'workers' given twice (also on line 1)" "$tmp/stderr" && ok || bad "config: a key given twice"
printf 'workers = 1\nbogus = 3\n' >"$tmp/h/unknown.ini"
expect 2 $SHSIM sweep --config "$tmp/h/unknown.ini" --out "$tmp/h/s"
grep -q "unknown.ini:2: unknown key 'bogus'" "$tmp/stderr" && ok || bad "config: unknown key not named"
awk 'BEGIN { printf "workers = 1"; for (i = 0; i < 300; i++) printf ",1"; print "" }' >"$tmp/h/long.ini"
expect 2 $SHSIM sweep --config "$tmp/h/long.ini" --out "$tmp/h/s"
grep -q "long.ini:1: line longer than" "$tmp/stderr" && ok || bad "config: long line not named"
# a BOM, CRLF line ends, comments and indented continuation lines are fine
printf '\357\273\277# grid\r\n[sweep]\r\nworkers = 1, 2,\r\n    4, 8\r\neta = 2 ; inline comment\r\n' >"$tmp/h/ok.ini"
expect 0 $SHSIM sweep --config "$tmp/h/ok.ini" --dry-run
grep -q "4 workers x 5 seeds = 16 cells" "$tmp/stdout" && ok || bad "config with BOM, CRLF and continuation lines"
[ -e "$tmp/h/s" ] && bad "a refused sweep wrote output" || ok
# a table with a BOM and CRLF line ends is read; a NaN is named by file:line:field
printf '\357\273\277config_id,epoch,epoch_time,error\r\na,1,2,0.5\r\na,2,2,0.4\r\n' >"$tmp/h/crlf.csv"
expect 0 $SHSIM run --workload table:"$tmp/h/crlf.csv" --scheduler sh -q --out "$tmp/h/crlf"
printf 'config_id,epoch,epoch_time,error\na,1,2,0.5\na,2,2,nan\n' >"$tmp/h/nan.csv"
expect 2 $SHSIM run --workload table:"$tmp/h/nan.csv" -q --out "$tmp/h/r"
grep -q "nan.csv:3: field 'error'" "$tmp/stderr" && ok || bad "table: NaN not named by file:line:field"
expect 2 $SHSIM replay "$tmp/h/none.csv"
grep -q "none.csv" "$tmp/stderr" && ok || bad "replay: missing file not named"
[ -e "$tmp/h/r" ] && bad "a run with a bad table wrote output" || ok
# merge: a malformed row of a part, a missing part folder, an interrupted part
mkdir -p "$tmp/h/m1" "$tmp/h/m2"
cp "$tmp/part1/"* "$tmp/h/m1/" && cp "$tmp/part2/"* "$tmp/h/m2/"
expect 2 $SHSIM merge -q --out "$tmp/h/mm" "$tmp/h/m1" "$tmp/h/m2" "$tmp/h/nowhere"
grep -q "nowhere: No such file" "$tmp/stderr" && ok || bad "merge: missing part not named"
sed '3s/^0,/0,x,/' "$tmp/part1/sweep.csv" >"$tmp/h/m1/sweep.csv"
expect 2 $SHSIM merge -q --out "$tmp/h/mm" "$tmp/h/m1" "$tmp/h/m2" "$tmp/part3"
nf=$(head -1 "$tmp/part1/sweep.csv" | awk -F, '{ print NF }')
grep -q "m1/sweep.csv:3: $((nf + 1)) fields, the header has $nf" "$tmp/stderr" && ok || bad "merge: malformed row not named by file:line"
sed '3s/^3,/x3,/' "$tmp/part1/sweep_agg.csv" >"$tmp/h/m1/sweep_agg.csv"
cp "$tmp/part1/sweep.csv" "$tmp/h/m1/sweep.csv"
expect 2 $SHSIM merge -q --out "$tmp/h/mm" "$tmp/h/m1" "$tmp/h/m2" "$tmp/part3"
grep -q "m1/sweep_agg.csv:3: field 'cell': 'x3'" "$tmp/stderr" && ok || bad "merge: bad cell not named by file:line:field"
rm "$tmp/h/m2/sweep_info.csv" && : >"$tmp/h/m2/.sweep.journal"
expect 2 $SHSIM merge -q --out "$tmp/h/mm" "$tmp/h/m1" "$tmp/h/m2" "$tmp/part3"
grep -q "m2: its sweep was interrupted" "$tmp/stderr" && ok || bad "merge: interrupted part not explained"
[ -e "$tmp/h/mm" ] && bad "a failed merge wrote output" || ok

# a failing run inside a sweep: its row says why, the sweep goes on, exit 1;
# a grid in which nothing can run is bad input (exit 2, nothing written)
printf 'config_id,epoch,epoch_time,error\na,1,2,0.5\na,2,x,0.4\n' >"$tmp/h/bad.csv"
expect 1 $SHSIM sweep --schedulers sh,asha --workloads synthetic:constant:1,table:"$tmp/h/bad.csv" \
    --r-max 2 --workers 2 --seeds 1..2 --horizon 40 -q --out "$tmp/h/sf"
grep -q "4 of 8 runs failed" "$tmp/stderr" && grep -q "cell 2, seed 1: .*bad.csv:3: field 'epoch_time'" "$tmp/stderr" \
    && ok || bad "sweep: failed runs not summarised on stderr"
[ "$(grep -c ',ok$' "$tmp/h/sf/sweep.csv")" = 4 ] && grep -q "bad.csv:3: field 'epoch_time': 'x' is not a number$" "$tmp/h/sf/sweep.csv" \
    && ok || bad "sweep: failed rows lack their error"
head -1 "$tmp/h/sf/sweep_agg.csv" | grep -q ",runs,runs_ok," && grep -q '^2,.*,2,0,' "$tmp/h/sf/sweep_agg.csv" \
    && ok || bad "sweep_agg: runs_ok of a failed cell"
expect 2 $SHSIM sweep --workloads table:"$tmp/h/missing.csv" -q --out "$tmp/h/sm"
grep -q "missing.csv" "$tmp/stderr" && [ ! -e "$tmp/h/sm" ] && ok || bad "sweep: a grid that cannot run"

# interrupted sweeps resume into byte-identical files: --max-runs, a torn
# journal line, SIGINT and SIGTERM on a real sweep
g="--schedulers sh:strict,sh:fill,asha,asha:stopping --workloads synthetic:lognormal:1:0.5 \
   --workers 1..64*4 --eta 3 --r-max 27 --horizon 3000 --seeds 1..6 -q"
expect 0 $SHSIM sweep $g -j 2 --out "$tmp/h/ref"
expect 3 $SHSIM sweep $g -j 2 --max-runs 10 --out "$tmp/h/mr"
grep -q "stopped by --max-runs: 10 of 96 runs done; resume with --resume" "$tmp/stderr" && ok || bad "--max-runs message"
[ -e "$tmp/h/mr/.sweep.journal" ] && [ ! -e "$tmp/h/mr/sweep.csv" ] && ok || bad "--max-runs: journal or files"
expect 2 $SHSIM sweep $g --out "$tmp/h/mr"
grep -q "interrupted run of this sweep (10 of 96 runs done" "$tmp/stderr" && ok || bad "journal not refused without --resume"
expect 2 $SHSIM sweep $g --seeds 1..5 --resume --out "$tmp/h/mr"
grep -q "the journal of another sweep" "$tmp/stderr" && ok || bad "another grid's journal not refused"
printf '11,ok,3,1,4' >>"$tmp/h/mr/.sweep.journal"  # killed mid-write
expect 3 $SHSIM sweep $g -j 1 --resume --max-runs 30 --out "$tmp/h/mr"
expect 0 $SHSIM sweep $g -j 2 --resume --out "$tmp/h/mr"
if diff -r "$tmp/h/ref" "$tmp/h/mr" >/dev/null; then ok; else bad "resumed sweep differs from an uninterrupted one"; fi
expect 0 $SHSIM sweep $g --resume --out "$tmp/h/mr"
if diff -r "$tmp/h/ref" "$tmp/h/mr" >/dev/null; then ok; else bad "resuming a complete sweep changed it"; fi
# a real signal: start the sweep, wait for its first journaled run, signal
# it; it stops handing out runs, lets the running ones finish, says how far
# it got and exits 128+signal.  Background jobs of sh ignore SIGINT, so the
# default is restored with env --default-signal where env has it.
for sig in INT TERM; do
    launch=""
    if [ $sig = INT ]; then
        env --default-signal=INT true 2>/dev/null && launch="env --default-signal=INT" || continue
    fi
    d="$tmp/h/sig$sig"
    $launch $SHSIM sweep $g -j 2 --out "$d" 2>"$tmp/h/sig.err" &
    pid=$!
    i=0
    while [ $i -lt 600 ] && [ "$(cat "$d/.sweep.journal" 2>/dev/null | wc -l)" -lt 2 ]; do
        sleep 0.05; i=$((i + 1))
    done
    kill -$sig $pid
    wait $pid; st=$?
    want=$([ $sig = INT ] && echo 130 || echo 143)
    if [ $st = 0 ]; then
        echo "e2e: note: the SIG$sig sweep finished before the signal; not counted"
    elif [ $st = $want ] && grep -q "interrupted: [0-9]* of 96 runs done; resume with --resume" "$tmp/h/sig.err" \
         && [ ! -e "$d/sweep.csv" ]; then
        ok
    else
        bad "SIG$sig: exit $st (want $want)"; cat "$tmp/h/sig.err"
    fi
    expect 0 $SHSIM sweep $g -j 2 --resume --out "$d"
    if diff -r "$tmp/h/ref" "$d" >/dev/null; then ok; else bad "sweep resumed after SIG$sig differs"; fi
done

# out of memory is reported, in a run and in a sweep's row (skipped where
# ulimit -v cannot be used: sanitizer builds reserve terabytes)
if (ulimit -v 300000 && $SHSIM --version) >/dev/null 2>&1; then
    (ulimit -v 300000; exec $SHSIM run --workload synthetic:constant:1 --workers 16000000 --trials 100 \
        -q --out "$tmp/h/oom") >"$tmp/stdout" 2>"$tmp/stderr"
    [ $? = 1 ] && grep -q "Cannot allocate memory" "$tmp/stderr" && [ ! -e "$tmp/h/oom" ] && ok \
        || bad "run: out of memory not reported"
    (ulimit -v 300000; exec $SHSIM sweep --workloads synthetic:constant:1 --schedulers asha --trials 100 \
        --r-max 9 --workers 4,16000000 --seeds 1 -j 1 -q --out "$tmp/h/oom") >"$tmp/stdout" 2>"$tmp/stderr"
    [ $? = 1 ] && grep -q "1 of 2 runs failed" "$tmp/stderr" && grep -q "^1,.*Cannot allocate memory$" "$tmp/h/oom/sweep.csv" \
        && ok || bad "sweep: out of memory not recorded"
else
    echo "e2e: note: ulimit -v unusable here (sanitizer build?): out-of-memory checks skipped"
fi

echo "e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
