# ttt_vs_workers.gp -- simulated time until a configuration with validation
# error <= the target (shsim's --target) is found -- the first time a trial
# trained to r_max has it (time_to_target_rmax) -- vs the number of workers,
# for synchronous SH (strict, fill) and ASHA (promotion, stopping): mean over
# the seeds that found one, with its 95% confidence interval, at one eta.
# With ttt='time_to_target' it shows instead the first time any epoch of any
# trial reached the target (a trial paused at a low rung counts).
#
# Reads DIR/sweep_agg.csv (shsim sweep; the figures preset: make figures).
# Call:
#   gnuplot -e "dir='DIR'; out='FILE'; fmt='png'; eta=2" plots/ttt_vs_workers.gp
#     dir  sweep folder ['sweep']; out  the file to write ['ttt_vs_workers.'.fmt]
#     fmt  'png' or 'svg' ['png']; eta  reduction factor shown [2]
#     ttt  'time_to_target_rmax' or 'time_to_target' ['time_to_target_rmax']
load (exists("plotdir") ? plotdir : system("dirname '".ARG0."'"))."/sweep_common.gp"
if (!exists("out")) out = 'ttt_vs_workers.'.fmt

# runs that never reached the target (they are left out of the mean)
missed = 0
do for [i = 1:4] {
    stats agg using (sel(i) ? column("runs") - column(ttt."_n") : NaN) nooutput
    missed = missed + STATS_sum
}

eval term(900, 620)
set output out
eval maintitle(ttt_what(tgt)." vs number of workers")
eval subtitle(sprintf("%s (%s), η = %d, rungs %s..%s epochs, horizon %s s; mean and 95%% CI over %s seeds%s", \
    wl, ttt_note, eta, rmin, rmax, hz, nseeds, missed > 0 ? sprintf(" (%d runs never reached it: left out)", missed) : ""))
set tmargin 5
set logscale x 2
set xrange [0.8 : 320]
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 256)
set xlabel "workers" offset 0, 0.8
set logscale y 10
set ylabel (ttt eq "time_to_target_rmax" ? "simulated time to find it (s)" : "simulated time to target (s)")
set key outside below center horizontal maxcols 2 Left reverse samplen 3 width 1 noenhanced

plot for [i = 1:4] agg using (sel(i) ? dodge(column("workers"), i) : NaN):(column(ttt."_mean")): \
        (ok(column(ttt."_lo"), column(ttt."_mean"))): \
        (ok(column(ttt."_hi"), column(ttt."_mean"))) \
     with yerrorlines lw 2 pt S_pt[i] ps S_ps[i] lc rgb S_col[i] title S_title[i]
unset output
