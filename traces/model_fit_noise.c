/*
 * traces/model_fit_noise.c -- the per-epoch error noise of the LeNet model
 * (traces/model.h) fitted to the residuals of the full curve fits.
 *
 * The noise is a split normal: below the curve its sd is noise q mu, above
 * it noise_up (lr / lr_first)^noise_lr q mu.  The recorded curves at large
 * learning rates jump up for an epoch and come back (an overshooting step;
 * e.g. 0.2186 -> 0.4303 -> 0.2435 at lr 0.92, lenet_cpu31.csv trial 30), while
 * they seldom dip below their trend, so one symmetric sd either misses the
 * jumps or invents dips below what any real run reached.
 *
 * Residuals r = y(e) - mu(e) of the full trials' epochs from two epochs past
 * the escape (the drop from chance itself is steeper than any curve of the
 * family, and its misfit is not noise), in units of w = q mu:
 *   - noise: the half-normal scale of the negative ones, sqrt(mean u^2);
 *   - noise_up, noise_lr: maximum likelihood of a half-normal with scale
 *     noise_up (lr / lr_first)^noise_lr for the non-negative ones: for a
 *     given noise_lr the scale is closed-form, and noise_lr is scanned over
 *     NOISE_LR_LO..NOISE_LR_HI in steps of NOISE_LR_STEP (deterministic,
 *     no optimiser to converge).
 * Least squares puts each curve through the middle of its jumps, so the
 * curve sits a little above the real trend at large learning rates and the
 * jumps are measured a little short: both errs, by about the same amount,
 * toward the recorded mean.  noise_chance: a robust sd (MAD) of the
 * plateau epochs' deviations from chance.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "traces/model_fit_impl.h"

#define NOISE_LR_LO (-2.0)
#define NOISE_LR_HI 3.0
#define NOISE_LR_STEP 0.001
/* The simulated moments: about MSM_TRIALS model trials at the recorded
 * configurations, drawn with seed MSM_SEED; Nelder-Mead stops at a simplex
 * of size MSM_TOL or after MSM_ITER steps. */
#define MSM_TRIALS 2000
#define MSM_SEED 1
#define MSM_TOL 1e-3
#define MSM_ITER 400
/* The moments: these quantiles of the jumps in each band (the middle two
 * for the sds, the outer two for the tail), their misfit relative to
 * |recorded| + MSM_SCALE. */
#define MSM_NQ 4
static const double msm_q[MSM_NQ] = {0.01, 0.1, 0.9, 0.99};
#define MSM_SCALE 0.002
#define MSM_NPAR 4

/* The learning-rate bands of the jump moments: [0, 0.1), [0.1, 0.3), >= 0.3. */
static const double msm_band[MODEL_JUMP_BANDS + 1] = {0, MODEL_JUMP_BAND1, MODEL_REGION_LR, (double)INFINITY};

typedef struct {
    model_params m;      /* the fit so far; the noise keys vary */
    uint32_t n;          /* simulated trials */
    model_trial *t;      /* [n], their configurations and curves */
    uint32_t *k;         /* [n], their trial numbers */
    double *jump;        /* [n * epochs] scratch */
    double target[MSM_NQ * MODEL_JUMP_BANDS]; /* the recorded quantiles, band by band */
} msm_ctx;

/* The msm_q quantiles of the jumps in each band (model.h,
 * model_jump_quantile): how far an epoch drops below, and rises above,
 * its neighbours -- the sign tells the two sides of the noise apart; NaN
 * for a band with none. */
static void jump_moments(const model_data *d, double out[MSM_NQ * MODEL_JUMP_BANDS])
{
    for (int b = 0; b < MODEL_JUMP_BANDS; b++)
        for (int q = 0; q < MSM_NQ; q++)
            if (model_jump_quantile(d, msm_band[b], msm_band[b + 1], msm_q[q], &out[MSM_NQ * b + q]) < 0)
                out[MSM_NQ * b + q] = (double)NAN;
}

/* Sum of squared relative misfits of the simulated moments to the recorded
 * ones, at x = (ln noise, ln noise_up, noise_lr, noise_tail). */
static double msm_f(const gsl_vector *x, void *params)
{
    msm_ctx *c = params;
    model_params *m = &c->m;
    uint32_t E = m->epochs;
    double sum = 0;

    m->noise = fmin(1, exp(gsl_vector_get(x, 0)));
    m->noise_up = fmin(1, exp(gsl_vector_get(x, 1)));
    m->noise_lr = fmax(-5, fmin(5, gsl_vector_get(x, 2)));
    m->noise_tail = fmax(0, fmin(1, gsl_vector_get(x, 3)));
    for (int b = 0; b < MODEL_JUMP_BANDS; b++) {
        size_t nj = 0;
        for (uint32_t i = 0; i < c->n; i++) {
            model_trial *t = &c->t[i];
            double y[MODEL_MAX_EPOCHS];
            if (!(t->lr >= msm_band[b] && t->lr < msm_band[b + 1]))
                continue;
            t->noise_up = model_noise_up(m, t->lr);
            y[MODEL_JUMP_FIRST - 2] = model_error(m, MSM_SEED, t, c->k[i], MODEL_JUMP_FIRST - 1);
            if (y[MODEL_JUMP_FIRST - 2] > MODEL_AT_CHANCE)
                continue;
            for (uint32_t e = MODEL_JUMP_FIRST; e <= E; e++)
                y[e - 1] = model_error(m, MSM_SEED, t, c->k[i], e);
            for (uint32_t e = MODEL_JUMP_FIRST; e < E; e++)
                c->jump[nj++] = y[e - 1] - (y[e - 2] + y[e]) / 2;
        }
        if (nj == 0)
            continue;
        gsl_sort(c->jump, 1, nj);
        for (int q = 0; q < MSM_NQ; q++) {
            double v = gsl_stats_quantile_from_sorted_data(c->jump, 1, nj, msm_q[q]);
            double r = c->target[MSM_NQ * b + q], z = (v - r) / (fabs(r) + MSM_SCALE);
            if (isfinite(r))
                sum += z * z;
        }
    }
    return sum;
}

/* Refine m's noise, noise_up, noise_lr and noise_tail so that the model's jumps at d's
 * configurations match d's (the method of simulated moments, on common
 * random numbers so the objective is a deterministic function).  m keeps
 * its values when the search fails. */
static int fit_noise_msm(const model_data *d, model_params *m)
{
    msm_ctx c;
    uint32_t nconf = 0, reps, i = 0;
    gsl_multimin_fminimizer *s = NULL;
    gsl_vector *x = NULL, *step = NULL;
    gsl_multimin_function F;
    int rc = 0, status = GSL_CONTINUE;

    memset(&c, 0, sizeof c);
    c.m = *m;
    jump_moments(d, c.target);
    for (uint32_t k = 0; k < d->trials; k++)
        nconf += isfinite(d->lr[k]) && isfinite(d->batch[k]);
    if (nconf == 0 || d->epochs < MODEL_JUMP_FIRST + 1 || d->epochs > MODEL_MAX_EPOCHS)
        return 0;
    reps = (MSM_TRIALS + nconf - 1) / nconf;
    c.n = nconf * reps;
    c.t = malloc(c.n * sizeof *c.t);
    c.k = malloc(c.n * sizeof *c.k);
    c.jump = malloc((size_t)c.n * d->epochs * sizeof *c.jump);
    x = gsl_vector_alloc(MSM_NPAR);
    step = gsl_vector_alloc(MSM_NPAR);
    s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, MSM_NPAR);
    if (c.t == NULL || c.k == NULL || c.jump == NULL || x == NULL || step == NULL || s == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    for (uint32_t k = 0; k < d->trials; k++) {
        if (!(isfinite(d->lr[k]) && isfinite(d->batch[k])))
            continue;
        for (uint32_t r = 0; r < reps; r++, i++) {
            c.k[i] = i + 1;
            model_trial_draw_config(m, MSM_SEED, c.k[i], d->lr[k], (uint32_t)d->batch[k], &c.t[i]);
        }
    }
    gsl_vector_set(x, 0, log(fmax(1e-4, m->noise)));
    gsl_vector_set(x, 1, log(fmax(1e-4, m->noise_up)));
    gsl_vector_set(x, 2, m->noise_lr);
    gsl_vector_set(x, 3, m->noise_tail);
    gsl_vector_set_all(step, 0.3);
    gsl_vector_set(step, 3, 0.1);
    F.n = MSM_NPAR;
    F.f = msm_f;
    F.params = &c;
    if (gsl_multimin_fminimizer_set(s, &F, x, step) != GSL_SUCCESS)
        goto out; /* keep the residual estimates */
    for (int it = 0; it < MSM_ITER && status == GSL_CONTINUE; it++) {
        if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
            break;
        status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), MSM_TOL);
    }
    if (isfinite(gsl_multimin_fminimizer_minimum(s))) {
        const gsl_vector *b = gsl_multimin_fminimizer_x(s);
        m->noise = fmin(1, exp(gsl_vector_get(b, 0)));
        m->noise_up = fmin(1, exp(gsl_vector_get(b, 1)));
        m->noise_lr = fmax(-5, fmin(5, gsl_vector_get(b, 2)));
        m->noise_tail = fmax(0, fmin(1, gsl_vector_get(b, 3)));
    }
out:
    if (s != NULL)
        gsl_multimin_fminimizer_free(s);
    gsl_vector_free(x);
    gsl_vector_free(step);
    free(c.t);
    free(c.k);
    free(c.jump);
    return rc;
}

int fit_noise(const model_data *d, const enum trial_class *cls, const uint32_t *first, const double *theta,
              int again, model_params *m)
{
    uint32_t E = d->epochs, n = d->trials;
    size_t nneg = 0, npos = 0, np = 0;
    double sneg = 0;
    double *u2 = malloc((size_t)n * E * sizeof *u2), *lx = malloc((size_t)n * E * sizeof *lx);
    double *wk = malloc((size_t)n * E * sizeof *wk);
    int rc = 0;

    if (u2 == NULL || lx == NULL || wk == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    for (uint32_t k = 0; k < n; k++) {
        const double *th = theta + (size_t)k * MODEL_NPAR, *y = d->error + (size_t)k * E;
        double dl, a, tau;
        if (cls[k] != CLS_FULL)
            continue;
        model_theta_curve(m, th, &dl, &a, &tau);
        for (uint32_t e = first[k] + 2; e <= E; e++) {
            double q, mu = model_curve(m, dl, a, tau, e, &q), w = q * mu, u;
            if (!(w > 1e-9))
                continue;
            u = (y[e - 1] - mu) / w;
            if (u < 0) {
                sneg += u * u;
                nneg++;
            } else {
                u2[npos] = u * u;
                lx[npos] = log(d->lr[k] / m->lr_first);
                npos++;
            }
        }
    }
    if (again)
        goto plateau; /* start the simulated moments from m's noise */
    m->noise = nneg > 0 ? fmin(1, sqrt(sneg / (double)nneg)) : 0;
    m->noise_up = m->noise;
    m->noise_lr = 0;
    m->noise_tail = 0;
    if (npos >= 2) {
        double best = -(double)INFINITY, sumlx = 0;
        for (size_t i = 0; i < npos; i++)
            sumlx += lx[i];
        for (int s = 0; NOISE_LR_LO + s * NOISE_LR_STEP <= NOISE_LR_HI + 1e-12; s++) {
            double b = NOISE_LR_LO + s * NOISE_LR_STEP, acc = 0, ll;
            for (size_t i = 0; i < npos; i++)
                acc += u2[i] * exp(-2 * b * lx[i]);
            /* log-likelihood less constants: -n ln sigma - b sum lx - n/2 */
            ll = -0.5 * (double)npos * log(acc / (double)npos) - b * sumlx;
            if (ll > best) {
                best = ll;
                m->noise_lr = b;
                m->noise_up = fmin(1, sqrt(acc / (double)npos));
            }
        }
    }

plateau:
    /* noise at chance: the deviations from chance of the epochs before
     * each escape (all of them for censored trials); MAD, since the odd
     * false start, a dip for an epoch or two, is not noise */
    for (uint32_t k = 0; k < n; k++) {
        uint32_t last = cls[k] == CLS_CENSORED ? E : first[k] > 2 ? first[k] - 2 : 0;
        if (cls[k] == CLS_SKIP)
            continue;
        for (uint32_t e = 0; e < last; e++)
            u2[np++] = d->error[(size_t)k * E + e] - m->chance;
    }
    m->noise_chance = np >= 2 ? fmin(1, gsl_stats_mad(u2, 1, np, wk)) : 0;
    rc = fit_noise_msm(d, m);
out:
    free(u2);
    free(lx);
    free(wk);
    return rc;
}
