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
 *
 * What happens is told to observers (engine.h) as events; the engine
 * formats no text and keeps no rows.  Each emit is guarded by a test of the
 * union of the observers' masks, so a run without observers (sweeps, bench)
 * pays one predictable branch per event and builds no event.
 */
#include "sim/engine.h"
#include "core/base.h"
#include "sim/evq.h"
#include "sim/observe.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

typedef struct {
    sched_job job;
    wl_trial h;         /* the job's trial: its per-epoch queries */
    uint32_t id;        /* the job's number (jobs are numbered as they start) */
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
    uint32_t *njobs;    /* trial -> jobs started so far (straggler draws only) */
    size_t cap_njobs;
    uint32_t *retrying; /* trial -> 1 while its dropped job waits for a retry
                           (drops with retry only) */
    size_t cap_retrying;
    double *slow;       /* worker -> duration factor (stragglers only) */
    uint32_t r_max;
    int draws;          /* straggler noise or drops: per-job draws needed */
    double now;
    unsigned mask;        /* union of the observers' masks */
    engine_observer *obs; /* row recorder, narrator, then the caller's */
    size_t nobs;
} engine;

engine_params engine_default_params(void)
{
    return (engine_params){ .workers = 1, .horizon = (double)INFINITY, .restart = 0, .target = (double)NAN,
                            .record = 1, .narrate = NULL, .narrate_ctx = NULL,
                            .observers = NULL, .n_observers = 0,
                            .sample_times = NULL, .n_samples = 0,
                            .strag = straggler_default_params() };
}

const char *job_outcome_name(job_outcome o)
{
    static const char *const names[] = { "promoted", "paused", "stopped", "completed",
                                         "cut", "dropped", "running" };
    return (unsigned)o < sizeof names / sizeof *names ? names[o] : "?";
}

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

/* The free workers: a min-heap of their indices (core/base.h), so the
 * lowest free worker is offered first (docs/design.md, semantics 1). */
static void free_push(engine *e, uint32_t w) { base_u32heap_push(e->freeh, &e->nfree, w); }
static uint32_t free_pop(engine *e) { return base_u32heap_pop(e->freeh, &e->nfree); }

/* Tell ev to every observer that asked for its kind, in registration
 * order; the first error ends the run. */
static int emit(engine *e, obs_event *ev)
{
    for (size_t i = 0; i < e->nobs; i++) {
        const engine_observer *o = &e->obs[i];
        if (o->mask & ev->kind) {
            int rc = o->fn(o->ctx, ev);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

/* The core answered an error: its code (-ENOMEM), or -EPROTO for a core
 * that answered one without recording why. */
static int core_failure(const engine *e)
{
    int rc = sched_error(e->core);
    return rc < 0 ? rc : -EPROTO;
}

static int add_idle(engine *e, uint32_t w, double from, double to)
{
    if (!(to > from))
        return 0;
    e->w[w].idle += to - from;
    if (!(e->mask & OBS_IDLE))
        return 0;
    obs_event ev = { .kind = OBS_IDLE, .time = to, .worker = w, .u.idle = { from, to } };
    return emit(e, &ev);
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
    w->id = (uint32_t)s->jobs;
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
    if (dropped || per_time || (e->mask & OBS_JOB_START))
        for (uint32_t ep = job->from + 2; ep <= job->to; ep++)
            plan += wl_trial_epoch_time(&w->h, ep) * w->scale;
    if (per_time)
        dropped = straggler_drop_rate(&e->p->strag, job->trial, j, plan - e->now, &u);
    if (dropped)
        w->drop_at = e->now + u * (plan - e->now);
    if (push_next(e, wi, t) < 0)
        return -ENOMEM;
    int retried = 0;
    if (e->retrying && job->trial < e->cap_retrying && e->retrying[job->trial]) {
        retried = 1; /* sched_lost() queued it in front of everything: this is it */
        e->retrying[job->trial] = 0;
    }
    if (!(e->mask & OBS_JOB_START))
        return 0;
    obs_event ev = { .kind = OBS_JOB_START, .time = e->now, .worker = wi,
                     .u.job_start = { .id = w->id, .job = *job, .first = first,
                                      .seconds = plan - e->now, .scale = w->scale,
                                      .retried = retried } };
    return emit(e, &ev);
}

/* Worker wi's job ends at t with outcome o; retry: see obs_event.job_end. */
static int end_job(engine *e, uint32_t wi, double t, job_outcome o, int retry)
{
    worker *w = &e->w[wi];
    w->busy += t - w->start;
    w->busy_now = 0;
    w->idle_since = t;
    if (!(e->mask & OBS_JOB_END))
        return 0;
    obs_event ev = { .kind = OBS_JOB_END, .time = t, .worker = wi,
                     .u.job_end = { .id = w->id, .job = w->job, .epoch = w->epoch, .outcome = o,
                                    .retry = retry } };
    return emit(e, &ev);
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
    if (d == SCHED_DONE && (isnan(s->best_rmax) || m < s->best_rmax)) {
        s->best_rmax = m;
        changed = 1;
        /* a trial trained to r_max with error <= target: a configuration
         * found, which time_to_target (any epoch, paused trials too) is not */
        if (!isnan(e->p->target) && isnan(s->time_to_target_rmax) && m <= e->p->target)
            s->time_to_target_rmax = e->now;
    }
    if (!changed || !(e->mask & OBS_BEST))
        return 0;
    obs_event ev = { .kind = OBS_BEST, .time = e->now, .worker = NONE,
                     .u.best = { trial, epoch, m, s->best, s->best_rmax } };
    return emit(e, &ev);
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
    if (d == SCHED_DECISION_ERROR)
        return core_failure(e);
    if (d == SCHED_CONTINUE && ep >= w->job.to)
        return -EPROTO; /* core/sched.h: a core ends every job it hands out */
    s->epochs_trained++;
    s->results++;
    if (d == SCHED_DONE) {
        s->trials_rmax++;
        if (isnan(s->time_first_rmax))
            s->time_first_rmax = e->now;
    }
    int rc = 0;
    if (e->mask & OBS_RESULT) {
        obs_event ev = { .kind = OBS_RESULT, .time = e->now, .worker = wi,
                         .u.result = { trial, ep, m, d, w->job.bracket } };
        rc = emit(e, &ev);
    }
    /* the order of the rows' files and of the narration: result, best, end */
    if (rc == 0)
        rc = note_best(e, trial, ep, m, d);
    if (rc < 0)
        return rc;
    if (d == SCHED_CONTINUE)
        return push_next(e, wi, e->now + wl_trial_epoch_time(&w->h, ep + 1) * w->scale);
    rc = end_job(e, wi, e->now,
                 d == SCHED_PAUSE ? OUT_PAUSED : d == SCHED_STOP ? OUT_STOPPED : OUT_COMPLETED, 0);
    free_push(e, wi);
    return rc;
}

/* Worker wi's job is lost now: end it, tell the core, free the worker. */
static int job_drop(engine *e, uint32_t wi)
{
    worker *w = &e->w[wi];
    sched_job rest = w->job;
    rest.from = w->epoch; /* the epochs reported so far happened */
    int retry = e->p->strag.drop_retry;
    int rc = end_job(e, wi, e->now, OUT_DROPPED, retry);
    if (rc < 0)
        return rc;
    e->out->sum.jobs_dropped++;
    if (retry) { /* the next job of this trial is its retry (engine.h) */
        if (grow_trials(&e->retrying, &e->cap_retrying, rest.trial, 0) < 0)
            return -ENOMEM;
        e->retrying[rest.trial] = 1;
    }
    rc = sched_lost(e->core, &rest, retry);
    if (rc < 0)
        return rc;
    free_push(e, wi);
    return 0;
}

static int dispatch(engine *e)
{
    while (e->nfree) {
        sched_job job;
        sched_answer a = sched_next(e->core, &job);
        if (a == SCHED_ERROR)
            return core_failure(e);
        if (a != SCHED_RUN) {
            if (!(e->mask & OBS_ANSWER))
                return 0;
            char why[256];
            sched_explain(e->core, why, sizeof why); /* the core's words, passed on */
            obs_event ev = { .kind = OBS_ANSWER, .time = e->now, .worker = e->freeh[0],
                             .u.answer = { a, why } };
            return emit(e, &ev);
        }
        if (job.trial >= workload_trials(e->wl) || job.to > e->r_max || job.from >= job.to)
            return -EPROTO; /* a core bug (core/sched.h's contract): never run what the workload lacks */
        int rc = start_job(e, free_pop(e), &job);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Register the engine's own observers (engine_params.record, .narrate),
 * then the caller's; -ENOMEM. */
static int observers_init(engine *e, row_recorder *tr, narrator *nr)
{
    const engine_params *p = e->p;
    size_t n = p->observers ? p->n_observers : 0;
    if (!p->record && !p->narrate && !n)
        return 0;
    if (n > SIZE_MAX / sizeof *e->obs - 2 || !(e->obs = malloc((n + 2) * sizeof *e->obs)))
        return -ENOMEM;
    if (p->record) {
        row_recorder_init(tr, e->out);
        e->obs[e->nobs++] = (engine_observer){ ROW_RECORDER_MASK, row_recorder_observe, tr };
    }
    if (p->narrate) {
        narrator_init(nr, p->narrate, p->narrate_ctx);
        e->obs[e->nobs++] = (engine_observer){ NARRATOR_MASK, narrator_observe, nr };
    }
    for (size_t i = 0; i < n; i++)
        e->obs[e->nobs++] = p->observers[i];
    for (size_t i = 0; i < e->nobs; i++)
        e->mask |= e->obs[i].mask;
    return 0;
}

/* Parameters a run cannot start with (also the run that would never end). */
static int params_valid(const engine_params *p, sched *core, const workload *wl)
{
    if (!p || !core || !wl || p->workers < 1 || !(p->horizon > 0))
        return 0;
    const straggler_params *sg = &p->strag;
    if (!(sg->drop >= 0 && sg->drop < 1) || !(sg->drop_rate >= 0 && sg->drop_rate < 1) ||
        (sg->drop > 0 && sg->drop_rate > 0) || sg->n_speed > STRAG_MAX_SPEEDS ||
        sg->n_speed > p->workers || sg->slow_k > p->workers || !(sg->slow_factor > 0))
        return 0;
    for (uint32_t i = 0; i < sg->n_speed; i++)
        if (!(sg->speed[i] > 0))
            return 0;
    const sched_params *sp = sched_get_params(core);
    if (sp->r_max > workload_epochs(wl))
        return 0;
    return !(sp->max_trials == SCHED_UNBOUNDED && workload_trials(wl) == WL_UNBOUNDED &&
             isinf(p->horizon));
}

/* The workers (all free, lowest index first), the observers, the
 * stragglers' slowdowns and room for the samples. */
static int engine_setup(engine *e, row_recorder *tr, narrator *nr)
{
    const engine_params *p = e->p;
    e->w = calloc(p->workers, sizeof *e->w);
    e->freeh = malloc(p->workers * sizeof *e->freeh);
    if (!e->w || !e->freeh || observers_init(e, tr, nr) < 0)
        return -ENOMEM;
    e->draws = straggler_draws(&p->strag);
    if (straggler_active(&p->strag)) {
        if (!(e->slow = malloc(p->workers * sizeof *e->slow)))
            return -ENOMEM;
        for (uint32_t i = 0; i < p->workers; i++)
            e->slow[i] = straggler_slowdown(&p->strag, i, p->workers);
    }
    for (uint32_t i = 0; i < p->workers; i++)
        e->freeh[i] = i; /* ascending: already a heap */
    e->nfree = p->workers;
    if (p->n_samples && !(e->out->samples = malloc(2 * p->n_samples * sizeof *e->out->samples)))
        return -ENOMEM;
    return 0;
}

/* The event loop: every event of one time delivered, then the free workers
 * filled, until no event is left or the next lies past the horizon.  *si:
 * the next sample; those before it hold the best at their time. */
static int run_events(engine *e, size_t *si)
{
    const engine_params *p = e->p;
    run_summary *s = &e->out->sum;
    int rc = 0;
    if (e->mask & OBS_RUN) {
        obs_event ev = { .kind = OBS_RUN, .time = 0, .worker = NONE,
                         .u.run = { .workers = p->workers, .horizon = p->horizon } };
        ev.u.run.levels = sched_get_levels(e->core, &ev.u.run.nlevels);
        rc = emit(e, &ev);
    }
    if (rc == 0)
        rc = dispatch(e);
    while (rc == 0 && evq_size(&e->q)) {
        double t = evq_top(&e->q)->time;
        if (t > p->horizon)
            break;
        while (*si < p->n_samples && p->sample_times[*si] < t)
            put_sample(e->out, p->n_samples, (*si)++);
        e->now = t;
        s->end_time = t;
        while (rc == 0 && evq_size(&e->q) && evq_top(&e->q)->time == t) {
            event ev;
            evq_pop(&e->q, &ev);
            if (++s->events > p->max_events && p->max_events)
                return -E2BIG;
            if (p->progress && !(s->events & ((1u << 20) - 1)))
                p->progress(p->progress_ctx, s->events, t);
            rc = ev.kind == EV_DROP ? job_drop(e, ev.worker) : epoch_end(e, ev.worker);
        }
        if (rc == 0 && t < p->horizon)
            rc = dispatch(e);
    }
    return rc;
}

/* The end: jobs running past the horizon cut there, every worker's last
 * idle stretch, the totals, the samples past the end. */
static int close_run(engine *e, size_t si)
{
    const engine_params *p = e->p;
    run_summary *s = &e->out->sum;
    int rc = 0;
    if (evq_size(&e->q)) {
        s->end_time = p->horizon;
        e->now = p->horizon;
        for (uint32_t i = 0; i < p->workers && rc == 0; i++)
            if (e->w[i].busy_now) {
                rc = end_job(e, i, p->horizon, OUT_CUT, 0);
                s->jobs_cut++;
            }
        if (rc < 0)
            return rc;
    }
    for (uint32_t i = 0; i < p->workers; i++) {
        if ((rc = add_idle(e, i, e->w[i].idle_since, s->end_time)) < 0)
            return rc;
        s->busy += e->w[i].busy;
        s->idle += e->w[i].idle;
    }
    while (si < p->n_samples)
        put_sample(e->out, p->n_samples, si++);
    return 0;
}

int engine_run(const engine_params *p, sched *core, const workload *wl, run_result *out)
{
    memset(out, 0, sizeof *out);
    if (!params_valid(p, core, wl))
        return -EINVAL;
    engine e = { .p = p, .core = core, .wl = wl, .out = out, .r_max = sched_get_params(core)->r_max };
    row_recorder tr;
    narrator nr;
    memset(&tr, 0, sizeof tr);
    evq_init(&e.q);
    summary_init(&out->sum); /* NAN for the columns that may be missing */
    out->sum.workers = p->workers;
    size_t si = 0;
    int rc = engine_setup(&e, &tr, &nr);
    if (rc == 0)
        rc = run_events(&e, &si);
    if (rc == 0)
        rc = close_run(&e, si);
    evq_destroy(&e.q);
    free(e.w);
    free(e.freeh);
    row_recorder_free(&tr);
    free(e.obs);
    free(e.njobs);
    free(e.retrying);
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
