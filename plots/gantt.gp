# gantt.gp -- the schedule of one shsim run as a Gantt chart
# (in the style of d2l Fig. 19.5.1 / 19.5.2: one lane per worker, one bar per job).
#
# Reads (CSV, comma separated, one header line, times in seconds):
#   DIR/jobs.csv  job,worker,trial,rung,epoch_from,epoch_to,start,end,outcome,bracket
#                 outcome: promoted paused stopped completed cut dropped
#   DIR/idle.csv  worker,start,end          (may hold only the header, or be absent)
# A missing jobs.csv is an error (exit status 1, nothing written); a header-only
# one gives an empty chart.
#
# Call:
#   gnuplot -e "dir='DIR'; out='OUTFILE'; title='TITLE'; fmt='png'" plots/gantt.gp
#     dir    folder holding jobs.csv and idle.csv                (default '.')
#     out    the exact file to write; no extension is added      (default 'gantt.'.fmt)
#     title  plot title, printed verbatim (no enhanced text)     (default none)
#     fmt    'png' (pngcairo) or 'svg'                           (default 'png')
#
# Drawing: Worker 0 on top; bars coloured by rung within the trial's bracket,
# rung - bracket (Hyperband; the rung for SH and ASHA) (8 colours, repeating);
# jobs with outcome "cut" (stopped by the horizon) get a pale fill of their
# rung colour and a dashed border, "dropped" (lost) jobs the same with a dotted
# border; their legend swatches show the pale colours of those rungs;
# idle gaps are pale red, hatched, labelled "idle" where wide enough.
# A bar is labelled "Trial-k r<rung>" (two lines with few workers), or "Tk"
# when only that fits, or not at all.  Canvas: 1000 px wide, 150 + 70 px a
# worker high, capped at 1400.  The x range is [0 : last end time].

if (!exists("dir"))   dir   = '.'
if (!exists("fmt"))   fmt   = 'png'
if (!exists("out"))   out   = 'gantt.'.fmt
if (!exists("title")) title = ''

jobs = dir.'/jobs.csv'
idle = dir.'/idle.csv'
set datafile separator ','

# Data rows in a file (non-empty lines after the header); 0 if it is missing.
# gnuplot's stats fails on a file with no data, so everything is guarded by this.
rows(f) = int(system(sprintf("awk 'NR > 1 && NF > 0 { n++ } END { print n + 0 }' '%s' 2>/dev/null || echo 0", f)))
if (system(sprintf("test -r '%s' && echo y", jobs)) ne "y") {
    exit error sprintf("gantt.gp: cannot read %s", jobs)
}
njobs = rows(jobs)
nidle = rows(idle)
count(f, col, val) = int(system(sprintf("awk -F, 'NR > 1 && $%d == \"%s\" { n++ } END { print n + 0 }' '%s' 2>/dev/null || echo 0", col, val, f)))
ncut  = count(jobs, 9, "cut")
ndrop = count(jobs, 9, "dropped")
# the colours (rung mod 8) of the cut and of the dropped bars, for their legend swatches
rungs(f, val) = system(sprintf("awk -F, 'NR > 1 && $9 == \"%s\" { print ($4 - (NF >= 10 ? $10 : 0)) %% 8 }' '%s' 2>/dev/null | sort -un | tr '\n' ' '", val, f))
cutrungs  = rungs(jobs, "cut")
droprungs = rungs(jobs, "dropped")

max(a, b) = (a > b) ? a : b
min(a, b) = (a < b) ? a : b

W = 1; xmin = 0; xmax = 0; maxr = 0
if (njobs > 0) {
    stats jobs skip 1 using 2 nooutput; W = max(W, int(STATS_max) + 1)
    stats jobs skip 1 using 4 nooutput; maxr = int(STATS_max)
    stats jobs skip 1 using 7 nooutput; xmin = min(xmin, STATS_min)
    stats jobs skip 1 using 8 nooutput; xmax = max(xmax, STATS_max)
}
if (nidle > 0) {
    stats idle skip 1 using 1 nooutput; W = max(W, int(STATS_max) + 1)
    stats idle skip 1 using 2 nooutput; xmin = min(xmin, STATS_min)
    stats idle skip 1 using 3 nooutput; xmax = max(xmax, STATS_max)
}
if (xmax <= xmin) { xmax = xmin + 1 }
nkey = min(maxr, 7)            # rungs shown in the key (colours repeat after 8)

# ---- canvas -------------------------------------------------------------
cw = 1000
ch = min(1400, 150 + 70 * W)
fs = (W <= 4) ? 11 : ((W <= 8) ? 10 : 9)       # label font size (pt)
if (fmt eq 'svg') {
    set terminal svg size cw, ch dynamic noenhanced font "Sans,11" background "white"
} else {
    set terminal pngcairo size cw, ch noenhanced font "Sans,11" background "white"
}
set output out

lmpx = 95; rmpx = 25           # left/right margins, px (room for "Worker 15")
set lmargin at screen lmpx / (cw * 1.0)
set rmargin at screen 1.0 - rmpx / (cw * 1.0)

if (title ne '') { set title title font ",13" }

# ---- axes and lanes -----------------------------------------------------
set xrange [xmin : xmax]
set xlabel "simulated time (s)"
set xtics out nomirror
set mxtics
set grid xtics lc rgb "#e4e4e4" lw 1 lt 1 back
set yrange [W - 0.5 : -0.5]    # Worker 0 on top
set ytics nomirror scale 0 ()
do for [i = 0 : W - 1] { set ytics add (sprintf("Worker %d", i) i) }
set border 3 back lc rgb "#555555"
unset mytics
# alternate lane shading and lane separators
do for [i = 0 : W - 1] {
    if (i % 2 == 1) {
        set object (100 + i) rect from graph 0, first i - 0.5 to graph 1, first i + 0.5 \
            fc rgb "#f3f3f3" fs solid 1.0 noborder behind
    }
}
do for [i = 0 : W - 2] {
    set arrow (100 + i) from graph 0, first i + 0.5 to graph 1, first i + 0.5 nohead \
        lc rgb "#c8c8c8" lw 1 back
}

# ---- styles -------------------------------------------------------------
array RC[8] = [0x8DB8E2, 0xF5B36B, 0x8FCB84, 0xC3A6DA, 0xF0D46A, 0xE79AC0, 0x9ED8D4, 0xC8B39B]
rung_rgb(r) = RC[int(r) % 8 + 1]
# a job's colour, only while plotting jobs.csv (it reads column 10): its rung
# within its bracket, rung - bracket (files without the column: the rung)
rc(r) = rung_rgb(r - (valid(10) ? column(10) : 0))
hh = 0.36                      # half the bar height (lane = 1)
ih = 0.30                      # half the idle box height

# label tiers: full text if it fits the bar, else "Tk", else nothing.
# charx: width of one label character in x units (about 0.62 em).
plotpx = cw - lmpx - rmpx
charx  = 0.62 * fs * (96.0 / 72.0) * (xmax - xmin) / plotpx
two = (W <= 4)                 # two-line labels for few workers
full(t, r) = two ? sprintf("Trial-%d\nrung %d", t, r) : sprintf("Trial-%d r%d", t, r)
fullw(t, r) = two ? max(strlen(sprintf("Trial-%d", t)), strlen(sprintf("rung %d", r))) \
                  : strlen(sprintf("Trial-%d r%d", t, r))
short(t) = sprintf("T%d", t)
pad = 1.0                      # characters of margin inside the bar
lab(t, r, w) = (w >= (fullw(t, r) + pad) * charx) ? full(t, r) : \
               ((w >= (strlen(short(t)) + pad) * charx) ? short(t) : "")
idlab(w) = (w >= 5 * charx) ? "idle" : ""

isnorm(s) = (s ne "cut" && s ne "dropped")
# an x value or NaN, so that a row is left out of one plot clause
only(c, x) = c ? x : NaN

# ---- plot pieces (assembled so that an empty file is never plotted) ------
P_IDLE = 'idle skip 1 using 2:1:2:3:($1-ih):($1+ih) with boxxyerror fs solid 1.0 noborder fc rgb "#fbe3e3" notitle, \
  idle skip 1 using 2:1:2:3:($1-ih):($1+ih) with boxxyerror fs transparent pattern 5 border lc rgb "#d98a8a" lc rgb "#e6a0a0" notitle, \
  idle skip 1 using (($2+$3)/2):1:(idlab($3-$2)) with labels tc rgb "#a05050" font sprintf(",%d", fs-1) notitle'

P_JOBS = 'jobs skip 1 using (only(isnorm(strcol(9)), $7)):2:7:8:($2-hh):($2+hh):(rc($4)) with boxxyerror fs solid 1.0 border lc rgb "#3a3a3a" lc rgb variable lw 1 notitle, \
  jobs skip 1 using (only(strcol(9) eq "cut", $7)):2:7:8:($2-hh):($2+hh):(rc($4)) with boxxyerror fs transparent solid 0.35 border lc rgb "#3a3a3a" lc rgb variable lw 1.5 dt (12,6) notitle, \
  jobs skip 1 using (only(strcol(9) eq "dropped", $7)):2:7:8:($2-hh):($2+hh):(rc($4)) with boxxyerror fs transparent solid 0.35 border lc rgb "#3a3a3a" lc rgb variable lw 1.5 dt 3 notitle, \
  jobs skip 1 using (($7+$8)/2):2:(lab($3, $4, $8-$7)) with labels tc rgb "#1a1a1a" font sprintf(",%d", fs) offset 0, (two ? 0.3 : 0) notitle'

# ---- legend: drawn by hand under the x label, so that it never meets it --
# entries: one per rung (up to 8), then idle / cut / dropped when present.
unset key
array LT[11]; array LK[11]      # text, kind (0..7 rung, 8 idle, 9 cut, 10 dropped)
nleg = 0
if (njobs > 0) { do for [r = 0 : nkey] { nleg = nleg + 1; LT[nleg] = sprintf("rung %d", r); LK[nleg] = r } }
if (nidle > 0) { nleg = nleg + 1; LT[nleg] = "idle";           LK[nleg] = 8 }
if (ncut > 0)  { nleg = nleg + 1; LT[nleg] = "cut by horizon"; LK[nleg] = 9 }
if (ndrop > 0) { nleg = nleg + 1; LT[nleg] = "dropped";        LK[nleg] = 10 }
swpx = 26; shpx = 13; rowpx = 24             # px: swatch width/height, row pitch
ew(k) = swpx + 7 + 7 * strlen(LT[k]) + 26        # px an entry takes (text ~7 px/char)
array LR[11]; array LX[11]; array RW[11]         # entry row, x in its row; row widths
legrows = 1; xx = 0
do for [k = 1 : nleg] {
    if (xx > 0 && xx + ew(k) > plotpx) { legrows = legrows + 1; xx = 0 }
    LR[k] = legrows; LX[k] = xx; xx = xx + ew(k); RW[legrows] = xx - 26
}
bottompx = 70 + rowpx * legrows                  # tics + x label + legend rows
set bmargin at screen bottompx / (ch * 1.0)
sx(px) = px / (cw * 1.0)
sy(px) = px / (ch * 1.0)
do for [k = 1 : nleg] {
    x0 = lmpx + (plotpx - RW[LR[k]]) / 2.0 + LX[k]
    y0 = bottompx - 64 - (LR[k] - 1) * rowpx - shpx    # swatch bottom, px from bottom
    o = 200 + k
    set object o rect from screen sx(x0), screen sy(y0) to screen sx(x0 + swpx), screen sy(y0 + shpx) front
    if (LK[k] < 8) {
        set object o fc rgb rung_rgb(LK[k]) fs solid 1.0 border lc rgb "#3a3a3a" lw 1
    }
    if (LK[k] == 8) {
        set object o fc rgb "#e6a0a0" fs pattern 5 border lc rgb "#d98a8a" lw 1
    }
    # cut / dropped: the swatch holds the pale colour of each rung that has
    # such bars, side by side, inside the bar's dashed / dotted border
    if (LK[k] >= 9) {
        RS = (LK[k] == 9) ? cutrungs : droprungs
        nrs = words(RS)
        do for [i = 1 : nrs] {
            set object (1000 + 10 * k + i) rect from screen sx(x0 + swpx * (i - 1.0) / nrs), screen sy(y0) \
                to screen sx(x0 + swpx * i / (nrs * 1.0)), screen sy(y0 + shpx) front \
                fc rgb rung_rgb(word(RS, i)) fs transparent solid 0.35 noborder
        }
        if (LK[k] == 9) {
            set object o fs empty border lc rgb "#3a3a3a" lw 1.5 dt (12,6)
        } else {
            set object o fs empty border lc rgb "#3a3a3a" lw 1.5 dt 3
        }
    }
    set label o LT[k] at screen sx(x0 + swpx + 7), screen sy(y0 + shpx / 2.0) left font ",10"
}

set style fill solid 1.0
PLOT = 'plot '
if (nidle > 0) { PLOT = PLOT . P_IDLE . ', ' }
if (njobs > 0) { PLOT = PLOT . P_JOBS . ', ' }
PLOT = PLOT . 'NaN notitle'
eval PLOT

unset output
