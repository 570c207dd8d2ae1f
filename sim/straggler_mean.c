/*
 * sim/straggler_mean.c -- the mean of a straggler noise law (straggler.h).
 *
 * Apart from straggler.c because it needs GSL's normal cdf: the closed-form
 * checks use it, the simulation run path does not, and the browser page
 * (web/) builds the run path without GSL.
 */
#include "sim/straggler.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

double straggler_noise_mean(strag_noise kind, double param)
{
    if (kind == STRAG_NOISE_HALFNORMAL) /* E|z| = SIGMA sqrt(2/pi) */
        return 1.0 + param * 0.79788456080286535588; /* sqrt(2/pi) */
    if (kind != STRAG_NOISE_NORMAL || param == 0)
        return 1.0;
    /* E[X | X > 0] for X ~ N(1, s^2): 1 + s phi(1/s) / Phi(1/s) */
    double a = 1.0 / param;
    return 1.0 + param * gsl_ran_ugaussian_pdf(a) / gsl_cdf_ugaussian_P(a);
}
