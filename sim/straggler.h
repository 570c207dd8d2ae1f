/*
 * sim/straggler.h -- straggler models the engine applies on top of any
 * workload (sim-internal; engine.h carries the parameters).
 *
 * Three effects, each off by default:
 *   - per-job noise: every job's duration is multiplied by a draw F > 0 from
 *     a distribution of mean 1 (normal: a little above 1, see below);
 *   - slow workers: worker i runs its jobs 1/speed_i times as long;
 *   - dropped jobs: each job is lost with probability P at a uniform point
 *     of its planned run (--drop P), or -- the hazard of the ASHA paper's
 *     Appendix A.1 -- with probability P in each unit of time it runs
 *     (--drop-rate P, see straggler_drop_rate); one or the other.
 * A job of trial t on worker i therefore takes sum(epoch seconds) * F / speed_i,
 * every epoch of it scaled alike, so epoch events stay in proportion.
 *
 * Determinism and pairing: every draw is a pure function of (seed, trial,
 * j, stream), where j counts the jobs of trial t started before this one
 * (0 for the first).  No sequential generator is involved, so the order of
 * events cannot change a draw, and two schedulers that run the j-th job of
 * trial t see the same noise and the same drop -- the comparison stays
 * paired, like the workload's common random numbers.  A retried job is a new
 * job of its trial (j + 1), so it gets fresh draws.
 *
 * Noise families (the parameter after the colon):
 *   lognormal:SIGMA   exp(N(-SIGMA^2/2, SIGMA^2)): mean exactly 1;
 *   normal:SIGMA      N(1, SIGMA^2) conditioned on > 0: mean
 *                     1 + SIGMA phi(1/SIGMA) / Phi(1/SIGMA): 1 up to 1e-23
 *                     for SIGMA <= 0.1, 1.028 at 0.5, 1.288 at 1, 1.495 at
 *                     1.3 (truncating a wide normal lengthens jobs);
 *   pareto:ALPHA      Pareto with shape ALPHA > 1 and scale (ALPHA-1)/ALPHA:
 *                     mean exactly 1, heavy tail P(F > x) ~ x^-ALPHA;
 *   exponential       mean 1 (the closed-form checks use it);
 *   halfnormal:SIGMA  1 + |z|, z ~ N(0, SIGMA^2): only slower, never faster,
 *                     mean 1 + SIGMA sqrt(2/pi) (the straggler law of the
 *                     ASHA paper's Appendix A.1, where a job's expected time
 *                     is multiplied by 1 + |z|).
 *
 * Ownership: straggler_params is a plain value (no pointers), so run specs
 * holding one copy freely.  Errors: parsers return 0 or -EINVAL with a
 * message in err that does not name the option (the caller adds it).
 */
#ifndef SHSIM_SIM_STRAGGLER_H
#define SHSIM_SIM_STRAGGLER_H

#include <stddef.h>
#include <stdint.h>

#define STRAG_MAX_SPEEDS 256

typedef enum {
    STRAG_NOISE_NONE, STRAG_NOISE_LOGNORMAL, STRAG_NOISE_NORMAL, STRAG_NOISE_PARETO,
    STRAG_NOISE_EXPONENTIAL, STRAG_NOISE_HALFNORMAL
} strag_noise;

typedef struct {
    strag_noise noise;
    double noise_param;   /* SIGMA or ALPHA; 0 for none and exponential */
    double drop;          /* probability a job is lost, in [0, 1) */
    double drop_rate;     /* probability a job is lost per unit of time it runs,
                             in [0, 1); never with drop > 0 */
    int drop_retry;       /* 1: back to the front of the queue; 0: the trial fails */
    uint32_t n_speed;     /* speeds given for workers 0..n_speed-1; others 1 */
    double speed[STRAG_MAX_SPEEDS];
    uint32_t slow_k;      /* the last slow_k workers run slow_factor times longer */
    double slow_factor;
    uint64_t seed;        /* set from the run's seed */
} straggler_params;

/* No noise, no drops, every worker at speed 1; on-drop retry. */
straggler_params straggler_default_params(void);
/* Does any effect apply?  Draws are needed only for noise and drops. */
int straggler_active(const straggler_params *p);
int straggler_draws(const straggler_params *p);

/* The noise factor F > 0 of job j of trial t (1 without noise). */
double straggler_noise(const straggler_params *p, uint32_t trial, uint32_t j);
/* Is job j of trial t dropped?  1 with *u in (0, 1), the fraction of its
 * planned run at which it is lost; 0 otherwise. */
int straggler_drop(const straggler_params *p, uint32_t trial, uint32_t j, double *u);
/* The per-time hazard: is job j of trial t, which would run for `duration`
 * time units, lost before it ends?  Its time to loss D is exponential with
 * P(D > x) = (1 - drop_rate)^x for every real x >= 0, so it survives its run
 * with probability (1 - drop_rate)^duration.  1 with *u = D / duration in
 * [0, 1) when D < duration; 0 otherwise (and always without a rate). */
int straggler_drop_rate(const straggler_params *p, uint32_t trial, uint32_t j, double duration,
                        double *u);
/* The factor worker w of `workers` multiplies durations by: 1/speed_w, times
 * slow_factor for the last slow_k workers. */
double straggler_slowdown(const straggler_params *p, uint32_t w, uint32_t workers);
/* -EINVAL with a message when the parameters cannot serve `workers`. */
int straggler_check(const straggler_params *p, uint32_t workers, char *err, size_t n);

/* Parsers of the command-line forms: "none", "lognormal:SIGMA",
 * "normal:SIGMA", "pareto:ALPHA", "exponential", "halfnormal:SIGMA"; "1,1,1,0.33" (or
 * "1/1/1/0.33", the form a sweep axis takes);
 * "K:FACTOR"; "retry" or "lose". */
int straggler_parse_noise(straggler_params *p, const char *s, char *err, size_t n);
int straggler_parse_speeds(straggler_params *p, const char *s, char *err, size_t n);
int straggler_parse_slow(straggler_params *p, const char *s, char *err, size_t n);
int straggler_parse_on_drop(straggler_params *p, const char *s, char *err, size_t n);

/* The forms back, for the outputs: "none"/"lognormal:0.5"...; the drop
 * setting: drop as a number ("0.01"), or "rate:P" under a per-time rate;
 * the speed list
 * ("" when none); "K:FACTOR" ("" when none); "retry"/"lose". */
void straggler_noise_str(const straggler_params *p, char *buf, size_t n);
void straggler_drop_str(const straggler_params *p, char *buf, size_t n);
void straggler_speeds_str(const straggler_params *p, char *buf, size_t n);
void straggler_slow_str(const straggler_params *p, char *buf, size_t n);
const char *straggler_on_drop_str(const straggler_params *p);

/* Mean of the noise factor (1 but for normal, which is truncated, and
 * halfnormal, 1 + SIGMA sqrt(2/pi)); sim/straggler_mean.c, with GSL,
 * outside the browser build. */
double straggler_noise_mean(strag_noise kind, double param);

#endif
