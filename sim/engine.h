/*
 * sim/engine.h -- the face of sim/: the discrete-event engine.
 *
 * engine_run() replays a workload onto N virtual workers under one core.  It
 * owns the clock and the workers; the core decides, the workload tells costs
 * and scores.  Semantics (docs/design.md 1, 2, 7, 8):
 *   - events are keyed (time, seq); all events of one time are delivered in
 *     seq order, then free workers are offered to the core in increasing
 *     worker index until it answers WAIT or DONE or none is free;
 *   - a job trains epochs from+1..to, every epoch end is an event reporting
 *     (trial, epoch, metric); in restart mode a job of a promoted trial first
 *     retrains epochs 1..from, which cost time and report nothing;
 *   - at the horizon T, events at exactly T are still delivered, no job starts
 *     at T, and jobs still running are cut;
 *   - stragglers (engine_params.strag, sim/straggler.h): a job's epochs take
 *     their workload seconds times F_job / speed_worker; a dropped job ends
 *     at start + u * (its planned duration): the epochs that ended before
 *     that point were reported, an epoch ending at or after it is lost, the
 *     job's row gets outcome `dropped`, and the core is told
 *     sched_lost(trial, from = last reported epoch, to, rung), so a retried
 *     job resumes from the trial's last reported epoch;
 *   - nothing depends on addresses, threads or the machine.
 *
 * Ownership: engine_run() fills a run_result the caller releases with
 * run_result_free().  Errors: 0 or a negative errno code; on error the result
 * is released.  -EINVAL: impossible parameters (a caller's bug or input its
 * checks let through); -E2BIG: more than max_events events; -ENOMEM: out of
 * memory, in the engine, an observer or the core (sched_next answered
 * SCHED_ERROR or sched_report SCHED_DECISION_ERROR); -EPROTO: the core broke
 * its contract (core/sched.h: a job outside the workload, or CONTINUE at a
 * job's last epoch), a bug to report, never bad input.
 */
#ifndef SHSIM_SIM_ENGINE_H
#define SHSIM_SIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/sched.h"
#include "sim/straggler.h"
#include "sim/summary.h"
#include "traces/workload.h"

typedef enum {
    OUT_PROMOTED, OUT_PAUSED, OUT_STOPPED, OUT_COMPLETED, OUT_CUT, OUT_DROPPED, OUT_RUNNING
} job_outcome;

/* bracket: the Hyperband bracket s of the trial (sched_job.bracket; 0 for
 * SH, ASHA and random); rung is the level index, so rung - bracket is the
 * rung within the bracket. */
typedef struct {
    uint32_t job, worker, trial, rung, epoch_from, epoch_to;
    double start, end;
    job_outcome outcome;
    uint32_t bracket;
} job_row;

typedef struct {
    double time;
    uint32_t worker, trial, epoch;
    double metric;
    sched_decision decision;
    uint32_t bracket;
} result_row;

typedef struct {
    uint32_t worker;
    double start, end;
} idle_row;

typedef struct {
    double time;
    uint32_t trial, epoch;
    double metric, best, best_rmax; /* best_rmax NAN until a trial reaches r_max */
} best_row;

/* run_summary: the summary columns, one list (sim/summary.h). */

typedef struct {
    run_summary sum;
    /* rows, recorded when engine_params.record is set */
    job_row *jobs;
    result_row *results;
    idle_row *idle;
    best_row *best;
    size_t n_jobs, n_results, n_idle, n_best;
    size_t cap_jobs, cap_results, cap_idle, cap_best;
    /* best-so-far sampled at engine_params.sample_times (sweeps); NULL when
     * none were asked for: samples[i] (i < n_samples) is the best metric
     * among results at time <= sample_times[i] (the final best for times
     * past the run's end), NAN before the first result; samples[n_samples +
     * i] is likewise best_rmax, the best among trials that reached r_max
     * (NAN before the first did) */
    double *samples;
} run_result;

/* Observers (SQLite's sqlite3_trace_v2 model): the engine reports what
 * happens as structured events to the observers registered in
 * engine_params; each observer names the kinds it wants in a mask and gets
 * its context pointer back.  The engine never formats text: the row
 * recorder (sim/observe_record.c, the run_result rows) and the narrator
 * (sim/observe_narrate.c, `shsim run --explain`) are observers.  With no
 * observer registered the hot path pays one mask test per event.
 * Events of one run come in simulated-time order; within a time, in the
 * order the engine acts (docs/design.md, semantics 1).  Pointers in an
 * event are valid during the call only, but run.levels until the run ends. */
typedef enum {
    OBS_RUN = 1u << 0,       /* the run begins: run */
    OBS_JOB_START = 1u << 1, /* a worker starts a job: job_start */
    OBS_JOB_END = 1u << 2,   /* a job ends (paused, stopped, completed, cut, dropped): job_end */
    OBS_RESULT = 1u << 3,    /* an epoch ended and the core decided: result */
    OBS_IDLE = 1u << 4,      /* a worker was idle over [start, end), end > start: idle */
    OBS_ANSWER = 1u << 5,    /* the core answered WAIT or DONE to a free worker: answer */
    OBS_BEST = 1u << 6,      /* the best-so-far (or the best at r_max) improved: best */
} obs_kind;
#define OBS_ALL 0x7fu

typedef struct {
    obs_kind kind;
    double time;     /* simulated seconds */
    uint32_t worker; /* the worker concerned (OBS_ANSWER: the lowest free one) */
    union {
        struct {
            const uint32_t *levels; /* the core's rung levels */
            int nlevels;
            uint32_t workers;
            double horizon;
        } run;
        struct {
            uint32_t id;     /* jobs are numbered 0, 1, 2, ... as they start */
            sched_job job;   /* as the core gave it */
            uint32_t first;  /* first epoch trained: 1 in restart mode, else job.from + 1 */
            double seconds;  /* planned duration, retrained epochs included */
            double scale;    /* the job's epoch seconds are multiplied by this */
            int retried;     /* the trial's previous job was dropped and is retried */
        } job_start;
        struct {
            uint32_t id;
            sched_job job;   /* as the core gave it */
            uint32_t epoch;  /* last epoch reported (job.from when none) */
            job_outcome outcome;
            int retry;       /* OUT_DROPPED: the job goes back to the queue (else the trial fails) */
        } job_end;
        struct {
            uint32_t trial, epoch;
            double metric;
            sched_decision decision;
            uint32_t bracket; /* the job's sched_job.bracket */
        } result;
        struct {
            double start, end;
        } idle;
        struct {
            sched_answer answer; /* SCHED_WAIT or SCHED_END */
            const char *why;     /* the core's sched_explain() */
        } answer;
        struct {
            uint32_t trial, epoch;
            double metric, best, best_rmax; /* best_rmax NAN until a trial reaches r_max */
        } best;
    } u;
} obs_event;

/* 0 to go on, or a negative errno code: the run ends with it (-ENOMEM). */
typedef int (*obs_callback)(void *ctx, const obs_event *ev);

typedef struct {
    unsigned mask; /* OR of obs_kind */
    obs_callback fn;
    void *ctx;
} engine_observer;

typedef struct {
    uint32_t workers;   /* >= 1 */
    double horizon;     /* > 0; INFINITY for none */
    int restart;        /* resume mode: 0 checkpoint, 1 restart */
    double target;      /* metric for time_to_target(_rmax); NAN for none */
    /* Two observers the engine registers itself when asked, before the
     * ones below: record != 0, the row recorder (sim/observe_record.c:
     * run_result's jobs/results/idle/best rows); narrate != NULL, the
     * narrator (sim/observe_narrate.c: every decision in plain words, one
     * line per call, shsim run --explain) */
    int record;
    void (*narrate)(void *ctx, const char *line);
    void *narrate_ctx;
    /* more observers, called in this order; NULL/0: none */
    const engine_observer *observers;
    size_t n_observers;
    /* optional, for sweeps: n_samples ascending times at which to sample the
     * best-so-far into run_result.samples; costs one compare per event time */
    const double *sample_times;
    size_t n_samples;
    /* per-job noise, slow workers, dropped jobs; all off by default */
    straggler_params strag;
    /* stop with -E2BIG once this many events were delivered (0: never):
     * what bounds a run's memory and time, since every trial, job and recorded
     * row costs at least one event (docs/input-errors.md, "Memory") */
    uint64_t max_events;
    /* optional: called every 2^20 events with the count and the clock, for
     * a progress line on a terminal; NULL: none */
    void (*progress)(void *ctx, uint64_t events, double now);
    void *progress_ctx;
} engine_params;

engine_params engine_default_params(void);
int engine_run(const engine_params *p, sched *core, const workload *wl, run_result *out);
void run_result_free(run_result *r);
const char *job_outcome_name(job_outcome o);

#endif
