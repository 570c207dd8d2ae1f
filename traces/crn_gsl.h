/*
 * traces/crn_gsl.h -- crn.h's generator as a gsl_rng_type, for code that
 * wants GSL's distributions on a CRN key: the tests that check crn.h's
 * inline draws against GSL's, bit for bit.  The simulation run path never
 * includes it (it must build without GSL, for the browser page).
 *
 * get() returns 32 bits (max 2^32 - 1) so the type is also correct where
 * unsigned long has 32 bits; get_double() uses the top 53 bits, as
 * crn_uniform() does.
 */
#ifndef SHSIM_TRACES_CRN_GSL_H
#define SHSIM_TRACES_CRN_GSL_H

#include <gsl/gsl_rng.h>

#include "traces/crn.h"

/* The gsl_rng_type; gsl_rng_alloc(crn_splitmix64) works too (set() takes the
 * seed as the key). */
extern const gsl_rng_type *const crn_splitmix64;

/* Point r at s and position the generator at key; r is ready for gsl_ran_*.
 * Neither is allocated: r and s usually live on the caller's stack. */
void crn_rng_init(gsl_rng *r, crn_state *s, uint64_t key);

#endif
