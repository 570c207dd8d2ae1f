# lab_idle.gp -- the course lab (docs/lab/), step 3: the idle fraction
# of worker time against the number of workers, one line per scheduler and
# noise, from a sweep; optionally the idle fraction of one synchronous wave
# of W jobs, 1 - mu/E[max of W], from `shsim check --emax DIST`.
#
# Reads (columns found by name in the header):
#   DIR/sweep_agg.csv  scheduler, variant, noise, workers,
#                      idle_fraction_mean, idle_fraction_lo, idle_fraction_hi
#                      (the interval is empty with one seed: no band then)
#   EMAX (optional)    the table `shsim check --emax DIST` prints: W E_max
#                      idle_per_wave idle_fraction, '#' comment lines
# Call:
#   gnuplot -e "dir='DIR'; emax='FILE'; out='OUT.png'" plots/lab_idle.gp
#     dir   the sweep folder (default '.');  out  default DIR/idle.FMT
#     fmt   png (default) or svg
#     emax  the E[max] table, or '' for none (default '')
#     title the plot title

if (!exists("dir"))  dir  = '.'
if (!exists("fmt"))  fmt  = 'png'
if (!exists("out"))  out  = dir.'/idle.'.fmt
if (!exists("emax")) emax = ''
agg = dir.'/sweep_agg.csv'
if (system(sprintf("test -r '%s' && echo y", agg)) ne "y") {
    exit error sprintf("lab_idle.gp: cannot read %s", agg)
}
# the distinct (scheduler:variant, noise) pairs, in file order
hdr = "NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }"
lines = system(sprintf("awk -F, '%s { k = $h[\"scheduler\"] \":\" $h[\"variant\"] \"|\" $h[\"noise\"]; if (!(k in s)) { s[k] = 1; print k } }' '%s' | tr '\\n' ' '", hdr, agg))
sel(k) = sprintf("< awk -F, -v K='%s' '%s $h[\"scheduler\"] \":\" $h[\"variant\"] \"|\" $h[\"noise\"] == K { m = $h[\"idle_fraction_mean\"]; lo = $h[\"idle_fraction_lo\"]; hi = $h[\"idle_fraction_hi\"]; print $h[\"workers\"], m, lo == \"\" ? m : lo, hi == \"\" ? m : hi }' '%s' | sort -g", k, hdr, agg)
part(k, i) = word(system(sprintf("echo '%s' | tr '|' ' '", k)), i)
nice(s) = (s eq "sh:strict") ? "strict SH" : ((s eq "sh:fill") ? "SH, fill" : \
          ((s eq "asha:promotion") ? "ASHA" : ((s eq "asha:stopping") ? "ASHA, stopping" : s)))

if (fmt eq 'svg') {
    set terminal svg size 900, 560 noenhanced font "Sans,12" background "white"
} else {
    set terminal pngcairo size 900, 560 noenhanced font "Sans,12" background "white"
}
set output out
set datafile separator whitespace
if (!exists("title")) title = "Idle worker time against the number of workers"
set title title font ",14"
set xlabel "workers W"
set ylabel "idle fraction of worker time"
set logscale x 2
set xrange [0.8 : *]
set yrange [0 : 1]
set format y "%.1f"
set grid lc rgb "#e0e0e0"
set border 3
set tics nomirror out
set key top left box opaque font ",11"
array C[6] = ["#d9661f", "#1f5fa8", "#2e8b57", "#8b3a9e", "#b8860b", "#555555"]
n = words(lines)
maxw = real(system(sprintf("awk -F, '%s { if ($h[\"workers\"] + 0 > m) m = $h[\"workers\"] + 0 } END { print m + 0 }' '%s'", hdr, agg)))
dd(i) = (i - 1) % 2 + 1
PLOT = 'plot for [i = 1 : n] sel(word(lines, i)) using 1:3:4 with filledcurves lc rgb C[(i - 1) % 6 + 1] fs transparent solid 0.15 noborder notitle, for [i = 1 : n] sel(word(lines, i)) using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb C[(i - 1) % 6 + 1] dt dd(i) title (nice(part(word(lines, i), 1)).", noise ".part(word(lines, i), 2))'
if (emax ne '') {
    PLOT = PLOT.', emax using ($1 <= maxw ? $1 : NaN):4 with linespoints lw 1.5 dt 3 pt 6 lc rgb "#333333" title "one wave of W jobs: 1 - mu/E[max of W]"'
}
eval PLOT
unset output
