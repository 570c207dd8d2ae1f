/*
 * sim/replay.h -- replay a recorded ASHA (stopping type) run through the
 * cores (sim-internal; `shsim replay`).
 *
 * Time order needs one clock for all trials (the tuner's, st_tuner_time):
 * a file timed only by each trial's own clock (elapsed_time, st_worker_time;
 * traces/synetune.c, trial_clock()) does not record when its trials
 * started, so the order of results of different trials is lost and cannot
 * be rebuilt.  replay_run() refuses such a file (-EINVAL, naming the file,
 * the header line and the column) rather than order trials by it.
 *
 * The recorded results are fed, in recorded time order, to one ASHA
 * stopping core per rule (topk, quantile, rank, ray) through the core's
 * face, sched_report().  Every recorded result reaches every core, also the
 * results of a trial a core would have stopped earlier: the real run's rung
 * books held them, and the question asked at each (trial, rung) is "given
 * what the real run had recorded by then, what would this rule say?".  A
 * decision row exists for every rung level below r_max a trial reached.  The
 * real decision: a trial whose last recorded epoch is that rung was stopped
 * there; one that went past it continued.
 *
 * What the record cannot show is not counted against a rule:
 * - Same-stamp groups.  Results that share a time stamp came in one poll of
 *   the tuner, which processed them in an order the record lost.  The
 *   reports of such a group at one rung (rungs do not interact) are judged
 *   under every order, file order first; when ONE order reproduces every
 *   recorded decision of them, that order is used for all of them and they
 *   agree "under a tie order".  Otherwise file order is used.  Orders are
 *   never picked one decision at a time.  Groups of more than
 *   REPLAY_MAX_TIE reports at one rung are judged in file order (counted
 *   in `unsearched`).
 * - End of run.  A STOP on a trial's last result that the rule would not
 *   make, where the trial's next epoch could not have ended by the time
 *   limit (last result + its epoch time + one poll > horizon), is the tuner
 *   ending the run: "ended", not judged.  A trial's epoch time is
 *   (t_last - t_first) / (e_last - e_first) over its results; a trial with
 *   one result gets the median of the others'.  The poll interval is
 *   estimated from the gaps between distinct stamps (replay_poll_interval).
 *
 * Ownership: replay_run() fills *out; replay_free() releases it.  Errors: 0,
 * -EINVAL (the input: message names file, line, field), -ENOMEM, or -EFAULT
 * (the core and the replay's own statement of the rule disagree: a bug).
 */
#ifndef SHSIM_SIM_REPLAY_H
#define SHSIM_SIM_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "core/sched.h"
#include "traces/workload.h"

#define REPLAY_NRULES SCHED_NRULES /* indexed by sched_rule: topk, quantile, rank, ray */
#define REPLAY_MAX_TIE 8           /* reports of one stamp at one rung searched in every order */

typedef struct {
    uint32_t r_min, eta, r_max;
    double horizon;  /* the run's time limit; INFINITY: none */
    sched_rule rule; /* the rule whose order, n and cutoff the rows show */
} replay_params;

typedef struct {
    uint32_t trial;  /* index into the results' trial_id[] */
    uint32_t level;  /* the rung, in epochs */
    double time, metric;
    unsigned long line;
    uint32_t n;      /* values the shown rule judged against (ray: before v) */
    double cutoff;   /* the shown rule's threshold: continue iff metric <= it; NaN: none */
    int real_stop;   /* the recorded run stopped the trial here */
    int stop[REPLAY_NRULES];  /* each rule's core stopped it here */
    int tie[REPLAY_NRULES];   /* judged in a tie order other than the file order */
    int ended[REPLAY_NRULES]; /* a stop the rule would not make, at the time limit: not judged */
} replay_row;

/* One same-stamp group at one rung judged, by one rule, in an order other
 * than the file order: rows order_row[first .. first + n) in that order. */
typedef struct {
    sched_rule rule;
    double time;
    uint32_t level;
    size_t first, n;
} replay_order;

typedef struct {
    replay_row *row; /* the decisions, in recorded time order (ties: file order) */
    size_t n;
    uint32_t agree[REPLAY_NRULES];  /* judged rows where the rule matches the real run */
    uint32_t judged[REPLAY_NRULES]; /* rows judged: n less the ended ones */
    uint32_t tie[REPLAY_NRULES];    /* judged rows that agree under a tie order */
    uint32_t ended[REPLAY_NRULES];  /* stops at the end of the run, not judged */
    uint32_t unsearched[REPLAY_NRULES];
    replay_order *order;
    size_t norder;
    size_t *order_row;
    double poll;      /* estimated poll interval, s (0: fewer than two stamps) */
    size_t poll_gaps; /* gaps between stamps it was estimated from */
    uint32_t levels[SCHED_MAX_LEVELS];
    int nlevels;
} replay_result;

int replay_run(const wl_results *r, const replay_params *p, replay_result *out, char *err, size_t n);
void replay_free(replay_result *out);

/* The tuner's poll interval from sorted distinct stamps t[0..n): the gaps
 * between consecutive stamps fall into those within one poll (results the
 * tuner stamped milliseconds apart) and those between polls, told apart at
 * the largest ratio between consecutive sorted gaps when it is >= 10; the
 * estimate is the median of the between-poll gaps shorter than 1.5 times
 * the shortest of them (one poll, not two).  0 when n < 2.  *used: the gaps
 * the median is over. */
double replay_poll_interval(const double *t, size_t n, size_t *used);

#endif
