# sweep_common.gp -- what the standard sweep figures share (loaded by
# idle_vs_workers.gp, best_vs_time.gp, ttt_vs_workers.gp, ttt_heatmap.gp).
#
# Sets, from the caller's -e variables (defaults in brackets):
#   dir  the sweep folder holding sweep_agg.csv, sweep_curves.csv  ['sweep']
#   fmt  'png' (pngcairo) or 'svg'                                   ['png']
#   eta  the reduction factor the line figures show                   [2]
#   ttt  the time-to-target metric of ttt_vs_workers.gp, ttt_heatmap.gp:
#        'time_to_target_rmax' (the first time a trial trained to r_max had
#        error <= target: a configuration found) or 'time_to_target' (the
#        first result of any epoch <= target, paused trials included)
#                                                        ['time_to_target_rmax']
#   best the best-so-far of best_vs_time.gp: 'rmax' (the best trial trained
#        to r_max) or 'any' (the best result of any epoch)          ['rmax']
# and defines: agg, curves (file names); the four series S_* (scheduler,
# variant, title, colour, point type); sel(i) (this row is series i at
# eta); field(f, name) (a column of the first data row, via awk); wl, hz,
# nseeds, rmin, rmax, tgt (for subtitles); ok(x, m) (x, or m when x is
# NaN); dodge(w, i) (series i's x position at w workers); term(w, h) (the terminal command); maintitle(text), subtitle(text)
# (title lines; the subtitle is not enhanced, so a workload's '_' stays).

if (!exists("dir")) dir = 'sweep'
if (!exists("fmt")) fmt = 'png'
if (!exists("eta")) eta = 2
if (!exists("ttt")) ttt = 'time_to_target_rmax'
if (!exists("best")) best = 'rmax'
if (ttt ne 'time_to_target_rmax' && ttt ne 'time_to_target') {
    exit error sprintf("ttt='%s': choose 'time_to_target_rmax' or 'time_to_target'", ttt)
}
if (best ne 'rmax' && best ne 'any') {
    exit error sprintf("best='%s': choose 'rmax' or 'any'", best)
}
# what the time-to-target figures say they show
ttt_what(t) = (ttt eq 'time_to_target_rmax') ? \
    sprintf("Time to find a configuration with validation error ≤ %s", t) : \
    sprintf("Time until any epoch reaches validation error ≤ %s", t)
ttt_note = (ttt eq 'time_to_target_rmax') ? "a trial trained to r_max" : \
    "any epoch of any trial, paused ones included"

agg = dir.'/sweep_agg.csv'
curves = dir.'/sweep_curves.csv'
set datafile separator ','
set datafile columnheaders

if (system(sprintf("test -r '%s' && echo y", agg)) ne "y") {
    exit error sprintf("cannot read %s (run: shsim sweep --preset figures --out DIR)", agg)
}

# a column of the first data row, by header name
field(f, name) = system(sprintf("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } { print $h[\"%s\"]; exit }' '%s'", name, f))
wl = field(agg, "workload")
hz = field(agg, "horizon")
nseeds = field(agg, "runs")
rmin = field(agg, "r_min")
rmax = field(agg, "r_max")
tgt = field(agg, "target")

array S_sched[4] = ["sh", "sh", "asha", "asha"]
array S_var[4] = ["strict", "fill", "promotion", "stopping"]
array S_title[4] = ["synchronous SH, strict barrier (d2l)", "synchronous SH, fill (BOHB)", \
                    "ASHA, promotion type", "ASHA, stopping type"]
array S_col[4] = [0xD55E00, 0xE69F00, 0x0072B2, 0x009E73]   # Okabe-Ito
array S_pt[4] = [7, 4, 8, 11]      # filled circle, open square, open/filled triangles
array S_ps[4] = [1.2, 2.0, 1.5, 1.0] # nested sizes: series on top of each other stay visible

sel(i) = strcol("scheduler") eq S_sched[i] && strcol("variant") eq S_var[i] && column("eta") == eta
ok(x, m) = (x == x) ? x : m
# a worker count nudged sideways per series on a log2 axis, so that error
# bars at the same count do not hide each other
dodge(w, i) = w * 2 ** (0.06 * (i - 2.5))

term(w, h) = (fmt eq 'svg') ? \
    sprintf("set terminal svg size %d,%d dynamic enhanced font 'Sans,12' background 'white'", w, h) : \
    sprintf("set terminal pngcairo size %d,%d enhanced font 'Sans,12' background 'white'", w, h)

# the title (label 98) and under it a smaller subtitle (label 99, not
# enhanced); `set tmargin 5` leaves room for both
maintitle(text) = sprintf("set label 98 \"%s\" at screen 0.5, screen 0.965 center font ',14'", text)
subtitle(text) = sprintf("set label 99 \"%s\" at screen 0.5, screen 0.925 center font ',10' noenhanced", text)

# A legend of the four series drawn by hand at the bottom of the canvas, two
# by two (for multiplots, whose keys belong to one panel): legend(y) sets
# arrows and labels 90..97 with the second row at screen height y.
legend(y) = sprintf("do for [i = 1:4] { \
    lx = (i %% 2 == 1) ? 0.2 : 0.56; ly = (i <= 2) ? %g + 0.045 : %g; \
    set arrow 89 + i from screen lx, screen ly to screen lx + 0.035, screen ly nohead lw 3 lc rgb S_col[i] front; \
    set label 93 + i S_title[i] at screen lx + 0.045, screen ly left noenhanced front }", y, y)

set border 3 lc rgb "#444444"
set tics nomirror out
set grid lc rgb "#dddddd" lt 1
