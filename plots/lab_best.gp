# lab_best.gp -- the course lab (docs/lab/): the best configuration found
# so far (its validation error) against simulated time for several
# `shsim run` folders, one step line each, labelled with the run's
# scheduler.
#
# Reads (CSV with a header):
#   D/best.csv     time, trial, epoch, metric, best, best_rmax
#   D/summary.csv  scheduler, variant, ... (for the label; columns by name)
# Call:
#   gnuplot -e "dirs='D1 D2 ...'; out='OUT.png'; title='TITLE'" plots/lab_best.gp
#     dirs   the run folders, separated by blanks (required)
#     out    default best.FMT;  fmt  png (default) or svg
#     title  default: says which best it shows
#     target optional: a horizontal line at this error
#     xmax   optional: the right end of the time axis (default: the last run's end)
#     best   'rmax' (default): the best_rmax column, the best trial trained to
#            r_max (a configuration found; a curve starts at the first one);
#            'any': the best column, the best result of any epoch (a trial
#            paused at a low rung counts)
#     ymax   optional: the top of the error axis (default 0.5; the first results
#            of an untrained net, near 0.9, would squash the interesting part)
# Each curve runs to the end of its run (summary.csv's end_time).

if (!exists("dirs"))  { exit error "lab_best.gp: give dirs='DIR1 DIR2 ...'" }
if (!exists("fmt"))   fmt = 'png'
if (!exists("out"))   out = 'best.'.fmt
if (!exists("best"))  best = 'rmax'
if (best ne 'rmax' && best ne 'any') { exit error sprintf("lab_best.gp: best='%s': choose rmax or any", best) }
if (!exists("title")) title = (best eq 'rmax') ? "Best configuration found so far (trained to r_max)" : \
                                                 "Best validation error of any epoch so far"
n = words(dirs)
do for [i = 1 : n] {
    if (system(sprintf("test -r '%s/best.csv' && echo y", word(dirs, i))) ne "y") {
        exit error sprintf("lab_best.gp: cannot read %s/best.csv", word(dirs, i))
    }
}
label(d) = system(sprintf("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } NR == 2 { s = $h[\"scheduler\"]; v = $h[\"variant\"]; printf \"%%s\", s == \"sh\" ? (v == \"strict\" ? \"strict SH\" : \"SH, fill\") : s == \"asha\" ? (v == \"promotion\" ? \"ASHA\" : \"ASHA, stopping\") : s == \"random\" ? \"random search\" : s; printf \", %%s workers\", $h[\"workers\"] }' '%s/summary.csv' 2>/dev/null", d))

if (fmt eq 'svg') {
    set terminal svg size 900, 560 noenhanced font "Sans,12" background "white"
} else {
    set terminal pngcairo size 900, 560 noenhanced font "Sans,12" background "white"
}
set output out
set datafile separator whitespace
# time and best of every best.csv row, then (end_time, last best)
col = (best eq 'rmax') ? 'best_rmax' : 'best'
curve(d) = sprintf("< awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) h[FILENAME, $i] = i; next } FILENAME ~ /summary.csv$/ { end = $h[FILENAME, \"end_time\"]; next } { v = $h[FILENAME, \"%s\"]; if (v != \"\") { print $1, v; b = v } } END { if (b != \"\") print end, b }' '%s/summary.csv' '%s/best.csv'", col, d, d)
set title title font ",14"
set xlabel "simulated time (s)"
set ylabel (best eq 'rmax' ? "best error of a trial at r_max" : "best error of any epoch so far")
set grid lc rgb "#e0e0e0"
set border 3
set tics nomirror out
set key top right box opaque font ",11"
if (!exists("ymax")) ymax = 0.5
set yrange [* : ymax]
if (exists("xmax")) { set xrange [0 : xmax] } else { set xrange [0 : *] }
array C[6] = ["#d9661f", "#1f5fa8", "#2e8b57", "#8b3a9e", "#b8860b", "#555555"]
if (exists("target")) {
    set arrow from graph 0, first target to graph 1, first target nohead dt 2 lc rgb "#888888"
    set label sprintf("target %g", target) at graph 0.01, first target offset 0, 0.6 tc rgb "#666666" font ",10"
}
plot for [i = 1 : n] curve(word(dirs, i)) using 1:2 with steps lw 2 lc rgb C[(i - 1) % 6 + 1] \
     title label(word(dirs, i))
unset output
