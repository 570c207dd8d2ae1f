/*
 * traces/wl_synthetic.c -- the `synthetic[:DIST[:MEAN[:SPREAD]]]` workload:
 * an unbounded stream of model trials with straggler-prone epoch times.
 *
 * Seconds per epoch are drawn once per trial, so all epochs of a trial take
 * the same time and a slow configuration is a straggler from start to end:
 *   constant   MEAN (default 1 s); SPREAD must be absent or 0;
 *   normal     MEAN + gsl_ran_gaussian_tail(-MEAN, SD=SPREAD): a normal
 *              truncated to > 0 (default SPREAD MEAN/2; the truncation
 *              raises the mean above MEAN by SD*phi(MEAN/SD)/Phi(MEAN/SD),
 *              3% at the default);
 *   lognormal  mean exactly MEAN: zeta = ln MEAN - sigma^2/2, sigma = SPREAD
 *              (default 0.5, a coefficient of variation near 0.53).
 * Errors follow a seeded learning-curve family:
 *   err(e) = a + (0.9 - a) exp(-e / tau) + noise(e), clamped to [0, 1],
 * with a ~ uniform(0.1, 0.4) (the asymptote), tau ~ lognormal(ln 2, 0.5)
 * epochs (how fast it learns), both per trial, and noise(e) ~ N(0, 0.01)
 * per epoch, so curves cross and early rungs sometimes misjudge -- which is
 * what makes successive halving interesting.  0.9 is the error of a 10-class
 * guess, where the d2l LeNet curves start.
 *
 * Invariant: every value is a pure function of (seed, k, e) through crn.h,
 * with separate streams for time, curve and noise (drawn with crn.h's
 * inline copies of GSL's uniform, gaussian and lognormal: GSL's values); the state is read-only
 * after open, so queries are order-free and thread-safe.  A plain query
 * costs a key hash and a few variates, no allocation; a handle
 * (workload_trial) draws the trial's seconds and curve once, and then a
 * metric query is half a key hash, one normal and one exp().
 *
 * The model is unbounded in trials (WL_UNBOUNDED) and reports SYN_EPOCHS
 * epochs per trial: a cap, not a property of the model, big enough for any
 * r_max a scheduler will be given.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/crn.h"
#include "traces/wl_impl.h"

#define SYN_EPOCHS 1000
/* ln 2, the digits of GSL's M_LN2 (math.h need not define M_LN2 in C11) */
#define SYN_LN2 0.69314718055994530941723212145817656
/* Bounds that keep every draw finite and > 0 (exp neither overflows nor
 * underflows for sigma <= 10 and MEAN <= 1e9). */
#define SYN_MAX_MEAN 1e9
#define SYN_MAX_SIGMA 10.0

enum syn_dist { SYN_CONSTANT, SYN_NORMAL, SYN_LOGNORMAL };
/* Streams of crn_key(): never renumber, or every seeded result changes. */
enum syn_stream { SYN_STREAM_TIME = 1, SYN_STREAM_CURVE = 2, SYN_STREAM_NOISE = 3 };

typedef struct {
    enum syn_dist dist;
    double mean;
    double spread; /* SD (normal) or sigma (lognormal); 0 for constant */
    double zeta;   /* lognormal location */
    uint64_t seed;
} syn_state;

/* A strict decimal number: the whole field, no leading blanks, finite. */
static int syn_number(const char *s, double *out)
{
    char *end;
    double v;

    if (*s == '\0' || *s == ' ' || *s == '\t' || *s == '\n')
        return -1;
    v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Parse DIST[:MEAN[:SPREAD]] (arg NULL: all defaults) into st. */
static int syn_parse(syn_state *st, const char *spec, const char *arg, char *err, size_t errlen)
{
    char buf[256];
    char *field[4] = {NULL, NULL, NULL, NULL};
    size_t nf = 0;

    st->dist = SYN_CONSTANT;
    st->mean = 1.0;
    st->spread = 0.0;
    if (arg == NULL)
        return 0;
    if (strlen(arg) >= sizeof buf) {
        wl_errf(err, errlen, "%s: spec too long", spec);
        return -EINVAL;
    }
    strcpy(buf, arg);
    for (char *p = buf;;) {
        char *colon = strchr(p, ':');
        if (nf == 3) {
            wl_errf(err, errlen, "%s: too many fields (expected %s)", spec, wl_synthetic_type.syntax);
            return -EINVAL;
        }
        field[nf++] = p;
        if (colon == NULL)
            break;
        *colon = '\0';
        p = colon + 1;
    }

    if (strcmp(field[0], "constant") == 0)
        st->dist = SYN_CONSTANT;
    else if (strcmp(field[0], "normal") == 0)
        st->dist = SYN_NORMAL;
    else if (strcmp(field[0], "lognormal") == 0)
        st->dist = SYN_LOGNORMAL;
    else {
        wl_errf(err, errlen, "%s: field 'DIST': unknown distribution '%s' (expected constant, normal or lognormal)",
                spec, field[0]);
        return -EINVAL;
    }

    if (field[1] != NULL) {
        if (syn_number(field[1], &st->mean) < 0) {
            wl_errf(err, errlen, "%s: field 'MEAN': '%s' is not a finite number", spec, field[1]);
            return -EINVAL;
        }
        if (!(st->mean > 0) || st->mean > SYN_MAX_MEAN) {
            wl_errf(err, errlen, "%s: field 'MEAN': %s seconds is not in (0, %g]", spec, field[1], SYN_MAX_MEAN);
            return -EINVAL;
        }
    }

    st->spread = st->dist == SYN_NORMAL ? st->mean / 2 : st->dist == SYN_LOGNORMAL ? 0.5 : 0.0;
    if (field[2] != NULL) {
        double max = st->dist == SYN_LOGNORMAL ? SYN_MAX_SIGMA : SYN_MAX_MEAN;
        if (syn_number(field[2], &st->spread) < 0) {
            wl_errf(err, errlen, "%s: field 'SPREAD': '%s' is not a finite number", spec, field[2]);
            return -EINVAL;
        }
        if (st->spread < 0 || st->spread > max) {
            wl_errf(err, errlen, "%s: field 'SPREAD': %s is not in [0, %g]", spec, field[2], max);
            return -EINVAL;
        }
        if (st->dist == SYN_CONSTANT && st->spread != 0) {
            wl_errf(err, errlen, "%s: field 'SPREAD': constant takes no spread (got %s)", spec, field[2]);
            return -EINVAL;
        }
    }
    return 0;
}

static int syn_open(workload *w, const char *arg, const wl_params *p, char *err, size_t errlen)
{
    syn_state parsed;
    syn_state *st;
    int rc;

    rc = syn_parse(&parsed, w->name, arg, err, errlen);
    if (rc < 0)
        return rc;
    parsed.seed = p->seed;
    parsed.zeta = parsed.dist == SYN_LOGNORMAL ? log(parsed.mean) - parsed.spread * parsed.spread / 2 : 0.0;

    st = malloc(sizeof *st);
    if (st == NULL) {
        wl_errf(err, errlen, "%s: out of memory", w->name);
        return -ENOMEM;
    }
    *st = parsed;
    w->state = st;
    w->trials = WL_UNBOUNDED;
    w->epochs = SYN_EPOCHS;
    w->config_header = "seconds_per_epoch,asymptote,tau";
    return 0;
}

static void syn_free(void *state)
{
    free(state);
}

/* Seconds per epoch of the trial whose time stream starts at key. */
static double syn_seconds(const syn_state *st, uint64_t key)
{
    crn_state s = {key};
    double t;

    switch (st->dist) {
    case SYN_NORMAL:
        if (st->spread == 0)
            return st->mean;
        /* The tail draw is >= -MEAN, so t >= 0 up to rounding; redrawing the
         * rare t == 0 keeps "> 0" exact and stays a function of the key. */
        do
            t = st->mean + crn_gaussian_tail(&s, -st->mean, st->spread);
        while (!(t > 0));
        return t;
    case SYN_LOGNORMAL:
        return crn_lognormal(&s, st->zeta, st->spread);
    case SYN_CONSTANT:
    default:
        return st->mean;
    }
}

/* The trial's curve parameters, asymptote a and time constant tau, from
 * its curve stream's key. */
static void syn_curve(uint64_t key, double *a, double *tau)
{
    crn_state s = {key};

    *a = 0.1 + 0.3 * crn_uniform(&s);
    *tau = crn_lognormal(&s, SYN_LN2, 0.5);
}

/* The error after epoch e of the curve (a, tau), with the noise drawn from
 * key (the epoch's noise stream). */
static double syn_error(double a, double tau, uint32_t e, uint64_t key)
{
    crn_state s = {key};
    double v;

    v = a + (0.9 - a) * exp(-(double)e / tau) + crn_gaussian(&s, 0.01);
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* The plain queries derive the trial from scratch: the reference the
 * handle's queries are tested against. */
static double syn_epoch_time(const void *state, uint32_t k, uint32_t e)
{
    const syn_state *st = state;

    (void)e; /* drawn once per trial: every epoch takes the same time */
    return syn_seconds(st, crn_key(st->seed, k, 0, SYN_STREAM_TIME));
}

static double syn_metric(const void *state, uint32_t k, uint32_t e)
{
    const syn_state *st = state;
    double a, tau;

    syn_curve(crn_key(st->seed, k, 0, SYN_STREAM_CURVE), &a, &tau);
    return syn_error(a, tau, e, crn_key(st->seed, k, e, SYN_STREAM_NOISE));
}

/* The handle: c[0] seconds per epoch, c[1] a, c[2] tau, key the hash of
 * (seed, k); a metric query costs the epoch's noise draw and one exp(). */
static double syn_trial_metric(const wl_trial *h, uint32_t e)
{
    return syn_error(h->c[1], h->c[2], e, crn_key_at(h->key, e, SYN_STREAM_NOISE));
}

static void syn_trial(const void *state, uint32_t k, wl_trial *h)
{
    const syn_state *st = state;

    h->key = crn_key_trial(st->seed, k);
    h->c[0] = syn_seconds(st, crn_key_at(h->key, 0, SYN_STREAM_TIME));
    syn_curve(crn_key_at(h->key, 0, SYN_STREAM_CURVE), &h->c[1], &h->c[2]);
    h->metric_fn = syn_trial_metric;
}

static void syn_config(const void *state, uint32_t k, char *buf, size_t n)
{
    wl_trial h;

    syn_trial(state, k, &h);
    snprintf(buf, n, "%.6g,%.6g,%.6g", h.c[0], h.c[1], h.c[2]);
}

const wl_type wl_synthetic_type = {
    .name = "synthetic",
    .syntax = "synthetic[:DIST[:MEAN[:SPREAD]]]",
    .open = syn_open,
    .free = syn_free,
    .epoch_time = syn_epoch_time,
    .metric = syn_metric,
    .trial = syn_trial,
    .config = syn_config,
};
