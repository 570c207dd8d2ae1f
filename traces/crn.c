/*
 * traces/crn.c -- the counter-based generator of crn.h as a gsl_rng_type
 * (traces/crn_gsl.h; the key hash and the inline draws are in crn.h).
 *
 * Invariant: a crn_state is one 64-bit counter and nothing else, so
 * positioning a generator is a store, and a gsl_rng built on the stack by
 * crn_rng_init() needs no free.
 */
#include <stdint.h>

#include "traces/crn_gsl.h"

static void crn_set(void *state, unsigned long int seed)
{
    ((crn_state *)state)->x = (uint64_t)seed;
}

static unsigned long int crn_get(void *state)
{
    return (unsigned long int)(crn_next(state) >> 32);
}

static double crn_get_double(void *state)
{
    return crn_uniform(state);
}

static const gsl_rng_type crn_splitmix64_type = {
    "shsim_splitmix64", /* name */
    UINT32_MAX,         /* max */
    0,                  /* min */
    sizeof(crn_state),  /* size */
    crn_set,
    crn_get,
    crn_get_double,
};

const gsl_rng_type *const crn_splitmix64 = &crn_splitmix64_type;

void crn_rng_init(gsl_rng *r, crn_state *s, uint64_t key)
{
    s->x = key;
    r->type = crn_splitmix64;
    r->state = s;
}
