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
 * run_result_free().  Errors: 0 or a negative errno code (-E2BIG: more than
 * max_events events); on error the result is released.
 */
#ifndef SHSIM_SIM_ENGINE_H
#define SHSIM_SIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/sched.h"
#include "sim/straggler.h"
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

typedef struct {
    uint64_t trials_started, trials_rmax, jobs, epochs_trained, epochs_replayed, results, events;
    uint64_t jobs_cut, jobs_dropped;
    double end_time, busy, idle;        /* worker-seconds */
    double best, best_rmax;             /* NAN when none */
    double time_to_target;              /* first time any result (any epoch of any trial,
                                           paused ones too) had metric <= target; NAN when
                                           never or no target */
    double time_first_rmax;             /* first time a trial reached r_max; NAN if none */
    double time_to_target_rmax;         /* first time a trial reached r_max with metric
                                           <= target (a configuration found); NAN when
                                           never or no target */
    uint32_t workers;
} run_summary;

typedef struct {
    run_summary sum;
    /* traces, filled when engine_params.trace is set */
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

typedef struct {
    uint32_t workers;   /* >= 1 */
    double horizon;     /* > 0; INFINITY for none */
    int restart;        /* resume mode: 0 checkpoint, 1 restart */
    double target;      /* metric for time_to_target(_rmax); NAN for none */
    int trace;          /* keep jobs/results/idle/best rows */
    /* narration of decisions in plain words (shsim run --explain); NULL: none */
    void (*narrate)(void *ctx, const char *line);
    void *narrate_ctx;
    /* optional, for sweeps: n_samples ascending times at which to sample the
     * best-so-far into run_result.samples; costs one compare per event time */
    const double *sample_times;
    size_t n_samples;
    /* per-job noise, slow workers, dropped jobs; all off by default */
    straggler_params strag;
    /* stop with -E2BIG once this many events were delivered (0: never):
     * what bounds a run's memory and time, since every trial, job and trace
     * row costs at least one event (README, "Memory") */
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
