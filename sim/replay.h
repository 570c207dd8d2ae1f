/*
 * sim/replay.h -- replay a recorded ASHA (stopping type) run through the
 * cores (sim-internal; `shsim replay`).
 *
 * The recorded results are fed, in recorded time order (ties: file order),
 * to one ASHA stopping core per rule (topk, quantile, rank) through the
 * core's face, sched_report().  Every recorded result reaches every core,
 * also the results of a trial a core would have stopped earlier: the real
 * run's rung books held them, and the question asked at each (trial, rung)
 * is "given what the real run had recorded by then, what would this rule
 * say?".  A (trial, rung) row exists for every rung level below r_max the
 * trial reached.  The real decision: a trial whose last recorded epoch is
 * that rung was stopped there; one that went past it continued.
 *
 * Ownership: replay_run() fills *out; replay_free() releases it.  Errors: 0
 * or -errno with a message in err.
 */
#ifndef SHSIM_SIM_REPLAY_H
#define SHSIM_SIM_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "core/sched.h"
#include "traces/workload.h"

#define REPLAY_NRULES 3 /* indexed by sched_rule: topk, quantile, rank */

typedef struct {
    uint32_t trial;  /* index into the results' trial_id[] */
    uint32_t level;  /* the rung, in epochs */
    double time, metric;
    uint32_t n;      /* values at the rung when judged, this one included */
    double cutoff;   /* the quantile rule's threshold at that moment */
    int real_stop;   /* the recorded run stopped the trial here */
    int stop[REPLAY_NRULES]; /* each rule's core stopped it here */
} replay_row;

typedef struct {
    replay_row *row; /* in the order the decisions were taken */
    size_t n;
    uint32_t agree[REPLAY_NRULES]; /* rows where the rule matches the real run */
    uint32_t levels[SCHED_MAX_LEVELS];
    int nlevels;
} replay_result;

int replay_run(const wl_results *r, uint32_t r_min, uint32_t eta, uint32_t r_max, replay_result *out, char *err,
               size_t n);
void replay_free(replay_result *out);

#endif
