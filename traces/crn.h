/*
 * traces/crn.h -- inside traces/ only: counter-based random numbers for
 * common random numbers (CRN) across schedulers.
 *
 * Every random draw of a model workload is a pure function of
 * (seed, trial k, epoch e, stream): crn_key() hashes the four into a 64-bit
 * key, and crn_rng_init() turns a caller-provided gsl_rng and crn_state (both
 * on the caller's stack) into a GSL generator positioned at that key, so
 * GSL's distribution functions (gsl_ran_*, gsl_rng_uniform) draw from it.
 * There is no sequential state between queries: the order in which trials
 * and epochs are asked for cannot change any value, and threads may query at
 * once.  Setting a key costs a few multiplies, against the ~2.5 KiB state and
 * 624-word seeding of mt19937.
 *
 * The generator, "shsim_splitmix64", is Steele, Lea and Flood's SplitMix64
 * (Java 8 SplittableRandom; Vigna's splitmix64.c): x += golden gamma, output
 * a bijective 64-bit mix of x.  It passes BigCrush, and one key serves only a
 * handful of draws here.  Two keys give overlapping sequences only if they
 * differ by a small multiple of the gamma, which hashed keys make vanishingly
 * unlikely (about 2^-64 per pair of keys and draw).
 *
 * get() returns 32 bits (max 2^32 - 1) so the type is also correct where
 * unsigned long has 32 bits; get_double() uses the top 53 bits.
 *
 * The key hash absorbs seed, k, e and stream in that order, so the first
 * two can be hashed once per trial (crn_key_trial) and each epoch's key
 * finished from it (crn_key_at) in two mixes instead of four: a per-trial
 * handle (workload.h's wl_trial) keeps the prefix.  crn_key(s, k, e, t) ==
 * crn_key_at(crn_key_trial(s, k), e, t) exactly; both are inline.
 *
 * The hot draws (per epoch, per trial) skip gsl_rng: crn_uniform,
 * crn_gaussian and crn_lognormal are GSL 2.x's gsl_rng_uniform,
 * gsl_ran_gaussian and gsl_ran_lognormal (the polar Box-Muller method)
 * restated on a crn_state, inline, so a draw makes no call through
 * gsl_rng's function pointers (that cost about a quarter of a synthetic
 * event).  They give GSL's values bit for bit -- tests/test_workload.c
 * compares them on many keys, and fails should a GSL release change its
 * algorithms -- so which one a workload calls changes no result.
 */
#ifndef SHSIM_TRACES_CRN_H
#define SHSIM_TRACES_CRN_H

#include <math.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

typedef struct {
    uint64_t x; /* the counter; the next output is mix(x + gamma) */
} crn_state;

/* The gsl_rng_type; gsl_rng_alloc(crn_splitmix64) works too (set() takes the
 * seed as the key). */
extern const gsl_rng_type *const crn_splitmix64;

#define CRN_GAMMA UINT64_C(0x9e3779b97f4a7c15)

/* SplitMix64's output function (Stafford's "Mix13" variant), bijective. */
static inline uint64_t crn_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* The hash of (seed, k): the first half of crn_key().  Each word goes
 * through the bijective mix with its own offset, so that a permutation of
 * (seed, k, e, stream) hashes apart and neighbouring counters (k, k+1) give
 * unrelated keys. */
static inline uint64_t crn_key_trial(uint64_t seed, uint64_t k)
{
    uint64_t h = crn_mix(seed + CRN_GAMMA);
    return crn_mix(h ^ (k + UINT64_C(0x632be59bd9b4e019)));
}

/* Finish a key from crn_key_trial()'s prefix. */
static inline uint64_t crn_key_at(uint64_t prefix, uint64_t e, uint64_t stream)
{
    uint64_t h = crn_mix(prefix ^ (e + UINT64_C(0x85157af5ae3d1b3d)));
    return crn_mix(h ^ (stream + UINT64_C(0xd6e8feb86659fd93)));
}

/* The key of one random stream.  stream separates independent uses of the
 * same (seed, k, e), e.g. epoch time and error curve. */
static inline uint64_t crn_key(uint64_t seed, uint64_t k, uint64_t e, uint64_t stream)
{
    return crn_key_at(crn_key_trial(seed, k), e, stream);
}

/* Point r at s and position the generator at key; r is ready for gsl_ran_*.
 * Neither is allocated: r and s usually live on the caller's stack. */
void crn_rng_init(gsl_rng *r, crn_state *s, uint64_t key);

/* The raw 64-bit output, advancing s (the reference SplitMix64 step). */
static inline uint64_t crn_next(crn_state *s)
{
    s->x += CRN_GAMMA;
    return crn_mix(s->x);
}

/* gsl_rng_uniform: the top 53 bits scaled into [0, 1), every value exact,
 * 0 possible (the type's get_double). */
static inline double crn_uniform(crn_state *s)
{
    return (double)(crn_next(s) >> 11) * 0x1.0p-53;
}

/* gsl_rng_uniform_pos: (0, 1). */
static inline double crn_uniform_pos(crn_state *s)
{
    double x;
    do
        x = crn_uniform(s);
    while (x == 0);
    return x;
}

/* gsl_ran_gaussian(r, sigma) (gsl_ran_ugaussian: sigma 1): N(0, sigma^2)
 * by the polar method, Knuth vol. 2, 3rd ed., p. 122. */
static inline double crn_gaussian(crn_state *s, double sigma)
{
    double x, y, r2;
    do {
        x = -1 + 2 * crn_uniform_pos(s);
        y = -1 + 2 * crn_uniform_pos(s);
        r2 = x * x + y * y;
    } while (r2 > 1.0 || r2 == 0);
    return sigma * y * sqrt(-2.0 * log(r2) / r2);
}

/* gsl_ran_lognormal(r, zeta, sigma): exp(N(zeta, sigma^2)), the polar method
 * on gsl_rng_uniform, the first coordinate. */
static inline double crn_lognormal(crn_state *s, double zeta, double sigma)
{
    double u, v, r2;
    do {
        u = -1 + 2 * crn_uniform(s);
        v = -1 + 2 * crn_uniform(s);
        r2 = u * u + v * v;
    } while (r2 > 1.0 || r2 == 0);
    return exp(sigma * (u * sqrt(-2.0 * log(r2) / r2)) + zeta);
}

#endif
