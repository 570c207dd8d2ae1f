/*
 * traces/model_fit.c -- fit the LeNet model (traces/model.h) to recorded
 * curves.  This file drives the fit; the parts (model_fit_impl.h) are
 * model_fit_curve.c (GSL's multifit_nlinear for each curve),
 * model_fit_regress.c (multifit_linear and a censored (Tobit) regression,
 * by EM, for the escape epoch), model_fit_time.c (seconds per epoch) and
 * model_fit_noise.c (the per-epoch noise, by simulated moments); a Brent
 * minimiser here finds the shared tail exponent.
 *
 * Seconds per epoch (trials with a batch size):
 *   - a trial whose epochs all take the same time was recorded as a total
 *     spread evenly: it informs its own mean only;
 *   - start-up = mean over the other trials of epoch 1 minus the mean of
 *     epochs 2..E (clamped at 0); even trials have it taken out of their
 *     total;
 *   - base, per_batch: least squares of the trial means of epochs 2..E on
 *     (1, 1/batch);
 *   - sigma_epoch from the relative deviations of epochs 2..E from their
 *     trial's mean: variance + 2 x lag-1 autocovariance.  Epoch times that
 *     are differences of timestamps with independent errors (the d2l tuner
 *     polled every ~5 s) get an error variance 2v and a lag-1 covariance
 *     -v, which this sum cancels, while independent per-epoch variation
 *     keeps its variance; divided by 1 - 2/n for the trial means removed
 *     (n = E - 1 epochs).  Made a lognormal log-sd;
 *   - sigma_trial from the log ratio of each trial mean to the regression,
 *     less the part that epoch noise and timestamp error add to a mean.
 *
 * Learning curves (trials with both learning rate and batch size), in
 * theta = (ln(1 + d), logit((a - floor) / (chance - floor)), ln tau); the
 * floor is an input, like chance and softness.  ln(1 + d) rather than
 * ln d because a curve that escapes within epoch 1 cannot tell d = 0.1 from
 * d = 0.001, and ln d would spread such guesses over -7..-2:
 *   - censored: error at the last epoch E still > MODEL_AT_CHANCE: the
 *     trial never left chance, its d is only known to be late;
 *   - full: below chance for the last >= MODEL_FULL_EPOCHS epochs (from its
 *     first epoch f after which it stays below): all of theta fitted by
 *     nonlinear least squares (trust region, Levenberg-Marquardt, analytic
 *     Jacobian) from 8 starting points (the best sum of squares wins), with
 *     a weak prior (see prior_mean);
 *   - late: escaped too late for a and tau to be told apart: only ln d is
 *     fitted, with a and tau at the regression's prediction.
 *   beta is shared: Brent's method on ln beta minimises the total sum of
 *   squares of the full fits (after a grid scan brackets it; each curve
 *   also restarts from its fits at the previous and the best beta so far,
 *   so that the profile does not jump between a curve's two basins);
 *   softness is not fitted (model_default_params(): 0.05 epochs, a kink
 *   smoothed for the Jacobian -- the recorded drops from chance take under
 *   an epoch, and wider values fit worse).  logit a and ln tau are
 *   regressed on (1, ln lr/lr_first, ln batch/batch_first,
 *   (ln lr/lr_first)^2) over the full trials, bisquare-robust; ln(1 + d)
 *   over full, late and censored trials by a Tobit
 *   regression (right-censored at the d that would have brought the last
 *   epoch's error to MODEL_AT_CHANCE), fitted by EM with a least-squares M
 *   step.  Residual correlations come from the full trials (shrunk toward
 *   0 if they do not make a valid correlation matrix).  The per-epoch
 *   noise then comes from model_fit_noise.c.  A second pass refits each
 *   full curve with the errors above it weighted by noise / noise_up(lr)
 *   (from two epochs past the escape: the split normal's likelihood), then
 *   the regressions and the noise again.
 *
 * Trade-offs, admitted: a and tau are regressed on the trials that escaped
 * early, i.e. mostly the faster configurations, so for slow ones they are
 * extrapolated; a, tau and beta trade off along a sloppy direction over 10
 * epochs, and the prior leans on it (on the model's own curves the fit
 * finds beta about 10% high and the constants of logit a and ln tau about
 * 0.1 high, with curves that look alike: tests/test_model.c); the
 * residual spreads include each curve fit's own estimation error.
 *
 * Cost: about (10 grid points + ~8 Brent steps + 1) x full trials x 10
 * starts small fits of E + 3 residuals and 3 parameters, plus two
 * Nelder-Mead searches over ~2000 simulated trials: about 1 s for the 162
 * recorded trials.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_statistics_double.h>

#include "traces/model_fit_impl.h"
#include "traces/wl_impl.h"

#define BETA_LO 0.05
#define BETA_HI 8.0
#define BETA_GRID 10

/* ---- the whole fit ------------------------------------------------------ */

typedef struct {
    const model_data *d;
    model_params *m;
    fitter ft;
    uint32_t n;              /* trials */
    enum trial_class *cls;   /* [n] */
    uint32_t *first;         /* [n] first epoch below chance for good */
    double *x;               /* [n * MODEL_NX] regressors */
    double *theta;           /* [n * MODEL_NPAR] */
    double *best_theta;      /* [n * MODEL_NPAR]: the fits at the best beta so far */
    double best_total;       /* their sum of squares; +inf before the first */
    char *err;
    size_t errlen;
} fit_job;

/* Total sum of squares of the full fits at beta (+inf if one fails);
 * their thetas in j->theta, and in j->best_theta when the total is the best
 * so far. */
static double sse_at_beta(fit_job *j, double beta)
{
    double total = 0;
    uint32_t E = j->d->epochs;

    j->m->beta = beta;
    for (uint32_t k = 0; k < j->n; k++) {
        double *th = j->theta + (size_t)k * MODEL_NPAR, warm[2 * MODEL_NPAR];
        if (j->cls[k] != CLS_FULL)
            continue;
        memcpy(warm, th, sizeof(double) * MODEL_NPAR);
        memcpy(warm + MODEL_NPAR, j->best_theta + (size_t)k * MODEL_NPAR, sizeof(double) * MODEL_NPAR);
        total += fit_full(&j->ft, j->m, j->d->error + (size_t)k * E, E, j->first[k], 1, th,
                          isfinite(j->best_total) ? warm : NULL);
    }
    if (total < j->best_total) {
        j->best_total = total;
        memcpy(j->best_theta, j->theta, (size_t)j->n * MODEL_NPAR * sizeof *j->theta);
    }
    return total;
}

static double brent_f(double lnbeta, void *params)
{
    return sse_at_beta(params, exp(lnbeta));
}

static int fit_beta(fit_job *j)
{
    double grid[BETA_GRID], sse[BETA_GRID];
    int best = 0, status, iter = 0;
    gsl_function F = {brent_f, j};
    gsl_min_fminimizer *s;

    for (int i = 0; i < BETA_GRID; i++) {
        grid[i] = log(BETA_LO) + (log(BETA_HI) - log(BETA_LO)) * i / (BETA_GRID - 1);
        sse[i] = brent_f(grid[i], j);
        if (sse[i] < sse[best])
            best = i;
    }
    if (!isfinite(sse[best])) {
        wl_errf(j->err, j->errlen, "curve fits failed for every beta");
        return -EDOM;
    }
    if (best == 0 || best == BETA_GRID - 1) { /* at the edge: keep it */
        sse_at_beta(j, exp(grid[best]));
        return 0;
    }
    s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
    if (s == NULL)
        return -ENOMEM;
    status = gsl_min_fminimizer_set_with_values(s, &F, grid[best], sse[best], grid[best - 1], sse[best - 1],
                                                grid[best + 1], sse[best + 1]);
    while (status == GSL_SUCCESS && iter++ < 100) {
        status = gsl_min_fminimizer_iterate(s);
        if (status != GSL_SUCCESS)
            break;
        status = gsl_min_test_interval(gsl_min_fminimizer_x_lower(s), gsl_min_fminimizer_x_upper(s), 1e-3, 0);
        if (status == GSL_SUCCESS)
            break;
        if (status == GSL_CONTINUE)
            status = GSL_SUCCESS;
    }
    double lnb = gsl_min_fminimizer_x_minimum(s);
    gsl_min_fminimizer_free(s);
    if (status != GSL_SUCCESS) {
        wl_errf(j->err, j->errlen, "beta: Brent minimiser failed: %s", gsl_strerror(status));
        return -EDOM;
    }
    /* leave theta at the chosen beta's fits */
    sse_at_beta(j, exp(lnb));
    return 0;
}

/* ---- learning curves --------------------------------------------------------- */

/* The population stage's work arrays, [n] each but res [n * MODEL_NPAR]:
 * the full trials (idx[0..nfull)), a regressand (y), the Tobit's trials,
 * values and censoring flags, and the full trials' residuals. */
typedef struct {
    uint32_t *idx, nfull, nlate, ncens;
    double *y;
    uint32_t *tob;
    double *ty;
    int *cens;
    double *res;
} curve_books;

/* Each trial's regressors and class: skipped (no configuration), censored
 * (never below chance), full (MODEL_FULL_EPOCHS or more below it) or late. */
static void classify(fit_job *j, curve_books *b)
{
    const model_data *d = j->d;
    const model_params *m = j->m;
    uint32_t E = d->epochs;
    for (uint32_t k = 0; k < d->trials; k++) {
        const double *e = d->error + (size_t)k * E;
        uint32_t f = E + 1;
        j->cls[k] = CLS_SKIP;
        if (!isfinite(d->lr[k]) || !isfinite(d->batch[k]))
            continue;
        j->x[(size_t)k * MODEL_NX + MODEL_X_ONE] = 1;
        j->x[(size_t)k * MODEL_NX + MODEL_X_LR] = log(d->lr[k] / m->lr_first);
        j->x[(size_t)k * MODEL_NX + MODEL_X_BATCH] = log(d->batch[k] / m->batch_first);
        /* the effect of the learning rate levels off at the top of the
         * space (lenet_cpu_tail.csv): a curve in ln lr, not a line */
        j->x[(size_t)k * MODEL_NX + MODEL_X_LR2] = log(d->lr[k] / m->lr_first) * log(d->lr[k] / m->lr_first);
        while (f > 1 && e[f - 2] <= MODEL_AT_CHANCE)
            f--;
        j->first[k] = f;
        if (f > E) {
            j->cls[k] = CLS_CENSORED;
            b->ncens++;
        } else if (E - f + 1 >= MODEL_FULL_EPOCHS) {
            j->cls[k] = CLS_FULL;
            b->idx[b->nfull++] = k;
        } else {
            j->cls[k] = CLS_LATE;
            b->nlate++;
        }
    }
}

/* The root mean square error of the full trials' own curve fits. */
static int full_fits_rmse(fit_job *j, const curve_books *b, double *rmse)
{
    const model_data *d = j->d;
    uint32_t E = d->epochs;
    double sse = 0;
    for (uint32_t i = 0; i < b->nfull; i++) {
        const double *th = j->theta + (size_t)b->idx[i] * MODEL_NPAR;
        const double *ye = d->error + (size_t)b->idx[i] * E;
        double dd, a, tau;
        if (!isfinite(th[0])) {
            wl_errf(j->err, j->errlen, "learning curves: a curve fit failed");
            return -EDOM;
        }
        model_theta_curve(j->m, th, &dd, &a, &tau);
        for (uint32_t e = 1; e <= E; e++) {
            double r = model_curve(j->m, dd, a, tau, e, NULL) - ye[e - 1];
            sse += r * r;
        }
    }
    *rmse = sqrt(sse / ((double)b->nfull * E));
    return 0;
}

/* Each full curve again with its errors above the curve weighted by
 * noise / noise_up(lr) (model.h: the noise is a split normal, so that is
 * the curve's maximum likelihood fit, and the curve runs under the upward
 * jumps rather than through their middle). */
static int refit_weighted(fit_job *j, const curve_books *b)
{
    const model_data *d = j->d;
    model_params *m = j->m;
    uint32_t E = d->epochs;
    for (uint32_t i = 0; i < b->nfull; i++) {
        uint32_t k = b->idx[i];
        double *th = j->theta + (size_t)k * MODEL_NPAR, warm[2 * MODEL_NPAR];
        double up = fit_clampd(m->noise / fmax(1e-9, model_noise_up(m, d->lr[k])), 0.05, 20);
        memcpy(warm, th, sizeof(double) * MODEL_NPAR);
        memcpy(warm + MODEL_NPAR, th, sizeof(double) * MODEL_NPAR);
        if (!isfinite(fit_full(&j->ft, m, d->error + (size_t)k * E, E, j->first[k], up, th, warm))) {
            wl_errf(j->err, j->errlen, "learning curves: a curve fit failed");
            return -EDOM;
        }
    }
    return 0;
}

/* a and tau: least squares over the full trials, with their residuals. */
static int regress_asym_rate(fit_job *j, curve_books *b)
{
    model_params *m = j->m;
    double ssr;
    for (int p = MODEL_ASYM; p <= MODEL_RATE; p++) {
        for (uint32_t i = 0; i < b->nfull; i++)
            b->y[i] = j->theta[(size_t)b->idx[i] * MODEL_NPAR + (size_t)p];
        int rc = fit_regress(j->x, b->idx, b->nfull, b->y, 1, m->coef[p], &ssr, &m->sigma[p]);
        if (rc < 0) {
            wl_errf(j->err, j->errlen, "learning curves: regression of %s failed", p == MODEL_ASYM ? "a" : "tau");
            return rc;
        }
        for (uint32_t i = 0; i < b->nfull; i++)
            b->res[(size_t)i * MODEL_NPAR + (size_t)p] =
                b->y[i] - fit_predict(m->coef[p], j->x + (size_t)b->idx[i] * MODEL_NX);
    }
    return 0;
}

/* d: late fits, censoring points, then the Tobit regression, with the full
 * trials' residuals. */
static int regress_delay(fit_job *j, curve_books *b, model_fit_info *info)
{
    const model_data *d = j->d;
    model_params *m = j->m;
    uint32_t E = d->epochs;
    size_t nt = 0;
    for (uint32_t k = 0; k < d->trials; k++) {
        double *th = j->theta + (size_t)k * MODEL_NPAR;
        const double *xk = j->x + (size_t)k * MODEL_NX;
        if (j->cls[k] == CLS_SKIP)
            continue;
        if (j->cls[k] != CLS_FULL) {
            th[MODEL_ASYM] = fit_predict(m->coef[MODEL_ASYM], xk);
            th[MODEL_RATE] = fit_predict(m->coef[MODEL_RATE], xk);
        }
        if (j->cls[k] == CLS_LATE) {
            if (!isfinite(fit_delay(&j->ft, m, d->error + (size_t)k * E, E, j->first[k], th))) {
                wl_errf(j->err, j->errlen, "learning curves: the delay fit of trial %lu failed", (unsigned long)k);
                return -EDOM;
            }
        } else if (j->cls[k] == CLS_CENSORED)
            th[MODEL_DELAY] = fit_censor_point(m, E, th);
        b->tob[nt] = k;
        b->ty[nt] = th[MODEL_DELAY];
        b->cens[nt] = j->cls[k] == CLS_CENSORED;
        nt++;
    }
    int rc = fit_tobit(j->x, b->tob, nt, b->ty, b->cens, m->coef[MODEL_DELAY], &m->sigma[MODEL_DELAY],
                       &info->tobit_iterations);
    if (rc < 0) {
        wl_errf(j->err, j->errlen, "learning curves: the censored regression of the delay failed");
        return rc;
    }
    for (uint32_t i = 0; i < b->nfull; i++)
        b->res[(size_t)i * MODEL_NPAR] = j->theta[(size_t)b->idx[i] * MODEL_NPAR] -
                                         fit_predict(m->coef[MODEL_DELAY], j->x + (size_t)b->idx[i] * MODEL_NX);
    return 0;
}

/* Residual correlations (full trials), shrunk toward 0 until the
 * parameters are positive definite. */
static void fit_correlations(model_params *m, const curve_books *b)
{
    static const int pair[MODEL_NRHO][2] = {{0, 1}, {0, 2}, {1, 2}};
    for (int r = 0; r < MODEL_NRHO; r++) {
        double v = gsl_stats_correlation(b->res + pair[r][0], MODEL_NPAR, b->res + pair[r][1], MODEL_NPAR,
                                         b->nfull);
        m->rho[r] = isfinite(v) ? fit_clampd(v, -0.99, 0.99) : 0;
    }
    for (int tries = 0; tries < 100 && model_params_check(m, NULL, 0) < 0; tries++)
        for (int r = 0; r < MODEL_NRHO; r++)
            m->rho[r] *= 0.9;
}

static int fit_curves(fit_job *j, model_fit_info *info)
{
    uint32_t n = j->d->trials;
    curve_books b = { .idx = malloc(n * sizeof *b.idx), .y = malloc(n * sizeof *b.y),
                      .tob = malloc(n * sizeof *b.tob), .ty = malloc(n * sizeof *b.ty),
                      .cens = malloc(n * sizeof *b.cens),
                      .res = malloc((size_t)n * MODEL_NPAR * sizeof *b.res) };
    int rc = 0;
    if (!b.idx || !b.y || !b.tob || !b.ty || !b.cens || !b.res) {
        rc = -ENOMEM;
        wl_errf(j->err, j->errlen, "out of memory");
        goto out;
    }
    classify(j, &b);
    if (b.nfull < 2 * MODEL_NX) {
        wl_errf(j->err, j->errlen,
                "learning curves: %lu trials learned for %d epochs or more; need at least %d to fit the curves",
                (unsigned long)b.nfull, MODEL_FULL_EPOCHS, 2 * MODEL_NX);
        rc = -EDOM;
        goto out;
    }
    /* shared beta, then the full fits at it */
    if ((rc = fit_beta(j)) < 0 || (rc = full_fits_rmse(j, &b, &info->curve_rmse)) < 0)
        goto out;
    /* two passes: least squares, then the full curves refitted by their
     * likelihood (refit_weighted); the population and the noise each time */
    for (int pass = 0; pass < 2; pass++) {
        if ((pass == 1 && (rc = refit_weighted(j, &b)) < 0) || (rc = regress_asym_rate(j, &b)) < 0 ||
            (rc = regress_delay(j, &b, info)) < 0)
            goto out;
        fit_correlations(j->m, &b);
        rc = fit_noise(j->d, j->cls, j->first, j->theta, pass, j->m);
        if (rc < 0) {
            wl_errf(j->err, j->errlen, "out of memory");
            goto out;
        }
    }
    info->full = b.nfull;
    info->late = b.nlate;
    info->censored = b.ncens;
out:
    free(b.idx);
    free(b.y);
    free(b.tob);
    free(b.ty);
    free(b.cens);
    free(b.res);
    return rc;
}

int model_fit(const model_data *times, const model_data *d, model_params *m, model_fit_info *info, char *err,
              size_t errlen)
{
    fit_job j;
    model_fit_info dummy;
    model_params work = *m;
    char why[512];
    int rc;

    if (info == NULL)
        info = &dummy;
    memset(info, 0, sizeof *info);
    memset(&j, 0, sizeof j);
    if (d->trials < 8 || d->epochs < 3) {
        wl_errf(err, errlen, "fit: %lu trials of %lu epochs; need at least 8 trials of 3 epochs",
                (unsigned long)d->trials, (unsigned long)d->epochs);
        return -EDOM;
    }
    if (times->trials < 8 || times->epochs < 3) {
        wl_errf(err, errlen, "fit: seconds from %lu trials of %lu epochs; need at least 8 trials of 3 epochs",
                (unsigned long)times->trials, (unsigned long)times->epochs);
        return -EDOM;
    }
    info->trials = d->trials;
    rc = fit_time(times, &work, err, errlen);
    if (rc < 0)
        return rc;

    j.d = d;
    j.m = &work;
    j.n = d->trials;
    j.err = err;
    j.errlen = errlen;
    j.cls = calloc(d->trials, sizeof *j.cls);
    j.first = calloc(d->trials, sizeof *j.first);
    j.x = calloc((size_t)d->trials * MODEL_NX, sizeof *j.x);
    j.theta = calloc((size_t)d->trials * MODEL_NPAR, sizeof *j.theta);
    j.best_theta = calloc((size_t)d->trials * MODEL_NPAR, sizeof *j.best_theta);
    j.best_total = (double)INFINITY;
    if (j.cls == NULL || j.first == NULL || j.x == NULL || j.theta == NULL || j.best_theta == NULL ||
        fitter_alloc(&j.ft, d->epochs) < 0) {
        wl_errf(err, errlen, "out of memory");
        rc = -ENOMEM;
        goto out;
    }
    rc = fit_curves(&j, info);
    if (rc < 0)
        goto out;
    rc = model_params_check(&work, why, sizeof why);
    if (rc < 0) {
        wl_errf(err, errlen, "fit: the fitted parameters are out of range: %s", why);
        rc = -EDOM;
        goto out;
    }
    *m = work;
out:
    fitter_free(&j.ft);
    free(j.cls);
    free(j.first);
    free(j.x);
    free(j.theta);
    free(j.best_theta);
    return rc;
}
