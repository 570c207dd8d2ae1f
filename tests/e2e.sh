#!/bin/sh
# tests/e2e.sh -- end-to-end checks of the shsim command: determinism
# (the same command twice gives byte-identical files), --help everywhere,
# exit status 2 and untouched outputs on bad input.
# Usage: SHSIM=path/to/shsim sh tests/e2e.sh
SHSIM=${SHSIM:-./shsim}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS CMD...: run CMD, check its exit status
expect() {
    want=$1; shift
    "$@" >"$tmp/stdout" 2>"$tmp/stderr"; got=$?
    if [ "$got" = "$want" ]; then ok; else bad "exit $got (want $want): $*"; cat "$tmp/stderr"; fi
}

# determinism: every scheduler, twice, byte-identical
for s in "sh --barrier strict" "sh --barrier fill" "asha --type promotion" \
         "asha --type stopping" "asha --type stopping --rule rank" "random"; do
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

# stragglers (issue 5): deterministic, shown in the traces, bad values named
for i in 1 2; do
    $SHSIM run --scheduler sh --workers 6 --eta 3 --r-max 9 --trials 54 --workload synthetic:constant:1 \
        --noise lognormal:0.5 --slow-workers 2:3 --drop 0.1 --on-drop lose --seed 4 -q --out "$tmp/s$i" \
        || bad "straggler run"
done
if diff -r "$tmp/s1" "$tmp/s2" >/dev/null; then ok; else bad "straggler run not deterministic"; fi
grep -q ',dropped$' "$tmp/s1/jobs.csv" && ok || bad "jobs.csv shows no dropped job"
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

# shsim check: every closed form holds
expect 0 $SHSIM check --reps 200
expect 0 $SHSIM check --help
expect 2 $SHSIM check --reps 1
expect 0 $SHSIM check --emax lognormal:0.5
grep -q '^ *16 *2.21788' "$tmp/stdout" && ok || bad "check --emax: E[max of 16] of lognormal:0.5"
expect 2 $SHSIM check --emax gamma:1

# the straggler options as sweep axes, and the preset of the ASHA paper
expect 0 $SHSIM sweep --preset asha-paper --dry-run
grep -q "2 schedulers x 14 noise x 3 drop x 10 seeds = 84 cells, 840 runs" "$tmp/stdout" && ok \
    || bad "asha-paper preset grid"
expect 0 $SHSIM sweep --schedulers sh:fill,asha --workloads synthetic:constant:1 --eta 4 --r-max 16 \
    --workers 5 --noise normal:0,normal:1 --drop 0,0.05 --on-drop retry,lose --worker-speed 1/1/0.5 \
    --horizon 100 --seeds 1..2 -j 2 -q --out "$tmp/sw"
[ "$(wc -l <"$tmp/sw/sweep_agg.csv")" = 17 ] && ok || bad "straggler sweep: 16 cells"
head -1 "$tmp/sw/sweep_agg.csv" | grep -q "noise,worker_speed,slow_workers,drop,on_drop" && \
    head -1 "$tmp/sw/sweep_agg.csv" | grep -q "time_first_rmax_mean" && ok || bad "sweep_agg columns"
expect 2 $SHSIM sweep --noise normal:x --dry-run
grep -q -- "--noise" "$tmp/stderr" && ok || bad "sweep: message does not name --noise"

# recorded LeNet data: the default workload, import, replay (issue 3)
expect 0 $SHSIM run --workload lenet-cpu31 --scheduler sh --r-min 2 -q --out "$tmp/cpu31"
expect 0 $SHSIM import --help
expect 0 $SHSIM replay --help
expect 0 $SHSIM import synetune tests/data/synetune_small.csv --metric validation_error -o "$tmp/imp/t.csv"
grep -q "2 of 3 trials kept" "$tmp/stdout" && ok || bad "import summary"
expect 0 $SHSIM run --workload table:"$tmp/imp/t.csv" -q --out "$tmp/imp/run"
expect 2 $SHSIM import synetune tests/data/synetune_small.csv --metric nope -o "$tmp/imp/u.csv"
grep -q "synetune_small.csv:1: field 'nope'" "$tmp/stderr" && ok || bad "import error names file:line:field"
if [ -e "$tmp/imp/u.csv" ]; then bad "a failed import wrote output"; else ok; fi
expect 0 $SHSIM replay tests/data/d2l_asha_19.5_trace.csv --r-min 2 --eta 2 --r-max 10 --rule quantile
grep -q "quantile: 57 of 58 decisions agree" "$tmp/stdout" && ok || bad "replay of the book's run"
expect 2 $SHSIM replay tests/data/replay_small.csv --r-max 2

# the fitted LeNet model: shsim fit, --workload lenet-model[:FILE] (issue 3)
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
if [ -p "$tmp/fit/fifo" ] && grep -q "^format = 1" "$tmp/fit/got"; then ok; else bad "fit replaced a FIFO"; fi

# sweep and merge (issue 4): config file, shards joined byte-identical to
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

echo "e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
