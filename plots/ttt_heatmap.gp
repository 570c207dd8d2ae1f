# ttt_heatmap.gp -- simulated time until a configuration with validation
# error <= the target is found (a trial trained to r_max has it:
# time_to_target_rmax; ttt='time_to_target': any epoch of any trial), over
# workers x eta, one panel per scheduler (synchronous SH strict and fill,
# ASHA promotion and stopping), on one logarithmic colour scale; each cell is
# the mean over the seeds that found one, printed inside it ("-" when none
# did).
#
# Reads DIR/sweep_agg.csv (shsim sweep; the figures preset: make figures).
# Call:
#   gnuplot -e "dir='DIR'; out='FILE'; fmt='png'" plots/ttt_heatmap.gp
#     dir  sweep folder ['sweep']; out  the file to write ['ttt_heatmap.'.fmt]
#     fmt  'png' or 'svg' ['png']
#     ttt  'time_to_target_rmax' or 'time_to_target' ['time_to_target_rmax']
load (exists("plotdir") ? plotdir : system("dirname '".ARG0."'"))."/sweep_common.gp"
if (!exists("out")) out = 'ttt_heatmap.'.fmt

is(i) = strcol("scheduler") eq S_sched[i] && strcol("variant") eq S_var[i]
lw2(w) = log(w) / log(2)
stats agg using (column(ttt."_mean")) nooutput
cmin = STATS_min
cmax = STATS_max
stats agg using (lw2(column("workers"))) nooutput
xmax = STATS_max
stats agg using (column("eta")) nooutput
emin = STATS_min
emax = STATS_max
label(v) = (v != v) ? "–" : (v < 10 ? sprintf("%.1f", v) : sprintf("%.0f", v))

eval term(1200, 820)
set output out
eval maintitle(ttt_what(tgt)." over workers and η (s)")
eval subtitle(sprintf("%s (%s), rungs %s..%s epochs, horizon %s s; mean over %s seeds; grey: never reached", \
    wl, ttt_note, rmin, rmax, hz, nseeds))
set logscale cb
set cbrange [cmin : cmax]
set palette defined (0 "#fde725", 0.25 "#5ec962", 0.5 "#21918c", 0.75 "#3b528b", 1 "#440154")
set cblabel (ttt eq "time_to_target_rmax" ? "simulated time to find it (s)" : "simulated time to target (s)") offset 2, 0
set format cb "%g"
set cbtics (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)
set xrange [-0.5 : xmax + 0.5]
set yrange [emin - 0.5 : emax + 0.5]
set xtics 1 out nomirror
set for [k = 0:int(xmax)] xtics add (sprintf("%d", 2**k) k)
set ytics 1 out nomirror
set xlabel "workers"
set ylabel "η"
set border 15 lc rgb "#444444"
unset grid
set style fill solid 1.0 noborder

set multiplot layout 2, 2 margins 0.07, 0.85, 0.08, 0.85 spacing 0.08, 0.15
do for [i = 1:4] {
    set title S_title[i] font ",12" noenhanced
    if (i < 4) { unset colorbox } else { set colorbox user origin 0.875, 0.08 size 0.025, 0.77 }
    plot agg using (is(i) ? lw2(column("workers")) : NaN):(column("eta")):(0.5):(0.5) \
            with boxxyerror fc rgb "#d0d0d0" notitle, \
         agg using (is(i) && column(ttt."_mean") == column(ttt."_mean") ? \
                    lw2(column("workers")) : NaN):(column("eta")):(0.5):(0.5):(column(ttt."_mean")) \
            with boxxyerror fc palette notitle, \
         agg using (is(i) ? lw2(column("workers")) : NaN):(column("eta")): \
                   (label(column(ttt."_mean"))): \
                   (column(ttt."_mean") > sqrt(cmin * cmax) ? 0xffffff : 0x000000) \
            with labels tc rgb variable font ",10" notitle
}
unset multiplot
unset output
