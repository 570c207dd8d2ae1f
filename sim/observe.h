/*
 * sim/observe.h -- the engine's two built-in observers (sim-internal; the
 * observer API itself is in sim/engine.h).
 *
 * row_recorder: the engine's output rows.  It appends the jobs/results/idle/best rows
 * of a run_result as the events come; the rows are the run_result's (the
 * caller releases them with run_result_free()), the recorder's own state
 * (each trial's latest job, to mark a paused job `promoted` when its trial
 * runs again) is released by row_recorder_free().
 *
 * narrator: the --explain text, one plain-words line per decision, handed
 * to a line callback.  It formats into its own buffer; it owns nothing.
 */
#ifndef SHSIM_SIM_OBSERVE_H
#define SHSIM_SIM_OBSERVE_H

#include "sim/engine.h"

typedef struct {
    run_result *out;
    uint32_t *last_row; /* trial -> its latest job row, UINT32_MAX for none */
    size_t cap_last;
} row_recorder;

#define ROW_RECORDER_MASK (OBS_JOB_START | OBS_JOB_END | OBS_RESULT | OBS_IDLE | OBS_BEST)
void row_recorder_init(row_recorder *t, run_result *out);
int row_recorder_observe(void *ctx, const obs_event *ev); /* ctx: a row_recorder */
void row_recorder_free(row_recorder *t);

typedef struct {
    void (*line)(void *ctx, const char *line);
    void *ctx;
    const uint32_t *levels; /* from OBS_RUN */
    int nlevels;
    char buf[512];
} narrator;

#define NARRATOR_MASK (OBS_RUN | OBS_JOB_START | OBS_JOB_END | OBS_RESULT | OBS_ANSWER)
void narrator_init(narrator *n, void (*line)(void *ctx, const char *line), void *ctx);
int narrator_observe(void *ctx, const obs_event *ev); /* ctx: a narrator */

#endif
