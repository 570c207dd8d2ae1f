# asha_paper.gp -- the straggler experiment of the ASHA paper (Li et al.,
# MLSys 2020, Appendix A.1) from `shsim sweep --preset asha-paper`:
# left, the configurations trained to R within the budget; right, the time
# until the first one; both against the standard deviation sigma of the
# per-unit training time, one line per scheduler and drop probability, with
# the 95% confidence interval of the mean over the seeds as error bars.
#
# Reads (CSV with a header; columns found by name, so their order may change):
#   DIR/sweep_agg.csv   scheduler, variant, noise (normal:SIGMA), drop,
#                       trials_rmax_mean/_lo/_hi, time_first_rmax_mean/_lo/_hi,
#                       horizon, workers, eta, r_min, r_max
# Rows whose noise is not normal:SIGMA are left out.  A missing file is an
# error (exit status 1, nothing written).
#
# Call:
#   gnuplot -e "dir='DIR'; out='OUTFILE'; fmt='png'" plots/asha_paper.gp
#     dir    folder holding sweep_agg.csv                  (default '.')
#     out    the file to write                             (default DIR/asha_paper.FMT)
#     fmt    'png' (pngcairo) or 'svg'                     (default 'png')

if (!exists("dir")) dir = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = dir.'/asha_paper.'.fmt
agg = dir.'/sweep_agg.csv'
if (system(sprintf("test -r '%s' && echo y", agg)) ne "y") {
    exit error sprintf("asha_paper.gp: cannot read %s", agg)
}

# awk program: print sigma, then the named columns, for the rows of one
# scheduler (sh or asha) and one drop probability, sorted by sigma.
# Columns are looked up by name in the header.
sel(s, d, cols) = sprintf("< awk -F, -v S='%s' -v D='%s' -v C='%s' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; n = split(C, c, \" \"); next } $h[\"scheduler\"] == S && ($h[\"drop\"] + 0) == (D + 0) && $h[\"noise\"] ~ /^normal:/ { split($h[\"noise\"], a, \":\"); line = a[2]; for (k = 1; k <= n; k++) line = line \" \" $h[c[k]]; print line }' '%s' | sort -g", s, d, cols, agg)

# the drop probabilities present, ascending, and the setting of the runs
drops = system(sprintf("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } { print $h[\"drop\"] + 0 }' '%s' | sort -g | uniq | tr '\\n' ' '", agg))
setting = system(sprintf("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } NR == 2 { printf \"eta %%s, r %%s, R %%s, %%s workers, budget %%s, %%s seeds\", $h[\"eta\"], $h[\"r_min\"], $h[\"r_max\"], $h[\"workers\"], $h[\"horizon\"], $h[\"runs\"] }' '%s'", agg))
nd = words(drops)
if (nd == 0) { exit error sprintf("asha_paper.gp: no rows in %s", agg) }

if (fmt eq 'svg') {
    set terminal svg size 1200, 560 dynamic noenhanced font "Sans,12" background "white"
} else {
    set terminal pngcairo size 1200, 560 noenhanced font "Sans,12" background "white"
}
set output out
set datafile separator whitespace

# ASHA blue, synchronous SHA orange; drop rates: solid, dashed, dotted
col(s) = (s eq "asha") ? "#1f5fa8" : "#d9661f"
dash(i) = (i == 1) ? 1 : ((i == 2) ? 2 : 3)
pt(i) = (i == 1) ? 7 : ((i == 2) ? 5 : 9)
name(s) = (s eq "asha") ? "ASHA" : "synchronous SHA"
dlab(d) = (d + 0 == 0) ? "no drops" : sprintf("drop %g", d + 0)

# each drop rate is nudged sideways a little so that error bars stay apart
dx(i) = (i - (nd + 1) / 2.0) * 0.012

set multiplot layout 1, 2 title "Stragglers and dropped jobs, after Li et al. 2020 (App. A.1)\n".setting font ",14"
set grid lc rgb "#e0e0e0"
set border 3
set tics nomirror out
set xlabel "σ of the per-unit training time ~ Normal(1, σ²), kept > 0"
set xrange [-0.05 : *]
set offsets 0, 0.05, 0, 0
set key bottom left box opaque samplen 3 spacing 1.1 font ",11" maxcols 1

set ylabel "configurations trained to R within the budget"
set yrange [0 : *]
plot for [s in "asha sh"] for [i = 1 : nd] sel(s, word(drops, i), "trials_rmax_mean trials_rmax_lo trials_rmax_hi") \
         using ($1 + dx(i)):2:3:4 with yerrorbars lw 1 lc rgb col(s) ps 0 notitle, \
     for [s in "asha sh"] for [i = 1 : nd] sel(s, word(drops, i), "trials_rmax_mean") \
         using ($1 + dx(i)):2 with linespoints lw 2 lc rgb col(s) dt dash(i) pt pt(i) ps 0.9 \
         title name(s).", ".dlab(word(drops, i))

set ylabel "time until the first configuration reaches R"
unset key
plot for [s in "asha sh"] for [i = 1 : nd] sel(s, word(drops, i), "time_first_rmax_mean time_first_rmax_lo time_first_rmax_hi") \
         using ($1 + dx(i)):2:3:4 with yerrorbars lw 1 lc rgb col(s) ps 0 notitle, \
     for [s in "asha sh"] for [i = 1 : nd] sel(s, word(drops, i), "time_first_rmax_mean") \
         using ($1 + dx(i)):2 with linespoints lw 2 lc rgb col(s) dt dash(i) pt pt(i) ps 0.9 notitle
unset multiplot
unset output
