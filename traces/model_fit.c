/*
 * traces/model_fit.c -- fit the LeNet model (traces/model.h) to recorded
 * curves: GSL's multifit_nlinear for each curve, multifit_linear for the
 * regressions, a Brent minimiser for the shared tail exponent, and a
 * censored (Tobit) regression, by EM, for the escape epoch.
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
 * theta = (ln(1 + d), logit(a / chance), ln tau); ln(1 + d) rather than
 * ln d because a curve that escapes within epoch 1 cannot tell d = 0.1 from
 * d = 0.001, and ln d would spread such guesses over -7..-2:
 *   - censored: error at the last epoch E still > MODEL_AT_CHANCE: the
 *     trial never left chance, its d is only known to be late;
 *   - full: below chance for the last >= MODEL_FULL_EPOCHS epochs (from its
 *     first epoch f after which it stays below): all of theta fitted by nonlinear least squares (trust region,
 *     Levenberg-Marquardt, analytic Jacobian) from 8 starting points (the
 *     best sum of squares wins), with a weak prior (see prior_mean);
 *   - late: escaped too late for a and tau to be told apart: only ln d is
 *     fitted, with a and tau at the regression's prediction.
 *   beta is shared: Brent's method on ln beta minimises the total sum of
 *   squares of the full fits (after a grid scan brackets it; each curve
 *   also restarts from its fits at the previous and the best beta so far,
 *   so that the profile does not jump between a curve's two basins); softness is
 *   not fitted (model_default_params(): 0.05 epochs, a kink smoothed for
 *   the Jacobian -- the recorded drops from chance take under an epoch,
 *   and wider values fit worse).  logit a and ln tau are regressed on
 *   (1, ln lr/lr_first, ln batch/batch_first) over the full trials,
 *   bisquare-robust; ln(1 + d) over full, late and censored trials by a Tobit
 *   regression (right-censored at the d that would have brought the last
 *   epoch's error to MODEL_AT_CHANCE), fitted by EM with a least-squares M
 *   step.  Residual correlations come from the full trials (shrunk toward
 *   0 if they do not make a valid correlation matrix).  The per-epoch
 *   noise comes from the curves' wiggle (second differences past the
 *   escape), the noise at chance from a robust spread of the epochs before
 *   it.
 *
 * Trade-offs, admitted: a and tau are regressed on the trials that escaped
 * early, i.e. mostly the faster configurations, so for slow ones they are
 * extrapolated; a, tau and beta trade off along a sloppy direction over 10
 * epochs, and the prior leans on it (on the model's own curves the fit
 * finds beta about 10% high and the constants of logit a and ln tau about
 * 0.1 high, with curves that look alike: tests/test_model.c); the
 * residual spreads include each curve fit's own estimation error.
 *
 * Cost: about (10 grid points + ~8 Brent steps) x full trials x 10 starts
 * small fits of E + 3 residuals and 3 parameters: about 0.4 s for the 99
 * recorded trials, 1.3 s for 300 generated ones.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_vector.h>

#include "traces/model.h"
#include "traces/wl_impl.h"

#define THETA_CLAMP 20.0
#define NSTART 8
#define BETA_LO 0.05
#define BETA_HI 8.0
#define BETA_GRID 10

enum trial_class { CLS_SKIP, CLS_CENSORED, CLS_LATE, CLS_FULL };

/* ---- one learning curve ---------------------------------------------------- */

typedef struct {
    const model_params *m;
    const double *y; /* n errors */
    size_t n;
    double fixed[MODEL_NPAR]; /* theta entries not being fitted */
    int np;                   /* 3: fit all of theta, with the weak prior; 1: fit ln(1 + d) only */
} curve_ctx;

/* The weak prior of a full fit: theta_j ~ N(PRIOR_MEAN_j, PRIOR_SD^2),
 * entered as np extra residuals PRIOR_WEIGHT (theta_j - mean_j) / PRIOR_SD,
 * PRIOR_WEIGHT being about one epoch's noise: a curve that pins theta down
 * does not notice it, one that cannot tell a from tau (still falling at the
 * last epoch) gets values near the prior instead of running off to a = 0 or
 * tau = 0. */
static const double prior_mean[MODEL_NPAR] = {1.3862943611198906 /* ln(1 + 3) */,
                                              -1.2527629684953681 /* logit(0.2 / 0.9) */,
                                              -1.2039728043259361 /* ln 0.3 */};
#define PRIOR_SD 2.0
#define PRIOR_WEIGHT 0.03

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void curve_theta(const curve_ctx *c, const gsl_vector *x, double th[MODEL_NPAR])
{
    for (int j = 0; j < MODEL_NPAR; j++)
        th[j] = clampd(j < c->np ? gsl_vector_get(x, (size_t)j) : c->fixed[j], -THETA_CLAMP, THETA_CLAMP);
}

static int curve_f(const gsl_vector *x, void *params, gsl_vector *f)
{
    const curve_ctx *c = params;
    double th[MODEL_NPAR];

    curve_theta(c, x, th);
    double d, a, tau;

    model_theta_curve(c->m, th, &d, &a, &tau);
    for (size_t i = 0; i < c->n; i++)
        gsl_vector_set(f, i, model_curve(c->m, d, a, tau, (double)(i + 1), NULL) - c->y[i]);
    for (size_t i = c->n; i < f->size; i++)
        gsl_vector_set(f, i, PRIOR_WEIGHT * (th[i - c->n] - prior_mean[i - c->n]) / PRIOR_SD);
    return GSL_SUCCESS;
}

/* The analytic Jacobian; see model.h for mu(e). */
static int curve_df(const gsl_vector *x, void *params, gsl_matrix *J)
{
    const curve_ctx *c = params;
    const model_params *m = c->m;
    double th[MODEL_NPAR];

    curve_theta(c, x, th);
    double d, a, tau;

    model_theta_curve(m, th, &d, &a, &tau);
    double s = m->softness, b = m->beta;
    gsl_matrix_set_zero(J);
    for (size_t i = c->n; i < J->size1; i++)
        gsl_matrix_set(J, i, i - c->n, PRIOR_WEIGHT / PRIOR_SD);
    for (size_t i = 0; i < c->n; i++) {
        double z = ((double)(i + 1) - d) / s;
        double xe = z > 40 ? (double)(i + 1) - d : s * log1p(exp(z));
        double sig = 1 / (1 + exp(-z)); /* d xe / d e */
        double base = 1 + xe / tau;
        double g = pow(base, -b), g1 = pow(base, -b - 1);
        /* d mu / d ln(1 + d) = (chance - a) * dg/dx * dx/dd * (1 + d) */
        gsl_matrix_set(J, i, 0, (m->chance - a) * (-b * g1 / tau) * (-sig) * (1 + d));
        if (c->np == 3) {
            gsl_matrix_set(J, i, 1, (1 - g) * a * (1 - a / m->chance));
            gsl_matrix_set(J, i, 2, (m->chance - a) * b * (xe / tau) * g1);
        }
    }
    return GSL_SUCCESS;
}

typedef struct {
    gsl_multifit_nlinear_workspace *w3, *w1;
} fitter;

static void fitter_free(fitter *ft)
{
    if (ft->w3 != NULL)
        gsl_multifit_nlinear_free(ft->w3);
    if (ft->w1 != NULL)
        gsl_multifit_nlinear_free(ft->w1);
    ft->w3 = ft->w1 = NULL;
}

static int fitter_alloc(fitter *ft, size_t n)
{
    gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();

    ft->w3 = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, n + 3, 3); /* + prior */
    ft->w1 = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, n, 1);
    if (ft->w3 == NULL || ft->w1 == NULL) {
        fitter_free(ft);
        return -ENOMEM;
    }
    return 0;
}

/* One least-squares run from x0; its sum of squares (with the prior's
 * terms), or +inf when GSL failed or the result is not finite.  "No further
 * progress" (reported at an optimum it cannot improve on) and "too many
 * iterations" count as results: the starts compete on their sums of
 * squares, and a start that stalled loses to one that converged. */
static double fit_once(gsl_multifit_nlinear_workspace *w, curve_ctx *c, const double *x0, double *xout)
{
    gsl_multifit_nlinear_fdf fdf;
    double x0v[MODEL_NPAR], chisq;
    gsl_vector_view v = gsl_vector_view_array(x0v, (size_t)c->np);
    int info, status;

    memcpy(x0v, x0, (size_t)c->np * sizeof *x0v);
    memset(&fdf, 0, sizeof fdf);
    fdf.f = curve_f;
    fdf.df = curve_df;
    fdf.fvv = NULL;
    fdf.n = gsl_multifit_nlinear_residual(w)->size;
    fdf.p = (size_t)c->np;
    fdf.params = c;
    status = gsl_multifit_nlinear_init(&v.vector, &fdf, w);
    if (status != GSL_SUCCESS)
        return (double)INFINITY;
    status = gsl_multifit_nlinear_driver(200, 1e-10, 1e-10, 0.0, NULL, NULL, &info, w);
    if (status != GSL_SUCCESS && status != GSL_ENOPROG && status != GSL_EMAXITER)
        return (double)INFINITY;
    status = gsl_blas_ddot(gsl_multifit_nlinear_residual(w), gsl_multifit_nlinear_residual(w), &chisq);
    if (status != GSL_SUCCESS || !isfinite(chisq))
        return (double)INFINITY;
    for (int j = 0; j < c->np; j++) {
        xout[j] = gsl_vector_get(gsl_multifit_nlinear_position(w), (size_t)j);
        if (!isfinite(xout[j]))
            return (double)INFINITY;
        xout[j] = clampd(xout[j], -THETA_CLAMP, THETA_CLAMP);
    }
    return chisq;
}

static double logit_a(const model_params *m, double a)
{
    a = clampd(a / m->chance, 1e-4, 1 - 1e-4);
    return log(a / (1 - a));
}

/* Fit all of theta to y (first epoch below chance for good: f).  Returns
 * the best sum of squares, theta in th.  warm (NULL or two thetas: the fit
 * at the previous beta, and at the best beta so far) adds two starts -- a
 * curve with two basins (a late escape after a false start, say) then keeps
 * the better one from one beta to the next, instead of the profile over
 * beta jumping between them.  +inf when every start failed. */
static double fit_full(fitter *ft, const model_params *m, const double *y, uint32_t E, uint32_t f,
                       double th[MODEL_NPAR], const double *warm)
{
    curve_ctx c = {.m = m, .y = y, .n = E, .np = 3};
    double ymin = y[0], best = (double)INFINITY, prev[2 * MODEL_NPAR];

    if (warm != NULL)
        memcpy(prev, warm, sizeof prev);
    for (uint32_t e = 1; e < E; e++)
        ymin = fmin(ymin, y[e]);
    for (int s = warm != NULL ? -2 : 0; s < NSTART; s++) {
        double x0[3], x[3], sse;
        if (s < 0) {
            memcpy(x0, prev + (s + 2) * MODEL_NPAR, sizeof x0);
        } else {
            double d0 = fmax(0.2, (double)f - ((s & 1) ? 0.3 : 1.0));
            x0[0] = log1p(d0);
            x0[1] = logit_a(m, ymin * ((s & 2) ? 0.6 : 0.9));
            x0[2] = log((s & 4) ? 2.0 : 0.2);
        }
        sse = fit_once(ft->w3, &c, x0, x);
        if (sse < best) {
            best = sse;
            memcpy(th, x, sizeof x);
        }
    }
    return best;
}

/* Fit ln d only, with logit a and ln tau fixed at th[1], th[2]. */
static double fit_delay(fitter *ft, const model_params *m, const double *y, uint32_t E, uint32_t f,
                        double th[MODEL_NPAR])
{
    curve_ctx c = {.m = m, .y = y, .n = E, .np = 1};
    static const double back[3] = {0.3, 1.0, 1.7};
    double best = (double)INFINITY;

    c.fixed[MODEL_ASYM] = th[MODEL_ASYM];
    c.fixed[MODEL_RATE] = th[MODEL_RATE];
    for (int s = 0; s < 3; s++) {
        double x0 = log1p(fmax(0.2, (double)f - back[s])), x, sse;
        sse = fit_once(ft->w1, &c, &x0, &x);
        if (sse < best) {
            best = sse;
            th[MODEL_DELAY] = x;
        }
    }
    return best;
}

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
        total += fit_full(&j->ft, j->m, j->d->error + (size_t)k * E, E, j->first[k], th,
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

/* Least squares of y on the regressors of the trials in idx: coef, the
 * residual sum of squares, and sigma, the residual sd (sqrt(ssr / (n - p))).
 * robust: bisquare-weighted (gsl_multifit_robust), sigma GSL's robust
 * estimate, so that one odd curve neither tilts the line nor widens the
 * spread the model draws from. */
static int regress(const fit_job *j, const uint32_t *idx, size_t cnt, const double *y, int robust,
                   double coef[MODEL_NX], double *ssr, double *sigma)
{
    gsl_matrix *X = gsl_matrix_alloc(cnt, MODEL_NX), *cov = gsl_matrix_alloc(MODEL_NX, MODEL_NX);
    gsl_vector *yv = gsl_vector_alloc(cnt), *c = gsl_vector_alloc(MODEL_NX);
    gsl_multifit_linear_workspace *w = robust ? NULL : gsl_multifit_linear_alloc(cnt, MODEL_NX);
    gsl_multifit_robust_workspace *rw = robust ? gsl_multifit_robust_alloc(gsl_multifit_robust_bisquare, cnt, MODEL_NX)
                                               : NULL;
    int rc = 0, status;

    if (X == NULL || cov == NULL || yv == NULL || c == NULL || (robust ? rw == NULL : w == NULL)) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < cnt; i++) {
        for (int q = 0; q < MODEL_NX; q++)
            gsl_matrix_set(X, i, (size_t)q, j->x[(size_t)idx[i] * MODEL_NX + (size_t)q]);
        gsl_vector_set(yv, i, y[i]);
    }
    if (robust) {
        status = gsl_multifit_robust_maxiter(1000, rw);
        if (status == GSL_SUCCESS)
            status = gsl_multifit_robust(X, yv, c, cov, rw);
        if (status == GSL_SUCCESS) {
            gsl_multifit_robust_stats st = gsl_multifit_robust_statistics(rw);
            *ssr = st.sse;
            *sigma = st.sigma;
        }
    } else {
        status = gsl_multifit_linear(X, yv, c, cov, ssr, w);
        *sigma = sqrt(*ssr / (double)(cnt - MODEL_NX));
    }
    if (status != GSL_SUCCESS) {
        rc = -EDOM;
        goto out;
    }
    for (int q = 0; q < MODEL_NX; q++)
        coef[q] = gsl_vector_get(c, (size_t)q);
out:
    gsl_matrix_free(X);
    gsl_matrix_free(cov);
    gsl_vector_free(yv);
    gsl_vector_free(c);
    if (w != NULL) /* GSL's _free(NULL) is not safe for every type */
        gsl_multifit_linear_free(w);
    if (rw != NULL)
        gsl_multifit_robust_free(rw);
    return rc;
}

static double predict(const double coef[MODEL_NX], const double *x)
{
    double v = 0;
    for (int q = 0; q < MODEL_NX; q++)
        v += coef[q] * x[q];
    return v;
}

/* The ln d above which trial k (a, tau at theta[1], theta[2]) would still
 * be above MODEL_AT_CHANCE at epoch E: bisection, since mu(E) rises with
 * d.  When it would be above at any d, the censoring tells nothing: the
 * lowest bound. */
static double censor_point(const model_params *m, uint32_t E, const double th[MODEL_NPAR])
{
    double a = m->chance / (1 + exp(-th[MODEL_ASYM])), tau = exp(th[MODEL_RATE]);
    double lo = -3, hi = log(1e4);

    if (model_curve(m, expm1(lo), a, tau, E, NULL) > MODEL_AT_CHANCE)
        return lo;
    for (int i = 0; i < 100; i++) {
        double mid = (lo + hi) / 2;
        if (model_curve(m, expm1(mid), a, tau, E, NULL) > MODEL_AT_CHANCE)
            hi = mid;
        else
            lo = mid;
    }
    return (lo + hi) / 2;
}

/* Tobit regression, right-censored: y[i] observed where cens[i] == 0, else
 * only y > y[i].  EM (Amemiya 1984): E step replaces a censored value by
 * its conditional mean under N(x'b, s^2) truncated below at y[i] and adds
 * its conditional variance; M step is least squares.  Converges to the
 * maximum-likelihood estimate. */
static int tobit(fit_job *j, const uint32_t *idx, size_t cnt, const double *y, const int *cens, double coef[MODEL_NX],
                 double *sigma, int *iters)
{
    double *yy = malloc(cnt * sizeof *yy), ssr, sd, s2, extra;
    int rc = 0, it;

    if (yy == NULL)
        return -ENOMEM;
    /* start: least squares with censored values at their bound */
    memcpy(yy, y, cnt * sizeof *yy);
    rc = regress(j, idx, cnt, yy, 0, coef, &ssr, &sd);
    if (rc < 0)
        goto out;
    s2 = ssr / (double)cnt;
    if (!(s2 > 1e-12))
        s2 = 1e-12;
    for (it = 1; it <= 20000; it++) {
        double old[MODEL_NX], olds2 = s2, diff = 0;
        memcpy(old, coef, sizeof old);
        extra = 0;
        for (size_t i = 0; i < cnt; i++) {
            const double *xi = j->x + (size_t)idx[i] * MODEL_NX;
            double mu = predict(coef, xi), s = sqrt(s2), al, q, lam;
            if (!cens[i]) {
                yy[i] = y[i];
                continue;
            }
            al = (y[i] - mu) / s;
            q = gsl_cdf_ugaussian_Q(al);
            lam = q > 1e-300 ? gsl_ran_ugaussian_pdf(al) / q : al + 1 / al; /* inverse Mills ratio */
            yy[i] = mu + s * lam;
            extra += s2 * fmax(0, 1 + al * lam - lam * lam);
        }
        rc = regress(j, idx, cnt, yy, 0, coef, &ssr, &sd);
        if (rc < 0)
            goto out;
        s2 = (ssr + extra) / (double)cnt;
        if (!(s2 > 1e-12))
            s2 = 1e-12;
        for (int q = 0; q < MODEL_NX; q++)
            diff = fmax(diff, fabs(coef[q] - old[q]));
        diff = fmax(diff, fabs(sqrt(s2) - sqrt(olds2)));
        if (diff < 1e-10)
            break;
    }
    *iters = it;
    /* ML's s^2 divides by n; scale to the observed-count dof like OLS */
    *sigma = sqrt(s2 * (double)cnt / (double)(cnt > MODEL_NX ? cnt - MODEL_NX : 1));
out:
    free(yy);
    return rc;
}

/* ---- seconds per epoch ----------------------------------------------------- */

static int fit_time(const model_data *d, model_params *m, char *err, size_t errlen)
{
    uint32_t E = d->epochs, n = d->trials, nb = 0, nvar = 0;
    double n1 = E - 1, s2num = 0, c1num = 0, den = 0, startup = 0, srel2 = 0, v = 0;
    double *mean = calloc(n, sizeof *mean), *rho = calloc(n, sizeof *rho);
    int *even = calloc(n, sizeof *even), rc = 0;
    gsl_matrix *X = NULL, *cov = NULL;
    gsl_vector *y = NULL, *c = NULL;
    gsl_multifit_linear_workspace *w = NULL;
    double chisq;

    if (mean == NULL || rho == NULL || even == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    for (uint32_t k = 0; k < n; k++) {
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
    if (nvar > 0 && den > 0) {
        double s2 = s2num / den, c1 = c1num / den;
        startup = fmax(0, startup / nvar);
        srel2 = fmax(0, (s2 + 2 * c1) / (1 - 2 / n1));
        v = fmax(0, -c1);
    } else
        startup = 0;
    m->time_startup = startup;
    m->time_sigma_epoch = sqrt(log1p(srel2));

    /* even trials: the start-up out of the total */
    for (uint32_t k = 0; k < n; k++) {
        if (even[k])
            mean[k] = fmax(1e-9, (d->time[(size_t)k * E] * E - startup) / E);
        nb += isfinite(d->batch[k]);
    }
    if (nb < 3) {
        wl_errf(err, errlen, "seconds per epoch: %lu trials with a batch size, need at least 3", (unsigned long)nb);
        rc = -EDOM;
        goto out;
    }
    X = gsl_matrix_alloc(nb, 2);
    cov = gsl_matrix_alloc(2, 2);
    y = gsl_vector_alloc(nb);
    c = gsl_vector_alloc(2);
    w = gsl_multifit_linear_alloc(nb, 2);
    if (X == NULL || cov == NULL || y == NULL || c == NULL || w == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    for (uint32_t k = 0, i = 0; k < n; k++) {
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
    {
        double mr = 0, var = 0;
        uint32_t i = 0;
        for (uint32_t k = 0; k < n; k++) {
            double pred;
            if (!isfinite(d->batch[k]))
                continue;
            pred = m->time_base + m->time_per_batch / d->batch[k];
            if (!(pred > 0)) {
                wl_errf(err, errlen, "seconds per epoch: the fit %g + %g / batch is not positive at batch %g",
                        m->time_base, m->time_per_batch, d->batch[k]);
                rc = -EDOM;
                goto out;
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
    }
out:
    free(mean);
    free(rho);
    free(even);
    gsl_matrix_free(X);
    gsl_matrix_free(cov);
    gsl_vector_free(y);
    gsl_vector_free(c);
    if (w != NULL)
        gsl_multifit_linear_free(w);
    if (rc == -ENOMEM)
        wl_errf(err, errlen, "out of memory");
    return rc;
}

/* ---- learning curves --------------------------------------------------------- */

static int fit_curves(fit_job *j, model_fit_info *info)
{
    const model_data *d = j->d;
    model_params *m = j->m;
    uint32_t E = d->epochs, n = d->trials, nfull = 0, nlate = 0, ncens = 0;
    uint32_t *idx = malloc(n * sizeof *idx), *tob = malloc(n * sizeof *tob);
    double *y = malloc(n * sizeof *y), *ty = malloc(n * sizeof *ty), ssr;
    double *res = malloc((size_t)n * MODEL_NPAR * sizeof *res);
    int *cens = malloc(n * sizeof *cens), rc = 0;
    size_t nt = 0;

    if (idx == NULL || tob == NULL || y == NULL || ty == NULL || res == NULL || cens == NULL) {
        rc = -ENOMEM;
        wl_errf(j->err, j->errlen, "out of memory");
        goto out;
    }
    /* classify */
    for (uint32_t k = 0; k < n; k++) {
        const double *e = d->error + (size_t)k * E;
        uint32_t f = E + 1;
        j->cls[k] = CLS_SKIP;
        if (!isfinite(d->lr[k]) || !isfinite(d->batch[k]))
            continue;
        j->x[(size_t)k * MODEL_NX + MODEL_X_ONE] = 1;
        j->x[(size_t)k * MODEL_NX + MODEL_X_LR] = log(d->lr[k] / m->lr_first);
        j->x[(size_t)k * MODEL_NX + MODEL_X_BATCH] = log(d->batch[k] / m->batch_first);
        while (f > 1 && e[f - 2] <= MODEL_AT_CHANCE)
            f--;
        j->first[k] = f;
        if (f > E) {
            j->cls[k] = CLS_CENSORED;
            ncens++;
        } else if (E - f + 1 >= MODEL_FULL_EPOCHS) {
            j->cls[k] = CLS_FULL;
            idx[nfull++] = k;
        } else {
            j->cls[k] = CLS_LATE;
            nlate++;
        }
    }
    if (nfull < 2 * MODEL_NX) {
        wl_errf(j->err, j->errlen,
                "learning curves: %lu trials learned for %d epochs or more; need at least %d to fit the curves",
                (unsigned long)nfull, MODEL_FULL_EPOCHS, 2 * MODEL_NX);
        rc = -EDOM;
        goto out;
    }

    /* shared beta, then the full fits at it */
    rc = fit_beta(j);
    if (rc < 0)
        goto out;
    {
        double sse = 0;
        for (uint32_t i = 0; i < nfull; i++) {
            const double *th = j->theta + (size_t)idx[i] * MODEL_NPAR;
            const double *ye = d->error + (size_t)idx[i] * E;
            double dd, a, tau;
            if (!isfinite(th[0])) {
                wl_errf(j->err, j->errlen, "learning curves: a curve fit failed");
                rc = -EDOM;
                goto out;
            }
            model_theta_curve(m, th, &dd, &a, &tau);
            for (uint32_t e = 1; e <= E; e++) {
                double r = model_curve(m, dd, a, tau, e, NULL) - ye[e - 1];
                sse += r * r;
            }
        }
        info->curve_rmse = sqrt(sse / ((double)nfull * E));
    }

    /* a and tau: least squares over the full trials */
    for (int p = MODEL_ASYM; p <= MODEL_RATE; p++) {
        for (uint32_t i = 0; i < nfull; i++)
            y[i] = j->theta[(size_t)idx[i] * MODEL_NPAR + (size_t)p];
        rc = regress(j, idx, nfull, y, 1, m->coef[p], &ssr, &m->sigma[p]);
        if (rc < 0) {
            wl_errf(j->err, j->errlen, "learning curves: regression of %s failed", p == MODEL_ASYM ? "a" : "tau");
            goto out;
        }
        for (uint32_t i = 0; i < nfull; i++)
            res[(size_t)i * MODEL_NPAR + (size_t)p] = y[i] - predict(m->coef[p], j->x + (size_t)idx[i] * MODEL_NX);
    }

    /* d: late fits, censoring points, then the Tobit regression */
    for (uint32_t k = 0; k < n; k++) {
        double *th = j->theta + (size_t)k * MODEL_NPAR;
        const double *xk = j->x + (size_t)k * MODEL_NX;
        if (j->cls[k] == CLS_SKIP)
            continue;
        if (j->cls[k] != CLS_FULL) {
            th[MODEL_ASYM] = predict(m->coef[MODEL_ASYM], xk);
            th[MODEL_RATE] = predict(m->coef[MODEL_RATE], xk);
        }
        if (j->cls[k] == CLS_LATE) {
            if (!isfinite(fit_delay(&j->ft, m, d->error + (size_t)k * E, E, j->first[k], th))) {
                wl_errf(j->err, j->errlen, "learning curves: the delay fit of trial %lu failed", (unsigned long)k);
                rc = -EDOM;
                goto out;
            }
        } else if (j->cls[k] == CLS_CENSORED)
            th[MODEL_DELAY] = censor_point(m, E, th);
        tob[nt] = k;
        ty[nt] = th[MODEL_DELAY];
        cens[nt] = j->cls[k] == CLS_CENSORED;
        nt++;
    }
    rc = tobit(j, tob, nt, ty, cens, m->coef[MODEL_DELAY], &m->sigma[MODEL_DELAY], &info->tobit_iterations);
    if (rc < 0) {
        wl_errf(j->err, j->errlen, "learning curves: the censored regression of the delay failed");
        goto out;
    }
    for (uint32_t i = 0; i < nfull; i++)
        res[(size_t)i * MODEL_NPAR] = j->theta[(size_t)idx[i] * MODEL_NPAR] -
                                      predict(m->coef[MODEL_DELAY], j->x + (size_t)idx[i] * MODEL_NX);

    /* residual correlations (full trials), shrunk toward 0 until positive
     * definite */
    {
        static const int pair[MODEL_NRHO][2] = {{0, 1}, {0, 2}, {1, 2}};
        for (int r = 0; r < MODEL_NRHO; r++) {
            double v = gsl_stats_correlation(res + pair[r][0], MODEL_NPAR, res + pair[r][1], MODEL_NPAR, nfull);
            m->rho[r] = isfinite(v) ? clampd(v, -0.99, 0.99) : 0;
        }
        for (int tries = 0; tries < 100 && model_params_check(m, NULL, 0) < 0; tries++)
            for (int r = 0; r < MODEL_NRHO; r++)
                m->rho[r] *= 0.9;
    }

    /* per-epoch noise from the wiggle: second differences
     * y(e-1) - 2 y(e) + y(e+1) of the full trials' epochs past the escape
     * (from two epochs after it), where the curve itself hardly bends: each
     * has variance noise^2 (w(e-1)^2 + 4 w(e)^2 + w(e+1)^2), w = q mu, under
     * the model.  Unlike the fits' residuals, this does not count the curve
     * family's misfit (the real drop from chance is steeper than any smooth
     * curve with a slow tail) as noise. */
    {
        double dd = 0, ww = 0;
        for (uint32_t i = 0; i < nfull; i++) {
            const double *th = j->theta + (size_t)idx[i] * MODEL_NPAR;
            const double *ye = d->error + (size_t)idx[i] * E;
            double dl, a, tau, w[3];
            model_theta_curve(m, th, &dl, &a, &tau);
            for (uint32_t e = j->first[idx[i]] + 2; e + 1 <= E; e++) {
                double d2 = ye[e - 2] - 2 * ye[e - 1] + ye[e];
                for (int t = 0; t < 3; t++) {
                    double q, mu = model_curve(m, dl, a, tau, (double)(e - 1 + (uint32_t)t), &q);
                    w[t] = q * mu;
                }
                dd += d2 * d2;
                ww += w[0] * w[0] + 4 * w[1] * w[1] + w[2] * w[2];
            }
        }
        m->noise = ww > 0 ? fmin(1, sqrt(dd / ww)) : 0;
    }

    /* noise at chance: a robust sd (MAD) of the deviations from chance of
     * the epochs before each escape (all of them for censored trials): the
     * odd false start, a dip for an epoch or two, is not noise */
    {
        size_t np = 0;
        double *dev = malloc((size_t)n * E * sizeof *dev), *wk = malloc((size_t)n * E * sizeof *wk);
        if (dev == NULL || wk == NULL) {
            free(dev);
            free(wk);
            rc = -ENOMEM;
            wl_errf(j->err, j->errlen, "out of memory");
            goto out;
        }
        for (uint32_t k = 0; k < n; k++) {
            uint32_t last = j->cls[k] == CLS_CENSORED ? E : j->first[k] > 2 ? j->first[k] - 2 : 0;
            if (j->cls[k] == CLS_SKIP)
                continue;
            for (uint32_t e = 0; e < last; e++)
                dev[np++] = d->error[(size_t)k * E + e] - m->chance;
        }
        m->noise_chance = np >= 2 ? fmin(1, gsl_stats_mad(dev, 1, np, wk)) : 0;
        free(dev);
        free(wk);
    }
    info->full = nfull;
    info->late = nlate;
    info->censored = ncens;
out:
    free(idx);
    free(tob);
    free(y);
    free(ty);
    free(res);
    free(cens);
    return rc;
}

int model_fit(const model_data *d, model_params *m, model_fit_info *info, char *err, size_t errlen)
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
    info->trials = d->trials;
    rc = fit_time(d, &work, err, errlen);
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
