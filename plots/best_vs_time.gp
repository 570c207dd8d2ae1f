# best_vs_time.gp -- the best configuration found so far vs simulated time:
# the best validation error of a trial trained to r_max (best_rmax; with
# best='any', the best result of any epoch, paused trials included), for
# synchronous SH (strict, fill) and ASHA (promotion, stopping), at two
# worker counts side by side: mean over seeds and its 95% confidence band.
# A best_rmax curve starts once every seed has a trial at r_max (before
# that a mean over the seeds that have one would mix different runs).
#
# Reads DIR/sweep_curves.csv (the best-so-far of every run sampled at fixed
# times, aggregated per cell) and DIR/sweep_agg.csv (shsim sweep; the
# figures preset: make figures).
# Call:
#   gnuplot -e "dir='DIR'; out='FILE'; fmt='png'; eta=2; w1=4; w2=32" plots/best_vs_time.gp
#     dir  sweep folder ['sweep']; out  the file to write ['best_vs_time.'.fmt]
#     fmt  'png' or 'svg' ['png']; eta  reduction factor [2]
#     w1, w2  the worker counts of the two panels [4, 32]
#     best  'rmax' or 'any' ['rmax']
load (exists("plotdir") ? plotdir : system("dirname '".ARG0."'"))."/sweep_common.gp"
if (!exists("out")) out = 'best_vs_time.'.fmt
if (!exists("w1")) w1 = 4
if (!exists("w2")) w2 = 32

if (system(sprintf("test -r '%s' && echo y", curves)) ne "y") {
    exit error sprintf("cannot read %s", curves)
}
# the curve's columns: mean_rmax, lo_rmax, ... or mean, lo, ...; a row
# counts once every seed of the cell has a value (n_rmax == n)
sfx = (best eq 'rmax') ? '_rmax' : ''
cm(x) = column(x.sfx)
selw(i, w) = sel(i) && column("workers") == w && (best ne 'rmax' || column("n_rmax") == column("n"))

# y range: from just under the lowest lower bound to the highest mean after
# the first tenth of the horizon, so the early, steep part does not squash
# the differences that matter
stats curves using (column("time") >= 0.1 * hz && (selw(1, w1) || selw(2, w1) || selw(3, w1) || \
    selw(4, w1) || selw(1, w2) || selw(2, w2) || selw(3, w2) || selw(4, w2)) ? cm("mean") : NaN) nooutput
ytop = STATS_max
stats curves using ((selw(1, w1) || selw(2, w1) || selw(3, w1) || selw(4, w1) || selw(1, w2) || \
    selw(2, w2) || selw(3, w2) || selw(4, w2)) ? ok(cm("lo"), cm("mean")) : NaN) nooutput
ybot = STATS_min
pad = 0.04 * (ytop - ybot)

eval term(1200, 620)
set output out
eval maintitle(best eq 'rmax' ? "Best configuration found so far (trained to the last rung) vs simulated time" : \
    "Best validation error of any epoch so far vs simulated time")
eval subtitle(sprintf("%s, η = %d, rungs %s..%s epochs; mean and 95%% confidence band over %s seeds", \
    wl, eta, rmin, rmax, nseeds))
set tmargin 5
set xrange [0 : hz]
set yrange [ybot - pad : ytop + pad]
set xlabel "simulated time (s)"
set ylabel (best eq 'rmax' ? "best error at r_max" : "best error of any epoch so far") noenhanced
set key off

eval legend(0.05)
set multiplot layout 1, 2 margins 0.09, 0.98, 0.24, 0.83 spacing 0.07, 0
do for [p = 1:2] {
    W = (p == 1) ? w1 : w2
    set title sprintf("%d workers", W) font ",12"
    if (p == 2) { unset ylabel; unset arrow; unset label }
    plot for [i = 1:4] curves using (selw(i, W) ? column("time") : NaN): \
            (ok(cm("lo"), cm("mean"))):(ok(cm("hi"), cm("mean"))) \
            with filledcurves fs transparent solid 0.18 noborder lc rgb S_col[i] notitle, \
         for [i = 1:4] curves using (selw(i, W) ? column("time") : NaN):(cm("mean")) \
            with lines lw 2.2 lc rgb S_col[i] notitle
}
unset multiplot
unset output
