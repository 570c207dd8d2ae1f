/*
 * traces/crn.h -- inside shsim only (traces/ and sim/straggler.c):
 * counter-based random numbers for common random numbers (CRN) across
 * schedulers.
 *
 * Every random draw of a model workload is a pure function of
 * (seed, trial k, epoch e, stream): crn_key() hashes the four into a 64-bit
 * key, a crn_state positioned at that key (one store) draws from it.  There
 * is no sequential state between queries: the order in which trials and
 * epochs are asked for cannot change any value, and threads may query at
 * once.  Setting a key costs a few multiplies, against the ~2.5 KiB state
 * and 624-word seeding of mt19937.  sim/straggler.c draws its noise and
 * drops with these functions too (on keys of its own).
 *
 * The generator, "shsim_splitmix64", is Steele, Lea and Flood's SplitMix64
 * (Java 8 SplittableRandom; Vigna's splitmix64.c; its one copy is in
 * core/base.h): x += golden gamma, output a bijective 64-bit mix of x.  It passes BigCrush, and one key serves only a
 * handful of draws here.  Two keys give overlapping sequences only if they
 * differ by a small multiple of the gamma, which hashed keys make vanishingly
 * unlikely (about 2^-64 per pair of keys and draw).
 *
 * The key hash absorbs seed, k, e and stream in that order, so the first
 * two can be hashed once per trial (crn_key_trial) and each epoch's key
 * finished from it (crn_key_at) in two mixes instead of four: a per-trial
 * handle (workload.h's wl_trial) keeps the prefix.  crn_key(s, k, e, t) ==
 * crn_key_at(crn_key_trial(s, k), e, t) exactly; both are inline.
 *
 * The draws skip gsl_rng: crn_uniform, crn_uniform_pos, crn_uniform_int,
 * crn_gaussian, crn_gaussian_tail, crn_lognormal, crn_exponential and
 * crn_pareto are GSL 2.x's gsl_rng_uniform, _uniform_pos, _uniform_int,
 * gsl_ran_gaussian (the polar Box-Muller method), _gaussian_tail,
 * _lognormal, _exponential and _pareto restated on a crn_state, inline.
 * Two reasons: a draw makes no call through gsl_rng's function pointers
 * (that cost about a quarter of a synthetic event), and the simulation run
 * path needs no GSL at all, so it compiles to WebAssembly for the browser
 * page (web/) without it.  They give GSL's values bit for bit --
 * tests/test_crn.c compares them on many keys through the same
 * generator wrapped as a gsl_rng_type (traces/crn_gsl.h), and fails should
 * a GSL release change its algorithms -- so which one the code calls
 * changes no result.
 */
#ifndef SHSIM_TRACES_CRN_H
#define SHSIM_TRACES_CRN_H

#include "core/base.h"

#include <math.h>
#include <stdint.h>

typedef struct {
    uint64_t x; /* the counter; the next output is mix(x + gamma) */
} crn_state;

#define CRN_GAMMA BASE_SPLITMIX64_GAMMA

/* SplitMix64's output function (core/base.h), bijective. */
static inline uint64_t crn_mix(uint64_t z)
{
    return base_splitmix64_mix(z);
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

/* The raw 64-bit output, advancing s (the reference SplitMix64 step). */
static inline uint64_t crn_next(crn_state *s)
{
    return base_splitmix64_next(&s->x);
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

/* gsl_rng_uniform_int(r, n) for this generator (min 0, max 2^32 - 1): an
 * integer in [0, n), 1 <= n <= 2^32 - 1, by dividing the 32-bit output by
 * (2^32 - 1) / n and rejecting the top; 0 for an n out of range (where GSL
 * reports an error and returns 0). */
static inline uint32_t crn_uniform_int(crn_state *s, uint32_t n)
{
    if (n == 0)
        return 0;
    uint32_t scale = UINT32_MAX / n, k;
    do
        k = (uint32_t)(crn_next(s) >> 32) / scale;
    while (k >= n);
    return k;
}

/* gsl_ran_gaussian_tail(r, a, sigma): N(0, sigma^2) conditioned on > a.
 * For a / sigma < 1 GSL rejects plain normals below a / sigma; otherwise it
 * uses the tail of Marsaglia's rectangle-wedge-tail method (Knuth vol. 2,
 * 3rd ed., pp. 123-128 and exercise 11). */
static inline double crn_gaussian_tail(crn_state *s, double a, double sigma)
{
    double t = a / sigma;
    if (t < 1) {
        double x;
        do
            x = crn_gaussian(s, 1.0);
        while (x < t);
        return x * sigma;
    }
    double u, v, x;
    do {
        u = crn_uniform(s);
        do
            v = crn_uniform(s);
        while (v == 0.0);
        x = sqrt(t * t - 2 * log(v));
    } while (x * u > t);
    return x * sigma;
}

/* gsl_ran_exponential(r, mu): mean mu, -mu log(1 - U), U in [0, 1). */
static inline double crn_exponential(crn_state *s, double mu)
{
    double u = crn_uniform(s);
    return -mu * log1p(-u);
}

/* gsl_ran_pareto(r, a, b): b U^(-1/a), U in (0, 1). */
static inline double crn_pareto(crn_state *s, double a, double b)
{
    double x = crn_uniform_pos(s);
    double z = pow(x, -1 / a);
    return b * z;
}

#endif
