# lab_tail.gp -- the course lab (docs/lab/), step 4: the idle worker-time
# that uneven jobs add to one synchronous rung of W jobs on W workers
# (noise minus no noise), measured by sweeps, beside W (E[max of W] - mu)
# from `shsim check --emax DIST`.
#
# Reads (columns found by name in the header):
#   D/sweep_agg.csv for each D in dirs: one sweep per W with two cells,
#                 noise none and one noise law; columns noise, workers,
#                 idle_mean, idle_lo, idle_hi.  Without noise the idle time
#                 is the same in every run, so subtracting it shifts the
#                 noise cell's 95% interval unchanged.
#   EMAX (optional) the table `shsim check --emax DIST` prints: W E_max
#                 idle_per_wave idle_fraction, '#' comment lines
# Call:
#   gnuplot -e "dirs='D1 D2 ...'; emax='FILE'; out='OUT'" plots/lab_tail.gp
#     dirs   the sweep folders (required);  out   default tail.FMT
#     emax   the E[max] table, or '' for none (default '')
#     fmt    png (default) or svg;  title  the plot title

if (!exists("dirs"))  { exit error "lab_tail.gp: give dirs='DIR1 DIR2 ...'" }
if (!exists("fmt"))   fmt   = 'png'
if (!exists("out"))   out   = 'tail.'.fmt
if (!exists("emax"))  emax  = ''
if (!exists("title")) title = "Idle time added by uneven jobs: one rung of W jobs on W workers"
files = ''
do for [i = 1 : words(dirs)] {
    f = word(dirs, i).'/sweep_agg.csv'
    if (system(sprintf("test -r '%s' && echo y", f)) ne "y") {
        exit error sprintf("lab_tail.gp: cannot read %s", f)
    }
    files = files." '".f."'"
}
# W, extra idle (mean, lo, hi): the noise cell less the no-noise cell
data = sprintf("< awk -F, 'FNR == 1 { delete h; for (i = 1; i <= NF; i++) h[$i] = i; next } $h[\"noise\"] == \"none\" { z[FILENAME] = $h[\"idle_mean\"]; next } { r[FILENAME] = $h[\"workers\"] \" \" $h[\"idle_mean\"] \" \" $h[\"idle_lo\"] \" \" $h[\"idle_hi\"] } END { for (f in r) { split(r[f], v, \" \"); print v[1], v[2] - z[f], v[3] - z[f], v[4] - z[f] } }' %s | sort -g", files)
noise = system(sprintf("awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h[\"noise\"] != \"none\" { printf \"%%s\", $h[\"noise\"]; exit }' %s", files))
maxw = real(system(sprintf("awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } { if ($h[\"workers\"] + 0 > m) m = $h[\"workers\"] + 0 } END { print m + 0 }' %s", files)))

if (fmt eq 'svg') {
    set terminal svg size 900, 560 noenhanced font "Sans,12" background "white"
} else {
    set terminal pngcairo size 900, 560 noenhanced font "Sans,12" background "white"
}
set output out
set datafile separator whitespace
set title title font ",14"
set xlabel "workers W (= jobs in the rung)"
set ylabel "extra idle worker-seconds per rung (log scale)"
set logscale xy 2
set xrange [1.5 : maxw * 1.4]
set format y "%g"
set grid lc rgb "#e0e0e0"
set border 3
set tics nomirror out
set key top left box opaque font ",11"
PLOT = 'plot data using 1:2:3:4 with yerrorbars lw 1.5 pt 7 ps 1 lc rgb "#d9661f" title sprintf("measured: noise %s minus no noise (mean, 95%% interval)", noise)'
if (emax ne '') {
    PLOT = PLOT.', emax using ($1 >= 2 && $1 <= maxw ? $1 : NaN):3 with linespoints lw 1.5 dt 2 pt 6 lc rgb "#1f5fa8" title "W (E[max of W] - mu), from shsim check --emax", emax using ($1 >= 2 && $1 <= maxw ? $1 : NaN):($1 * 0.5) with lines lw 1 dt 3 lc rgb "#888888" title "for scale: half a second per worker (grows like W)"'
}
eval PLOT
unset output
