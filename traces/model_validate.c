/*
 * traces/model_validate.c -- what the LeNet model (traces/model.h) is
 * checked against beyond model_stats: trials generated at the recorded
 * configurations, subsets by region, quantiles of the final error, and the
 * epoch-to-epoch jumps by learning rate (the rows of `shsim fit`'s second
 * validation table, docs/model.md).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "traces/model.h"

int model_data_generate_at(model_data *d, const model_params *m, uint64_t seed, const model_data *ref, uint32_t reps)
{
    uint32_t n = 0, i = 0, E = m->epochs;
    int rc;

    for (uint32_t k = 0; k < ref->trials; k++)
        n += isfinite(ref->lr[k]) && isfinite(ref->batch[k]);
    if (n == 0 || reps == 0 || n > UINT32_MAX / reps)
        return -EINVAL;
    rc = model_data_alloc(d, n * reps, E);
    if (rc < 0)
        return rc;
    for (uint32_t k = 0; k < ref->trials; k++) {
        if (!(isfinite(ref->lr[k]) && isfinite(ref->batch[k])))
            continue;
        for (uint32_t r = 0; r < reps; r++, i++) {
            model_trial t;
            /* trial numbers 1.. (0 is the book's first configuration) */
            model_trial_draw_config(m, seed, i + 1, ref->lr[k], (uint32_t)ref->batch[k], &t);
            d->lr[i] = t.lr;
            d->batch[i] = t.batch;
            for (uint32_t e = 1; e <= E; e++) {
                d->time[(size_t)i * E + e - 1] = model_epoch_time(m, seed, &t, i + 1, e);
                d->error[(size_t)i * E + e - 1] = model_error(m, seed, &t, i + 1, e);
            }
        }
    }
    return 0;
}

int model_data_region(model_data *d, const model_data *src, double lr_lo, double lr_hi, double batch_hi)
{
    uint32_t n = 0, i = 0, E = src->epochs;
    int rc;

    for (uint32_t k = 0; k < src->trials; k++)
        n += src->lr[k] >= lr_lo && src->lr[k] < lr_hi && src->batch[k] <= batch_hi;
    if (n == 0)
        return -EINVAL;
    rc = model_data_alloc(d, n, E);
    if (rc < 0)
        return rc;
    for (uint32_t k = 0; k < src->trials; k++) {
        if (!(src->lr[k] >= lr_lo && src->lr[k] < lr_hi && src->batch[k] <= batch_hi))
            continue;
        d->lr[i] = src->lr[k];
        d->batch[i] = src->batch[k];
        memcpy(d->time + (size_t)i * E, src->time + (size_t)k * E, E * sizeof *d->time);
        memcpy(d->error + (size_t)i * E, src->error + (size_t)k * E, E * sizeof *d->error);
        i++;
    }
    return 0;
}

/* The p-quantile of n values (sorted in place); NaN when n is 0. */
static double quantile(double *v, size_t n, double p)
{
    if (n == 0)
        return (double)NAN;
    gsl_sort(v, 1, n);
    return gsl_stats_quantile_from_sorted_data(v, 1, n, p);
}

int model_error_quantile(const model_data *d, uint32_t e, double p, double *out)
{
    double *v;
    size_t n = 0;

    *out = (double)NAN;
    if (e > d->epochs || !(p >= 0 && p <= 1))
        return -EINVAL;
    v = malloc(((size_t)d->trials * d->epochs + 1) * sizeof *v);
    if (v == NULL)
        return -ENOMEM;
    for (uint32_t k = 0; k < d->trials; k++)
        for (uint32_t x = e == 0 ? 1 : e; x <= (e == 0 ? d->epochs : e); x++)
            v[n++] = d->error[(size_t)k * d->epochs + x - 1];
    *out = quantile(v, n, p);
    free(v);
    return 0;
}

int model_jump_quantile(const model_data *d, double lr_lo, double lr_hi, double p, double *out)
{
    uint32_t E = d->epochs;
    double *v;
    size_t n = 0;

    *out = (double)NAN;
    if (E < MODEL_JUMP_FIRST + 1)
        return -EINVAL;
    v = malloc((size_t)d->trials * E * sizeof *v);
    if (v == NULL)
        return -ENOMEM;
    for (uint32_t k = 0; k < d->trials; k++) {
        const double *y = d->error + (size_t)k * E;
        if (!(d->lr[k] >= lr_lo && d->lr[k] < lr_hi) || y[MODEL_JUMP_FIRST - 2] > MODEL_AT_CHANCE)
            continue;
        for (uint32_t e = MODEL_JUMP_FIRST; e < E; e++)
            v[n++] = y[e - 1] - (y[e - 2] + y[e]) / 2;
    }
    *out = quantile(v, n, p);
    free(v);
    return 0;
}
