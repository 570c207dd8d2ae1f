/*
 * sim/engine.c -- the event loop; see engine.h for the semantics it keeps.
 *
 * One pending event per busy worker (the end of its current epoch), so the
 * heap holds at most W events: the "hold" model whose cost the benchmark
 * compares against a bare heap.  Free workers sit in a small min-heap of
 * indices, so offering them "in increasing worker index" is O(log W) each,
 * not a scan of all W.
 *
 * Stragglers (straggler.h) keep the one-event-per-busy-worker model: a
 * worker whose job will be dropped at time D gets, instead of an epoch end
 * at or after D, a drop event at D, so no event ever has to be removed.
 * With no straggler effect active every duration is multiplied by exactly
 * 1.0 and nothing else changes: runs are bit for bit those of before.
 *
 * A worker keeps a query handle of its job's trial (workload.h's wl_trial),
 * filled when the job starts: the trial's draws are made once per job, not
 * once per epoch event, and the values are the plain queries' bit for bit.
 */
#include "sim/engine.h"
#include "sim/evq.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

typedef struct {
    sched_job job;
    wl_trial h;         /* the job's trial: its per-epoch queries */
    uint32_t row;       /* job row index, or NONE */
    uint32_t epoch;     /* last epoch finished in this job */
    double start;       /* job start */
    double scale;       /* the job's epoch seconds are multiplied by this */
    double drop_at;     /* when the job is lost; INFINITY when it is not */
    double idle_since;
    double busy, idle;  /* totals, worker-seconds */
    int busy_now;
} worker;

typedef struct {
    const engine_params *p;
    sched *core;
    const workload *wl;
    run_result *out;
    worker *w;
    evq q;
    uint32_t *freeh; /* min-heap of free worker indices */
    uint32_t nfree;
    uint32_t *last_row; /* trial -> its latest job row (trace only) */
    size_t cap_last;
    uint32_t *njobs;    /* trial -> jobs started so far (straggler draws only) */
    size_t cap_njobs;
    double *slow;       /* worker -> duration factor (stragglers only) */
    uint32_t r_max;
    int draws;          /* straggler noise or drops: per-job draws needed */
    double now;
    char line[512];
} engine;

engine_params engine_default_params(void)
{
    return (engine_params){ .workers = 1, .horizon = (double)INFINITY, .restart = 0, .target = (double)NAN,
                            .trace = 1, .narrate = NULL, .narrate_ctx = NULL,
                            .sample_times = NULL, .n_samples = 0,
                            .strag = straggler_default_params() };
}

const char *job_outcome_name(job_outcome o)
{
    static const char *const names[] = { "promoted", "paused", "stopped", "completed",
                                         "cut", "dropped", "running" };
    return (unsigned)o < sizeof names / sizeof *names ? names[o] : "?";
}

/* Grow an array of `size`-byte rows to hold one more; -ENOMEM on failure. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : 256;
    void *p = realloc(*arr, c * size);
    if (!p)
        return -ENOMEM;
    *arr = p;
    *cap = c;
    return 0;
}
#define GROW(e, name) grow((void **)&(e)->out->name, &(e)->out->cap_##name, (e)->out->n_##name, \
                           sizeof *(e)->out->name)

/* Make a per-trial array of uint32_t hold index `trial`; new slots get
 * `fill`.  -ENOMEM on failure. */
static int grow_trials(uint32_t **arr, size_t *cap, uint32_t trial, uint32_t fill)
{
    if (trial < *cap)
        return 0;
    size_t c = *cap ? *cap : 1024;
    while (c <= trial)
        c *= 2;
    uint32_t *p = realloc(*arr, c * sizeof *p);
    if (!p)
        return -ENOMEM;
    for (size_t i = *cap; i < c; i++)
        p[i] = fill;
    *arr = p;
    *cap = c;
    return 0;
}

/* Schedule worker wi's next event: the end of an epoch at t, or the drop
 * when that epoch would end at or after the drop point. */
static int push_next(engine *e, uint32_t wi, double t)
{
    const worker *w = &e->w[wi];
    if (t >= w->drop_at)
        return evq_push(&e->q, w->drop_at, wi, EV_DROP);
    return evq_push(&e->q, t, wi, EV_EPOCH_END);
}

static void free_push(engine *e, uint32_t w)
{
    uint32_t i = e->nfree++;
    while (i > 0 && e->freeh[(i - 1) / 2] > w) {
        e->freeh[i] = e->freeh[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    e->freeh[i] = w;
}

static uint32_t free_pop(engine *e)
{
    uint32_t top = e->freeh[0], last = e->freeh[--e->nfree], i = 0, n = e->nfree;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && e->freeh[c + 1] < e->freeh[c])
            c++;
        if (e->freeh[c] >= last)
            break;
        e->freeh[i] = e->freeh[c];
        i = c;
    }
    if (n)
        e->freeh[i] = last;
    return top;
}

static void narrate(engine *e)
{
    e->p->narrate(e->p->narrate_ctx, e->line);
}

/* "epoch 3" or "epochs 3-5", for narration. */
static void epochs_str(char *buf, size_t n, uint32_t a, uint32_t b)
{
    if (a == b)
        snprintf(buf, n, "epoch %u", a);
    else
        snprintf(buf, n, "epochs %u-%u", a, b);
}

/* Index of epoch among the core's rung levels, or -1 (narration only). */
static int level_of(const engine *e, uint32_t epoch)
{
    int n;
    const uint32_t *lv = sched_get_levels(e->core, &n);
    for (int k = 0; k < n; k++)
        if (lv[k] == epoch)
            return k;
    return -1;
}

static int add_idle(engine *e, uint32_t w, double from, double to)
{
    if (!(to > from))
        return 0;
    e->w[w].idle += to - from;
    if (!e->p->trace)
        return 0;
    if (GROW(e, idle) < 0)
        return -ENOMEM;
    e->out->idle[e->out->n_idle++] = (idle_row){ w, from, to };
    return 0;
}

static int start_job(engine *e, uint32_t wi, const sched_job *job)
{
    worker *w = &e->w[wi];
    run_summary *s = &e->out->sum;
    int rc = add_idle(e, wi, w->idle_since, e->now);
    if (rc < 0)
        return rc;
    w->job = *job;
    workload_trial(e->wl, job->trial, &w->h);
    w->epoch = job->from;
    w->start = e->now;
    w->busy_now = 1;
    w->row = NONE;
    w->scale = e->slow ? e->slow[wi] : 1.0;
    w->drop_at = (double)INFINITY;
    s->jobs++;
    if (job->trial + 1 > s->trials_started)
        s->trials_started = job->trial + 1;
    double u = 0;
    int dropped = 0, per_time = 0;
    uint32_t j = 0; /* this job's index among its trial's jobs */
    if (e->draws) {
        const straggler_params *sp = &e->p->strag;
        if (grow_trials(&e->njobs, &e->cap_njobs, job->trial, 0) < 0)
            return -ENOMEM;
        j = e->njobs[job->trial]++;
        w->scale = straggler_noise(sp, job->trial, j) * w->scale;
        dropped = straggler_drop(sp, job->trial, j, &u);
        per_time = sp->drop_rate > 0; /* decided below, once the duration is known */
    }
    double t = e->now;
    uint32_t first = job->from + 1;
    if (e->p->restart && job->from > 0) {
        /* retrain 1..from: costs time, reports nothing new */
        for (uint32_t ep = 1; ep <= job->from; ep++)
            t += wl_trial_epoch_time(&w->h, ep) * w->scale;
        s->epochs_replayed += job->from;
        first = 1;
    }
    t += wl_trial_epoch_time(&w->h, job->from + 1) * w->scale;
    double plan = t; /* the planned end: the same additions the events make */
    if (dropped || per_time || e->p->narrate)
        for (uint32_t ep = job->from + 2; ep <= job->to; ep++)
            plan += wl_trial_epoch_time(&w->h, ep) * w->scale;
    if (per_time)
        dropped = straggler_drop_rate(&e->p->strag, job->trial, j, plan - e->now, &u);
    if (dropped)
        w->drop_at = e->now + u * (plan - e->now);
    if (push_next(e, wi, t) < 0)
        return -ENOMEM;
    int retried = 0; /* known from the trace rows only, for narration */
    if (e->p->trace) {
        if (GROW(e, jobs) < 0)
            return -ENOMEM;
        uint32_t id = (uint32_t)e->out->n_jobs++;
        e->out->jobs[id] = (job_row){ .job = id, .worker = wi, .trial = job->trial,
                                      .rung = job->rung, .epoch_from = first,
                                      .epoch_to = job->to, .start = e->now, .end = (double)NAN,
                                      .outcome = OUT_RUNNING, .bracket = job->bracket };
        w->row = id;
        if (job->trial >= e->cap_last) {
            size_t c = e->cap_last ? e->cap_last : 1024;
            while (c <= job->trial)
                c *= 2;
            uint32_t *p = realloc(e->last_row, c * sizeof *p);
            if (!p)
                return -ENOMEM;
            for (size_t i = e->cap_last; i < c; i++)
                p[i] = NONE;
            e->last_row = p;
            e->cap_last = c;
        }
        uint32_t prev = e->last_row[job->trial];
        if (prev != NONE && e->out->jobs[prev].outcome == OUT_PAUSED)
            e->out->jobs[prev].outcome = OUT_PROMOTED;
        retried = prev != NONE && e->out->jobs[prev].outcome == OUT_DROPPED;
        e->last_row[job->trial] = id;
    }
    if (e->p->narrate) {
        char ep[64], re[64] = "", slow[64] = "";
        epochs_str(ep, sizeof ep, job->from + 1, job->to);
        if (first == 1 && job->from > 0) {
            char rp[32];
            epochs_str(rp, sizeof rp, 1, job->from);
            snprintf(re, sizeof re, "retrains %s, then ", rp);
        }
        if (w->scale != 1.0)
            snprintf(slow, sizeof slow, " (%.3g times the nominal time)", w->scale);
        if (job->from == 0 && !retried)
            snprintf(e->line, sizeof e->line, "t=%g worker %u starts trial %u: %s for rung %u, "
                     "%g s%s", e->now, wi, job->trial, ep, job->rung, plan - e->now, slow);
        else if (retried)
            snprintf(e->line, sizeof e->line, "t=%g worker %u retries dropped trial %u: %s%s for "
                     "rung %u, %g s%s", e->now, wi, job->trial, re, ep, job->rung, plan - e->now,
                     slow);
        else
            snprintf(e->line, sizeof e->line, "t=%g worker %u promotes trial %u to rung %u: %s%s, "
                     "%g s%s", e->now, wi, job->trial, job->rung, re, ep, plan - e->now, slow);
        narrate(e);
    }
    return 0;
}

static void end_job(engine *e, uint32_t wi, double t, job_outcome o)
{
    worker *w = &e->w[wi];
    w->busy += t - w->start;
    w->busy_now = 0;
    w->idle_since = t;
    if (w->row != NONE) {
        job_row *r = &e->out->jobs[w->row];
        r->end = t;
        r->outcome = o;
        if (o != OUT_CUT && o != OUT_DROPPED)
            r->epoch_to = w->epoch;
    }
}

static int note_best(engine *e, uint32_t trial, uint32_t epoch, double m, sched_decision d)
{
    run_summary *s = &e->out->sum;
    int changed = 0;
    if (isnan(s->best) || m < s->best) {
        s->best = m;
        changed = 1;
        if (!isnan(e->p->target) && isnan(s->time_to_target) && m <= e->p->target)
            s->time_to_target = e->now;
    }
    if (d == SCHED_FINISH && (isnan(s->best_rmax) || m < s->best_rmax)) {
        s->best_rmax = m;
        changed = 1;
        /* a trial trained to r_max with error <= target: a configuration
         * found, which time_to_target (any epoch, paused trials too) is not */
        if (!isnan(e->p->target) && isnan(s->time_to_target_rmax) && m <= e->p->target)
            s->time_to_target_rmax = e->now;
    }
    if (!changed || !e->p->trace)
        return 0;
    if (GROW(e, best) < 0)
        return -ENOMEM;
    e->out->best[e->out->n_best++] = (best_row){ e->now, trial, epoch, m, s->best, s->best_rmax };
    return 0;
}

/* Sample i of n of the best-so-far curves (engine.h: run_result.samples). */
static void put_sample(run_result *out, size_t n, size_t i)
{
    out->samples[i] = out->sum.best;
    out->samples[n + i] = out->sum.best_rmax;
}

static int epoch_end(engine *e, uint32_t wi)
{
    worker *w = &e->w[wi];
    run_summary *s = &e->out->sum;
    uint32_t ep = ++w->epoch, trial = w->job.trial;
    double m = wl_trial_metric(&w->h, ep);
    sched_decision d = sched_report(e->core, trial, ep, m);
    if (d == SCHED_CONTINUE && ep >= w->job.to)
        d = ep >= e->r_max ? SCHED_FINISH : SCHED_PAUSE; /* a core must not run past its job */
    s->epochs_trained++;
    s->results++;
    if (d == SCHED_FINISH) {
        s->trials_rmax++;
        if (isnan(s->time_first_rmax))
            s->time_first_rmax = e->now;
    }
    if (e->p->trace) {
        if (GROW(e, results) < 0)
            return -ENOMEM;
        e->out->results[e->out->n_results++] = (result_row){ e->now, wi, trial, ep, m, d,
                                                             w->job.bracket };
    }
    int rc = note_best(e, trial, ep, m, d);
    if (rc < 0)
        return rc;
    if (e->p->narrate) {
        int k = level_of(e, ep);
        static const char *const what[] = {
            [SCHED_CONTINUE] = "continues", [SCHED_PAUSE] = "pauses (it may be promoted later)",
            [SCHED_STOP] = "stopped", [SCHED_FINISH] = "done: it reached r_max",
        };
        if (k >= 0 || d != SCHED_CONTINUE) {
            char where[48] = "";
            if (k >= 0)
                snprintf(where, sizeof where, "rung %d, ", k);
            snprintf(e->line, sizeof e->line, "t=%g trial %u reached epoch %u (%serror %.4g): %s",
                     e->now, trial, ep, where, m, what[d]);
            narrate(e);
        }
    }
    if (d == SCHED_CONTINUE)
        return push_next(e, wi, e->now + wl_trial_epoch_time(&w->h, ep + 1) * w->scale);
    end_job(e, wi, e->now,
            d == SCHED_PAUSE ? OUT_PAUSED : d == SCHED_STOP ? OUT_STOPPED : OUT_COMPLETED);
    free_push(e, wi);
    return 0;
}

/* Worker wi's job is lost now: end its row, tell the core, free the worker. */
static int job_drop(engine *e, uint32_t wi)
{
    worker *w = &e->w[wi];
    sched_job rest = w->job;
    rest.from = w->epoch; /* the epochs reported so far happened */
    int retry = e->p->strag.drop_retry;
    end_job(e, wi, e->now, OUT_DROPPED);
    e->out->sum.jobs_dropped++;
    if (e->p->narrate) {
        char ep[64], k[80];
        epochs_str(ep, sizeof ep, w->job.from + 1, w->job.to);
        if (rest.from > w->job.from)
            snprintf(k, sizeof k, "its results up to epoch %u are kept", rest.from);
        else
            snprintf(k, sizeof k, "it had reported no epoch");
        if (retry)
            snprintf(e->line, sizeof e->line, "t=%g worker %u drops its job (trial %u, %s); %s; "
                     "the rest goes back to the front of the queue", e->now, wi, rest.trial, ep,
                     k);
        else
            snprintf(e->line, sizeof e->line, "t=%g worker %u drops its job (trial %u, %s); %s; "
                     "trial %u fails and counts as the worst at rung %u", e->now, wi, rest.trial,
                     ep, k, rest.trial, rest.rung);
        narrate(e);
    }
    sched_lost(e->core, &rest, retry);
    free_push(e, wi);
    return 0;
}

static int dispatch(engine *e)
{
    while (e->nfree) {
        sched_job job;
        sched_answer a = sched_next(e->core, &job);
        if (a != SCHED_RUN) {
            if (e->p->narrate && a == SCHED_WAIT) {
                char why[256];
                sched_explain(e->core, why, sizeof why);
                snprintf(e->line, sizeof e->line, "t=%g worker %u waits: %s", e->now,
                         e->freeh[0], why);
                narrate(e);
            }
            return 0;
        }
        if (job.trial >= workload_trials(e->wl) || job.to > e->r_max || job.from >= job.to)
            return -EINVAL; /* a core bug: never run what the workload lacks */
        int rc = start_job(e, free_pop(e), &job);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int engine_run(const engine_params *p, sched *core, const workload *wl, run_result *out)
{
    memset(out, 0, sizeof *out);
    if (!p || !core || !wl || p->workers < 1 || !(p->horizon > 0))
        return -EINVAL;
    const straggler_params *sg = &p->strag;
    if (!(sg->drop >= 0 && sg->drop < 1) || !(sg->drop_rate >= 0 && sg->drop_rate < 1) ||
        (sg->drop > 0 && sg->drop_rate > 0) || sg->n_speed > STRAG_MAX_SPEEDS ||
        sg->n_speed > p->workers || sg->slow_k > p->workers || !(sg->slow_factor > 0))
        return -EINVAL;
    for (uint32_t i = 0; i < sg->n_speed; i++)
        if (!(sg->speed[i] > 0))
            return -EINVAL;
    const sched_params *sp = sched_get_params(core);
    if (sp->r_max > workload_epochs(wl))
        return -EINVAL;
    if (sp->max_trials == SCHED_UNBOUNDED && workload_trials(wl) == WL_UNBOUNDED &&
        isinf(p->horizon))
        return -EINVAL; /* would never end */

    engine e = { .p = p, .core = core, .wl = wl, .out = out, .r_max = sp->r_max };
    evq_init(&e.q);
    run_summary *s = &out->sum;
    s->best = s->best_rmax = s->time_to_target = s->time_first_rmax = (double)NAN;
    s->time_to_target_rmax = (double)NAN;
    s->workers = p->workers;
    int rc = -ENOMEM;
    e.w = calloc(p->workers, sizeof *e.w);
    e.freeh = malloc(p->workers * sizeof *e.freeh);
    if (!e.w || !e.freeh)
        goto done;
    e.draws = straggler_draws(&p->strag);
    if (straggler_active(&p->strag)) {
        if (!(e.slow = malloc(p->workers * sizeof *e.slow)))
            goto done;
        for (uint32_t i = 0; i < p->workers; i++)
            e.slow[i] = straggler_slowdown(&p->strag, i, p->workers);
    }
    for (uint32_t i = 0; i < p->workers; i++) {
        e.freeh[i] = i; /* ascending: already a heap */
        e.w[i].row = NONE;
    }
    e.nfree = p->workers;
    size_t si = 0; /* next sample; samples before it hold the best at their time */
    if (p->n_samples) {
        rc = -ENOMEM;
        if (!(out->samples = malloc(2 * p->n_samples * sizeof *out->samples)))
            goto done;
    }

    rc = dispatch(&e);
    while (rc == 0 && evq_size(&e.q)) {
        double t = evq_top(&e.q)->time;
        if (t > p->horizon)
            break;
        while (si < p->n_samples && p->sample_times[si] < t)
            put_sample(out, p->n_samples, si++);
        e.now = t;
        s->end_time = t;
        while (rc == 0 && evq_size(&e.q) && evq_top(&e.q)->time == t) {
            event ev;
            evq_pop(&e.q, &ev);
            if (++s->events > p->max_events && p->max_events) {
                rc = -E2BIG;
                break;
            }
            if (p->progress && !(s->events & ((1u << 20) - 1)))
                p->progress(p->progress_ctx, s->events, t);
            rc = ev.kind == EV_DROP ? job_drop(&e, ev.worker) : epoch_end(&e, ev.worker);
        }
        if (rc == 0 && t < p->horizon)
            rc = dispatch(&e);
    }
    if (rc < 0)
        goto done;
    if (evq_size(&e.q)) { /* jobs running past the horizon are cut there */
        s->end_time = p->horizon;
        e.now = p->horizon;
        for (uint32_t i = 0; i < p->workers; i++)
            if (e.w[i].busy_now) {
                if (p->narrate) {
                    char ep[64];
                    epochs_str(ep, sizeof ep, e.w[i].job.from + 1, e.w[i].job.to);
                    snprintf(e.line, sizeof e.line, "t=%g horizon: worker %u's job (trial %u, %s) "
                             "is cut", p->horizon, i, e.w[i].job.trial, ep);
                    narrate(&e);
                }
                end_job(&e, i, p->horizon, OUT_CUT);
                s->jobs_cut++;
            }
    }
    for (uint32_t i = 0; i < p->workers; i++) {
        rc = add_idle(&e, i, e.w[i].idle_since, s->end_time);
        if (rc < 0)
            goto done;
        s->busy += e.w[i].busy;
        s->idle += e.w[i].idle;
    }
    while (si < p->n_samples)
        put_sample(out, p->n_samples, si++);
    rc = 0;
done:
    evq_destroy(&e.q);
    free(e.w);
    free(e.freeh);
    free(e.last_row);
    free(e.njobs);
    free(e.slow);
    if (rc < 0)
        run_result_free(out);
    return rc;
}

void run_result_free(run_result *r)
{
    if (!r)
        return;
    free(r->jobs);
    free(r->results);
    free(r->idle);
    free(r->best);
    free(r->samples);
    run_summary s = r->sum;
    memset(r, 0, sizeof *r);
    r->sum = s;
}
