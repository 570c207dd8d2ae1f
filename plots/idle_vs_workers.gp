# idle_vs_workers.gp -- the share of worker time spent idle vs the number of
# workers, for synchronous SH (strict, fill) and ASHA (promotion, stopping):
# mean over seeds with its 95% confidence interval, at one eta.
#
# Reads DIR/sweep_agg.csv (shsim sweep; the figures preset: make figures).
# Call:
#   gnuplot -e "dir='DIR'; out='FILE'; fmt='png'; eta=2" plots/idle_vs_workers.gp
#     dir  sweep folder ['sweep']; out  the file to write ['idle_vs_workers.'.fmt]
#     fmt  'png' or 'svg' ['png']; eta  reduction factor shown [2]
load (exists("plotdir") ? plotdir : system("dirname '".ARG0."'"))."/sweep_common.gp"
if (!exists("out")) out = 'idle_vs_workers.'.fmt

eval term(900, 620)
set output out
eval maintitle("Idle worker time vs number of workers")
eval subtitle(sprintf("%s, η = %d, rungs %s..%s epochs, horizon %s s; mean and 95%% CI over %s seeds", \
    wl, eta, rmin, rmax, hz, nseeds))
set tmargin 5
set logscale x 2
set xrange [0.8 : 320]
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 256)
set xlabel "workers" offset 0, 0.8
set ylabel "idle worker time (% of workers × run time)"
set yrange [-3 : 103]
set ytics 0, 20, 100
set key outside below center horizontal maxcols 2 Left reverse samplen 3 width 1 noenhanced

# say so when the three others never idle (their lines lie on top of each other)
others = 0
do for [i = 2:4] {
    stats agg using (sel(i) ? column("idle_fraction_mean") : NaN) nooutput
    others = (STATS_max > others) ? STATS_max : others
}
if (others < 0.005) {
    set label 1 "fill SH and both ASHA types: no idle time at any worker count" \
        at graph 0.98, graph 0.08 right tc rgb "#555555" font ",11"
}

plot for [i = 1:4] agg using (sel(i) ? dodge(column("workers"), i) : NaN):(100 * column("idle_fraction_mean")): \
        (100 * ok(column("idle_fraction_lo"), column("idle_fraction_mean"))): \
        (100 * ok(column("idle_fraction_hi"), column("idle_fraction_mean"))) \
     with yerrorlines lw 2 pt S_pt[i] ps S_ps[i] lc rgb S_col[i] title S_title[i]
unset output
