/*
 * sim/observe_record.c -- the row recorder: an engine observer that keeps a
 * run's rows (sim/observe.h).  Rows grow by doubling, O(1) amortised per
 * event; a job row is entered at its start (end NAN, outcome `running`) and
 * completed at its end, so row i is job i (the engine numbers jobs as they
 * start).
 */
#include "sim/observe.h"
#include "core/base.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

void row_recorder_init(row_recorder *t, run_result *out)
{
    memset(t, 0, sizeof *t);
    t->out = out;
}

void row_recorder_free(row_recorder *t)
{
    free(t->last_row);
    t->last_row = NULL;
    t->cap_last = 0;
}

/* Grow an array of `size`-byte rows to hold one more; -ENOMEM on failure. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    void *p = base_grow(*arr, cap, n + 1, size, 256);
    if (!p)
        return -ENOMEM;
    *arr = p;
    return 0;
}
#define GROW(o, name) grow((void **)&(o)->name, &(o)->cap_##name, (o)->n_##name, sizeof *(o)->name)

static int job_start(row_recorder *t, const obs_event *ev)
{
    run_result *o = t->out;
    const sched_job *job = &ev->u.job_start.job;
    if (GROW(o, jobs) < 0)
        return -ENOMEM;
    uint32_t id = ev->u.job_start.id;
    if (id != o->n_jobs)
        return -EPROTO; /* the engine numbers jobs 0, 1, 2, ... */
    o->jobs[o->n_jobs++] = (job_row){ .job = id, .worker = ev->worker, .trial = job->trial,
                                      .rung = job->rung, .epoch_from = ev->u.job_start.first,
                                      .epoch_to = job->to, .start = ev->time, .end = (double)NAN,
                                      .outcome = OUT_RUNNING, .bracket = job->bracket };
    if (job->trial >= t->cap_last) {
        size_t c = t->cap_last ? t->cap_last : 1024;
        while (c <= job->trial)
            c *= 2;
        uint32_t *p = realloc(t->last_row, c * sizeof *p);
        if (!p)
            return -ENOMEM;
        for (size_t i = t->cap_last; i < c; i++)
            p[i] = NONE;
        t->last_row = p;
        t->cap_last = c;
    }
    /* a paused trial that runs again was promoted */
    uint32_t prev = t->last_row[job->trial];
    if (prev != NONE && o->jobs[prev].outcome == OUT_PAUSED)
        o->jobs[prev].outcome = OUT_PROMOTED;
    t->last_row[job->trial] = id;
    return 0;
}

int row_recorder_observe(void *ctx, const obs_event *ev)
{
    row_recorder *t = ctx;
    run_result *o = t->out;
    switch (ev->kind) {
    case OBS_JOB_START:
        return job_start(t, ev);
    case OBS_JOB_END: {
        if (ev->u.job_end.id >= o->n_jobs)
            return -EPROTO;
        job_row *r = &o->jobs[ev->u.job_end.id];
        job_outcome oc = ev->u.job_end.outcome;
        r->end = ev->time;
        r->outcome = oc;
        /* a cut or dropped job keeps the epochs it was given; the others
         * end at the epoch that ended them */
        if (oc != OUT_CUT && oc != OUT_DROPPED)
            r->epoch_to = ev->u.job_end.epoch;
        return 0;
    }
    case OBS_RESULT:
        if (GROW(o, results) < 0)
            return -ENOMEM;
        o->results[o->n_results++] = (result_row){ ev->time, ev->worker, ev->u.result.trial,
                                                   ev->u.result.epoch, ev->u.result.metric,
                                                   ev->u.result.decision, ev->u.result.bracket };
        return 0;
    case OBS_IDLE:
        if (GROW(o, idle) < 0)
            return -ENOMEM;
        o->idle[o->n_idle++] = (idle_row){ ev->worker, ev->u.idle.start, ev->u.idle.end };
        return 0;
    case OBS_BEST:
        if (GROW(o, best) < 0)
            return -ENOMEM;
        o->best[o->n_best++] = (best_row){ ev->time, ev->u.best.trial, ev->u.best.epoch,
                                           ev->u.best.metric, ev->u.best.best,
                                           ev->u.best.best_rmax };
        return 0;
    default:
        return 0;
    }
}
