/*
 * sim/run_spec.c -- the files a run writes (docs/files.md).
 */
#include "sim/run_spec.h"
#include "sim/invariants.h"
#include "sim/output.h"

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
    rs.sp.barrier = SCHED_BARRIER_STRICT;
    rs.sp.type = SCHED_ASHA_PROMOTION;
    rs.sp.rule = SCHED_RULE_TOPK;
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
    if (nl > 0 && rs->sp.brackets > (uint32_t)nl) {
        snprintf(err, n, "--brackets %u: at most %d, one per rung level (r_min %u, eta %u, r_max %u)",
                 rs->sp.brackets, nl, rs->sp.r_min, rs->sp.eta, rs->sp.r_max);
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

static void write_jobs(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)rs;
    (void)wl;
    fputs("job,worker,trial,rung,epoch_from,epoch_to,start,end,outcome,bracket\n", f);
    for (size_t i = 0; i < r->n_jobs; i++) {
        const job_row *j = &r->jobs[i];
        fprintf(f, "%u,%u,%u,%u,%u,%u,", j->job, j->worker, j->trial, j->rung, j->epoch_from,
                j->epoch_to);
        base_put_double(f, j->start);
        fputc(',', f);
        base_put_double(f, j->end);
        fprintf(f, ",%s,%u\n", job_outcome_name(j->outcome), j->bracket);
    }
}

static void write_results(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)rs;
    (void)wl;
    fputs("time,worker,trial,epoch,metric,decision,bracket\n", f);
    for (size_t i = 0; i < r->n_results; i++) {
        const result_row *x = &r->results[i];
        base_put_double(f, x->time);
        fprintf(f, ",%u,%u,%u,", x->worker, x->trial, x->epoch);
        base_put_double(f, x->metric);
        fprintf(f, ",%s,%u\n", sched_decision_name(x->decision), x->bracket);
    }
}

static void write_idle(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)rs;
    (void)wl;
    fputs("worker,start,end\n", f);
    for (size_t i = 0; i < r->n_idle; i++) {
        fprintf(f, "%u,", r->idle[i].worker);
        base_put_double(f, r->idle[i].start);
        fputc(',', f);
        base_put_double(f, r->idle[i].end);
        fputc('\n', f);
    }
}

static void write_best(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)rs;
    (void)wl;
    fputs("time,trial,epoch,metric,best,best_rmax\n", f);
    for (size_t i = 0; i < r->n_best; i++) {
        const best_row *b = &r->best[i];
        base_put_double(f, b->time);
        fprintf(f, ",%u,%u,", b->trial, b->epoch);
        base_put_double(f, b->metric);
        fputc(',', f);
        base_put_double(f, b->best);
        fputc(',', f);
        base_put_double(f, b->best_rmax);
        fputc('\n', f);
    }
}

/* trials.csv: one row per trial started, its hyperparameters and fate. */
static void write_trials(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)rs;
    const char *hdr = workload_config_header(wl);
    fprintf(f, "trial,last_epoch,last_metric%s%s\n", *hdr ? "," : "", hdr);
    uint64_t nt = r->sum.trials_started;
    uint32_t *last = calloc(nt ? nt : 1, sizeof *last);
    double *metric = malloc((nt ? nt : 1) * sizeof *metric);
    if (!last || !metric) {
        free(last);
        free(metric);
        fputs("# out of memory\n", f);
        return;
    }
    for (uint64_t t = 0; t < nt; t++)
        metric[t] = (double)NAN;
    for (size_t i = 0; i < r->n_results; i++) {
        const result_row *x = &r->results[i];
        if (x->epoch >= last[x->trial]) {
            last[x->trial] = x->epoch;
            metric[x->trial] = x->metric;
        }
    }
    char cfg[8192];
    for (uint64_t t = 0; t < nt; t++) {
        fprintf(f, "%llu,%u,", (unsigned long long)t, last[t]);
        base_put_double(f, metric[t]);
        workload_config(wl, (uint32_t)t, cfg, sizeof cfg);
        if (*hdr)
            fprintf(f, ",%s", cfg);
        fputc('\n', f);
    }
    free(last);
    free(metric);
}

static void write_summary(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)wl;
    summary_header(f);
    summary_row(f, rs, &r->sum);
}

/* The files of a run, in the order they are written and listed (`shsim run
 * --help`): a new file is its writer above and one line here. */
static const struct {
    const char *name;
    void (*write)(FILE *f, const run_spec *rs, const run_result *r, const workload *wl);
} record_files[] = {
    { "jobs.csv", write_jobs },   { "results.csv", write_results }, { "idle.csv", write_idle },
    { "best.csv", write_best },   { "trials.csv", write_trials },   { "summary.csv", write_summary },
};
#define NRECORD_FILES (sizeof record_files / sizeof *record_files)

const char *record_file_name(size_t i)
{
    return i < NRECORD_FILES ? record_files[i].name : NULL;
}

int record_write(const char *dir, const run_spec *rs, const run_result *res, const workload *wl,
                 char *err, size_t n)
{
    out_set os;
    out_set_init(&os);
    for (size_t i = 0; i < NRECORD_FILES; i++) {
        FILE *f = out_set_open(&os, dir, record_files[i].name);
        if (!f)
            goto err;
        record_files[i].write(f, rs, res, wl);
    }
    if (out_set_commit(&os) < 0)
        goto err;
    return 0;
err:
    snprintf(err, n, "%s", os.err);
    out_set_abort(&os);
    return -EIO;
}
