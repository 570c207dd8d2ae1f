/*
 * sim/check.c -- the closed-form checks of check.h.
 *
 * Every check runs the real engine and cores through run_spec, exactly as
 * `shsim run` would, and compares one number with its closed form.  The
 * Monte-Carlo idle check keeps one workload open and varies only the seed,
 * so a replication costs one engine run of W + 1 jobs; its mean and sample
 * variance are accumulated with Welford's update (stable for any reps).
 */
#include "sim/check.h"
#include "sim/run_spec.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

double check_harmonic(uint32_t w)
{
    double h = 0;
    for (uint32_t i = w; i >= 1; i--) /* small terms first: less rounding */
        h += 1.0 / i;
    return h;
}

typedef struct {
    strag_noise kind;
    double s, w, q0;
} emax_ctx;

/* P(max of w > x) = 1 - F(x)^w, computed from the survival S = 1 - F(x) as
 * -expm1(w log1p(-S)) so that small S keeps its digits. */
static double max_survival(double x, void *p)
{
    const emax_ctx *c = p;
    double S;
    switch (c->kind) {
    case STRAG_NOISE_LOGNORMAL: S = gsl_cdf_lognormal_Q(x, -c->s * c->s / 2, c->s); break;
    case STRAG_NOISE_NORMAL: S = gsl_cdf_gaussian_Q(x - 1, c->s) / c->q0; break;
    case STRAG_NOISE_PARETO: {
        double b = (c->s - 1) / c->s;
        S = x < b ? 1.0 : pow(b / x, c->s);
        break;
    }
    case STRAG_NOISE_EXPONENTIAL: S = exp(-x); break;
    /* 1 + |z|: P(1 + |z| > x) = 2 P(z > x - 1) for x >= 1 */
    case STRAG_NOISE_HALFNORMAL: S = x < 1 ? 1.0 : 2 * gsl_cdf_gaussian_Q(x - 1, c->s); break;
    case STRAG_NOISE_NONE:
    default: S = x < 1 ? 1.0 : 0.0; break;
    }
    if (!(S < 1))
        return 1.0;
    return -expm1(c->w * log1p(-S));
}

int check_emax(strag_noise kind, double param, uint32_t w, double *out, double *abserr)
{
    *abserr = 0;
    if (kind == STRAG_NOISE_NONE || (kind != STRAG_NOISE_EXPONENTIAL && kind != STRAG_NOISE_PARETO &&
                                     param == 0)) {
        *out = 1.0; /* a constant */
        return 0;
    }
    emax_ctx c = { kind, param, (double)w, gsl_cdf_gaussian_Q(-1.0, param) };
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    if (!ws)
        return -ENOMEM;
    gsl_function f = { max_survival, &c };
    /* the variables are >= 0, so E[max] = int_0^inf P(max > x) dx */
    int st = gsl_integration_qagiu(&f, 0.0, 1e-11, 1e-11, 1000, ws, out, abserr);
    gsl_integration_workspace_free(ws);
    return st == GSL_SUCCESS ? 0 : -EDOM;
}

static run_spec base_spec(const char *wl_spec, uint32_t w)
{
    run_spec rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "%s", wl_spec);
    rs.ep.workers = w;
    rs.sp.r_min = 1;
    rs.r_max_given = 1;
    return rs;
}

/* Run rs on wl (already prepared against it); 0 or -errno with err. */
static int run_on(run_spec *rs, const workload *wl, run_result *res, char *err, size_t n)
{
    int rc = run_spec_prepare(rs, wl, err, n);
    return rc < 0 ? rc : run_spec_run(rs, wl, res, err, n);
}

static int open_wl(const char *spec, workload **wl, char *err, size_t n)
{
    wl_params wp = wl_default_params();
    return workload_open(wl, spec, &wp, err, n);
}

/* Open rs's workload, run rs on it once and close it; 0 or -errno with err. */
static int run_once(run_spec *rs, run_result *res, char *err, size_t n)
{
    workload *wl = NULL;
    int rc = open_wl(rs->workload, &wl, err, n);
    if (rc < 0)
        return rc;
    rc = run_on(rs, wl, res, err, n);
    workload_free(wl);
    return rc;
}

static const char *noise_name(strag_noise kind, double param, char *buf, size_t n)
{
    straggler_params p = straggler_default_params();
    p.noise = kind;
    p.noise_param = param;
    straggler_noise_str(&p, buf, n);
    return buf;
}

int check_rung_idle(strag_noise kind, double param, uint32_t w, uint32_t reps, uint64_t seed,
                    check_result *out, char *err, size_t n)
{
    if (w < 2 || reps < 2)
        return -EINVAL;
    char nm[64];
    snprintf(out->name, sizeof out->name, "idle of one rung, %s, W=%u",
             noise_name(kind, param, nm, sizeof nm), w);
    run_spec rs = base_spec("synthetic:constant:1", w);
    rs.type = sched_sh;
    rs.sp.sh.barrier = SCHED_BARRIER_STRICT;
    rs.sp.eta = w; /* rungs 1, 2: rung 0 is one bracket of w jobs */
    rs.sp.r_max = 2;
    rs.trials = w;
    rs.ep.strag.noise = kind;
    rs.ep.strag.noise_param = param;
    workload *wl = NULL;
    int rc = open_wl(rs.workload, &wl, err, n);
    if (rc < 0)
        return rc;
    double mean = 0, m2 = 0;
    for (uint32_t r = 0; r < reps; r++) {
        run_result res;
        rs.seed = seed + r;
        if ((rc = run_on(&rs, wl, &res, err, n)) < 0)
            break;
        /* the rung completes when the rung-1 job starts */
        double barrier = (double)NAN, idle = 0;
        for (size_t i = 0; i < res.n_jobs; i++)
            if (res.jobs[i].rung == 1)
                barrier = res.jobs[i].start;
        for (size_t i = 0; i < res.n_idle; i++)
            if (res.idle[i].start < barrier)
                idle += fmin(res.idle[i].end, barrier) - res.idle[i].start;
        run_result_free(&res);
        if (isnan(barrier)) {
            snprintf(err, n, "%s: the rung never completed", out->name);
            rc = -EPROTO;
            break;
        }
        double d = idle - mean;
        mean += d / (r + 1);
        m2 += d * (idle - mean);
    }
    workload_free(wl);
    if (rc < 0)
        return rc;
    double emax, abserr;
    if ((rc = check_emax(kind, param, w, &emax, &abserr)) < 0) {
        snprintf(err, n, "%s: the integral of E[max] did not converge", out->name);
        return rc;
    }
    out->simulated = mean;
    out->exact = w * (emax - straggler_noise_mean(kind, param));
    out->tol = CHECK_Z * sqrt(m2 / (reps - 1) / reps) + w * abserr + 1e-9 * fabs(out->exact);
    out->ok = fabs(out->simulated - out->exact) <= out->tol;
    return 0;
}

/* Strict SH's closed form for one bracket of eta^K trials. */
static void strict_formula(uint32_t eta, uint32_t r_max, uint32_t w, int restart, double c,
                           double *makespan, double *busy)
{
    uint32_t lv[SCHED_MAX_LEVELS];
    int nl = sched_levels(1, eta, r_max, lv, SCHED_MAX_LEVELS);
    uint64_t nk = 1;
    for (int k = 1; k < nl; k++)
        nk *= eta;
    *makespan = *busy = 0;
    for (int k = 0; k < nl; k++) {
        double delta = (double)(restart ? lv[k] : lv[k] - (k ? lv[k - 1] : 0)) * c;
        *makespan += (double)((nk + w - 1) / w) * delta;
        *busy += (double)nk * delta;
        nk = nk / eta ? nk / eta : 1;
    }
}

int check_strict_sh(uint32_t eta, uint32_t r_max, uint32_t w, int restart, double seconds,
                    check_result out[2], char *err, size_t n)
{
    char spec[64];
    snprintf(spec, sizeof spec, "synthetic:constant:%.17g", seconds);
    run_spec rs = base_spec(spec, w);
    rs.type = sched_sh;
    rs.sp.sh.barrier = SCHED_BARRIER_STRICT;
    rs.sp.eta = eta;
    rs.sp.r_max = r_max;
    rs.ep.restart = restart;
    uint32_t lv[SCHED_MAX_LEVELS];
    int nl = sched_levels(1, eta, r_max, lv, SCHED_MAX_LEVELS);
    if (nl < 0)
        return -EINVAL;
    uint64_t full = 1;
    for (int k = 1; k < nl; k++)
        if ((full *= eta) > (1u << 20))
            return -EINVAL;
    rs.trials = (uint32_t)full;
    run_result res;
    int rc = run_once(&rs, &res, err, n);
    if (rc < 0)
        return rc;
    double mk, busy;
    strict_formula(eta, r_max, w, restart, seconds, &mk, &busy);
    const char *mode = restart ? "restart" : "checkpoint";
    snprintf(out[0].name, sizeof out[0].name, "strict SH makespan, eta %u, r_max %u, %g s, W=%u, %s",
             eta, r_max, seconds, w, mode);
    out[0].simulated = res.sum.end_time;
    out[0].exact = mk;
    snprintf(out[1].name, sizeof out[1].name, "strict SH utilisation, eta %u, r_max %u, %g s, W=%u, %s",
             eta, r_max, seconds, w, mode);
    out[1].simulated = res.sum.busy / (w * res.sum.end_time);
    out[1].exact = busy / (w * mk);
    for (int i = 0; i < 2; i++) {
        out[i].tol = 0;
        out[i].ok = out[i].simulated == out[i].exact;
    }
    run_result_free(&res);
    return 0;
}

/* Strict synchronous Hyperband's closed forms, one cycle of brackets
 * s = 0..K (K = levels - 1, rungs r_k = eta^k below r_max) with constant
 * epoch seconds c.  Bracket s holds n_{s,s} = ceil((K+1) eta^(K-s) /
 * (K-s+1)) trials at rung s and n_{s,k+1} = max(1, floor(n_{s,k} / eta));
 * a job at rung k lasts D_{s,k} = (r_k - r_{k-1}) c, r_{s-1} read as 0 at
 * the bracket's first rung (checkpoint), or r_k c (restart).
 *   W = 1: one job at a time, makespan = sum_s sum_k n_{s,k} D_{s,k}.
 *   W >= sum_s n_{s,s} (every trial may run at once): no job ever waits for
 *   a worker, a rung starts when the one below completes, and bracket s+1
 *   opens when bracket s's last rung starts (strict: its last job is handed
 *   out), so with O_0 = 0, O_{s+1} = O_s + sum_{k=s}^{K-1} D_{s,k}:
 *   makespan = max_s (O_s + sum_{k=s}^{K} D_{s,k}).
 * Between the two, brackets overlap in ways that depend on the waves: no
 * closed form here. */
static int hyperband_formula(uint32_t eta, uint32_t r_max, uint32_t w, int restart, double c,
                             double *makespan, uint32_t *trials)
{
    uint32_t lv[SCHED_MAX_LEVELS];
    int nl = sched_levels(1, eta, r_max, lv, SCHED_MAX_LEVELS);
    if (nl < 0)
        return -EINVAL;
    uint64_t total = 0, n0[SCHED_MAX_LEVELS];
    for (int s = 0; s < nl; s++) {
        uint64_t p = 1, m = (uint64_t)(nl - 1 - s);
        for (uint64_t i = 0; i < m; i++)
            if ((p *= eta) > (1u << 20))
                return -EINVAL;
        n0[s] = ((uint64_t)nl * p + m) / (m + 1);
        total += n0[s];
    }
    if (w != 1 && w < total)
        return -EINVAL;
    double work = 0, open = 0, end = 0;
    for (int s = 0; s < nl; s++) {
        uint64_t nk = n0[s];
        double t = 0;
        for (int k = s; k < nl; k++) {
            double d = (double)(restart || k == s ? lv[k] : lv[k] - lv[k - 1]) * c;
            if (k == nl - 1)
                end = fmax(end, open + t + d);
            else
                t += d;
            work += (double)nk * d;
            nk = nk / eta ? nk / eta : 1;
        }
        open += t;
    }
    *makespan = w == 1 ? work : end;
    *trials = (uint32_t)total;
    return 0;
}

int check_strict_hyperband(uint32_t eta, uint32_t r_max, uint32_t w, int restart, double seconds,
                           check_result *out, char *err, size_t n)
{
    double mk;
    uint32_t trials;
    if (hyperband_formula(eta, r_max, w, restart, seconds, &mk, &trials) < 0)
        return -EINVAL;
    char spec[64];
    snprintf(spec, sizeof spec, "synthetic:constant:%.17g", seconds);
    run_spec rs = base_spec(spec, w);
    rs.type = sched_hyperband;
    rs.sp.sh.barrier = SCHED_BARRIER_STRICT;
    rs.sp.eta = eta;
    rs.sp.r_max = r_max;
    rs.ep.restart = restart;
    rs.trials = trials;
    run_result res;
    int rc = run_once(&rs, &res, err, n);
    if (rc < 0)
        return rc;
    snprintf(out->name, sizeof out->name,
             "strict Hyperband makespan, eta %u, r_max %u, %g s, W=%u, %s", eta, r_max, seconds, w,
             restart ? "restart" : "checkpoint");
    out->simulated = res.sum.end_time;
    out->exact = mk;
    out->tol = 0;
    out->ok = out->simulated == out->exact;
    run_result_free(&res);
    return 0;
}

int check_asha_busy(uint32_t eta, uint32_t r_max, uint32_t w, int type, double horizon,
                    check_result *out, char *err, size_t n)
{
    run_spec rs = base_spec("synthetic:constant:1", w);
    rs.type = sched_asha;
    rs.sp.asha.type = type ? SCHED_ASHA_STOPPING : SCHED_ASHA_PROMOTION;
    rs.sp.asha.rule = sched_asha_default_rule(rs.sp.asha.type);
    rs.sp.eta = eta;
    rs.sp.r_max = r_max;
    rs.ep.horizon = horizon;
    run_result res;
    int rc = run_once(&rs, &res, err, n);
    if (rc < 0)
        return rc;
    snprintf(out->name, sizeof out->name, "ASHA %s utilisation, eta %u, r_max %u, W=%u, T=%g",
             type ? "stopping" : "promotion", eta, r_max, w, horizon);
    out->simulated = res.sum.busy / (w * horizon);
    out->exact = 1;
    out->tol = 0;
    out->ok = out->simulated == 1 && res.sum.end_time == horizon && res.sum.idle == 0;
    run_result_free(&res);
    return 0;
}

int check_all(uint32_t reps, uint64_t seed, check_result *out, size_t cap, char *err, size_t n)
{
    static const struct {
        strag_noise kind;
        double param;
    } dist[] = { { STRAG_NOISE_EXPONENTIAL, 0 }, { STRAG_NOISE_NORMAL, 0.5 },
                 { STRAG_NOISE_LOGNORMAL, 0.5 }, { STRAG_NOISE_HALFNORMAL, 0.5 } };
    static const struct {
        uint32_t eta, r_max, w;
        double seconds;
    } sh[] = { { 2, 16, 3, 1 }, { 3, 81, 7, 1 }, { 4, 64, 16, 2.5 }, { 3, 27, 100, 1 } };
    static const struct {
        uint32_t eta, r_max, w;
        int type;
    } asha[] = { { 3, 27, 1, 0 }, { 3, 27, 8, 0 }, { 4, 64, 64, 0 }, { 3, 27, 8, 1 } };
    size_t k = 0;
    int rc;
#define NEED(m)              \
    do {                     \
        if (k + (m) > cap)   \
            return -ENOSPC; \
    } while (0)
    for (size_t d = 0; d < sizeof dist / sizeof *dist; d++)
        for (uint32_t w = 2; w <= 256; w *= 2) {
            NEED(1);
            if ((rc = check_rung_idle(dist[d].kind, dist[d].param, w, reps, seed, &out[k++], err,
                                      n)) < 0)
                return rc;
        }
    for (size_t i = 0; i < sizeof sh / sizeof *sh; i++)
        for (int restart = 0; restart < 2; restart++) {
            NEED(2);
            if ((rc = check_strict_sh(sh[i].eta, sh[i].r_max, sh[i].w, restart, sh[i].seconds,
                                      &out[k], err, n)) < 0)
                return rc;
            k += 2;
        }
    static const struct {
        uint32_t eta, r_max, w;
        double seconds;
    } hb[] = { { 2, 16, 1, 1 }, { 3, 81, 1, 0.5 }, { 2, 16, 64, 1 }, { 3, 81, 143, 2.5 } };
    for (size_t i = 0; i < sizeof hb / sizeof *hb; i++)
        for (int restart = 0; restart < 2; restart++) {
            NEED(1);
            if ((rc = check_strict_hyperband(hb[i].eta, hb[i].r_max, hb[i].w, restart,
                                             hb[i].seconds, &out[k++], err, n)) < 0)
                return rc;
        }
    for (size_t i = 0; i < sizeof asha / sizeof *asha; i++) {
        NEED(1);
        if ((rc = check_asha_busy(asha[i].eta, asha[i].r_max, asha[i].w, asha[i].type, 500,
                                  &out[k++], err, n)) < 0)
            return rc;
    }
#undef NEED
    return (int)k;
}
