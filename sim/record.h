/*
 * sim/record.h -- what a run writes (sim-internal): its files (jobs,
 * results, idle, best, trials, summary; docs/files.md), written atomically,
 * the summary columns that describe it (also sweeps' rows) and a text Gantt
 * chart.
 */
#ifndef SHSIM_SIM_RECORD_H
#define SHSIM_SIM_RECORD_H

#include <stdio.h>

#include "sim/run_spec.h"

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
