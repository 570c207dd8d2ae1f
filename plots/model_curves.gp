# model_curves.gp -- recorded LeNet learning curves next to curves generated
# by the fitted model (`shsim fit --plot DIR`, workload lenet-model).
#
# Reads (CSV, comma separated, '#' header line), written by shsim fit:
#   DIR/PREFIXrecorded.csv, DIR/PREFIXgenerated.csv
#       trial,epoch,error,learning_rate,batch_size,seconds
#       a blank line after each trial (one line per trial); learning_rate is
#       empty where the run did not record it (drawn grey)
#   DIR/PREFIXquartiles.csv
#       epoch,rec_q1,rec_median,rec_q3,gen_q1,gen_median,gen_q3
#       (generated quartiles over all the generated trials of the fit's
#       validation, not only the ones drawn)
# A missing file is an error (exit status 1, nothing written).
#
# Call:
#   gnuplot -e "dir='DIR'; out='OUTFILE'; fmt='png'" plots/model_curves.gp
#     dir        folder holding the three files                  (default '.')
#     prefix     their names' prefix: '' (the whole space) or
#                'region_' (the best region)                     (default '')
#     out        the exact file to write                         (default 'model_curves.'.fmt)
#     fmt        'png' (pngcairo) or 'svg'                       (default 'png')
#     title_rec  title of the left panel                         (default 'Recorded')
#     title_gen  title of the right panel                        (default 'Generated')
#
# Drawing: two panels with the same axes (epoch 1..E, validation error);
# one thin line per trial coloured by its learning rate on a log scale
# (0.01 .. 1, the book's range); the median error per epoch as a thick black
# line and the quartiles as dashed ones; a dotted line at 0.85, above which
# a trial counts as "at chance" (0.9 = a constant guess on ten classes).

if (!exists("dir"))       dir = '.'
if (!exists("prefix"))    prefix = ''
if (!exists("fmt"))       fmt = 'png'
if (!exists("out"))       out = 'model_curves.'.fmt
if (!exists("title_rec")) title_rec = 'Recorded'
if (!exists("title_gen")) title_gen = 'Generated'

rec = dir.'/'.prefix.'recorded.csv'
gen = dir.'/'.prefix.'generated.csv'
qua = dir.'/'.prefix.'quartiles.csv'
do for [f in rec.' '.gen.' '.qua] {
    if (system(sprintf("test -r '%s' && echo y", f)) ne "y") {
        exit error sprintf("model_curves.gp: cannot read %s", f)
    }
}
set datafile separator ','

stats qua skip 1 using 1 nooutput
E = int(STATS_max)

cw = 1200; ch = 560
if (fmt eq 'svg') {
    set terminal svg size cw, ch dynamic noenhanced font "Sans,12" background "white"
} else {
    set terminal pngcairo size cw, ch noenhanced font "Sans,12" background "white"
}
set output out

# learning-rate colours: a perceptually ordered blue -> yellow palette
set palette defined (0 "#3b2a98", 0.25 "#3a6fd8", 0.5 "#1fa187", 0.75 "#a0cc3a", 1 "#f0c020")
set cbrange [-2 : 0]
set cbtics ("0.01" -2, "0.03" log10(0.03), "0.1" -1, "0.3" log10(0.3), "1" 0) out nomirror
set cblabel "learning rate"
unset colorbox

set xrange [0.8 : E + 0.2]
set yrange [0.1 : 0.96]
set xtics 1 out nomirror
set ytics 0.1 out nomirror
set mytics 2
set grid ytics lc rgb "#e6e6e6" lw 1 lt 1 back
set border 3 back lc rgb "#555555"
set xlabel "epoch"
unset key

# layout in screen units: two panels, a colour bar at the right
L1 = 0.075; R1 = 0.455; L2 = 0.515; R2 = 0.895; B = 0.17; T = 0.88
set bmargin at screen B
set tmargin at screen T

lr(c) = valid(c) ? log10(column(c)) : NaN
# y values: only the rows with (col) or without (grey) a learning rate, so
# that no segment is drawn twice (a NaN colour would paint it white)
col(c) = valid(c) ? 1 : NaN
grey(c) = valid(c) ? NaN : 1

set multiplot

# ---- recorded -------------------------------------------------------------
set lmargin at screen L1
set rmargin at screen R1
set ylabel "validation error"
set title title_rec font ",13"
set arrow 1 from graph 0, first 0.85 to graph 1, first 0.85 nohead dt 2 lc rgb "#666666" lw 1.2 back
plot rec using 2:($3 * grey(4)) with lines lw 1.3 lc rgb "#8c8c8c" notitle, \
     rec using 2:($3 * col(4)):(lr(4)) with lines lw 1.1 lc palette notitle, \
     qua skip 1 using 1:2 with lines lw 2 dt (8,5) lc rgb "#1a1a1a" notitle, \
     qua skip 1 using 1:4 with lines lw 2 dt (8,5) lc rgb "#1a1a1a" notitle, \
     qua skip 1 using 1:3 with lines lw 3.5 lc rgb "#1a1a1a" notitle

# ---- legend, under both panels --------------------------------------------
# arrows and labels in screen units, set before the last plot only (so
# each is drawn once)
set arrow 2 from screen 0.16, screen 0.035 to screen 0.20, screen 0.035 nohead lw 3.5 lc rgb "#1a1a1a" front
set label 2 "median error per epoch" at screen 0.205, screen 0.035 left font ",11" front
set arrow 3 from screen 0.38, screen 0.035 to screen 0.42, screen 0.035 nohead lw 2 dt (8,5) lc rgb "#1a1a1a" front
set label 3 "quartiles" at screen 0.425, screen 0.035 left font ",11" front
set arrow 4 from screen 0.52, screen 0.035 to screen 0.56, screen 0.035 nohead lw 1.2 dt 2 lc rgb "#666666" front
set label 4 "0.85: at chance above" at screen 0.565, screen 0.035 left font ",11" front
set arrow 5 from screen 0.74, screen 0.035 to screen 0.78, screen 0.035 nohead lw 1.3 lc rgb "#8c8c8c" front
set label 5 "learning rate not recorded" at screen 0.785, screen 0.035 left font ",11" front

# ---- generated ------------------------------------------------------------
set lmargin at screen L2
set rmargin at screen R2
unset ylabel
set title title_gen font ",13"
set colorbox vertical user origin screen R2 + 0.025, screen B size screen 0.018, screen T - B
plot gen using 2:($3 * col(4)):(lr(4)) with lines lw 1.1 lc palette notitle, \
     qua skip 1 using 1:5 with lines lw 2 dt (8,5) lc rgb "#1a1a1a" notitle, \
     qua skip 1 using 1:7 with lines lw 2 dt (8,5) lc rgb "#1a1a1a" notitle, \
     qua skip 1 using 1:6 with lines lw 3.5 lc rgb "#1a1a1a" notitle

unset multiplot
unset output
