/*
 * sim/summary.c -- summary.csv's columns, from two lists: the columns that
 * describe the run (SPEC_COLUMN_MAP below: scheduler .. brackets, what sweeps
 * repeat in their per-cell files) and the summary metrics
 * (SUMMARY_COLUMN_MAP, sim/summary.h).  Headers, rows, the metric names and
 * accessors are generated from them; nothing else spells a column.
 */
#include "sim/record.h"
#include "sim/output.h"

#include <math.h>
#include <string.h>

/* ---- the summary metrics (sim/summary.h) -------------------------------- */

const summary_column summary_columns[SUMMARY_NCOLUMNS] = {
#define COL_C_(name, label) { #name, 0, label, 1, 0 },
#define COL_D_(name, may_miss, label, scale, decimals) { #name, may_miss, label, scale, decimals },
#define COL_F_(name, may_miss, expr, label, scale, decimals) \
    { #name, may_miss, label, scale, decimals },
    SUMMARY_COLUMN_MAP(COL_C_, COL_D_, COL_F_)
#undef COL_C_
#undef COL_D_
#undef COL_F_
};

double summary_value(const run_summary *s, size_t i)
{
    size_t at = 0;
#define VAL_C_(name, label) if (i == at++) return (double)s->name;
#define VAL_D_(name, may_miss, ...) if (i == at++) return s->name;
#define VAL_F_(name, may_miss, expr, ...) if (i == at++) return (expr);
    SUMMARY_COLUMN_MAP(VAL_C_, VAL_D_, VAL_F_)
#undef VAL_C_
#undef VAL_D_
#undef VAL_F_
    return (double)NAN;
}

void summary_init(run_summary *s)
{
    memset(s, 0, sizeof *s);
#define INIT_D_(name, may_miss, ...) if (may_miss) s->name = (double)NAN;
    SUMMARY_COLUMN_MAP(SUMMARY_COUNT_NONE_, INIT_D_, SUMMARY_COUNT_NONE_)
#undef INIT_D_
}

/* ---- the run-describing columns ----------------------------------------- */

/* One writer per column, named spec_put_NAME, each printing the field as it
 * goes into the CSV (strings that may hold a comma quoted). */
static const char *variant_name(const run_spec *rs)
{
    const char *const *v = sched_type_variants(rs->type);
    return v[0] ? v[sched_type_variant(rs->type, &rs->sp)] : "-";
}

static void spec_put_scheduler(FILE *f, const run_spec *rs) { fputs(sched_type_name(rs->type), f); }
static void spec_put_variant(FILE *f, const run_spec *rs) { fputs(variant_name(rs), f); }
static void spec_put_rule(FILE *f, const run_spec *rs)
{
    fputs(sched_type_takes_rule(rs->type) ? sched_rule_name(rs->sp.asha.rule) : "-", f);
}
static void spec_put_resume(FILE *f, const run_spec *rs)
{
    fputs(rs->ep.restart ? "restart" : "checkpoint", f);
}
static void spec_put_workers(FILE *f, const run_spec *rs) { fprintf(f, "%u", rs->ep.workers); }
static void spec_put_eta(FILE *f, const run_spec *rs) { fprintf(f, "%u", rs->sp.eta); }
static void spec_put_r_min(FILE *f, const run_spec *rs) { fprintf(f, "%u", rs->sp.r_min); }
static void spec_put_r_max(FILE *f, const run_spec *rs) { fprintf(f, "%u", rs->sp.r_max); }
static void spec_put_workload(FILE *f, const run_spec *rs) { base_put_csv_field(f, rs->workload, 0); }
static void spec_put_seed(FILE *f, const run_spec *rs)
{
    fprintf(f, "%llu", (unsigned long long)rs->seed);
}
static void spec_put_horizon(FILE *f, const run_spec *rs)
{
    base_put_double(f, isinf(rs->ep.horizon) ? (double)NAN : rs->ep.horizon);
}
static void spec_put_target(FILE *f, const run_spec *rs) { base_put_double(f, rs->ep.target); }

/* The straggler columns: each a short text of straggler.h (only the speed
 * list may hold a comma). */
static void put_strag(FILE *f, const run_spec *rs, void (*str)(const straggler_params *, char *,
                                                               size_t), int quote)
{
    char buf[STRAG_MAX_SPEEDS * 32];
    str(&rs->ep.strag, buf, sizeof buf);
    if (quote)
        base_put_csv_field(f, buf, 0);
    else
        fputs(buf, f);
}
static void spec_put_noise(FILE *f, const run_spec *rs) { put_strag(f, rs, straggler_noise_str, 0); }
static void spec_put_worker_speed(FILE *f, const run_spec *rs)
{
    put_strag(f, rs, straggler_speeds_str, 1);
}
static void spec_put_slow_workers(FILE *f, const run_spec *rs)
{
    put_strag(f, rs, straggler_slow_str, 0);
}
/* "rate:P" under --drop-rate */
static void spec_put_drop(FILE *f, const run_spec *rs) { put_strag(f, rs, straggler_drop_str, 0); }
static void spec_put_on_drop(FILE *f, const run_spec *rs)
{
    fputs(straggler_on_drop_str(&rs->ep.strag), f);
}
static void spec_put_order(FILE *f, const run_spec *rs)
{
    fputs(wl_order_name(workload_spec_order(rs->workload, rs->order)), f);
}

/* Hyperband brackets: 1 for the one-bracket types, "all" for the default
 * (one per rung level), else the number given. */
static void spec_put_brackets(FILE *f, const run_spec *rs)
{
    if (!sched_type_takes_brackets(rs->type))
        fputc('1', f);
    else if (rs->sp.hyperband.brackets == 0)
        fputs("all", f);
    else
        fprintf(f, "%u", rs->sp.hyperband.brackets);
}

/* The run-describing columns, in CSV order: a column is a line here and
 * its writer above. */
#define SPEC_COLUMN_MAP(X)                                                                     \
    X(scheduler) X(variant) X(rule) X(resume) X(workers) X(eta) X(r_min) X(r_max) X(workload)  \
    X(seed) X(horizon) X(target) X(noise) X(worker_speed) X(slow_workers) X(drop) X(on_drop)   \
    X(order) X(brackets)

static const struct {
    const char *name;
    void (*put)(FILE *f, const run_spec *rs);
} spec_columns[] = {
#define SPEC_ENTRY_(name) { #name, spec_put_##name },
    SPEC_COLUMN_MAP(SPEC_ENTRY_)
#undef SPEC_ENTRY_
};
#define NSPEC_COLUMNS (sizeof spec_columns / sizeof *spec_columns)

/* ---- headers and rows --------------------------------------------------- */

void summary_spec_header(FILE *f)
{
    for (size_t i = 0; i < NSPEC_COLUMNS; i++) {
        if (i)
            fputc(',', f);
        fputs(spec_columns[i].name, f);
    }
}

void summary_header(FILE *f)
{
    summary_spec_header(f);
    for (size_t i = 0; i < SUMMARY_NCOLUMNS; i++) {
        fputc(',', f);
        fputs(summary_columns[i].name, f);
    }
    fputc('\n', f);
}

void summary_spec_row(FILE *f, const run_spec *rs)
{
    for (size_t i = 0; i < NSPEC_COLUMNS; i++) {
        if (i)
            fputc(',', f);
        spec_columns[i].put(f, rs);
    }
}

void summary_row(FILE *f, const run_spec *rs, const run_summary *s)
{
    summary_spec_row(f, rs);
#define ROW_C_(name, label) fprintf(f, ",%llu", (unsigned long long)s->name);
#define ROW_D_(name, may_miss, ...) (fputc(',', f), base_put_double(f, s->name));
#define ROW_F_(name, may_miss, expr, ...) (fputc(',', f), base_put_double(f, (expr)));
    SUMMARY_COLUMN_MAP(ROW_C_, ROW_D_, ROW_F_)
#undef ROW_C_
#undef ROW_D_
#undef ROW_F_
    fputc('\n', f);
}
