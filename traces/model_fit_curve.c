/*
 * traces/model_fit_curve.c -- one learning curve of the LeNet model
 * (traces/model.h) fitted by nonlinear least squares: GSL's
 * multifit_nlinear (trust region, Levenberg-Marquardt) with the analytic
 * Jacobian, several starts, and a weak prior (see prior_mean).  model_fit.c
 * says how the fits are used.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "traces/model_fit_impl.h"

#define NSTART 8

/* ---- one learning curve ---------------------------------------------------- */

typedef struct {
    const model_params *m;
    const double *y; /* n errors */
    size_t n;
    double fixed[MODEL_NPAR]; /* theta entries not being fitted */
    int np;                   /* 3: fit all of theta, with the weak prior; 1: fit ln(1 + d) only */
    double up;                /* the weight of an error above the curve (1: least squares) ... */
    size_t up_from;           /* ... from this epoch on (the escape + 2, where the noise is measured) */
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


static void curve_theta(const curve_ctx *c, const gsl_vector *x, double th[MODEL_NPAR])
{
    for (int j = 0; j < MODEL_NPAR; j++)
        th[j] = fit_clampd(j < c->np ? gsl_vector_get(x, (size_t)j) : c->fixed[j], -THETA_CLAMP, THETA_CLAMP);
}

static int curve_f(const gsl_vector *x, void *params, gsl_vector *f)
{
    const curve_ctx *c = params;
    double th[MODEL_NPAR];

    curve_theta(c, x, th);
    double d, a, tau;

    model_theta_curve(c->m, th, &d, &a, &tau);
    for (size_t i = 0; i < c->n; i++) {
        double r = model_curve(c->m, d, a, tau, (double)(i + 1), NULL) - c->y[i];
        gsl_vector_set(f, i, r < 0 && i + 1 >= c->up_from ? c->up * r : r);
    }
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
        /* the row's weight: c->up where the error lies above the curve */
        double w = a + (m->chance - a) * g < c->y[i] && i + 1 >= c->up_from ? c->up : 1;
        /* d mu / d ln(1 + d) = (chance - a) * dg/dx * dx/dd * (1 + d) */
        gsl_matrix_set(J, i, 0, w * (m->chance - a) * (-b * g1 / tau) * (-sig) * (1 + d));
        if (c->np == 3) {
            /* a = floor + (chance - floor) sigmoid(theta_a) */
            gsl_matrix_set(J, i, 1, w * (1 - g) * (a - m->floor) * (1 - (a - m->floor) / (m->chance - m->floor)));
            gsl_matrix_set(J, i, 2, w * (m->chance - a) * b * (xe / tau) * g1);
        }
    }
    return GSL_SUCCESS;
}

void fitter_free(fitter *ft)
{
    if (ft->w3 != NULL)
        gsl_multifit_nlinear_free(ft->w3);
    if (ft->w1 != NULL)
        gsl_multifit_nlinear_free(ft->w1);
    ft->w3 = ft->w1 = NULL;
}

int fitter_alloc(fitter *ft, size_t n)
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
        xout[j] = fit_clampd(xout[j], -THETA_CLAMP, THETA_CLAMP);
    }
    return chisq;
}

static double logit_a(const model_params *m, double a)
{
    a = fit_clampd((a - m->floor) / (m->chance - m->floor), 1e-4, 1 - 1e-4);
    return log(a / (1 - a));
}

/* Fit all of theta to y (first epoch below chance for good: f), errors
 * above the curve weighted by up (1: least squares).  Returns the best
 * (weighted) sum of squares, theta in th.  warm (NULL or two thetas: the fit
 * at the previous beta, and at the best beta so far) adds two starts -- a
 * curve with two basins (a late escape after a false start, say) then keeps
 * the better one from one beta to the next, instead of the profile over
 * beta jumping between them.  +inf when every start failed. */
double fit_full(fitter *ft, const model_params *m, const double *y, uint32_t E, uint32_t f, double up,
                double th[MODEL_NPAR], const double *warm)
{
    curve_ctx c = {.m = m, .y = y, .n = E, .np = 3, .up = up, .up_from = (size_t)f + 2};
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
double fit_delay(fitter *ft, const model_params *m, const double *y, uint32_t E, uint32_t f,
                 double th[MODEL_NPAR])
{
    curve_ctx c = {.m = m, .y = y, .n = E, .np = 1, .up = 1};
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
