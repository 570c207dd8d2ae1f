/*
 * traces/crn.c -- the counter-based generator of crn.h: SplitMix64 as a
 * gsl_rng_type, and the key hash.
 *
 * Invariant: a crn_state is one 64-bit counter and nothing else, so
 * positioning a generator is a store, and a gsl_rng built on the stack by
 * crn_rng_init() needs no free.
 */
#include <stdint.h>

#include "traces/crn.h"

#define CRN_GAMMA UINT64_C(0x9e3779b97f4a7c15)

/* SplitMix64's output function (Stafford's "Mix13" variant). */
static uint64_t crn_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t crn_next(crn_state *s)
{
    s->x += CRN_GAMMA;
    return crn_mix(s->x);
}

/* Absorb the words in a fixed order, each through the bijective mix with its
 * own offset, so that a permutation of (seed, k, e, stream) hashes apart and
 * neighbouring counters (k, k+1) give unrelated keys. */
uint64_t crn_key(uint64_t seed, uint64_t k, uint64_t e, uint64_t stream)
{
    uint64_t h = crn_mix(seed + CRN_GAMMA);
    h = crn_mix(h ^ (k + UINT64_C(0x632be59bd9b4e019)));
    h = crn_mix(h ^ (e + UINT64_C(0x85157af5ae3d1b3d)));
    h = crn_mix(h ^ (stream + UINT64_C(0xd6e8feb86659fd93)));
    return h;
}

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
    /* 53 random bits scaled into [0, 1): every value exact, 0 possible. */
    return (double)(crn_next(state) >> 11) * 0x1.0p-53;
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
