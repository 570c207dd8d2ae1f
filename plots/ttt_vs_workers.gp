# ttt_vs_workers.gp -- simulated time until the best validation error first
# reaches the target (shsim's --target) vs the number of workers, for
# synchronous SH (strict, fill) and ASHA (promotion, stopping): mean over
# the seeds that reached it, with its 95% confidence interval, at one eta.
#
# Reads DIR/sweep_agg.csv (shsim sweep; the figures preset: make figures).
# Call:
#   gnuplot -e "dir='DIR'; out='FILE'; fmt='png'; eta=2" plots/ttt_vs_workers.gp
#     dir  sweep folder ['sweep']; out  the file to write ['ttt_vs_workers.'.fmt]
#     fmt  'png' or 'svg' ['png']; eta  reduction factor shown [2]
load (exists("plotdir") ? plotdir : system("dirname '".ARG0."'"))."/sweep_common.gp"
if (!exists("out")) out = 'ttt_vs_workers.'.fmt

# runs that never reached the target (they are left out of the mean)
missed = 0
do for [i = 1:4] {
    stats agg using (sel(i) ? column("runs") - column("time_to_target_n") : NaN) nooutput
    missed = missed + STATS_sum
}

eval term(900, 620)
set output out
eval maintitle(sprintf("Time to reach validation error %s vs number of workers", tgt))
eval subtitle(sprintf("%s, η = %d, rungs %s..%s epochs, horizon %s s; mean and 95%% CI over %s seeds%s", \
    wl, eta, rmin, rmax, hz, nseeds, missed > 0 ? sprintf(" (%d runs never reached it: left out)", missed) : ""))
set tmargin 5
set logscale x 2
set xrange [0.8 : 320]
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 256)
set xlabel "workers" offset 0, 0.8
set logscale y 10
set ylabel "simulated time to target (s)"
set key outside below center horizontal maxcols 2 Left reverse samplen 3 width 1 noenhanced

plot for [i = 1:4] agg using (sel(i) ? dodge(column("workers"), i) : NaN):(column("time_to_target_mean")): \
        (ok(column("time_to_target_lo"), column("time_to_target_mean"))): \
        (ok(column("time_to_target_hi"), column("time_to_target_mean"))) \
     with yerrorlines lw 2 pt S_pt[i] ps S_ps[i] lc rgb S_col[i] title S_title[i]
unset output
