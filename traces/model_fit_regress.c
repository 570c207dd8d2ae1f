/*
 * traces/model_fit_regress.c -- the regressions of the LeNet model's fit
 * (traces/model.h): least squares or bisquare-robust (GSL's multifit), and a
 * right-censored (Tobit) regression by EM for the escape epoch.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_vector.h>

#include "traces/model_fit_impl.h"

/* Least squares of y on the regressors of the trials in idx: coef, the
 * residual sum of squares, and sigma, the residual sd (sqrt(ssr / (n - p))).
 * robust: bisquare-weighted (gsl_multifit_robust), sigma GSL's robust
 * estimate, so that one odd curve neither tilts the line nor widens the
 * spread the model draws from. */
int fit_regress(const double *x, const uint32_t *idx, size_t cnt, const double *y, int robust,
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
            gsl_matrix_set(X, i, (size_t)q, x[(size_t)idx[i] * MODEL_NX + (size_t)q]);
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

double fit_predict(const double coef[MODEL_NX], const double *x)
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
double fit_censor_point(const model_params *m, uint32_t E, const double th[MODEL_NPAR])
{
    double d0, a, tau, lo = -3, hi = log(1e4);

    model_theta_curve(m, th, &d0, &a, &tau);

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
int fit_tobit(const double *x, const uint32_t *idx, size_t cnt, const double *y, const int *cens, double coef[MODEL_NX],
                 double *sigma, int *iters)
{
    double *yy = malloc(cnt * sizeof *yy), ssr, sd, s2, extra;
    int rc = 0, it;

    if (yy == NULL)
        return -ENOMEM;
    /* start: least squares with censored values at their bound */
    memcpy(yy, y, cnt * sizeof *yy);
    rc = fit_regress(x, idx, cnt, yy, 0, coef, &ssr, &sd);
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
            const double *xi = x + (size_t)idx[i] * MODEL_NX;
            double mu = fit_predict(coef, xi), s = sqrt(s2), al, q, lam;
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
        rc = fit_regress(x, idx, cnt, yy, 0, coef, &ssr, &sd);
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
