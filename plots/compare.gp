# compare.gp -- the figure of `shsim compare`: the schedules of several
# schedulers on the same trials, one Gantt panel each on one shared time axis,
# and below them the best-so-far error of each against the same time axis.
#
# Reads (CSV, one header line, times in seconds), for each scheduler folder F:
#   DIR/F/jobs.csv  job,worker,trial,rung,epoch_from,epoch_to,start,end,outcome,bracket
#   DIR/F/idle.csv  worker,start,end
#   DIR/F/best.csv  time,trial,epoch,metric,best,best_rmax (best_rmax empty
#                   until a trial reached r_max)
#   DIR/CURVES      (with --seeds) sweep_curves.csv: cell,..,time,n,mean,sd,lo,hi;
#                   cell i-1 is scheduler i
#
# Call (shsim compare does):
#   gnuplot -e "dir='DIR'; names='F1 F2 ..'; labels='L1 L2 ..'; note1='..'; ..
#               ttt='..'; frm='..'; target=M; curves='sweep/sweep_curves.csv';
#               title='..'; fmt='png'; out='FILE'" plots/compare.gp
#     names   the scheduler folders, blank separated (at most 8)
#     labels  their names in the figure, blank separated, in the same order
#     noteI   the line of numbers above panel I (default none)
#     ttt     for each shown run, when a trial trained to r_max first had
#             error <= target (time_to_target_rmax; "nan": never, or no
#             target), blank separated
#     frm     for each shown run, when its first trial reached r_max ("nan": never)
#     target  the target error, NaN for none
#     curves  '' for one seed: the curves are best.csv's steps; else the mean
#             best-so-far over the seeds with its 95% band, and the Gantt
#             charts are the first seed's
#     fmt     'png' (pngcairo) or 'svg'
#
# Drawing: a panel per scheduler, its name in its colour and a line of its
# numbers above its lanes (the name on a line of its own: long names such as
# async-hyperband:promotion:rank:brackets=3 must not run into the worker
# labels, as they did in the left margin); bars coloured by rung as in gantt.gp (cut
# jobs pale and dashed, dropped jobs pale and dotted), idle time pale red;
# a vertical line in the scheduler's colour where its first trial reached
# r_max, a dashed one where a trial trained to r_max first reached the
# target (a configuration found).  The curves panel uses the schedulers'
# colours: solid the best error of any trial, dashed the best among trials
# trained to r_max, a dot where that one reaches the target.

if (!exists("dir"))    dir    = '.'
if (!exists("fmt"))    fmt    = 'png'
if (!exists("out"))    out    = 'compare.'.fmt
if (!exists("title"))  title  = ''
if (!exists("target")) target = NaN
if (!exists("curves")) curves = ''
if (!exists("labels")) labels = names
if (!exists("ttt"))    ttt = ''
if (!exists("frm"))    frm = ''

set datafile separator ','
N = words(names)
if (N < 1 || N > 8) { exit error "compare.gp: names must list 1 to 8 folders" }
F(i) = dir.'/'.word(names, i)
num(s) = (s eq '' || s eq 'nan') ? NaN : real(s)
# word i of a list, NaN when missing
wnum(l, i) = (i <= words(l)) ? num(word(l, i)) : NaN
rows(f) = int(system(sprintf("awk 'NR > 1 && NF > 0 { n++ } END { print n + 0 }' '%s' 2>/dev/null || echo 0", f)))
awkmax(f, c) = real(system(sprintf("awk -F, 'NR > 1 && $%d != \"\" && $%d + 0 > m { m = $%d + 0 } END { print m + 0 }' '%s' 2>/dev/null || echo 0", c, c, c, f)))
awkmin(f, c) = real(system(sprintf("awk -F, 'NR > 1 && $%d != \"\" && (m == \"\" || $%d + 0 < m) { m = $%d + 0 } END { print m + 0 }' '%s' 2>/dev/null || echo 0", c, c, c, f)))
max(a, b) = (a > b) ? a : b
min(a, b) = (a < b) ? a : b

# ---- extent: workers, rungs, time, error -----------------------------------
W = 1; maxr = 0; xmax = 0; ncut = 0; ndrop = 0
ylo = 1e300; yhi = -1e300
do for [i = 1 : N] {
    if (system(sprintf("test -r '%s/jobs.csv' && echo y", F(i))) ne "y") {
        exit error sprintf("compare.gp: cannot read %s/jobs.csv", F(i))
    }
    W = max(W, int(awkmax(F(i).'/jobs.csv', 2)) + 1)
    maxr = max(maxr, int(awkmax(F(i).'/jobs.csv', 4)))
    xmax = max(xmax, awkmax(F(i).'/jobs.csv', 8))
    ncut = ncut + int(system(sprintf("awk -F, 'NR > 1 && $9 == \"cut\" { n++ } END { print n + 0 }' '%s/jobs.csv'", F(i))))
    ndrop = ndrop + int(system(sprintf("awk -F, 'NR > 1 && $9 == \"dropped\" { n++ } END { print n + 0 }' '%s/jobs.csv'", F(i))))
    if (rows(F(i).'/best.csv') > 0) {
        if (curves eq '') { ylo = min(ylo, awkmin(F(i).'/best.csv', 5)) }
        # the top of the error axis: the best after the first tenth of the
        # time, so that the first, poor results do not flatten the curves
        yhi = max(yhi, real(system(sprintf("awk -F, -v t=%.17g 'NR > 1 { b = $5 } NR > 1 && $1 <= t { v = $5 } END { print (v == \"\" ? b : v) + 0 }' '%s/best.csv'", xmax / 10.0, F(i)))))
    }
}
cpath = (curves ne '') ? dir.'/'.curves : ''
# the mean curve of cell c: time,mean,lo,hi (columns found by name)
curve(c) = sprintf("< awk -F, -v c=%d 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $1 == c { print $h[\"time\"] \",\" $h[\"mean\"] \",\" $h[\"lo\"] \",\" $h[\"hi\"] }' '%s'", c, cpath)
if (cpath ne '') {
    xmax = max(xmax, real(system(sprintf("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h[\"time\"] + 0 > m { m = $h[\"time\"] + 0 } END { print m + 0 }' '%s'", cpath))))
    ylo = min(ylo, real(system(sprintf("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h[\"lo\"] != \"\" && (m == \"\" || $h[\"lo\"] + 0 < m) { m = $h[\"lo\"] + 0 } END { print m + 0 }' '%s'", cpath))))
}
if (!(target != target)) { ylo = min(ylo, target); yhi = max(yhi, target) }
if (ylo > yhi) { ylo = 0; yhi = 1 }
if (yhi <= ylo) { yhi = ylo + 0.1 }
ypad = 0.06 * (yhi - ylo)
if (xmax <= 0) { xmax = 1 }

# ---- the legend's entries (drawn last, under the x label) -----------------
array LT[13]; array LK[13]
nleg = 0
do for [r = 0 : min(maxr, 7)] { nleg = nleg + 1; LT[nleg] = sprintf("rung %d", r); LK[nleg] = r }
nleg = nleg + 1; LT[nleg] = "idle"; LK[nleg] = 8
if (ncut > 0)  { nleg = nleg + 1; LT[nleg] = "cut by horizon"; LK[nleg] = 9 }
if (ndrop > 0) { nleg = nleg + 1; LT[nleg] = "dropped"; LK[nleg] = 10 }
nleg = nleg + 1; LT[nleg] = "first trial at r_max"; LK[nleg] = 11
if (!(target != target)) { nleg = nleg + 1; LT[nleg] = "target reached at r_max"; LK[nleg] = 12 }
# ---- canvas ---------------------------------------------------------------
lane = (W <= 4) ? 28 : ((W <= 8) ? 20 : ((W <= 16) ? 11 : max(3, int(200 / W))))
headpx = 42                      # a panel's name and its line of numbers
gh = headpx + W * lane + 6       # a Gantt panel
cvh = 300                        # the curves panel
toppx = (title ne '') ? 44 : 14
cw = 1100
lmpx = 80; rmpx = 30             # the left margin: worker labels, the error axis
plotpx = cw - lmpx - rmpx
ew(k) = 26 + 6 + 7 * strlen(LT[k]) + 20    # px an entry takes (text about 7 px a character)
array LR[13]; array LX[13]; array RW[13]   # entry row, its x in the row; row widths
legrows = 1; xx = 0
do for [k = 1 : nleg] {
    if (xx > 0 && xx + ew(k) > plotpx) { legrows = legrows + 1; xx = 0 }
    LR[k] = legrows; LX[k] = xx; xx = xx + ew(k); RW[legrows] = xx - 20
}
botpx = 66 + 22 * legrows        # x tics, x label, legend rows
H = toppx + N * gh + 16 + cvh + botpx
if (fmt eq 'svg') {
    set terminal svg size cw, H dynamic noenhanced font "Sans,11" background "white"
} else {
    set terminal pngcairo size cw, H noenhanced font "Sans,11" background "white"
}
set output out
sx(px) = px / (cw * 1.0)
sy(px) = px / (H * 1.0)

array RC[8] = [0x8DB8E2, 0xF5B36B, 0x8FCB84, 0xC3A6DA, 0xF0D46A, 0xE79AC0, 0x9ED8D4, 0xC8B39B]
rung_rgb(r) = RC[int(r) % 8 + 1]
# a job's colour, only while plotting jobs.csv (it reads column 10): its rung
# within its bracket, rung - bracket (files without the column: the rung)
rc(r) = rung_rgb(r - (valid(10) ? column(10) : 0))
array SC[8] = [0x1F5FA8, 0x0E9384, 0xD9541E, 0x7B3294, 0x555555, 0xC51B7D, 0x8C6D31, 0x2B8CBE]
hh = 0.38; ih = 0.30
isnorm(s) = (s ne "cut" && s ne "dropped")
only(c, x) = c ? x : NaN
fs = (W <= 4) ? 10 : 9
charx = 0.62 * fs * (96.0 / 72.0) * xmax / plotpx
lab(t, w) = (W <= 8 && w >= (strlen(sprintf("T%d", t)) + 1.5) * charx) ? sprintf("T%d", t) : ""

set multiplot
set lmargin at screen sx(lmpx)
set rmargin at screen 1 - sx(rmpx)
if (title ne '') {
    set label 1 title at screen 0.5, screen 1 - sy(24) center font ",14"
}
set xrange [0 : xmax]
set grid xtics lc rgb "#e4e4e4" lw 1 lt 1 back
set border 3 back lc rgb "#777777"
set xtics out nomirror
set mxtics
unset key

# ---- one Gantt panel per scheduler -------------------------------------------
do for [i = 1 : N] {
    top = H - toppx - (i - 1) * gh
    set tmargin at screen sy(top - headpx)
    set bmargin at screen sy(top - gh + 6)
    set format x ""
    set yrange [W - 0.5 : -0.5]
    unset ylabel
    set ytics nomirror scale 0 ()
    if (W <= 8) {
        do for [k = 0 : W - 1] { set ytics add (sprintf("W%d", k) k) }
    } else {
        do for [k = 0 : W - 1 : (W + 3) / 4] { set ytics add (sprintf("W%d", k) k) }
    }
    # the scheduler's name in its colour, and its numbers under it, above the lanes
    set label 2 word(labels, i) at screen sx(lmpx), screen sy(top - 11) left font ",12" tc rgb SC[i]
    note = exists(sprintf("note%d", i)) ? value(sprintf("note%d", i)) : ''
    f = wnum(frm, i)
    g = wnum(ttt, i)
    set label 3 note at screen sx(lmpx), screen sy(top - 30) left font (strlen(note) > 125 ? ",9" : ",10") tc rgb "#333333"
    # the moments that matter, as vertical lines across the lanes
    unset arrow
    if (f == f) {
        set arrow 1 from f, graph 0 to f, graph 1 nohead lc rgb SC[i] lw 2.5 front
    }
    if (g == g) {
        set arrow 2 from g, graph 0 to g, graph 1 nohead lc rgb "#222222" lw 1.5 dt (6, 4) front
    }
    J = F(i).'/jobs.csv'; I = F(i).'/idle.csv'
    PI = (rows(I) > 0) ? sprintf("'%s' skip 1 using 2:1:2:3:($1-ih):($1+ih) with boxxyerror fs solid 1.0 noborder fc rgb '#f7d4d4', ", I) : ''
    eval 'plot '.PI.'J skip 1 using (only(isnorm(strcol(9)), $7)):2:7:8:($2-hh):($2+hh):(rc($4)) with boxxyerror fs solid 1.0 border lc rgb "#4a4a4a" lc rgb variable lw 0.8, '. \
      'J skip 1 using (only(strcol(9) eq "cut", $7)):2:7:8:($2-hh):($2+hh):(rc($4)) with boxxyerror fs transparent solid 0.35 border lc rgb "#3a3a3a" lc rgb variable lw 1.2 dt (8,4), '. \
      'J skip 1 using (only(strcol(9) eq "dropped", $7)):2:7:8:($2-hh):($2+hh):(rc($4)) with boxxyerror fs transparent solid 0.35 border lc rgb "#3a3a3a" lc rgb variable lw 1.2 dt 3, '. \
      'J skip 1 using (($7+$8)/2):2:(lab($3, $8-$7)) with labels tc rgb "#1a1a1a" font sprintf(",%d", fs)'
    unset label 2
    unset label 3
    unset label 1
    unset grid
    set grid xtics lc rgb "#e4e4e4" lw 1 lt 1 back
}
unset arrow

# ---- the best-so-far curves ------------------------------------------------
set tmargin at screen sy(botpx + cvh)
set bmargin at screen sy(botpx)
set format x "% h"
set xlabel "simulated time (s)" offset 0, 0.3
set yrange [ylo - ypad : yhi + ypad]
set ytics auto nomirror
set ytics scale 1
set format y "%.3g"
set ylabel (cpath ne '' ? "best error so far (mean, 95% band)" : "best error so far") offset 1, 0
set grid xtics ytics lc rgb "#e4e4e4" lw 1 lt 1 back
set key top right opaque box lc rgb "#cccccc" samplen 3 spacing 1.2 font ",10"
if (!(target != target)) {
    set arrow 3 from graph 0, first target to graph 1, first target nohead lc rgb "#888888" lw 1 dt (2, 3) back
    set label 4 sprintf("target %g", target) at graph 0.005, first target offset 0, 0.6 left font ",9" tc rgb "#666666"
}
# one seed: best.csv's steps carried on to the end of the run
steps(i, c) = sprintf("< awk -F, 'NR > 1 && $%d != \"\" { print $1 \",\" $%d; b = $%d } END { if (b != \"\") print %.17g \",\" b }' '%s/best.csv'", c, c, c, awkmax(F(i).'/jobs.csv', 8), F(i))
# (a clause with no data would make gnuplot warn: each is added only with data)
has(f, c) = int(system(sprintf("awk -F, 'NR > 1 && $%d != \"\" { n++ } END { print n + 0 }' '%s'", c, f)))
# the mean best among trials at r_max (sweep_curves.csv's mean_rmax), from the
# time every run has one (before, a mean over the few early runs would mislead)
curvr(c) = sprintf("< awk -F, -v c=%d 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $1 == c && h[\"mean_rmax\"] && $h[\"mean_rmax\"] != \"\" && $h[\"n_rmax\"] == $h[\"n\"] { print $h[\"time\"] \",\" $h[\"mean_rmax\"] }' '%s'", c, cpath)
hasr(c) = int(system(sprintf("awk -F, -v c=%d 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $1 == c && h[\"mean_rmax\"] && $h[\"mean_rmax\"] != \"\" && $h[\"n_rmax\"] == $h[\"n\"] { n++ } END { print n + 0 }' '%s'", c, cpath)))
hasband(c) = int(system(sprintf("awk -F, -v c=%d 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $1 == c && $h[\"lo\"] != \"\" { n++ } END { print n + 0 }' '%s'", c, cpath)))
PL = 'plot '
if (cpath eq '') {
    do for [i = 1 : N] {
        PL = PL . sprintf("steps(%d, 5) using 1:2 with steps lc rgb SC[%d] lw 2.5 title word(labels, %d), ", i, i, i)
        if (has(F(i).'/best.csv', 6) > 0) {
            PL = PL . sprintf("steps(%d, 6) using 1:2 with steps lc rgb SC[%d] lw 1.3 dt (6, 3) notitle, ", i, i)
        }
        if (wnum(ttt, i) == wnum(ttt, i)) {
            PL = PL . sprintf("'+' using (wnum(ttt, %d)):(target) every ::0::0 with points pt 7 ps 1.3 lc rgb SC[%d] notitle, ", i, i)
        }
    }
    PL = PL . 'NaN with lines lc rgb "#555555" lw 1.3 dt (6, 3) title "best among trials at r_max"'
} else {
    do for [i = 1 : N] {
        if (hasband(i - 1) > 0) {
            PL = PL . sprintf("curve(%d) using 1:3:4 with filledcurves fs transparent solid 0.18 noborder lc rgb SC[%d] notitle, ", i - 1, i)
        }
        PL = PL . sprintf("curve(%d) using 1:2 with lines lc rgb SC[%d] lw 2.5 title word(labels, %d), ", i - 1, i, i)
        if (hasr(i - 1) > 0) {
            PL = PL . sprintf("curvr(%d) using 1:2 with lines lc rgb SC[%d] lw 1.3 dt (6, 3) notitle, ", i - 1, i)
            rm = 1
        }
    }
    PL = PL . (exists("rm") ? 'NaN with lines lc rgb "#555555" lw 1.3 dt (6, 3) title "mean best among trials at r_max"' : 'NaN notitle')
}
eval PL
unset label 4
unset arrow 3

do for [k = 1 : nleg] {
    o = 300 + k
    x0 = lmpx + (plotpx - RW[LR[k]]) / 2.0 + LX[k]
    y0 = botpx - 58 - 22 * LR[k]
    if (LK[k] <= 8) {
        set object o rect from screen sx(x0), screen sy(y0) to screen sx(x0 + 26), screen sy(y0 + 13) front
        if (LK[k] < 8) { set object o fc rgb rung_rgb(LK[k]) fs solid 1.0 border lc rgb "#4a4a4a" lw 0.8 }
        if (LK[k] == 8) { set object o fc rgb "#f7d4d4" fs solid 1.0 noborder }
    }
    if (LK[k] == 9 || LK[k] == 10) {
        # pale rung colours, as the bars: one stripe per rung drawn
        do for [r = 0 : min(maxr, 7)] {
            set object (400 + 10 * k + r) rect from screen sx(x0 + 26.0 * r / (min(maxr, 7) + 1)), screen sy(y0) \
                to screen sx(x0 + 26.0 * (r + 1) / (min(maxr, 7) + 1)), screen sy(y0 + 13) front \
                fc rgb rung_rgb(r) fs transparent solid 0.35 noborder
        }
        set object o rect from screen sx(x0), screen sy(y0) to screen sx(x0 + 26), screen sy(y0 + 13) front
        if (LK[k] == 9) { set object o fs empty border lc rgb "#3a3a3a" lw 1.2 dt (8,4) }
        if (LK[k] == 10) { set object o fs empty border lc rgb "#3a3a3a" lw 1.2 dt 3 }
    }
    if (LK[k] == 11) {
        set arrow o from screen sx(x0 + 13), screen sy(y0 - 2) to screen sx(x0 + 13), screen sy(y0 + 15) nohead lc rgb "#555555" lw 2.5 front
    }
    if (LK[k] == 12) {
        set arrow o from screen sx(x0 + 13), screen sy(y0 - 2) to screen sx(x0 + 13), screen sy(y0 + 15) nohead lc rgb "#222222" lw 1.5 dt (6, 4) front
    }
    set label o LT[k] at screen sx(x0 + 32), screen sy(y0 + 6.5) left font ",10"
}
# an empty plot carries the legend objects onto the page
unset xlabel; unset ylabel; unset key; unset border; unset tics; unset grid
set tmargin at screen sy(4); set bmargin at screen sy(2)
plot NaN notitle
unset multiplot
unset output
