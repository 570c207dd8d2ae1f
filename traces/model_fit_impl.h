/*
 * traces/model_fit_impl.h -- inside traces/ only: the parts of the LeNet
 * model's fit (traces/model.h, model_fit()) that live in files of their own:
 * one learning curve's least squares (model_fit_curve.c), the regressions
 * (model_fit_regress.c), seconds per epoch (model_fit_time.c) and the
 * per-epoch noise (model_fit_noise.c).  model_fit.c drives them.
 */
#ifndef SHSIM_TRACES_MODEL_FIT_IMPL_H
#define SHSIM_TRACES_MODEL_FIT_IMPL_H

#include <gsl/gsl_multifit_nlinear.h>

#include "traces/model.h"

/* theta entries are kept within +-THETA_CLAMP during the fits */
#define THETA_CLAMP 20.0

enum trial_class { CLS_SKIP, CLS_CENSORED, CLS_LATE, CLS_FULL };

static inline double fit_clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- one learning curve (model_fit_curve.c) ----------------------------- */

/* Workspaces for the curve fits of E epochs: all of theta (with the prior's
 * 3 residuals) and ln(1 + d) alone. */
typedef struct {
    gsl_multifit_nlinear_workspace *w3, *w1;
} fitter;

int fitter_alloc(fitter *ft, size_t n);
void fitter_free(fitter *ft);
/* Fit all of theta to y[0..E-1] (first epoch below chance for good: f),
 * errors above the curve weighted by up (1: least squares); warm NULL or
 * two thetas to start from as well.  The best sum of squares (+inf when
 * every start failed), theta in th. */
double fit_full(fitter *ft, const model_params *m, const double *y, uint32_t E, uint32_t f, double up,
                double th[MODEL_NPAR], const double *warm);
/* Fit ln(1 + d) only, the other entries of th fixed. */
double fit_delay(fitter *ft, const model_params *m, const double *y, uint32_t E, uint32_t f,
                 double th[MODEL_NPAR]);

/* ---- regressions (model_fit_regress.c) ---------------------------------- */

/* x: the regressors of every trial, [trial * MODEL_NX]; idx: the cnt trials
 * used, y their responses. */
int fit_regress(const double *x, const uint32_t *idx, size_t cnt, const double *y, int robust,
                double coef[MODEL_NX], double *ssr, double *sigma);
double fit_predict(const double coef[MODEL_NX], const double *x);
double fit_censor_point(const model_params *m, uint32_t E, const double th[MODEL_NPAR]);
int fit_tobit(const double *x, const uint32_t *idx, size_t cnt, const double *y, const int *cens,
              double coef[MODEL_NX], double *sigma, int *iters);

/* ---- seconds per epoch (model_fit_time.c) ------------------------------- */

int fit_time(const model_data *d, model_params *m, char *err, size_t errlen);

/* ---- per-epoch noise (model_fit_noise.c) -------------------------------- */

/* noise, noise_up, noise_lr and noise_chance of m from the curves of d,
 * classified (cls, first) and fitted (theta) at m; again: refine m's noise
 * values instead of starting from the residuals.  0 or -ENOMEM. */
int fit_noise(const model_data *d, const enum trial_class *cls, const uint32_t *first, const double *theta,
              int again, model_params *m);

#endif
