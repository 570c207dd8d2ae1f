# asha_paper.gp -- the simulated straggler experiment of the ASHA paper
# (Li et al., arXiv 1810.05934v3, Appendix A.1) drawn as the paper draws it:
# the metric against the straggler sigma, one line per drop probability p,
# one panel per scheduler (ASHA left, synchronous SHA right, the same y
# scale), with the 95% confidence interval of the mean over the seeds as
# error bars.
#   fig=8 (`shsim sweep --preset asha-paper`): Figure 8, the time until the
#          first configuration is trained to R (time_first_rmax; its mean is
#          over the runs that reached R within the budget);
#   fig=7 (`shsim sweep --preset asha-paper-fig7`): Figure 7, the
#          configurations trained to R within the budget (trials_rmax).
# Black diamonds: the values docs/asha-paper.md quotes from the paper's figure.
#
# Reads (CSV with a header; columns found by name, so their order may change):
#   DIR/sweep_agg.csv   scheduler, noise (halfnormal:SIGMA), drop (rate:P),
#                       METRIC_mean/_lo/_hi, eta, r_min, r_max, workers,
#                       horizon, runs
# Rows whose noise is not halfnormal:SIGMA or whose drop is not a per-time
# rate:P are left out.  A missing or empty file is an error (exit status 1,
# nothing written).
#
# Call:
#   gnuplot -e "dir='DIR'; fig=8; out='OUTFILE'; fmt='png'" plots/asha_paper.gp
#     dir    folder holding sweep_agg.csv                  (default '.')
#     fig    8 or 7                                         (default 8)
#     out    the file to write                   (default DIR/asha_paper_figFIG.FMT)
#     fmt    'png' (pngcairo) or 'svg'                      (default 'png')

if (!exists("dir")) dir = '.'
if (!exists("fig")) fig = 8
if (!exists("fmt")) fmt = 'png'
if (fig != 7 && fig != 8) { exit error "asha_paper.gp: fig must be 7 or 8" }
if (!exists("out")) out = sprintf("%s/asha_paper_fig%d.%s", dir, fig, fmt)
agg = dir.'/sweep_agg.csv'
if (system(sprintf("test -r '%s' && echo y", agg)) ne "y") {
    exit error sprintf("asha_paper.gp: cannot read %s", agg)
}
metric = (fig == 8) ? "time_first_rmax" : "trials_rmax"

# awk program: print sigma, then the named columns, for the rows of one
# scheduler (sh or asha) and one drop rate, sorted by sigma.
sel(s, d, cols) = sprintf("< awk -F, -v S='%s' -v D='%s' -v C='%s' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; n = split(C, c, \" \"); next } $h[\"scheduler\"] == S && $h[\"drop\"] == \"rate:\" D && $h[\"noise\"] ~ /^halfnormal:/ { split($h[\"noise\"], a, \":\"); line = a[2]; for (k = 1; k <= n; k++) line = line \" \" ($h[c[k]] == \"\" ? \"NaN\" : $h[c[k]]); print line }' '%s' | sort -g", s, d, cols, agg)

# the drop rates present, ascending, and the setting of the runs
rates = system(sprintf("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h[\"drop\"] ~ /^rate:/ { print substr($h[\"drop\"], 6) }' '%s' | sort -g | uniq | tr '\\n' ' '", agg))
setting = system(sprintf("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } NR == 2 { printf \"eta %%s, r %%s, R %%s, %%s workers (our choice), resume %%s, budget %%s, %%s seeds, on drop: %%s\", $h[\"eta\"], $h[\"r_min\"], $h[\"r_max\"], $h[\"workers\"], $h[\"resume\"], $h[\"horizon\"], $h[\"runs\"], $h[\"on_drop\"] }' '%s'", agg))
# the largest upper bound, so both panels share one y scale
ymax = real(system(sprintf("awk -F, -v C='%s_hi' -v M='%s_mean' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } { v = $h[C] != \"\" ? $h[C] : $h[M]; if (v + 0 > m) m = v + 0 } END { print m + 0 }' '%s'", metric, metric, agg)))
nr = words(rates)
if (nr == 0) { exit error sprintf("asha_paper.gp: no rows with a drop rate in %s", agg) }

if (fmt eq 'svg') {
    set terminal svg size 1200, 560 dynamic noenhanced font "Sans,12" background "white"
} else {
    set terminal pngcairo size 1200, 560 noenhanced font "Sans,12" background "white"
}
set output out
set datafile separator whitespace

# one colour per drop rate, light to dark as p grows
array C[6] = ["#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
col(i) = C[1 + int((i - 1) * 5.0 / (nr > 1 ? nr - 1 : 1) + 0.5)]
plab(d) = sprintf("p = %g", d + 0)
# each drop rate nudged sideways a little so that error bars stay apart
dx(i) = (i - (nr + 1) / 2.0) * 0.008

# The values docs/asha-paper.md quotes from the paper's figures (σ, value).
paper_pts(s) = (fig == 8) ? ((s eq "asha") ? "0 350\\n1.67 1031\\n" : "0 361\\n1.67 1874\\n") \
                         : ((s eq "asha") ? "0.10 15.9\\n" : "1.33 0\\n")
# the paper's points must fit too
if (fig == 8 && ymax < 1874) { ymax = 1874 }

ytitle = (fig == 8) ? "time until the first configuration is trained to R" \
                    : "configurations trained to R within the budget"
set multiplot layout 1, 2 title sprintf("Figure %d of Li et al. (arXiv 1810.05934v3, App. A.1), simulated by shsim\n", fig).setting font ",13"
set grid lc rgb "#e0e0e0"
set border 3
set tics nomirror out
set xlabel "σ of the straggler factor 1 + |z|, z ~ N(0, σ²)"
set xrange [-0.05 : 1.75]
set yrange [0 : ymax * 1.05]
set ylabel ytitle
# the key where the lines are not: top left for the rising times of
# Figure 8, top right for the falling counts of Figure 7
if (fig == 8) { set key top left } else { set key top right }
set key box opaque samplen 3 spacing 1.1 font ",10" maxcols 1

do for [s in "asha sh"] {
    set title ((s eq "asha") ? "ASHA (s = 0, promotion, top-k)" : "synchronous SHA (new bracket when idle: sh:fill)")
    plot for [i = 1 : nr] sel(s, word(rates, i), metric."_mean ".metric."_lo ".metric."_hi") \
             using ($1 + dx(i)):2:3:4 with yerrorbars lw 1 lc rgb col(i) ps 0 notitle, \
         for [i = 1 : nr] sel(s, word(rates, i), metric."_mean") \
             using ($1 + dx(i)):2 with linespoints lw 2 lc rgb col(i) pt 7 ps 0.7 title plab(word(rates, i)), \
         sprintf("< printf '%s'", paper_pts(s)) using 1:2 with points pt 13 ps 1.6 lc rgb "black" \
             title "read from the paper's figure"
    unset key
}
unset multiplot
unset output
