/*
 * sim/observe_narrate.c -- the narrator: an engine observer that tells every
 * decision in plain words (shsim run --explain; sim/observe.h).  All the
 * run's text is made here; the engine only reports events.
 */
#include "sim/observe.h"

#include <stdio.h>
#include <string.h>

void narrator_init(narrator *n, void (*line)(void *ctx, const char *line), void *ctx)
{
    memset(n, 0, sizeof *n);
    n->line = line;
    n->ctx = ctx;
}

/* "epoch 3" or "epochs 3-5". */
static void epochs_str(char *buf, size_t n, uint32_t a, uint32_t b)
{
    if (a == b)
        snprintf(buf, n, "epoch %u", a);
    else
        snprintf(buf, n, "epochs %u-%u", a, b);
}

/* Index of epoch among the core's rung levels, or -1. */
static int level_of(const narrator *n, uint32_t epoch)
{
    for (int k = 0; k < n->nlevels; k++)
        if (n->levels[k] == epoch)
            return k;
    return -1;
}

static void job_start(narrator *n, const obs_event *ev)
{
    const sched_job *job = &ev->u.job_start.job;
    int retried = ev->u.job_start.retried;
    double scale = ev->u.job_start.scale, secs = ev->u.job_start.seconds;
    char ep[64], re[64] = "", slow[64] = "";
    epochs_str(ep, sizeof ep, job->from + 1, job->to);
    if (ev->u.job_start.first == 1 && job->from > 0) {
        char rp[32];
        epochs_str(rp, sizeof rp, 1, job->from);
        snprintf(re, sizeof re, "retrains %s, then ", rp);
    }
    if (scale != 1.0)
        snprintf(slow, sizeof slow, " (%.3g times the nominal time)", scale);
    if (job->from == 0 && !retried)
        snprintf(n->buf, sizeof n->buf, "t=%g worker %u starts trial %u: %s for rung %u, %g s%s",
                 ev->time, ev->worker, job->trial, ep, job->rung, secs, slow);
    else if (retried)
        snprintf(n->buf, sizeof n->buf, "t=%g worker %u retries dropped trial %u: %s%s for "
                 "rung %u, %g s%s", ev->time, ev->worker, job->trial, re, ep, job->rung, secs, slow);
    else
        snprintf(n->buf, sizeof n->buf, "t=%g worker %u promotes trial %u to rung %u: %s%s, "
                 "%g s%s", ev->time, ev->worker, job->trial, job->rung, re, ep, secs, slow);
    n->line(n->ctx, n->buf);
}

static void job_end(narrator *n, const obs_event *ev)
{
    const sched_job *job = &ev->u.job_end.job;
    char ep[64], k[80];
    epochs_str(ep, sizeof ep, job->from + 1, job->to);
    if (ev->u.job_end.outcome == OUT_CUT) {
        snprintf(n->buf, sizeof n->buf, "t=%g horizon: worker %u's job (trial %u, %s) is cut",
                 ev->time, ev->worker, job->trial, ep);
        n->line(n->ctx, n->buf);
        return;
    }
    if (ev->u.job_end.outcome != OUT_DROPPED)
        return; /* the result that ended the job was told */
    uint32_t reached = ev->u.job_end.epoch;
    if (reached > job->from)
        snprintf(k, sizeof k, "its results up to epoch %u are kept", reached);
    else
        snprintf(k, sizeof k, "it had reported no epoch");
    if (ev->u.job_end.retry)
        snprintf(n->buf, sizeof n->buf, "t=%g worker %u drops its job (trial %u, %s); %s; "
                 "the rest goes back to the front of the queue", ev->time, ev->worker, job->trial,
                 ep, k);
    else
        snprintf(n->buf, sizeof n->buf, "t=%g worker %u drops its job (trial %u, %s); %s; "
                 "trial %u fails and counts as the worst at rung %u", ev->time, ev->worker,
                 job->trial, ep, k, job->trial, job->rung);
    n->line(n->ctx, n->buf);
}

static void result(narrator *n, const obs_event *ev)
{
    static const char *const what[] = {
        [SCHED_CONTINUE] = "continues", [SCHED_PAUSE] = "pauses (it may be promoted later)",
        [SCHED_STOP] = "stopped", [SCHED_DONE] = "done: it reached r_max",
        [SCHED_DECISION_ERROR] = "the core failed",
    };
    sched_decision d = ev->u.result.decision;
    int k = level_of(n, ev->u.result.epoch);
    if (k < 0 && d == SCHED_CONTINUE)
        return; /* an epoch between rungs: nothing decided */
    char where[48] = "";
    if (k >= 0)
        snprintf(where, sizeof where, "rung %d, ", k);
    snprintf(n->buf, sizeof n->buf, "t=%g trial %u reached epoch %u (%serror %.4g): %s", ev->time,
             ev->u.result.trial, ev->u.result.epoch, where, ev->u.result.metric,
             (unsigned)d < sizeof what / sizeof *what ? what[d] : "?");
    n->line(n->ctx, n->buf);
}

int narrator_observe(void *ctx, const obs_event *ev)
{
    narrator *n = ctx;
    switch (ev->kind) {
    case OBS_RUN:
        n->levels = ev->u.run.levels;
        n->nlevels = ev->u.run.nlevels;
        break;
    case OBS_JOB_START: job_start(n, ev); break;
    case OBS_JOB_END: job_end(n, ev); break;
    case OBS_RESULT: result(n, ev); break;
    case OBS_ANSWER:
        if (ev->u.answer.answer == SCHED_WAIT) { /* DONE: the run's end says it */
            snprintf(n->buf, sizeof n->buf, "t=%g worker %u waits: %s", ev->time, ev->worker,
                     ev->u.answer.why);
            n->line(n->ctx, n->buf);
        }
        break;
    default: break;
    }
    return 0;
}
