#!/bin/sh
# lab_figures.sh -- the course lab's projectable figures, PNG and SVG, drawn
# from the outputs of a checked run of the lab (`make lab-figures`: it runs
# tools/lab_check.sh --keep DIR first, so every figure shows numbers the
# handout and key quote).
# Usage: sh tools/lab_figures.sh LABDIR OUTDIR
#   LABDIR  the folder lab_check.sh --keep left (it holds lab/)
#   OUTDIR  where NAME.png and NAME.svg go (docs/lab/figures)
[ $# = 2 ] || { echo "usage: sh tools/lab_figures.sh LABDIR OUTDIR" >&2; exit 2; }
lab=$1/lab out=$2
[ -d "$lab" ] || { echo "lab_figures: $lab: no such folder (run tools/lab_check.sh --keep $1 first)" >&2; exit 2; }
mkdir -p "$out" || exit 1

# draw NAME SCRIPT SETTINGS: plots/SCRIPT with SETTINGS, once per format,
# each written under a temporary name and renamed when complete
draw() {
    for f in png svg; do
        echo "  PLOT    $out/$1.$f"
        gnuplot -e "$3; fmt='$f'; out='$out/$1.$f.tmp'" "plots/$2" \
            && mv "$out/$1.$f.tmp" "$out/$1.$f" || { rm -f "$out/$1.$f.tmp"; exit 1; }
    done
}

# copy NAME DIR: the figure `shsim compare` drew in DIR (compare.png, .svg)
copy() {
    for f in png svg; do
        echo "  COPY    $out/$1.$f"
        cp "$2/compare.$f" "$out/$1.$f.tmp" && mv "$out/$1.$f.tmp" "$out/$1.$f" || { rm -f "$out/$1.$f.tmp"; exit 1; }
    done
}

copy slow "$lab/slow"
draw spread lab_idle.gp "dir='$lab/spread'; title='One bracket of 16 equal trials (eta 2, r_max 16)'"
draw tail lab_tail.gp "dirs='$lab/wave-2 $lab/wave-4 $lab/wave-8 $lab/wave-16 $lab/wave-32 $lab/wave-64'; emax='$lab/emax.txt'"
copy drop "$lab/drop"
copy lenet "$lab/lenet"
draw seeds lab_seeds.gp "dir='$lab/seeds/sweep'; metrics='time_to_target time_to_target_rmax'; title='Time to error 0.15 on lenet, 4 workers, 20 seeds'"
