/*
 * sim/check.h -- closed forms the simulator must reproduce (sim-internal),
 * for `shsim check` and tests/test_check.c.
 *
 * Three families, each a comparison of a simulated value with an exact one:
 *   - idle: one synchronous rung of W jobs on W workers, durations iid with
 *     mean mu: the expected idle worker-seconds until the rung completes is
 *     W * (E[max of W] - mu).  E[max] comes from integrating the survival
 *     function of the maximum, int_0^inf 1 - F(x)^W dx, with GSL's QAGIU
 *     (for exponential durations it is the harmonic number H_W, which the
 *     tests also check the integral against).  The simulated value is the
 *     mean over `reps` seeded runs; the tolerance is CHECK_Z standard errors
 *     (sample standard deviation / sqrt(reps)) plus the integration error.
 *   - strict SH with constant epoch seconds c, one bracket: makespan
 *     sum_k ceil(n_k / W) * Delta_k * c and utilisation
 *     sum_k n_k * Delta_k * c / (W * makespan), Delta_k = r_k - r_{k-1}
 *     (checkpoint) or r_k (restart); exact, tolerance 0.
 *   - strict synchronous Hyperband with constant epoch seconds, one cycle of
 *     brackets: makespan, the sum over brackets (sim/check.c has the forms);
 *     exact, tolerance 0.
 *   - ASHA with constant epoch seconds and unbounded configurations: busy
 *     worker-seconds / (W * horizon) = 1 exactly: no worker ever waits.
 * The idle runs use the straggler noise (sim/straggler.h) on the workload
 * synthetic:constant:1, so the durations are the noise factors themselves;
 * SH with eta = W and rungs 1, 2 makes rung 0 exactly W jobs.
 *
 * Errors: 0 or a negative errno code with a message in err; never prints.
 */
#ifndef SHSIM_SIM_CHECK_H
#define SHSIM_SIM_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "sim/straggler.h"

#define CHECK_Z 4.0 /* standard errors of tolerance: P(|N(0,1)| > 4) = 6e-5 */

typedef struct {
    char name[96];
    double simulated, exact, tol;
    int ok;
} check_result;

/* E[max of w iid noise factors] (normal: the truncated one), by numerical
 * integration; *abserr its error estimate.  0 or -EDOM when GSL fails. */
int check_emax(strag_noise kind, double param, uint32_t w, double *out, double *abserr);
/* H_w = 1 + 1/2 + ... + 1/w. */
double check_harmonic(uint32_t w);

/* The idle check for one (distribution, W). */
int check_rung_idle(strag_noise kind, double param, uint32_t w, uint32_t reps, uint64_t seed,
                    check_result *out, char *err, size_t n);
/* The strict-SH checks for one case: out[0] makespan, out[1] utilisation. */
int check_strict_sh(uint32_t eta, uint32_t r_max, uint32_t w, int restart, double seconds,
                    check_result out[2], char *err, size_t n);
/* Strict synchronous Hyperband's makespan, one cycle of every bracket, for
 * W = 1 (the sum over brackets of their work) or W >= the cycle's trials
 * (brackets chained at their last rungs); -EINVAL for another W. */
int check_strict_hyperband(uint32_t eta, uint32_t r_max, uint32_t w, int restart, double seconds,
                           check_result *out, char *err, size_t n);
/* The ASHA utilisation check (type 0 promotion, 1 stopping). */
int check_asha_busy(uint32_t eta, uint32_t r_max, uint32_t w, int type, double horizon,
                    check_result *out, char *err, size_t n);

/* Every check of `shsim check`: writes at most cap results, returns their
 * number (>= 0) or a negative errno code. */
int check_all(uint32_t reps, uint64_t seed, check_result *out, size_t cap, char *err, size_t n);

#endif
