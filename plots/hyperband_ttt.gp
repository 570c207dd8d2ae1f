# hyperband_ttt.gp -- time to find a configuration with validation error <=
# the target (time_to_target_rmax: the first trial trained to r_max that has
# it) vs the number of workers, for synchronous SH and synchronous Hyperband
# (strict barrier) and ASHA and asynchronous Hyperband (promotion type, topk):
# mean over the seeds that found one, with its 95% confidence interval.
#
# Reads DIR/sweep_agg.csv of `shsim sweep --preset hyperband` (make
# figures-hyperband).
# Call:
#   gnuplot -e "dir='DIR'; out='FILE'; fmt='png'" plots/hyperband_ttt.gp
#     dir  sweep folder ['sweep']; out  the file to write ['hyperband_ttt.'.fmt]
#     fmt  'png' or 'svg' ['png']; eta  reduction factor shown [3]
if (!exists("eta")) eta = 3
load (exists("plotdir") ? plotdir : system("dirname '".ARG0."'"))."/sweep_common.gp"
if (!exists("out")) out = 'hyperband_ttt.'.fmt

# the four series of this figure (sweep_common.gp's arrays, redefined)
array S_sched[4] = ["sh", "hyperband", "asha", "async-hyperband"]
array S_var[4] = ["strict", "strict", "promotion", "promotion"]
array S_title[4] = ["synchronous SH, strict", "synchronous Hyperband, strict", \
                    "ASHA, promotion type", "asynchronous Hyperband, promotion type"]

missed = 0
do for [i = 1:4] {
    stats agg using (sel(i) ? column("runs") - column(ttt."_n") : NaN) nooutput
    missed = missed + STATS_sum
}

eval term(900, 620)
set output out
eval maintitle(ttt_what(tgt)." vs number of workers")
eval subtitle(sprintf("%s, η = %d, rungs %s..%s epochs, horizon %s s; mean and 95%% CI over %s seeds%s", \
    wl, eta, rmin, rmax, hz, nseeds, missed > 0 ? sprintf(" (%d runs missed it: left out)", missed) : ""))
set tmargin 5
set logscale x 2
set xrange [0.8 : 320]
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 256)
set xlabel "workers" offset 0, 0.8
set logscale y 10
set ylabel "simulated time to find it (s)"
set key outside below center horizontal maxcols 2 Left reverse samplen 3 width 1 noenhanced

plot for [i = 1:4] agg using (sel(i) ? dodge(column("workers"), i) : NaN):(column(ttt."_mean")): \
        (ok(column(ttt."_lo"), column(ttt."_mean"))): \
        (ok(column(ttt."_hi"), column(ttt."_mean"))) \
     with yerrorlines lw 2 pt S_pt[i] ps S_ps[i] lc rgb S_col[i] title S_title[i]
unset output
