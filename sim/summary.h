/*
 * sim/summary.h -- the summary columns: one list (an X-macro, libuv's
 * UV_ERRNO_MAP habit) from which everything that names, stores, prints,
 * aggregates or journals a run's summary metrics is generated:
 *   - the run_summary struct's fields (below);
 *   - summary.csv's and sweep.csv's metric columns, header and row
 *     (summary_header/summary_row, sim/summary.c);
 *   - sweep_agg.csv's M_mean, M_sd, M_lo, M_hi (and M_n for a column that
 *     may be missing) per column (sim/sweep/sweep_write.c);
 *   - the sweep journal's record of a run (sim/sweep/sweep_journal.c): the
 *     stored columns, counts first, then run_summary.workers, then the
 *     stored doubles; derived ones are recomputed, not journaled;
 *   - the engine's start values (NAN for a column that may be missing).
 * Adding a column is one line here: for a derived column that is all; a
 * stored one also needs the engine (sim/engine.c) to measure it --
 * docs/design.md, "Extension tasks".
 *
 * SUMMARY_COLUMN_MAP(C, D, F), in CSV order:
 *   C(name, label)         a count (uint64_t), printed as an integer;
 *   D(name, may_miss, label, scale, decimals)
 *                          a double the engine stores;
 *   F(name, may_miss, expr, label, scale, decimals)
 *                          a double derived from the others: expr of
 *                          `s`, a const run_summary * (one line, or a
 *                          static inline function below); stored nowhere,
 *                          journaled never.
 * label, scale, decimals: how people see the column -- a table row's or
 * header's words (unit included) and the value printed as value * scale
 * with that many decimals (a count: as it is).  `shsim compare`'s table
 * and the browser page's summary (web/shsim_web.c exports the list) both
 * show the column so; nothing else spells a label.
 * may_miss: NAN in some runs (none found, no target): sweep_agg.csv gives it
 * an M_n column and averages it over the runs that have one.  Doubles print
 * in the shortest form that reads back exactly, NAN as an empty field.
 */
#ifndef SHSIM_SIM_SUMMARY_H
#define SHSIM_SIM_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#define SUMMARY_COLUMN_MAP(C, D, F)                                                            \
    C(trials_started, "trials started")   /* trials the core started */                       \
    C(trials_rmax, "trials at r_max")     /* trials that reached r_max */                     \
    C(jobs, "jobs")                       /* jobs handed out */                               \
    C(epochs_trained, "epochs trained")   /* epochs trained (reported or not) */              \
    C(epochs_replayed, "epochs replayed") /* epochs retrained under restart */                \
    C(jobs_cut, "jobs cut")               /* jobs cut at the horizon */                       \
    C(jobs_dropped, "jobs dropped")       /* jobs lost (stragglers' --drop) */                \
    D(end_time, 0, "end time (s)", 1, 1)  /* the clock when the run ended */                  \
    D(busy, 0, "busy worker time (s)", 1, 1) /* worker-seconds spent training */              \
    D(idle, 0, "idle worker time (s)", 1, 1) /* worker-seconds spent idle */                  \
    F(idle_fraction, 0, summary_idle_fraction(s), "idle % of worker time", 100, 1)            \
                                          /* idle / (workers x end_time) */                   \
    D(best, 1, "best error", 1, 4)        /* best metric of any result; NAN when none */      \
    D(best_rmax, 1, "best error at r_max", 1, 4) /* best metric at r_max; NAN when none */    \
    D(time_to_target, 1, "time to target (s)", 1, 1)                                          \
                            /* first time any result (any epoch of any trial, paused     */   \
                            /* ones too) had metric <= target; NAN: never or no target   */   \
    D(time_first_rmax, 1, "first at r_max (s)", 1, 1)                                         \
                            /* first time a trial reached r_max; NAN if none */               \
    D(time_to_target_rmax, 1, "target at r_max (s)", 1, 1)                                    \
                            /* first time a trial reached r_max with metric <= target    */   \
                            /* (a configuration found); NAN: never or no target          */

#define SUMMARY_COUNT_ONE_(...) +1
#define SUMMARY_COUNT_NONE_(...)

typedef struct {
#define SUMMARY_FIELD_C_(name, label) uint64_t name;
#define SUMMARY_FIELD_D_(name, may_miss, label, scale, decimals) double name;
    SUMMARY_COLUMN_MAP(SUMMARY_FIELD_C_, SUMMARY_FIELD_D_, SUMMARY_COUNT_NONE_)
#undef SUMMARY_FIELD_C_
#undef SUMMARY_FIELD_D_
    /* not columns: counted by the engine for its own checks and bench */
    uint64_t results, events;
    uint32_t workers; /* journaled: idle_fraction derives from it */
} run_summary;

enum {
    /* every column; the counts; the stored doubles */
    SUMMARY_NCOLUMNS = 0 SUMMARY_COLUMN_MAP(SUMMARY_COUNT_ONE_, SUMMARY_COUNT_ONE_,
                                            SUMMARY_COUNT_ONE_),
    SUMMARY_NCOUNTS = 0 SUMMARY_COLUMN_MAP(SUMMARY_COUNT_ONE_, SUMMARY_COUNT_NONE_,
                                           SUMMARY_COUNT_NONE_),
    SUMMARY_NSTORED_DOUBLES = 0 SUMMARY_COLUMN_MAP(SUMMARY_COUNT_NONE_, SUMMARY_COUNT_ONE_,
                                                   SUMMARY_COUNT_NONE_)
};

/* idle / (workers x end_time); 0 for a run of no time. */
static inline double summary_idle_fraction(const run_summary *s)
{
    double cap = (double)s->workers * s->end_time;
    return cap > 0 ? s->idle / cap : 0.0;
}

/* Each column's index in the list: SUMMARY_COL_best, ... */
enum {
#define SUMMARY_ID_(name, ...) SUMMARY_COL_##name,
    SUMMARY_COLUMN_MAP(SUMMARY_ID_, SUMMARY_ID_, SUMMARY_ID_)
#undef SUMMARY_ID_
};

/* Column i's name, whether it may be missing (NAN), and how it is shown
 * (label, value * scale with `decimals` decimals). */
typedef struct {
    const char *name;
    int may_miss;
    const char *label;
    double scale;
    int decimals;
} summary_column;
extern const summary_column summary_columns[SUMMARY_NCOLUMNS];

/* Column i's value (a count converted to double: exact below 2^53). */
double summary_value(const run_summary *s, size_t i);

/* The engine's start values: 0, and NAN for a column that may be missing. */
void summary_init(run_summary *s);

#endif
