/*
 * sim/run_spec.h -- what a run writes and how it is described (sim-internal).
 *
 * run_spec is one fully specified run: scheduler, its parameters, the engine
 * parameters and the workload.  run_spec_execute() opens the workload, makes
 * the core and runs the engine; record_write() writes the trace files of
 * docs/design.md (jobs, results, idle, best, summary, trials) atomically.
 */
#ifndef SHSIM_SIM_RUN_SPEC_H
#define SHSIM_SIM_RUN_SPEC_H

#include <stdio.h>

#include "sim/engine.h"

typedef struct {
    const sched_type *type;
    sched_params sp;
    engine_params ep;
    char workload[4096];
    uint64_t seed;
    uint32_t trials; /* --trials cap, SCHED_UNBOUNDED for none */
    wl_order order;  /* order of a recorded workload (--order); default
                        WL_ORDER_AUTO: the workload's own */
    int r_max_given; /* 0: r_max is the workload's epochs */
} run_spec;

/* The default --max-events of every run (docs/input-errors.md, "Memory"). */
#define RUN_MAX_EVENTS 10000000u
run_spec run_spec_default(void);
/* The run of d2l Fig. 19.5.1 (type sched_sh: strict SH) or Fig. 19.5.2
 * (sched_asha: promotion, topk) on the `figure` workload: eta 2, 2 workers,
 * rungs 1, 2, 4 epochs, checkpoint resume, horizon 32. */
run_spec run_spec_figure(const sched_type *type);
/* 0, or -errno with a message in err (workload errors name file:line). */
int run_spec_execute(run_spec *rs, run_result *res, workload **wl_out, char *err, size_t n);
/* The two halves of run_spec_execute() for callers that keep workloads open
 * (sweeps): prepare checks rs against wl and completes it (r_max from the
 * workload, the trial cap); run makes the core and runs the engine.  Both
 * return 0 or -errno with a message in err; run_spec_run() only reads rs and
 * wl, so threads may run specs on one shared workload at once. */
int run_spec_prepare(run_spec *rs, const workload *wl, char *err, size_t n);
int run_spec_run(const run_spec *rs, const workload *wl, run_result *res, char *err, size_t n);

/* The summary columns (one sweep row), sim/summary.c: the header line, and
 * a run's row (with its newline). */
void summary_header(FILE *f);
/* Only the leading columns that describe the run (scheduler .. brackets), no
 * newline: what sweeps repeat in their per-cell files. */
void summary_spec_header(FILE *f);
void summary_spec_row(FILE *f, const run_spec *rs);
void summary_row(FILE *f, const run_spec *rs, const run_summary *s);

/* The name of the i-th file record_write() writes ("jobs.csv", ...), or
 * NULL past the last. */
const char *record_file_name(size_t i);
/* Write the run's files into dir; 0 or -errno with a message in err. */
int record_write(const char *dir, const run_spec *rs, const run_result *res, const workload *wl,
                 char *err, size_t n);

/* Text Gantt chart of the schedule, one row per worker, `width` columns. */
void gantt_text(FILE *f, const run_result *res, int width);

#endif
