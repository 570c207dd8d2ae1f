#!/bin/sh
# Regenerate the multi-worker peer tables of tests/data/peers/ (tests/e2e_peers.sh
# compares shsim with them).  Needs the peers' code, which CI does not have:
#   tools/peers/make_tables.sh ST013 STMAIN RAY
# ST013   a tree holding syne_tune/ of syne-tune tag v0.13.0 (git archive v0.13.0 syne_tune)
# STMAIN  a tree holding syne_tune/ of syne-tune main (commit d9970f2b)
# RAY     ray-project/ray's python/ray/tune/schedulers/async_hyperband.py (commit 490d7ebc)
set -eu
[ $# -eq 3 ] || { echo "usage: $0 ST013 STMAIN RAY" >&2; exit 2; }
st013=$1 stmain=$2 ray=$3
cd "$(dirname "$0")/../.."
py=${PYTHON:-python3}
table() { # peer src wl file rmin eta rmax workers what-line made-line [trials]
    n=${11:-}
    out="tests/data/peers/$1_$3_r$5_eta$6_R$7_w$8${n:+_n$n}.csv"
    tmp="$out.tmp"
    {
        echo "# $9, $8 workers, workload $3 ($4)${n:+ (its first $n configurations)}, r_min $5, eta $6, r_max $7."
        echo "# Made by tools/peers/drive.py $1 (event loop: docs/design.md, semantics 1-2) running"
        echo "# ${10} as is on the table's errors and epoch times:"
        echo "#   tools/peers/drive.py $1 SRC $4 $5 $6 $7 $8${n:+ $n}"
        echo "# One row per job in dispatch order (stopping type: epoch_to is the epoch the trial"
        echo "# ended at); trial k is the table's k-th configuration (shsim run --order file)."
        # shellcheck disable=SC2086
        "$py" tools/peers/drive.py "$1" "$2" "$4" "$5" "$6" "$7" "$8" $n
    } >"$tmp"
    mv "$tmp" "$out"
}
for w in 2 4; do
    for s in "lenet traces/data/lenet_rs.csv 1 3 9" "lenet-cpu31 traces/data/lenet_cpu31.csv 2 2 10"; do
        # shellcheck disable=SC2086
        set -- $s
        table st013-promotion "$st013" "$1" "$2" "$3" "$4" "$5" "$w" \
            "Syne Tune v0.13.0, ASHA promotion type (quantile rule)" \
            "syne-tune v0.13.0's PromotionRungSystem (hyperband_promotion.py)"
        table st013-stopping "$st013" "$1" "$2" "$3" "$4" "$5" "$w" \
            "Syne Tune v0.13.0, ASHA stopping type (quantile rule)" \
            "syne-tune v0.13.0's StoppingRungSystem (hyperband_stopping.py)"
        table stmain-stopping "$stmain" "$1" "$2" "$3" "$4" "$5" "$w" \
            "Syne Tune main, ASHA stopping type (rank rule)" \
            "syne-tune main d9970f2b's Bracket (asha.py; >= max_t stops, as on_trial_result)"
        table ray-stopping "$ray" "$1" "$2" "$3" "$4" "$5" "$w" \
            "Ray Tune, ASHA stopping type (ray rule)" \
            "Ray Tune 490d7ebc's _Bracket (async_hyperband.py; >= max_t stops, as on_trial_result)"
    done
done
# fill SH: a table the brackets use up exactly (lenet: 11 brackets of 9;
# lenet-cpu31: its first 24 configurations, 3 brackets of 8): past the end of
# a table the two differ by design (docs/design.md)
for w in 2 4; do
    for s in "lenet traces/data/lenet_rs.csv 1 3 9 99" "lenet-cpu31 traces/data/lenet_cpu31.csv 2 2 10 24"; do
        # shellcheck disable=SC2086
        set -- $s
        t=$6
        [ "$1" = lenet ] && t=""
        table st013-syncsh "$st013" "$1" "$2" "$3" "$4" "$5" "$w" \
            "Syne Tune v0.13.0, synchronous successive halving (one bracket offset; shsim sh:fill)" \
            "syne-tune v0.13.0's SynchronousHyperbandRungSystem.geometric(num_brackets=1) and SynchronousHyperbandBracketManager (synchronous/)" \
            "$t"
    done
done
for s in "lenet traces/data/lenet_rs.csv 1 3 9" "lenet-cpu31 traces/data/lenet_cpu31.csv 2 2 10"; do
    # shellcheck disable=SC2086
    set -- $s
    table stmain-stopping "$stmain" "$1" "$2" "$3" "$4" "$5" 1 \
        "Syne Tune main, ASHA stopping type (rank rule)" \
        "syne-tune main d9970f2b's Bracket (asha.py; >= max_t stops, as on_trial_result)"
done
