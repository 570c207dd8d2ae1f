#!/bin/sh
# tests/e2e_hostile.sh -- end-to-end regressions of hostile input
# (docs/input-errors.md, docs/sweeps.md): empty shards, bounded memory, overflow at input, no
# output on failure, import checks, resume identity, merge checks, messages.
# Usage: SHSIM=path/to/shsim sh tests/e2e_hostile.sh
. tests/e2e_common.sh # SHSIM, $tmp, ok, bad, expect
# printable FILE: only printable ASCII, tabs and line ends
printable() { ! LC_ALL=C grep -q '[^[:print:][:space:]]' "$1"; }

# 1. a shard without cells writes a valid empty part, and the parts merge
one="--workloads figure --schedulers asha --workers 2 --seeds 1 --horizon 30 -q"
expect 0 $SHSIM sweep $one --shard 2/2 --out "$tmp/e2"
printable "$tmp/stderr" && ok || bad "empty shard: raw bytes on stderr"
[ "$(wc -l <"$tmp/e2/sweep.csv" 2>/dev/null)" = 1 ] && ok || bad "empty shard: no header-only sweep.csv"
expect 0 $SHSIM sweep $one --shard 1/2 --out "$tmp/e1"
expect 0 $SHSIM sweep $one --out "$tmp/eall"
expect 0 $SHSIM merge -q --out "$tmp/em" "$tmp/e2" "$tmp/e1"
if diff -r "$tmp/em" "$tmp/eall" >/dev/null; then ok; else bad "empty shard: merge differs from one sweep"; fi

# 9. messages: each names the option as the user spelt it; numbers are whole
# strings; a bare-CR table names the line of its error
expect 2 $SHSIM sweep --resume-modes checkpoint,bogus --dry-run
grep -q -- "--resume-modes 'bogus'" "$tmp/stderr" && ok || bad "--resume-modes not named"
expect 0 $SHSIM run --workload figure --horizon 4.9e-324 -q --out "$tmp/m1"
expect 2 $SHSIM run --workload '' --out "$tmp/m2"
grep -q -- "--workload '': empty" "$tmp/stderr" && ok || bad "an empty --workload is not named"
expect 2 $SHSIM run --workers ' 4' --out "$tmp/m2"
expect 2 $SHSIM run --workers +4 --out "$tmp/m2"
expect 2 $SHSIM run --horizon ' 4' --out "$tmp/m2"
printf 'config_id,epoch,epoch_time,error\r1,1,1,0.5\r1,2,x,0.4\r' >"$tmp/cr.csv"
expect 2 $SHSIM run --workload table:"$tmp/cr.csv" --out "$tmp/m2"
grep -q "cr.csv:3: field 'epoch_time'" "$tmp/stderr" && ok || bad "a bare-CR table: wrong line"
[ -e "$tmp/m2" ] && bad "a refused run wrote output" || ok

# 4. a command whose standard output fails writes nothing (run, sweep,
# import, fit); fit writes no parameters file when its plot cannot be drawn
if [ -w /dev/full ]; then
    expect 1 sh -c "$SHSIM run --workload figure --out '$tmp/full/r' >/dev/full"
    [ -e "$tmp/full" ] && bad "run > /dev/full wrote files" || ok
    expect 1 sh -c "$SHSIM sweep ${one%-q} --out '$tmp/full/s' >/dev/full"
    ls "$tmp/full/s"/*.csv >/dev/null 2>&1 && bad "sweep > /dev/full wrote files" || ok
    grep -q -- "--resume" "$tmp/stderr" && ok || bad "sweep > /dev/full: no word of its journal"
    expect 0 $SHSIM sweep $one --out "$tmp/full/s" --resume -q
    if diff -r "$tmp/full/s" "$tmp/eall" >/dev/null; then ok; else bad "sweep resumed after /dev/full differs"; fi
    expect 1 sh -c "$SHSIM import synetune tests/data/synetune_small.csv -o '$tmp/full/i/t.csv' >/dev/full"
    [ -e "$tmp/full/i" ] && bad "import > /dev/full wrote files" || ok
    expect 1 sh -c "$SHSIM fit --trials 20 --out '$tmp/full/f.params' >/dev/full"
    [ -e "$tmp/full/f.params" ] && bad "fit > /dev/full wrote the params file" || ok
fi
touch "$tmp/plotfile"
expect 1 $SHSIM fit -q --trials 20 --out "$tmp/fp.params" --plot "$tmp/plotfile"
[ -e "$tmp/fp.params" ] && bad "fit --plot FILE wrote the params file" || ok
expect 1 env PATH=/nonexistent $SHSIM fit -q --trials 20 --out "$tmp/fp.params" --plot "$tmp/fpdir"
[ -e "$tmp/fp.params" ] || [ -e "$tmp/fpdir" ] && bad "fit --plot without gnuplot wrote files" || ok

# 9. SIGTERM while run writes its files: all files or none, no temporary
# file left (the signal takes effect once the set is complete)
$SHSIM run --workload synthetic:constant:0.01 --horizon 300 --workers 8 -q --out "$tmp/sig" &
pid=$!
i=0
while [ $i -lt 3000 ] && ! ls -A "$tmp/sig" 2>/dev/null | grep -q '^\.'; do
    sleep 0.01; i=$((i + 1))
done
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
n=$(ls "$tmp/sig" 2>/dev/null | wc -l)
if ls -A "$tmp/sig" 2>/dev/null | grep -q '^\.'; then bad "SIGTERM left a temporary file"
elif [ "$n" != 0 ] && [ "$n" != 6 ]; then bad "SIGTERM left $n of 6 files"
else ok; fi

# 7. a resume after an input file changed is refused, naming the file
printf 'config_id,epoch,epoch_time,error\n1,1,1,0.5\n1,2,1,0.4\n2,1,2,0.6\n2,2,1,0.3\n' >"$tmp/t7.csv"
t7="--workloads table:$tmp/t7.csv --workers 1,2 --seeds 1..3 --horizon 10 -q --out $tmp/r7"
expect 3 $SHSIM sweep $t7 --max-runs 2
sed 's/0.3$/0.2/' "$tmp/t7.csv" >"$tmp/t7.new" && mv "$tmp/t7.new" "$tmp/t7.csv"
expect 2 $SHSIM sweep $t7 --resume
grep -q "t7.csv: changed since" "$tmp/stderr" && ok || bad "resume: the changed table is not named"
[ -e "$tmp/r7/sweep.csv" ] && bad "resume over a changed table wrote files" || ok

# 9. --resume after a complete sweep with failed runs retries them (the
# journal stays while runs failed); without --resume the sweep starts over
rf="--workloads lenet,figure --r-max 10 --schedulers asha --workers 2 --seeds 1,2 --horizon 100 --out $tmp/rf"
expect 1 $SHSIM sweep $rf
expect 1 $SHSIM sweep $rf --resume
grep -q "2 of them from the journal" "$tmp/stdout" && ok || bad "resume did not retry the failed runs"
grep -q "2 of 4 runs failed" "$tmp/stderr" && ok || bad "resume: the failed runs not listed again"
expect 1 $SHSIM sweep $rf
grep -q "from the journal" "$tmp/stdout" && bad "a sweep without --resume took runs from the journal" || ok

# 8. merge checks every (cell, seed) once and every file's rows per cell,
# naming the part and the row
m8="--workloads figure --schedulers asha,sh --workers 1,2 --seeds 1..3 --horizon 30 -q"
expect 0 $SHSIM sweep $m8 --shard 1/2 --out "$tmp/mp1"
expect 0 $SHSIM sweep $m8 --shard 2/2 --out "$tmp/mp2"
cp -r "$tmp/mp1" "$tmp/mpx"
awk 'NR==2{print; print; next} NR==4{next} {print}' "$tmp/mp1/sweep.csv" >"$tmp/mpx/sweep.csv"
expect 2 $SHSIM merge -q --out "$tmp/mpo" "$tmp/mpx" "$tmp/mp2"
grep -q "mpx/sweep.csv:3: cell 0, seed 1: a second row" "$tmp/stderr" && ok || bad "merge: a duplicated run row not named"
cp "$tmp/mp1/sweep.csv" "$tmp/mpx/"
head -30 "$tmp/mp1/sweep_curves.csv" >"$tmp/mpx/sweep_curves.csv"
expect 2 $SHSIM merge -q --out "$tmp/mpo" "$tmp/mpx" "$tmp/mp2"
grep -q "mpx/sweep_curves.csv:2: cell 0 has 29 rows, the grid has 50" "$tmp/stderr" && ok \
    || bad "merge: lost curve rows not named"
cp "$tmp/mp1/sweep_curves.csv" "$tmp/mpx/"
{ cat "$tmp/mp1/sweep.csv"; sed -n 2p "$tmp/mp1/sweep.csv"; } >"$tmp/mpx/sweep.csv"
expect 2 $SHSIM merge -q --out "$tmp/mpo" "$tmp/mpx" "$tmp/mp2"
grep -q "mpx/sweep.csv:8: cell 0 has 4 rows" "$tmp/stderr" && ok || bad "merge: an extra row not named"
[ -e "$tmp/mpo" ] && bad "merge of bad parts wrote output" || ok
expect 2 $SHSIM sweep --workloads figure --workers 1,2 --seeds 1,3,1 --horizon 30 -q --out "$tmp/mps"
grep -q -- "--seeds: seed 1 is given twice" "$tmp/stderr" && ok || bad "sweep: a seed given twice not refused"

# 3. finite values whose sums along a run could overflow are refused at input
printf 'config_id,epoch,epoch_time,error\n1,1,1,0.5\n2,1,1e308,0.4\n' >"$tmp/big.csv"
expect 2 $SHSIM run --workload table:"$tmp/big.csv" --out "$tmp/o3"
grep -q "big.csv:3: field 'epoch_time': '1e308' is beyond 1e+12" "$tmp/stderr" && ok || bad "epoch_time 1e308 not refused at its line"
printf 'config_id,epoch,epoch_time,error\n1,1,1,-1e300\n' >"$tmp/big.csv"
expect 2 $SHSIM run --workload table:"$tmp/big.csv" --out "$tmp/o3"
grep -q "big.csv:2: field 'error'" "$tmp/stderr" && ok || bad "error -1e300 not refused"
sed 's/^base = .*/base = 1e308/' traces/data/lenet_model.params >"$tmp/big.params"
expect 2 $SHSIM run --workload lenet-model:"$tmp/big.params" --out "$tmp/o3"
grep -q "big.params: base" "$tmp/stderr" && ok || bad "params base 1e308 not refused"
expect 2 $SHSIM run --workload figure --worker-speed 1e-300 --out "$tmp/o3"
[ -e "$tmp/o3" ] && bad "a refused run wrote output" || ok

# 5. import applies the table reader's checks: stamps of +-1.7e308 give an
# epoch time beyond the bound, refused, nothing written
printf 'trial_id,epoch,validation_error,st_tuner_time\n0,1,0.5,-1.7e308\n0,2,0.4,1.7e308\n0,3,0.3,1.7e308\n' >"$tmp/st.csv"
expect 2 $SHSIM import synetune "$tmp/st.csv" -o "$tmp/o5/st.csv"
grep -q "st.csv:2: field 'st_tuner_time'" "$tmp/stderr" && ok || bad "import: an infinite epoch time not refused"
[ -e "$tmp/o5" ] && bad "a refused import wrote output" || ok

# 2. every run stops at --max-events (exit 1, naming the option, no files);
# a sweep's run fails with that status and the sweep goes on
expect 1 $SHSIM run --workload synthetic:constant:1e-9 --horizon 100 --max-events 100000 --out "$tmp/o2"
grep -q -- "run stopped at 100000 events (--max-events 100000)" "$tmp/stderr" && ok || bad "--max-events not named"
[ -e "$tmp/o2" ] && bad "a run stopped by --max-events wrote files" || ok
expect 1 $SHSIM run --workload synthetic --noise pareto:1.0000001 --horizon 1e300 --max-events 100000 --out "$tmp/o2"
expect 1 $SHSIM sweep --workloads synthetic:constant:1e-9,figure --schedulers asha --workers 2 --seeds 1 \
    --horizon 30 --max-events 100000 -q --out "$tmp/s2"
grep -q "max-events" "$tmp/s2/sweep.csv" && grep -q ",ok$" "$tmp/s2/sweep.csv" && ok \
    || bad "sweep: the capped run's status or the other run missing"
expect 2 $SHSIM run --max-events 0 --out "$tmp/o2"

# 2. on a terminal (script(1) gives one), a long run shows a progress line
# on stderr every 2^20 events; without one, none
if command -v script >/dev/null 2>&1; then
    script -qc "$SHSIM run --workload synthetic:constant:1e-9 --horizon 100 --max-events 1100000 --out '$tmp/o2p'" \
        /dev/null >"$tmp/tty.out" 2>&1
    grep -q "run: 1048576 events (95% of --max-events)" "$tmp/tty.out" && ok || bad "no progress line on a terminal"
    $SHSIM run --workload synthetic:constant:1e-9 --horizon 100 --max-events 1100000 --out "$tmp/o2p" 2>"$tmp/stderr"
    grep -q "run: 1048576 events" "$tmp/stderr" && bad "a progress line without a terminal" || ok
fi

echo "e2e_hostile: $pass passed, $fail failed"
[ "$fail" = 0 ]
