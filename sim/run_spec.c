/*
 * sim/run_spec.c -- a run spec: its defaults, its checks against the workload, and running it.
 */
#include "sim/run_spec.h"
#include "sim/invariants.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

run_spec run_spec_default(void)
{
    run_spec rs;
    memset(&rs, 0, sizeof rs);
    rs.type = sched_asha;
    rs.sp = sched_default_params();
    rs.ep = engine_default_params();
    snprintf(rs.workload, sizeof rs.workload, "lenet");
    rs.seed = 1;
    rs.trials = SCHED_UNBOUNDED;
    rs.order = WL_ORDER_AUTO;
    rs.ep.max_events = RUN_MAX_EVENTS;
    return rs;
}

run_spec run_spec_figure(const sched_type *type)
{
    run_spec rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "figure");
    rs.type = type;
    rs.ep.workers = 2;
    rs.ep.horizon = 32;
    rs.sp.eta = 2;
    rs.sp.r_min = 1;
    rs.sp.r_max = 4;
    rs.r_max_given = 1;
    rs.sp.sh.barrier = SCHED_BARRIER_STRICT;
    rs.sp.asha.type = SCHED_ASHA_PROMOTION;
    rs.sp.asha.rule = SCHED_RULE_TOPK;
    rs.order = WL_ORDER_FILE; /* the book's trials 0..5, in its order */
    return rs;
}

int run_spec_prepare(run_spec *rs, const workload *wl, char *err, size_t n)
{
    /* a model workload knows up to 1000 epochs: default to at most 81 */
    if (!rs->r_max_given)
        rs->sp.r_max = workload_epochs(wl) < 81 ? workload_epochs(wl) : 81;
    if (rs->sp.r_max > workload_epochs(wl)) {
        snprintf(err, n, "--r-max %u: workload '%s' has only %u epochs per trial", rs->sp.r_max,
                 rs->workload, workload_epochs(wl));
        return -EINVAL;
    }
    if (rs->sp.r_min > rs->sp.r_max) {
        snprintf(err, n, "--r-min %u is larger than --r-max %u", rs->sp.r_min, rs->sp.r_max);
        return -EINVAL;
    }
    uint32_t lv[SCHED_MAX_LEVELS];
    int nl = sched_levels(rs->sp.r_min, rs->sp.eta, rs->sp.r_max, lv, SCHED_MAX_LEVELS);
    if (nl > 0 && rs->sp.hyperband.brackets > (uint32_t)nl) {
        snprintf(err, n, "--brackets %u: at most %d, one per rung level (r_min %u, eta %u, r_max %u)",
                 rs->sp.hyperband.brackets, nl, rs->sp.r_min, rs->sp.eta, rs->sp.r_max);
        return -EINVAL;
    }
    rs->ep.strag.seed = rs->seed; /* straggler draws follow the run's seed */
    if (straggler_check(&rs->ep.strag, rs->ep.workers, err, n) < 0)
        return -EINVAL;
    uint32_t avail = workload_trials(wl);
    rs->sp.max_trials = rs->trials < avail ? rs->trials : avail;
    if (rs->sp.max_trials == SCHED_UNBOUNDED && isinf(rs->ep.horizon)) {
        snprintf(err, n, "workload '%s' is unbounded: give --trials N or --horizon T",
                 rs->workload);
        return -EINVAL;
    }
    return 0;
}

int run_spec_run(const run_spec *rs, const workload *wl, run_result *res, char *err, size_t n)
{
    sched *core = NULL;
    memset(res, 0, sizeof *res);
    int rc = sched_alloc(&core, rs->type, &rs->sp);
    if (rc < 0) {
        snprintf(err, n, "cannot make the %s core (eta %u, r_min %u, r_max %u): %s",
                 sched_type_name(rs->type),
                 rs->sp.eta, rs->sp.r_min, rs->sp.r_max,
                 rc == -ENOMEM ? "out of memory" : "too many rung levels or a bracket too large");
        return rc;
    }
    rc = engine_run(&rs->ep, core, wl, res);
    sched_free(core);
    if (rc == -E2BIG) {
        snprintf(err, n, "run stopped at %llu events (--max-events %llu): raise --max-events, or "
                 "bound the run with --horizon or --trials", (unsigned long long)rs->ep.max_events,
                 (unsigned long long)rs->ep.max_events);
        return rc;
    }
    if (rc == -EPROTO) { /* engine.h: a core bug, never bad input */
        snprintf(err, n,
                 "internal error, please report it: the %s core broke its contract "
                 "(core/sched.h) (workload %s, seed %llu)",
                 sched_type_name(rs->type), rs->workload, (unsigned long long)rs->seed);
        return rc;
    }
    if (rc < 0) {
        snprintf(err, n, "run failed: %s", strerror(-rc));
        return rc;
    }
    char why[512];
    rc = run_invariants(res, why, sizeof why);
    if (rc == -EPROTO)
        snprintf(err, n,
                 "internal error, please report it: invariant violated: %s "
                 "(scheduler %s, workload %s, seed %llu)",
                 why, sched_type_name(rs->type), rs->workload, (unsigned long long)rs->seed);
    else if (rc < 0)
        snprintf(err, n, "run failed: out of memory while checking the run");
    if (rc < 0)
        run_result_free(res);
    return rc;
}

int run_spec_execute(run_spec *rs, run_result *res, workload **wl_out, char *err, size_t n)
{
    workload *wl = NULL;
    wl_params wp = wl_default_params();
    wp.seed = rs->seed;
    wp.order = rs->order;
    memset(res, 0, sizeof *res);
    int rc = workload_open(&wl, rs->workload, &wp, err, n);
    if (rc < 0)
        return rc;
    rc = run_spec_prepare(rs, wl, err, n);
    if (rc == 0)
        rc = run_spec_run(rs, wl, res, err, n);
    if (rc < 0 || !wl_out)
        workload_free(wl);
    else
        *wl_out = wl;
    return rc;
}
