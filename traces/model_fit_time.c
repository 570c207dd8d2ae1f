/*
 * traces/model_fit_time.c -- seconds per epoch of the LeNet model
 * (traces/model.h) fitted to a recorded table; model_fit.c's header says
 * how (start-up, 1/batch regression, epoch and trial spreads).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_vector.h>

#include "traces/model_fit_impl.h"
#include "traces/wl_impl.h"

/* ---- seconds per epoch ----------------------------------------------------- */

/* Each trial's mean seconds over epochs 2..E (mean[k]; even[k]: all its
 * epochs alike, as a table that records only totals has them), and from the
 * uneven trials the start-up (the first epoch's excess), the epochs'
 * relative variance *srel2 and the timestamp error *v (minus the lag-1
 * autocovariance: a stamp late by x makes one epoch longer and the next
 * shorter). */
static void epoch_spreads(const model_data *d, model_params *m, double *mean, int *even, double *srel2,
                          double *v)
{
    uint32_t E = d->epochs, nvar = 0;
    double n1 = E - 1, s2num = 0, c1num = 0, den = 0, startup = 0;
    for (uint32_t k = 0; k < d->trials; k++) {
        const double *t = d->time + (size_t)k * E;
        double lo = t[0], hi = t[0], sum = 0;
        for (uint32_t e = 0; e < E; e++) {
            lo = fmin(lo, t[e]);
            hi = fmax(hi, t[e]);
        }
        even[k] = hi == lo;
        for (uint32_t e = 1; e < E; e++)
            sum += t[e];
        mean[k] = sum / n1;
        if (even[k])
            continue;
        nvar++;
        startup += t[0] - mean[k];
        for (uint32_t e = 1; e < E; e++) {
            double r = t[e] / mean[k] - 1;
            s2num += r * r;
            if (e + 1 < E)
                c1num += r * (t[e + 1] / mean[k] - 1);
        }
        den += n1 - 1;
    }
    *srel2 = *v = 0;
    if (nvar > 0 && den > 0) {
        double s2 = s2num / den, c1 = c1num / den;
        startup = fmax(0, startup / nvar);
        *srel2 = fmax(0, (s2 + 2 * c1) / (1 - 2 / n1));
        *v = fmax(0, -c1);
    } else
        startup = 0;
    m->time_startup = startup;
    m->time_sigma_epoch = sqrt(log1p(*srel2));
    /* even trials: the start-up out of the total */
    for (uint32_t k = 0; k < d->trials; k++)
        if (even[k])
            mean[k] = fmax(1e-9, (d->time[(size_t)k * E] * E - startup) / E);
}

/* Least squares mean[k] = time_base + time_per_batch / batch over the nb
 * trials with a batch size (GSL's multifit). */
static int regress_batch(const model_data *d, model_params *m, const double *mean, uint32_t nb, char *err,
                         size_t errlen)
{
    gsl_matrix *X = gsl_matrix_alloc(nb, 2), *cov = gsl_matrix_alloc(2, 2);
    gsl_vector *y = gsl_vector_alloc(nb), *c = gsl_vector_alloc(2);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(nb, 2);
    double chisq;
    int rc = 0;
    if (X == NULL || cov == NULL || y == NULL || c == NULL || w == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    for (uint32_t k = 0, i = 0; k < d->trials; k++) {
        if (!isfinite(d->batch[k]))
            continue;
        gsl_matrix_set(X, i, 0, 1);
        gsl_matrix_set(X, i, 1, 1 / d->batch[k]);
        gsl_vector_set(y, i, mean[k]);
        i++;
    }
    if (gsl_multifit_linear(X, y, c, cov, &chisq, w) != GSL_SUCCESS) {
        wl_errf(err, errlen, "seconds per epoch: the regression on 1/batch failed");
        rc = -EDOM;
        goto out;
    }
    m->time_base = gsl_vector_get(c, 0);
    m->time_per_batch = gsl_vector_get(c, 1);
out:
    gsl_matrix_free(X);
    gsl_matrix_free(cov);
    gsl_vector_free(y);
    gsl_vector_free(c);
    if (w != NULL)
        gsl_multifit_linear_free(w);
    return rc;
}

/* The trials' spread about the regression (log scale), less what the
 * epochs' noise and the timestamps add to a mean of E - 1 epochs. */
static int trial_spread(const model_data *d, model_params *m, const double *mean, double *rho, double srel2,
                        double v, char *err, size_t errlen)
{
    double n1 = d->epochs - 1, mr, var = 0;
    uint32_t i = 0;
    for (uint32_t k = 0; k < d->trials; k++) {
        if (!isfinite(d->batch[k]))
            continue;
        double pred = m->time_base + m->time_per_batch / d->batch[k];
        if (!(pred > 0)) {
            wl_errf(err, errlen, "seconds per epoch: the fit %g + %g / batch is not positive at batch %g",
                    m->time_base, m->time_per_batch, d->batch[k]);
            return -EDOM;
        }
        rho[i++] = log(mean[k] / pred);
    }
    mr = gsl_stats_mean(rho, 1, i);
    for (uint32_t q = 0; q < i; q++)
        var += (rho[q] - mr) * (rho[q] - mr);
    var /= i > 2 ? i - 2 : 1;
    /* a mean of n1 epochs carries srel2 / n1 epoch noise and 2v / n1^2
     * timestamp error */
    var -= srel2 / n1 + 2 * v / (n1 * n1);
    m->time_sigma_trial = sqrt(fmax(0, var));
    return 0;
}

int fit_time(const model_data *d, model_params *m, char *err, size_t errlen)
{
    uint32_t n = d->trials, nb = 0;
    double *mean = calloc(n, sizeof *mean), *rho = calloc(n, sizeof *rho), srel2, v;
    int *even = calloc(n, sizeof *even), rc = 0;
    if (mean == NULL || rho == NULL || even == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    epoch_spreads(d, m, mean, even, &srel2, &v);
    for (uint32_t k = 0; k < n; k++)
        nb += isfinite(d->batch[k]);
    if (nb < 3) {
        wl_errf(err, errlen, "seconds per epoch: %lu trials with a batch size, need at least 3", (unsigned long)nb);
        rc = -EDOM;
        goto out;
    }
    if ((rc = regress_batch(d, m, mean, nb, err, errlen)) < 0)
        goto out;
    rc = trial_spread(d, m, mean, rho, srel2, v, err, errlen);
out:
    free(mean);
    free(rho);
    free(even);
    if (rc == -ENOMEM)
        wl_errf(err, errlen, "out of memory");
    return rc;
}
