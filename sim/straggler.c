/*
 * sim/straggler.c -- the straggler models of straggler.h: counter-based
 * draws, worker slowdowns, parsing and printing the command-line forms.
 *
 * The draws are traces/crn.h's counter-based SplitMix64 and its inline
 * copies of GSL's distributions (GSL's values bit for bit, without GSL, so
 * the run path builds for the browser page), on keys of their own: salted
 * differently from the workloads' crn_key(), so no straggler stream can
 * coincide with a workload stream of the same (seed, trial), and the noise
 * of a job is independent of its trial's epoch times and curve.
 * Positioning the generator at a key is one store; a draw costs a few
 * multiplies.
 */
#include "sim/straggler.h"
#include "sim/output.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/crn.h"

/* Streams: never renumber, or every seeded straggler result changes. */
enum { STREAM_NOISE = 1, STREAM_DROP = 2, STREAM_DROP_RATE = 3 };
#define SALT UINT64_C(0x5354524147474c52) /* "STRAGGLR" */

/* The key of (seed, trial, job j, stream): crn_key() of the salted seed
 * (the same hash, word for word, that this file once spelt out itself). */
static uint64_t key(uint64_t seed, uint32_t trial, uint32_t j, uint64_t stream)
{
    return crn_key(seed ^ SALT, trial, j, stream);
}

straggler_params straggler_default_params(void)
{
    straggler_params p;
    memset(&p, 0, sizeof p);
    p.noise = STRAG_NOISE_NONE;
    p.drop_retry = 1;
    p.slow_factor = 1;
    p.seed = 1;
    return p;
}

int straggler_draws(const straggler_params *p)
{
    return p->noise != STRAG_NOISE_NONE || p->drop > 0 || p->drop_rate > 0;
}

int straggler_active(const straggler_params *p)
{
    if (straggler_draws(p) || (p->slow_k && p->slow_factor != 1))
        return 1;
    for (uint32_t i = 0; i < p->n_speed; i++)
        if (p->speed[i] != 1)
            return 1;
    return 0;
}

/* halfnormal:SIGMA, 1 + |z| with z ~ N(0, SIGMA^2): drawn by crn.h's inline
 * polar method (gsl_ran_gaussian bit for bit, no GSL call: the run path
 * stays free of GSL for the browser build) from the noise stream's key.
 * F >= 1 always, so no redraw is needed. */
static double halfnormal_factor(const straggler_params *p, uint32_t trial, uint32_t j)
{
    if (p->noise_param == 0)
        return 1.0;
    crn_state st = { key(p->seed, trial, j, STREAM_NOISE) };
    return 1.0 + fabs(crn_gaussian(&st, p->noise_param));
}

double straggler_noise(const straggler_params *p, uint32_t trial, uint32_t j)
{
    if (p->noise == STRAG_NOISE_NONE)
        return 1.0;
    if (p->noise == STRAG_NOISE_HALFNORMAL)
        return halfnormal_factor(p, trial, j);
    crn_state r = {key(p->seed, trial, j, STREAM_NOISE)};
    double s = p->noise_param, f;
    /* Each family can return 0 only when its uniform is exactly 0 or after
     * an underflow; redrawing keeps F > 0 and stays a function of the key. */
    do {
        switch (p->noise) {
        case STRAG_NOISE_LOGNORMAL: f = crn_lognormal(&r, -s * s / 2, s); break;
        case STRAG_NOISE_NORMAL: f = s == 0 ? 1.0 : 1.0 + crn_gaussian_tail(&r, -1.0, s); break;
        case STRAG_NOISE_PARETO: f = crn_pareto(&r, s, (s - 1) / s); break;
        case STRAG_NOISE_EXPONENTIAL: f = crn_exponential(&r, 1.0); break;
        case STRAG_NOISE_NONE:
        default: f = 1.0; break;
        }
    } while (!(f > 0) || !isfinite(f));
    return f;
}

int straggler_drop(const straggler_params *p, uint32_t trial, uint32_t j, double *u)
{
    if (!(p->drop > 0))
        return 0;
    crn_state r = {key(p->seed, trial, j, STREAM_DROP)};
    if (!(crn_uniform(&r) < p->drop))
        return 0;
    *u = crn_uniform_pos(&r);
    return 1;
}

int straggler_drop_rate(const straggler_params *p, uint32_t trial, uint32_t j, double duration,
                        double *u)
{
    if (!(p->drop_rate > 0) || !(duration > 0))
        return 0;
    /* Continuous time, not a geometric count of whole time units: with
     * noise and restarts a job lasts a real number of units, and only the
     * exponential law gives survival (1 - P)^d for every real d (at whole d
     * the two agree).  Inverse CDF: D = log(U) / log(1 - P), U in (0, 1),
     * so P(D > x) = P(U < (1 - P)^x) = (1 - P)^x.  Its own stream: the
     * per-job --drop draws stay what they were. */
    crn_state st = { key(p->seed, trial, j, STREAM_DROP_RATE) };
    double d = log(crn_uniform_pos(&st)) / log1p(-p->drop_rate);
    if (!(d < duration))
        return 0;
    *u = d / duration;
    return 1;
}

double straggler_slowdown(const straggler_params *p, uint32_t w, uint32_t workers)
{
    double f = w < p->n_speed ? 1.0 / p->speed[w] : 1.0;
    if (p->slow_k && w >= workers - (p->slow_k < workers ? p->slow_k : workers))
        f *= p->slow_factor;
    return f;
}

int straggler_check(const straggler_params *p, uint32_t workers, char *err, size_t n)
{
    if (p->n_speed > workers) {
        snprintf(err, n, "--worker-speed gives %u speeds for %u workers", p->n_speed, workers);
        return -EINVAL;
    }
    if (p->slow_k > workers) {
        snprintf(err, n, "--slow-workers %u: only %u workers", p->slow_k, workers);
        return -EINVAL;
    }
    return 0;
}

/* A whole-string finite number. */
static int number(const char *s, double *out)
{
    char *end;
    if (!*s || *s == ' ' || *s == '\t')
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int straggler_parse_noise(straggler_params *p, const char *s, char *err, size_t n)
{
    static const struct {
        const char *name;
        strag_noise kind;
        const char *param;
    } fam[] = {
        { "none", STRAG_NOISE_NONE, NULL },          { "exponential", STRAG_NOISE_EXPONENTIAL, NULL },
        { "lognormal", STRAG_NOISE_LOGNORMAL, "SIGMA" }, { "normal", STRAG_NOISE_NORMAL, "SIGMA" },
        { "pareto", STRAG_NOISE_PARETO, "ALPHA" }, { "halfnormal", STRAG_NOISE_HALFNORMAL, "SIGMA" },
    };
    const char *colon = strchr(s, ':');
    size_t len = colon ? (size_t)(colon - s) : strlen(s);
    for (size_t i = 0; i < sizeof fam / sizeof *fam; i++) {
        if (strlen(fam[i].name) != len || strncmp(s, fam[i].name, len) != 0)
            continue;
        double v = 0;
        if (!fam[i].param) {
            if (colon) {
                snprintf(err, n, "%s takes no parameter", fam[i].name);
                return -EINVAL;
            }
        } else if (!colon || number(colon + 1, &v) < 0) {
            snprintf(err, n, "expected %s:%s with a number %s", fam[i].name, fam[i].param,
                     fam[i].param);
            return -EINVAL;
        } else if (fam[i].kind == STRAG_NOISE_PARETO ? !(v > 1 && v <= 1e6) : !(v >= 0 && v <= 10)) {
            snprintf(err, n, "%s must be %s", fam[i].param,
                     fam[i].kind == STRAG_NOISE_PARETO ? "greater than 1 (a finite mean) and at most 1e6"
                                                       : "between 0 and 10");
            return -EINVAL;
        }
        p->noise = fam[i].kind;
        p->noise_param = v;
        return 0;
    }
    snprintf(err, n, "unknown noise; choose none, lognormal:SIGMA, normal:SIGMA, pareto:ALPHA, "
                     "exponential or halfnormal:SIGMA");
    return -EINVAL;
}

int straggler_parse_speeds(straggler_params *p, const char *s, char *err, size_t n)
{
    char buf[8192];
    if (strlen(s) >= sizeof buf) {
        snprintf(err, n, "list too long");
        return -EINVAL;
    }
    strcpy(buf, s);
    uint32_t k = 0;
    /* ',' or '/' between speeds: a sweep axis splits its values at commas */
    for (char *tok = buf;;) {
        char *comma = strpbrk(tok, ",/");
        if (comma)
            *comma = '\0';
        double v;
        if (k == STRAG_MAX_SPEEDS) {
            snprintf(err, n, "at most %d speeds", STRAG_MAX_SPEEDS);
            return -EINVAL;
        }
        if (number(tok, &v) < 0 || !(v >= 1e-6) || v > 1e6) {
            snprintf(err, n, "speed %u '%s' is not a number in [1e-6, 1e6]", k + 1, tok);
            return -EINVAL;
        }
        p->speed[k++] = v;
        if (!comma)
            break;
        tok = comma + 1;
    }
    p->n_speed = k;
    return 0;
}

int straggler_parse_slow(straggler_params *p, const char *s, char *err, size_t n)
{
    char *end;
    errno = 0;
    unsigned long k = strtoul(s, &end, 10);
    double f;
    if (s[0] < '0' || s[0] > '9' || *end != ':' || errno || k > (1ul << 24) ||
        number(end + 1, &f) < 0 || !(f > 0) || f > 1e6) {
        snprintf(err, n, "expected K:FACTOR, a count of workers and how many times longer "
                         "their jobs take (e.g. 1:3)");
        return -EINVAL;
    }
    p->slow_k = (uint32_t)k;
    p->slow_factor = f;
    return 0;
}

int straggler_parse_on_drop(straggler_params *p, const char *s, char *err, size_t n)
{
    if (strcmp(s, "retry") == 0 || strcmp(s, "lose") == 0) {
        p->drop_retry = s[0] == 'r';
        return 0;
    }
    snprintf(err, n, "choose retry or lose");
    return -EINVAL;
}

void straggler_noise_str(const straggler_params *p, char *buf, size_t n)
{
    static const char *const names[] = { "none",        "lognormal", "normal", "pareto",
                                         "exponential", "halfnormal" };
    char v[32];
    base_fmt_double(v, sizeof v, p->noise_param);
    if (p->noise == STRAG_NOISE_NONE || p->noise == STRAG_NOISE_EXPONENTIAL)
        snprintf(buf, n, "%s", names[p->noise]);
    else
        snprintf(buf, n, "%s:%s", names[p->noise], v);
}

void straggler_drop_str(const straggler_params *p, char *buf, size_t n)
{
    char v[32];
    base_fmt_double(v, sizeof v, p->drop_rate > 0 ? p->drop_rate : p->drop);
    snprintf(buf, n, "%s%s", p->drop_rate > 0 ? "rate:" : "", v);
}

void straggler_speeds_str(const straggler_params *p, char *buf, size_t n)
{
    size_t used = 0;
    if (n)
        buf[0] = '\0';
    for (uint32_t i = 0; i < p->n_speed && used < n; i++) {
        char v[32];
        base_fmt_double(v, sizeof v, p->speed[i]);
        int k = snprintf(buf + used, n - used, "%s%s", i ? "," : "", v);
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

void straggler_slow_str(const straggler_params *p, char *buf, size_t n)
{
    char v[32];
    base_fmt_double(v, sizeof v, p->slow_factor);
    if (p->slow_k)
        snprintf(buf, n, "%u:%s", p->slow_k, v);
    else if (n)
        buf[0] = '\0';
}

const char *straggler_on_drop_str(const straggler_params *p)
{
    return p->drop_retry ? "retry" : "lose";
}
