# lab_seeds.gp -- the course lab (docs/lab/), step 6: one metric of a sweep
# per scheduler, every run as a dot (one per seed) and the mean over the runs
# with its 95% confidence interval, so that a single run can be seen
# against the spread of all of them.
#
# Reads (columns found by name in the header):
#   DIR/sweep.csv      one row per run: cell, scheduler, variant, seed, METRIC
#   DIR/sweep_agg.csv  one row per cell: cell, scheduler, variant,
#                      METRIC_mean, METRIC_lo, METRIC_hi, METRIC_n, runs_ok
# Cells are taken in file order, one column each; a run without the metric
# (it never reached the target) is left out and counted in the label.
# Call:
#   gnuplot -e "dir='DIR'; out='OUT'" plots/lab_seeds.gp
#     dir      the sweep folder (default '.');  out  default DIR/seeds.FMT
#     metrics  one or two column names, blank-separated, drawn side by side
#              (default 'time_to_target')
#     fmt      png (default) or svg;  title  the plot title
#     ylabel   the y axis label (default "simulated seconds")

if (!exists("dir"))     dir     = '.'
if (!exists("fmt"))     fmt     = 'png'
if (!exists("out"))     out     = dir.'/seeds.'.fmt
if (!exists("metrics")) metrics = 'time_to_target'
if (!exists("title"))   title   = "One dot per run, mean and 95% interval per scheduler"
if (!exists("ylabel"))  ylabel  = "simulated seconds"
agg = dir.'/sweep_agg.csv'
runs = dir.'/sweep.csv'
do for [f in agg.' '.runs] {
    if (system(sprintf("test -r '%s' && echo y", f)) ne "y") {
        exit error sprintf("lab_seeds.gp: cannot read %s", f)
    }
}
hdr = "NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }"
cells = system(sprintf("awk -F, '%s { printf \"%%s \", $h[\"cell\"] }' '%s'", hdr, agg))
ncell = words(cells)
nm = words(metrics)
# the label of column i: scheduler (and variant), runs with the metric
name(i) = system(sprintf("awk -F, -v c='%s' '%s $h[\"cell\"] == c { s = $h[\"scheduler\"]; v = $h[\"variant\"]; printf \"%%s\", s == \"sh\" ? (v == \"strict\" ? \"strict SH\" : \"SH, fill\") : s == \"asha\" ? (v == \"promotion\" ? \"ASHA\" : \"ASHA, stopping\") : s == \"random\" ? \"random search\" : s }' '%s'", word(cells, i), hdr, agg))
# per-run values of metric m in column i, jittered by seed within +-0.12
dots(i, m, dx) = sprintf("< awk -F, -v c='%s' -v m='%s' -v x=%d -v dx=%g '%s $h[\"cell\"] == c && $h[m] != \"\" { k++; print x + dx + 0.12 * ((k * 0.618034) %% 1 * 2 - 1), $h[m] }' '%s'", word(cells, i), m, i, dx, hdr, runs)
mean(i, m, dx) = sprintf("< awk -F, -v c='%s' -v m='%s' -v x=%d -v dx=%g '%s $h[\"cell\"] == c && $h[m \"_mean\"] != \"\" { print x + dx, $h[m \"_mean\"], $h[m \"_lo\"], $h[m \"_hi\"] }' '%s'", word(cells, i), m, i, dx, hdr, agg)
off(j) = nm == 1 ? 0 : (j == 1 ? -0.2 : 0.2)

if (fmt eq 'svg') {
    set terminal svg size 900, 560 noenhanced font "Sans,12" background "white"
} else {
    set terminal pngcairo size 900, 560 noenhanced font "Sans,12" background "white"
}
set output out
set datafile separator whitespace
set title title font ",14"
set ylabel ylabel
set xrange [0.4 : ncell + 0.6]
set yrange [0 : *]
set xtics () nomirror
do for [i = 1 : ncell] { set xtics add (name(i) i) }
set grid ytics lc rgb "#e0e0e0"
set border 3
set tics nomirror out
set key top left box opaque font ",11"
array C[2] = ["#1f5fa8", "#d9661f"]
# legend names of the usual metrics; any other column is named as it is
lname(m) = m eq 'time_to_target' ? 'error <= target seen (any epoch)' : \
           (m eq 'time_to_target_rmax' ? 'a trial trained to r_max that good' : m)
plot for [j = 1 : nm] for [i = 1 : ncell] dots(i, word(metrics, j), off(j)) using 1:2 with points pt 7 ps 0.7 lc rgb C[j] \
         notitle, \
     for [j = 1 : nm] for [i = 1 : ncell] mean(i, word(metrics, j), off(j)) using 1:2:3:4 with yerrorbars lw 2.5 pt 5 ps 1.6 lc rgb "#222222" \
         title (i == 1 && j == 1 ? "mean over the runs and its 95% interval" : ""), \
     for [j = 1 : nm] NaN with points pt 7 ps 0.7 lc rgb C[j] title sprintf("%s: one dot per run", lname(word(metrics, j)))
unset output
