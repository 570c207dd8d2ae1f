#!/bin/sh
# tests/e2e_asha_paper.sh -- end-to-end checks of the ASHA paper's straggler
# experiment (docs/asha-paper.md): the options --noise halfnormal:SIGMA and --drop-rate
# P of run and sweep, the presets asha-paper (Figure 8) and asha-paper-fig7,
# and every number docs/asha-paper.md quotes, re-run here (the Figure 8
# lines p = 1e-4 and 3.2e-3, the Figure 7 cells sigma 0.10 and 1.33) and
# compared with that page's
# tables and with the committed docs/figures/asha-paper/figN/sweep_agg.csv.
# Usage: SHSIM=path/to/shsim sh tests/e2e_asha_paper.sh   (from the repo root)
. tests/e2e_common.sh # SHSIM, $tmp, ok, bad, expect
PAGE=docs/asha-paper.md
FIGS=docs/figures/asha-paper

# ---- the options ------------------------------------------------------------
expect 0 $SHSIM run --scheduler asha --eta 4 --r-max 64 --workers 5 --resume restart \
    --workload synthetic:constant:1 --horizon 500 --noise halfnormal:0.5 --drop-rate 0.002 \
    --on-drop lose -q --out "$tmp/r"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
         { exit !($h["noise"] == "halfnormal:0.5" && $h["drop"] == "rate:0.002" && $h["on_drop"] == "lose" &&
                  $h["jobs_dropped"] > 0) }' "$tmp/r/summary.csv" && ok || bad "summary: halfnormal and rate:P"
expect 0 $SHSIM run --scheduler sh --barrier fill --eta 4 --r-max 64 --workers 5 --resume restart \
    --workload synthetic:constant:1 --horizon 500 --noise halfnormal:0.5 --drop-rate 0.002 \
    --on-drop retry -q --out "$tmp/r2"
# the same command twice: the same bytes
$SHSIM run --scheduler sh --barrier fill --eta 4 --r-max 64 --workers 5 --resume restart \
    --workload synthetic:constant:1 --horizon 500 --noise halfnormal:0.5 --drop-rate 0.002 \
    --on-drop retry -q --out "$tmp/r3" && diff -r "$tmp/r2" "$tmp/r3" >/dev/null && ok \
    || bad "halfnormal and drop-rate runs not deterministic"
# bad input: exit 2, the option named, nothing written
for args in "--drop 0.1 --drop-rate 0.01" "--drop-rate 0.01 --drop 0.1" "--drop-rate 1" \
            "--drop-rate -0.1" "--drop-rate x" "--noise halfnormal" "--noise halfnormal:-1"; do
    # shellcheck disable=SC2086
    expect 2 $SHSIM run $args -q --out "$tmp/no"
    grep -q -- "--drop-rate\|--noise" "$tmp/stderr" && ok || bad "message does not name the option: $args"
    if [ -e "$tmp/no" ]; then bad "a refused run wrote output: $args"; rm -rf "$tmp/no"; else ok; fi
done
expect 2 $SHSIM sweep --drop 0,0.1 --drop-rate 0.001 --dry-run
grep -q -- "--drop and --drop-rate" "$tmp/stderr" && ok || bad "sweep: both laws of loss not refused"
expect 0 $SHSIM sweep --drop 0 --drop-rate 0,0.001 --noise halfnormal:0,halfnormal:1 --dry-run
grep -q "2 noise x 2 drop-rate" "$tmp/stdout" && ok || bad "sweep: drop-rate axis"
expect 2 $SHSIM sweep --drop-rate 2 --dry-run
grep -q -- "--drop-rate" "$tmp/stderr" && ok || bad "sweep: message does not name --drop-rate"

# ---- the presets ------------------------------------------------------------
expect 0 $SHSIM sweep --preset asha-paper --dry-run
grep -q "2 schedulers x 6 noise x 6 drop-rate x 25 seeds = 72 cells, 1800 runs" "$tmp/stdout" && ok \
    || bad "asha-paper (Figure 8) grid"
expect 0 $SHSIM sweep --preset asha-paper-fig7 --dry-run
grep -q "2 schedulers x 4 noise x 5 drop-rate x 25 seeds = 40 cells, 1000 runs" "$tmp/stdout" && ok \
    || bad "asha-paper-fig7 grid"

# Figure 8, the lines p = 1e-4 and 3.2e-3 (600 runs)
expect 0 $SHSIM sweep --preset asha-paper --drop-rate 0.0001,0.0032 -q --out "$tmp/f8"
# Figure 7, sigma 0.10 and 1.33 (300 runs)
expect 0 $SHSIM sweep --preset asha-paper-fig7 --noise halfnormal:0.1,halfnormal:1.33 \
    --drop-rate 0.0001,0.0032,0.01 -q --out "$tmp/f7"

# val FILE SCHED NOISE DROP COLUMN: one value of a sweep_agg.csv
val() {
    awk -F, -v S="$2" -v N="$3" -v D="$4" -v C="$5" \
        'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
         $h["scheduler"] == S && $h["noise"] == N && $h["drop"] == D { print $h[C]; exit }' "$1"
}
# the re-run cells hold what the committed figure data holds
for f in 8 7; do
    [ -r "$FIGS/fig$f/sweep_agg.csv" ] || { bad "missing $FIGS/fig$f/sweep_agg.csv"; continue; }
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
             { print $h["scheduler"], $h["noise"], $h["drop"] }' "$tmp/f$f/sweep_agg.csv" >"$tmp/cells"
    while read -r s n d; do
        for c in trials_rmax_mean time_first_rmax_mean time_first_rmax_n jobs_dropped_mean; do
            a=$(val "$tmp/f$f/sweep_agg.csv" "$s" "$n" "$d" $c)
            b=$(val "$FIGS/fig$f/sweep_agg.csv" "$s" "$n" "$d" $c)
            [ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "fig $f $s $n $d $c: $a, committed $b"
        done
    done <"$tmp/cells"
done

# fmt VALUE N: one decimal, and "(N/25)" when fewer than 25 runs reached R
fmt() { awk -v v="$1" -v n="$2" 'BEGIN { printf "%.1f%s", v, (n != "" && n < 25) ? sprintf(" (%d/25)", n) : "" }'; }
# Figure 8's table: | sigma | ASHA 1e-4 | SHA 1e-4 | ASHA 3.2e-3 | SHA 3.2e-3 |
for sg in 0 0.33 0.67 1 1.33 1.67; do
    row="| $sg |"
    for d in rate:0.0001 rate:0.0032; do
        for s in asha sh; do
            m=$(val "$tmp/f8/sweep_agg.csv" $s halfnormal:$sg $d time_first_rmax_mean)
            n=$(val "$tmp/f8/sweep_agg.csv" $s halfnormal:$sg $d time_first_rmax_n)
            row="$row $(fmt "$m" "$n") |"
        done
    done
    grep -qF -- "$row" "$PAGE" && ok || bad "$PAGE lacks the Figure 8 row: $row"
done
# Figure 7's table: | sigma | scheduler | p 1e-4 | p 3.2e-3 | p 1e-2 |
for sg in 0.1 1.33; do
    for s in asha sh; do
        name=ASHA; [ $s = sh ] && name=SHA
        row="| $sg | $name |"
        for d in rate:0.0001 rate:0.0032 rate:0.01; do
            row="$row $(fmt "$(val "$tmp/f7/sweep_agg.csv" $s halfnormal:$sg $d trials_rmax_mean)") |"
        done
        grep -qF -- "$row" "$PAGE" && ok || bad "$PAGE lacks the Figure 7 row: $row"
    done
done
# at sigma 0, p 1e-4: within 5% of the paper's 350 (ASHA) and 361 (SHA)
a=$(val "$tmp/f8/sweep_agg.csv" asha halfnormal:0 rate:0.0001 time_first_rmax_mean)
s=$(val "$tmp/f8/sweep_agg.csv" sh halfnormal:0 rate:0.0001 time_first_rmax_mean)
awk -v a="$a" -v s="$s" 'BEGIN { exit !((a - 350) / 350 < 0.05 && (350 - a) / 350 < 0.05 &&
                                       (s - 361) / 361 < 0.05 && (361 - s) / 361 < 0.05) }' && ok \
    || bad "Figure 8 at sigma 0: $a / $s, not within 5% of 350 / 361"
# the derived numbers of the page's text
pct() { awk -v x="$1" -v y="$2" 'BEGIN { d = (x - y) / y * 100; printf "%.1f", d < 0 ? -d : d }'; }
grep -qF "($(pct "$a" 350)% above)" "$PAGE" && ok || bad "$PAGE: ASHA's distance to 350"
grep -qF "($(pct "$s" 361)% below)" "$PAGE" && ok || bad "$PAGE: SHA's distance to 361"
grep -qF "paper's SHA slows $(awk 'BEGIN { printf "%.1f", 1874 / 361 }') times" "$PAGE" && ok \
    || bad "$PAGE: the paper's SHA slow-down"
s167=$(val "$tmp/f8/sweep_agg.csv" sh halfnormal:1.67 rate:0.0001 time_first_rmax_mean)
grep -qF "ours $(awk -v x="$s167" -v y="$s" 'BEGIN { printf "%.1f", x / y }') times" "$PAGE" && ok \
    || bad "$PAGE: our SHA slow-down"
grep -qF "(1 − 0.0032)^256 ≈ $(awk 'BEGIN { printf "%.2f", exp(256 * log(1 - 0.0032)) }')" "$PAGE" \
    && ok || bad "$PAGE: survival of a 256-unit job"
n=$(val "$tmp/f8/sweep_agg.csv" sh halfnormal:1.67 rate:0.0032 time_first_rmax_n)
grep -qF "$((25 - n)) of its 25 runs at σ 1.67 do not" "$PAGE" && ok || bad "$PAGE: SHA runs without R"
# the old variant, as the page gives it, is still a valid grid
expect 0 $SHSIM sweep --preset asha-paper --noise normal:0,normal:0.5,normal:1 \
    --resume-modes checkpoint --drop-rate 0 --drop 0,0.001,0.01 --on-drop retry --seeds 1..10 --dry-run
grep -q "2 schedulers x 3 noise x 3 drop x 10 seeds = 18 cells, 180 runs" "$tmp/stdout" && ok \
    || bad "the old variant's grid"
# the configurations ASHA trains to R at sigma 0, p 1e-4, as the page words it
t=$(fmt "$(val "$tmp/f8/sweep_agg.csv" asha halfnormal:0 rate:0.0001 trials_rmax_mean)")
grep -qF "$t configurations" "$PAGE" && ok || bad "$PAGE lacks '$t configurations'"

echo "e2e_asha_paper: $pass passed, $fail failed"
[ "$fail" = 0 ]
