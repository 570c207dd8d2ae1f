/*
 * sim/run_spec.h -- one fully specified run and how it is run (sim-internal).
 *
 * run_spec is one fully specified run: scheduler, its parameters, the engine
 * parameters and the workload.  run_spec_execute() opens the workload, makes
 * the core and runs the engine; sim/record.h writes what it gives.
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

#endif
