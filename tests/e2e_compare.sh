#!/bin/sh
# tests/e2e_compare.sh -- end-to-end checks of `shsim compare` (docs/commands.md):
# its runs are `shsim run`'s, byte for byte; its table is their summaries;
# --seeds is `shsim sweep`'s aggregate; bad input is refused and writes
# nothing; the figure (when gnuplot is installed).
# Usage: SHSIM=path/to/shsim sh tests/e2e_compare.sh
. tests/e2e_common.sh # SHSIM, $tmp, ok, bad, expect

# shsim compare: its runs are `shsim run`'s, byte for byte; its
# table is their summaries; --seeds is `shsim sweep`'s aggregate
expect 0 $SHSIM compare --help
grep -q "Usage: shsim compare" "$tmp/stdout" && ok || bad "compare --help prints no usage"
expect 0 $SHSIM compare --workload figure --workers 2 --r-max 4 --horizon 32 --no-plot --out "$tmp/cmp"
$SHSIM figure all --no-plot -q --out "$tmp/cmpf" || bad "figure for compare"
diff -r "$tmp/cmp/sh-strict" "$tmp/cmpf/sync-sh" >/dev/null && diff -r "$tmp/cmp/asha-promotion" \
    "$tmp/cmpf/asha" >/dev/null && ok || bad "compare: runs differ from the book figures'"
$SHSIM run -s sh --barrier fill -W figure -w 2 --r-max 4 -T 32 -q --out "$tmp/cmpfill" || bad "run fill"
diff -r "$tmp/cmp/sh-fill" "$tmp/cmpfill" >/dev/null && ok || bad "compare: sh:fill differs from run"
grep -qx 'sh:strict,0.125,1,9,0.25,0.25,,,32' "$tmp/cmp/compare.csv" && \
    grep -qx 'asha:promotion,0,1,10,0.25,0.25,,,32' "$tmp/cmp/compare.csv" && ok \
    || bad "compare.csv of the figure workload"
grep -q '^idle % of worker time  *12.5  *0.0  *0.0$' "$tmp/stdout" && ok || bad "compare table: idle"
expect 0 $SHSIM compare --workload figure --workers 2 --r-max 4 --horizon 32 --gantt -q --no-plot \
    --out "$tmp/cmpg"
[ "$(grep -c '^== ' "$tmp/stdout") $(grep -c '^W[01] ' "$tmp/stdout")" = "3 6" ] && \
    grep -qF 'W1  |T1r0---------|T3r0-----..............|T3r1-----|T4r0---------|~|' "$tmp/stdout" && ok \
    || bad "compare --gantt: three text charts"
# the README's slow-worker example (its tour): strict 60 s, fill 48 s, ASHA 30 s to error <= 0.174
expect 0 $SHSIM compare -W synthetic:constant:6 -w 4 --eta 2 --r-max 4 -T 72 --slow-workers 1:3 \
    --target 0.174 --no-plot --out "$tmp/cmps"
grep -q '^time to target (s)  *60.0  *48.0  *30.0$' "$tmp/stdout" && \
    grep -q '^target at r_max (s)  *60.0  *48.0  *30.0$' "$tmp/stdout" && \
    grep -q '^idle % of worker time  *41.7  *0.0  *0.0$' "$tmp/stdout" && \
    grep -q '^trials at r_max  *2  *4  *4$' "$tmp/stdout" && ok || bad "compare: slow-worker table"
# docs/commands.md's --seeds example (shsim compare)
expect 0 $SHSIM compare --workload lenet-model --workers 8 --horizon 1800 --target 0.15 \
    --slow-workers 1:3 --seeds 1..20 -j 2 --no-plot --out "$tmp/cmp20"
grep -q '^trials at r_max  *14.2 \[13.9, 14.4\]  *32.1 \[31.8, 32.5\]  *45.5 \[43.5, 47.6\]$' "$tmp/stdout" && \
    grep -q '^time to target (s)  *407.6 \[289.1, 526.1\]  *248.9 \[197.3, 300.5\]  *202.9 \[152.7, 253.1\]$' \
    "$tmp/stdout" && \
    grep -q '^target at r_max (s)  *448.4 \[328.7, 568.0\]  *292.9 \[238.2, 347.7\]  *227.0 \[176.1, 278.0\]$' \
    "$tmp/stdout" && ok || bad "compare --seeds: docs/commands.md's table"
for i in 1 2; do
    $SHSIM compare -W synthetic:lognormal:1:0.5 -w 3 --eta 3 --r-max 9 -T 50 --target 0.1 \
        --schedulers sh:strict,asha:stopping:rank,random --seeds 1..4 -j 2 --no-plot -q \
        --out "$tmp/cmpseeds$i" || bad "compare --seeds"
done
diff -r "$tmp/cmpseeds1" "$tmp/cmpseeds2" >/dev/null && ok || bad "compare --seeds not deterministic"
[ "$(cut -d, -f1 "$tmp/cmpseeds1/compare.csv" | tr '\n' ' ')" = "scheduler sh:strict asha:stopping:rank random " ] && \
    [ -f "$tmp/cmpseeds1/asha-stopping-rank/jobs.csv" ] && [ -f "$tmp/cmpseeds1/random/jobs.csv" ] && ok \
    || bad "compare: scheduler labels and folders"
$SHSIM sweep --schedulers sh:strict,asha:stopping:rank,random --workloads synthetic:lognormal:1:0.5 \
    --workers 3 --eta 3 --r-max 9 --horizon 50 --target 0.1 --seeds 1..4 -q --out "$tmp/cmpsw" \
    || bad "sweep for compare"
cmp -s "$tmp/cmpsw/sweep_agg.csv" "$tmp/cmpseeds1/sweep/sweep_agg.csv" && \
    cmp -s "$tmp/cmpsw/sweep_curves.csv" "$tmp/cmpseeds1/sweep/sweep_curves.csv" && ok \
    || bad "compare --seeds: sweep files differ from shsim sweep's"
# a metric only some runs have: its mean over those, and how many
expect 0 $SHSIM compare -W synthetic:lognormal:1:0.5 -w 3 --eta 3 --r-max 9 -T 50 --target 0.1 \
    --schedulers sh:strict,asha:stopping:rank,random --seeds 1..4 -j 2 --no-plot --out "$tmp/cmpseeds3"
grep -q '^time to target (s)  *21.5 \[-1.9, 45.0\] (2 of 4)  *26.7 \[-11.7, 65.1\] (2 of 4)  *43.6 (1 of 4)$' \
    "$tmp/stdout" && ok || bad "compare --seeds: a metric some runs lack"
# compare.csv's idle_fraction_mean is sweep_agg.csv's, for every scheduler
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    { print $h["idle_fraction_mean"] "," $h["time_to_target_lo"] "," $h["time_to_target_n"] }' \
    "$tmp/cmpsw/sweep_agg.csv" >"$tmp/cmp.want"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    { print $h["idle_fraction_mean"] "," $h["time_to_target_lo"] "," $h["time_to_target_n"] }' \
    "$tmp/cmpseeds1/compare.csv" >"$tmp/cmp.got"
[ "$(wc -l <"$tmp/cmp.got")" = 3 ] && cmp -s "$tmp/cmp.want" "$tmp/cmp.got" && ok \
    || bad "compare.csv --seeds: values differ from sweep_agg.csv"
# bad input: exit 2, the option named, nothing written
for bad_opt in "--barrier fill" "--type stopping" "--rule rank" "--explain" "--schedulers sh:nope" \
               "--schedulers sh,sh:strict" "--schedulers sh,asha,random,sh:fill,asha:stopping,asha:stopping:rank,asha:promotion:quantile,asha:stopping:topk,asha:promotion:rank" \
               "--seeds 1..x" "--seeds 1,2,1" "--workers 0" "--jobs 0" "--noise gamma:1" "--max-events 0"; do
    # shellcheck disable=SC2086
    expect 2 $SHSIM compare $bad_opt --no-plot --out "$tmp/cmpx"
    grep -q -- "${bad_opt%% *}" "$tmp/stderr" && ok || bad "compare: message does not name ${bad_opt%% *}"
done
expect 2 $SHSIM compare --seed 3 --seeds 1..2 --no-plot --out "$tmp/cmpx"
grep -q -- "--seeds" "$tmp/stderr" && ok || bad "compare: --seed with --seeds"
expect 2 $SHSIM compare -W figure -w 2 --r-max 64 --no-plot --out "$tmp/cmpx"
expect 2 $SHSIM compare stray --no-plot --out "$tmp/cmpx"
if [ -e "$tmp/cmpx" ]; then bad "a failed compare wrote output"; else ok; fi
# run failures exit 1, still before anything is written: the event cap, no gnuplot
expect 1 $SHSIM compare --max-events 50 --no-plot --out "$tmp/cmpy"
grep -q -- "--max-events" "$tmp/stderr" && ok || bad "compare: message does not name --max-events"
expect 1 env PATH=/nonexistent $SHSIM compare -W figure -w 2 --r-max 4 -T 32 --out "$tmp/cmpy"
grep -q "gnuplot" "$tmp/stderr" && ok || bad "compare: no gnuplot not named"
if [ -e "$tmp/cmpy" ]; then bad "a failed compare run wrote output"; else ok; fi
if command -v gnuplot >/dev/null; then
    expect 0 $SHSIM compare -W synthetic:constant:6 -w 4 --eta 2 --r-max 4 -T 72 --drop 0.15 \
        --target 0.174 -q --out "$tmp/cmpp"
    [ -s "$tmp/cmpp/compare.png" ] && grep -q '>asha:promotion<' "$tmp/cmpp/compare.svg" && \
        grep -q 'error &lt;= 0.174: 47.0 s, at r_max 47.0 s' "$tmp/cmpp/compare.svg" && ok || bad "compare: the figure"
    [ -s "$tmp/stderr" ] && { bad "compare: gnuplot complained"; cat "$tmp/stderr"; } || ok
    # one seed in a sweep (no interval) and no trial at r_max: still no warning
    expect 0 $SHSIM compare -W lenet -w 4 -T 30 --seeds 5 -q --out "$tmp/cmpq"
    [ -s "$tmp/stderr" ] && { bad "compare --seeds 5: gnuplot complained"; cat "$tmp/stderr"; } || ok
    # the longest names stay clear of the worker labels: each panel's name
    # (12 pt, drawn from its left end; gnuplot writes it after the panel's
    # tics) starts right of where the worker labels end (they are drawn
    # from their right end) and sits above the panel's first lane, W0
    expect 0 $SHSIM compare -W lenet -w 4 -T 600 -q --out "$tmp/cmpl" \
        -s async-hyperband:promotion:quantile:brackets=3,async-hyperband:stopping:rank:brackets=2,hyperband:strict:brackets=2
    [ "$(awk '/<g transform="translate\(/ { t = $0; sub(/.*translate\(/, "", t); split(t, a, /[,)]/); x = a[1] + 0; y = a[2] + 0
              big = /font-size="12.00"/ && /text-anchor="start"/ }
         /<text>W0<\/text>/ { wx = x; wy = y; lanes = 1 }
         /<text>[a-z-]+:[a-z]+(:[a-z]+)?:brackets=[0-9]<\/text>/ && big && lanes { if (x >= wx && y < wy - 12) n++; lanes = 0 }
         END { print n + 0 }' "$tmp/cmpl/compare.svg")" = 3 ] && [ ! -s "$tmp/stderr" ] && ok \
        || bad "compare: long scheduler names run into the worker labels"
else
    echo "SKIP: gnuplot not installed (compare's figure not drawn)"
fi

echo "e2e_compare: $pass passed, $fail failed"
[ "$fail" = 0 ]
