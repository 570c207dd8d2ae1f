/*
 * sim/sweep/sweep_stats.c -- statistics over the seeds of a cell (sweep_stat_of):
 * mean, sample standard deviation and the 95% confidence interval of the
 * mean from Student's t.  See sweep.h.
 *
 * NaN values (failed runs, missing metrics) are left out; the sums run in
 * index order, so a result depends only on the values and their order.
 */
#include "sim/sweep/sweep.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

sweep_stat sweep_stat_of(const double *x, size_t n)
{
    sweep_stat s = { (double)NAN, (double)NAN, (double)NAN, (double)NAN, 0 };
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            sum += x[i];
            s.n++;
        }
    if (!s.n)
        return s;
    s.mean = sum / (double)s.n;
    if (s.n < 2)
        return s;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            ss += (x[i] - s.mean) * (x[i] - s.mean);
    s.sd = sqrt(ss / (double)(s.n - 1));
    double h = gsl_cdf_tdist_Pinv(0.975, (double)(s.n - 1)) * s.sd / sqrt((double)s.n);
    s.lo = s.mean - h;
    s.hi = s.mean + h;
    return s;
}
