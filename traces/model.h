/*
 * traces/model.h -- the generative LeNet model behind `--workload
 * lenet-model`: its parameters, the draws that generate trial k, the fit
 * that estimates the parameters from recorded curves (GSL), and the summary
 * statistics that validate one against the other.
 *
 * This is the second face of traces/, for `shsim fit` and the tests; the
 * workload itself is reached through traces/workload.h like every other.
 *
 * The model (every value a pure function of (params, seed, k, e) through
 * crn.h; see traces/wl_model.c for the draws):
 *   configuration  trial 0: lr_first, batch_first (the book's first config);
 *                  trial k > 0: lr ~ loguniform(lr_min, lr_max),
 *                  batch ~ integer uniform batch_min..batch_max;
 *   seconds        epoch e of trial k:
 *                    (time_base + time_per_batch / batch)
 *                    * LN(sigma_trial)_k * LN(sigma_epoch)_{k,e}
 *                    + [e = 1] time_startup,
 *                  LN(s) a lognormal with mean 1 and log-sd s;
 *   learning curve mu(e) = a + (chance - a) (1 + x(e) / tau)^-beta,
 *                  x(e) = softness * ln(1 + exp((e - d) / softness)):
 *                  the sigmoid LeNet sits at chance (0.9) until about epoch
 *                  d, then falls toward the asymptote a with a power-law
 *                  tail (d > -1: a curve already learning when epoch 1
 *                  ends has d < 1, and d < 0 puts it further along);
 *                  the asymptote a lies between floor and chance: no
 *                  configuration trains the sigmoid LeNet below floor;
 *   curve params   theta = (ln(1 + d), logit((a - floor) / (chance - floor)),
 *                    ln tau)
 *                    = coef * (1, ln(lr / lr_first), ln(batch / batch_first),
 *                            ln(lr / lr_first)^2)
 *                    + residual, residual ~ N(0, D R D), D = diag(sigma),
 *                  R the correlation matrix of rho;
 *   error          mu(e) + (noise_chance (1 - q(e)) + n q(e) mu(e)) z, z ~ N(0, 1),
 *                  n = noise when z < 0; when z >= 0, n = noise_up
 *                  (lr / lr_first)^noise_lr and z becomes z exp(noise_tail
 *                  z^2 / 2) (a split normal with a Tukey-h upper tail: a step
 *                  that overshoots throws the error up, now and then far up,
 *                  by more at a larger learning rate, while the curve's
 *                  floor stays where it is),
 *                  clamped to [0, 1], with q(e) = 1 - (1 + x(e) / tau)^-beta
 *                  the progress made: a curve at chance barely wiggles (the
 *                  balanced test set makes a constant guess 0.9 wrong, give
 *                  or take a few images), a learning one does, in
 *                  proportion to its error (the recorded jumps are about
 *                  twice as large at errors 0.3..0.5 as below 0.3).
 *
 * Ownership: model_data_* allocate and model_data_free() releases (free of
 * a zeroed or freed set does nothing); model_fit_info is plain values.
 * Errors: 0 or a negative errno code with a message in err; nothing prints.
 */
#ifndef SHSIM_TRACES_MODEL_H
#define SHSIM_TRACES_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/workload.h"

#define MODEL_FORMAT 2        /* the params file's `format` */
#define MODEL_FORMAT_TEXT "2"
#define MODEL_AT_CHANCE 0.85  /* an error above this is "at chance" */
#define MODEL_MAX_EPOCHS 1000 /* cap of the params file's `epochs` */

/* The curve parameters, in the order of theta and of coef's rows. */
enum { MODEL_DELAY, MODEL_ASYM, MODEL_RATE, MODEL_NPAR };
/* The regressors, in the order of coef's columns. */
enum { MODEL_X_ONE, MODEL_X_LR, MODEL_X_BATCH, MODEL_X_LR2, MODEL_NX };
/* rho's entries. */
enum { MODEL_RHO_DA, MODEL_RHO_DR, MODEL_RHO_AR, MODEL_NRHO };

typedef struct {
    /* configuration space (the d2l chapter's) and epochs per trial */
    double lr_min, lr_max;
    uint32_t batch_min, batch_max;
    double lr_first;
    uint32_t batch_first;
    uint32_t epochs;
    /* seconds per epoch */
    double time_base;        /* s */
    double time_per_batch;   /* s x samples: time_base + time_per_batch / batch */
    double time_startup;     /* extra seconds of epoch 1 */
    double time_sigma_trial; /* log-sd of the per-trial factor */
    double time_sigma_epoch; /* log-sd of the per-epoch factor */
    /* learning curves */
    double chance;   /* error of a constant guess: 0.9 for 10 balanced classes */
    double beta;     /* tail exponent */
    double softness; /* epochs over which the escape from chance is smoothed */
    double coef[MODEL_NPAR][MODEL_NX];
    double sigma[MODEL_NPAR]; /* residual sd of theta */
    double rho[MODEL_NRHO];   /* residual correlations */
    double floor;             /* the lowest asymptote: a > floor */
    double noise;             /* per-epoch error sd / error at full progress, below the curve */
    double noise_up;          /* the same above the curve, at lr_first */
    double noise_lr;          /* ... times (lr / lr_first)^noise_lr */
    double noise_tail;        /* Tukey's h of the upper side: z -> z exp(h z^2 / 2) */
    double noise_chance;      /* per-epoch error sd while at chance */
} model_params;

/* The book's space, 10 epochs, chance 0.9, softness 0.05, and a neutral
 * untrained curve (d 3 epochs, a 0.3, tau 1, beta 1, no noise) and time (8 s
 * per epoch): the starting point of a fit, valid for generation. */
model_params model_default_params(void);

/* Check ranges and that D R D is positive definite.  0 or -EINVAL. */
int model_params_check(const model_params *m, char *err, size_t errlen);

/* The params file: INI text (libinih), `key = value` in sections [model],
 * [space], [time], [curve]; '#' or ';' starts a comment.  Every key must be
 * present exactly once; unknown keys are errors.  name is used in messages
 * ("NAME:LINE: key 'K': ..."). */
int model_params_parse(model_params *m, const char *text, const char *name, char *err, size_t errlen);
int model_params_read(model_params *m, const char *path, char *err, size_t errlen);
/* Write m as a params file (numbers round-trip exactly); comment lines (may
 * be NULL or hold several lines) go on top, each prefixed with "# ".
 * 0 or -errno (-EIO) if a write failed. */
int model_params_write(FILE *f, const model_params *m, const char *comment);
/* The params file shipped in traces/data/lenet_model.params, compiled in. */
const char *model_params_builtin(void);

/* ---- one trial ---------------------------------------------------------- */

typedef struct {
    double lr;
    uint32_t batch;
    double delay, asym, rate; /* d, a, tau */
    double noise_up;          /* noise_up (lr / lr_first)^noise_lr */
    double time_factor;       /* the per-trial lognormal factor */
} model_trial;

void model_trial_draw(const model_params *m, uint64_t seed, uint32_t k, model_trial *t);
/* Trial k of seed with its configuration set to (lr, batch) instead of
 * drawn: its residuals and noise are trial k's, its curve that of (lr,
 * batch).  For the validation at recorded configurations. */
void model_trial_draw_config(const model_params *m, uint64_t seed, uint32_t k, double lr, uint32_t batch,
                             model_trial *t);
/* noise_up (lr / lr_first)^noise_lr: the sd above the curve per unit of q mu. */
double model_noise_up(const model_params *m, double lr);
/* theta = (ln(1 + d), logit((a - floor) / (chance - floor)), ln tau) -> d, a, tau. */
void model_theta_curve(const model_params *m, const double theta[MODEL_NPAR], double *delay, double *asym,
                       double *rate);
/* The noiseless curve mu(e) and progress q(e), at any real e. */
double model_curve(const model_params *m, double delay, double asym, double rate, double e, double *q);
double model_epoch_time(const model_params *m, uint64_t seed, const model_trial *t, uint32_t k, uint32_t e);
double model_error(const model_params *m, uint64_t seed, const model_trial *t, uint32_t k, uint32_t e);

/* ---- data sets ---------------------------------------------------------- */

typedef struct {
    uint32_t trials, epochs;
    double *lr, *batch;   /* [trials] */
    double *time, *error; /* [trials * epochs]: epoch e of trial k at k*epochs + e-1 */
} model_data;

int model_data_alloc(model_data *d, uint32_t trials, uint32_t epochs);
void model_data_free(model_data *d);
/* Every trial of a finite workload whose config header names the columns
 * learning_rate and batch_size. */
int model_data_from_workload(model_data *d, const workload *w, char *err, size_t errlen);
/* Trials 0..trials-1 of the model, all m->epochs epochs. */
int model_data_generate(model_data *d, const model_params *m, uint64_t seed, uint32_t trials);

/* ---- fitting ------------------------------------------------------------ */

typedef struct {
    uint32_t trials;   /* in the data */
    uint32_t full;     /* escaped with >= MODEL_FULL_EPOCHS epochs below chance: all of theta fitted */
    uint32_t late;     /* escaped later: only d fitted */
    uint32_t censored; /* at chance at the last epoch: d known to be later */
    double curve_rmse; /* of the per-trial curve fits (full trials) */
    int tobit_iterations;
} model_fit_info;

#define MODEL_FULL_EPOCHS 4

/* Fit every estimated field of m: the seconds per epoch to times, the
 * learning curves and noise to curves (m's space, chance, floor, softness
 * and epochs are kept as given; start from model_default_params()).  The
 * two may be the same data set.  Needs at least 8 trials of 3 epochs in
 * each, and enough learning curves (-EDOM otherwise). */
int model_fit(const model_data *times, const model_data *curves, model_params *m, model_fit_info *info, char *err,
              size_t errlen);

/* ---- the recorded tables -------------------------------------------------- */

/* The built-in table traces/data/FILE (compiled in) as a data set, in file
 * order.  -ENOENT when not compiled in, else as model_data_from_workload. */
int model_data_builtin(model_data *d, const char *file, char *err, size_t errlen);
/* d = the trials of a, then those of b (the same epochs; b NULL: a copy
 * of a).  0, -EINVAL, -ENOMEM. */
int model_data_concat(model_data *d, const model_data *a, const model_data *b);

/* ---- validation --------------------------------------------------------- */

/* The epochs at which errors are summarised. */
#define MODEL_STAT_E1 2
#define MODEL_STAT_E2 4
#define MODEL_STAT_E3 10

typedef struct {
    uint32_t trials;
    double at_chance[2];  /* share of errors > MODEL_AT_CHANCE at E1 and E3 */
    double quart[3][3];   /* [epoch E1, E2, E3][quartile 1, 2, 3] of the error */
    double spearman;      /* rank correlation of the errors at E1 and E3 */
    double time_mean;     /* seconds per epoch, over every epoch of every trial */
    double time_sd;
    double time_trial_sd; /* sd of the trials' mean seconds per epoch */
    double time_first;    /* mean seconds of epoch 1 */
} model_stats;

/* The quartiles (0.25, 0.5, 0.75) of the error after epoch e, 1 <= e <=
 * epochs.  0, -EINVAL, -ENOMEM. */
int model_epoch_quartiles(const model_data *d, uint32_t e, double q[3]);

/* NaN where the data has too few epochs.  0, -EINVAL (< 2 trials), -ENOMEM. */
int model_stats_compute(const model_data *d, model_stats *s);

/* ---- validation against the recorded tables (model_validate.c) ---------- */

/* The best region: where the model puts its best trials and where
 * traces/data/lenet_cpu_tail.csv re-trained 24 configurations. */
#define MODEL_REGION_LR 0.3     /* learning_rate >= */
#define MODEL_REGION_BATCH 128  /* batch_size <= */
/* Jumps are measured from the epoch centred here on (curves that learned by
 * the epoch before it). */
#define MODEL_JUMP_FIRST 5
/* Jumps are compared in the learning-rate bands [0, MODEL_JUMP_BAND1),
 * [MODEL_JUMP_BAND1, MODEL_REGION_LR) and [MODEL_REGION_LR, inf). */
#define MODEL_JUMP_BAND1 0.1
#define MODEL_JUMP_BANDS 3

/* reps trials of the model (seed) at each configuration of ref that has
 * one: the validation at the recorded configurations.  0, -EINVAL, -ENOMEM. */
int model_data_generate_at(model_data *d, const model_params *m, uint64_t seed, const model_data *ref, uint32_t reps);
/* The trials of src with lr_lo <= lr < lr_hi and batch <= batch_hi (NaN
 * configurations never match).  -EINVAL when none does. */
int model_data_region(model_data *d, const model_data *src, double lr_lo, double lr_hi, double batch_hi);
/* The p-quantile (GSL's) of the error after epoch e over every trial, or
 * over every epoch of every trial when e is 0. */
int model_error_quantile(const model_data *d, uint32_t e, double p, double *out);
/* The p-quantile of the jumps y(e) - (y(e-1) + y(e+1)) / 2 (an epoch
 * above or below the mean of its neighbours), e from MODEL_JUMP_FIRST to
 * epochs - 1, of the trials with lr_lo <= lr < lr_hi that are below chance
 * at epoch MODEL_JUMP_FIRST - 1: the epoch-to-epoch noise, to which a
 * smooth curve adds little, with its sign.  NaN when none. */
int model_jump_quantile(const model_data *d, double lr_lo, double lr_hi, double p, double *out);

#endif
