/*
 * traces/workload.h -- the face of traces/: what trial k costs and scores.
 *
 * A workload answers, for trial k (0,1,2,... in the order the core asks for
 * new configurations) and epoch e (1..workload_epochs()):
 *   workload_epoch_time(w, k, e)  seconds that epoch e of trial k takes;
 *   workload_metric(w, k, e)      validation error after epoch e (lower is
 *                                 better);
 *   workload_config(w, k, ...)    its hyperparameters as CSV fields, in the
 *                                 order of workload_config_header().
 * Trial k's data is a pure function of (workload spec, seed, order, k): common
 * random numbers, so every scheduler sees the same trials.  A recorded table
 * is finite (workload_trials() rows); a model is unbounded (WL_UNBOUNDED).
 *
 * Order of a recorded workload (lenet, lenet-cpu31, figure, table:FILE;
 * wl_params.order): in file order trial k is the table's k-th configuration;
 * in seeded order it is row perm[k] of a permutation of the rows drawn from
 * the seed (Fisher-Yates on SplitMix64 keyed by the seed, crn.h; no GSL), so
 * a seed draws the configurations at random without replacement, as a tuner
 * searching a tabulated benchmark does, and seeds are replications.  The
 * permutation depends on the seed and the row count only, so every
 * scheduler run with one seed sees the same order (common random numbers).
 * A generated workload (lenet-model, synthetic) draws its trials from the
 * seed already and has no order: wl_params.order is ignored there.
 *
 * The per-epoch queries re-derive trial k each time (its seconds per epoch,
 * its curve).  A caller asking about many epochs of one trial -- the engine,
 * per job -- fills a wl_trial handle once with workload_trial() and asks it:
 *   wl_trial_epoch_time(h, e), wl_trial_metric(h, e)
 * give exactly (bit for bit) workload_epoch_time(w, k, e) and
 * workload_metric(w, k, e).  Filling costs about one plain query of a model
 * (O(1), no allocation); then a table's query is an array load and a
 * model's is that epoch's own draws only.
 *
 * Specs understood by workload_open(): one kind per line of WL_KIND_MAP
 * (traces/wl_impl.h), which help texts and messages list from
 * workload_kind() -- today lenet (the recorded d2l LeNet runs), lenet-cpu31
 * (the book's ASHA run), lenet-model[:FILE] (the model fitted to them),
 * figure (d2l Fig. 19.5.1/19.5.2), table:FILE (a CSV of yours) and
 * synthetic[:DIST[:MEAN[:SPREAD]]].  Each kind's file (traces/wl_*.c) opens
 * with what it is and what its spec's arguments mean.
 *
 * Ownership: workload_open() allocates, workload_free() releases
 * (workload_free(NULL) does nothing).  Errors: workload_open() returns 0 or a
 * negative errno code and writes a message naming file, line and field into
 * err (it never prints).  The per-epoch queries cannot fail: callers keep k
 * below workload_trials() and e within 1..workload_epochs().
 */
#ifndef SHSIM_TRACES_WORKLOAD_H
#define SHSIM_TRACES_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WL_UNBOUNDED UINT32_MAX

typedef struct workload workload;

typedef enum {
    WL_ORDER_FILE = 0,   /* trial k is the k-th configuration of the table */
    WL_ORDER_SEEDED = 1, /* trial k is row perm[k], perm drawn from the seed */
    WL_ORDER_AUTO = 2    /* the workload's default (workload_kind() tells
                            it): seeded for lenet and table:FILE, file for
                            lenet-cpu31 (the order the book's ASHA run drew
                            them in) and figure (the book's figures) */
} wl_order;

typedef struct {
    uint64_t seed;  /* seeds every random draw of a model workload, and the
                       order of a recorded one in seeded order */
    wl_order order; /* recorded workloads only (default WL_ORDER_FILE) */
} wl_params;

wl_params wl_default_params(void);
/* The order a workload opened from spec with wl_params.order = asked has:
 * WL_ORDER_FILE or WL_ORDER_SEEDED for a recorded workload (AUTO resolved to
 * its default), -1 for a generated one or an unknown spec. */
int workload_spec_order(const char *spec, wl_order asked);
/* "file", "seeded", or "-" (any other value: no order). */
const char *wl_order_name(int order);

int workload_open(workload **out, const char *spec, const wl_params *p, char *err, size_t errlen);
void workload_free(workload *w);
/* The file a spec reads (table:FILE, lenet-model:FILE), or NULL when it
 * reads none: what a sweep checksums into its identity. */
const char *workload_spec_file(const char *spec);
/* The kinds workload_open() knows (one table, WL_KIND_MAP in wl_impl.h), in
 * the order help texts list them: kind i's spec syntax ("lenet",
 * "lenet-model[:FILE]", "table:FILE", ...), or NULL past the last; recorded
 * and default_order (either may be NULL) get whether it is a recorded table
 * and the order it has by default. */
const char *workload_kind(size_t i, int *recorded, wl_order *default_order);
/* Every kind's syntax joined into buf: sep between them, last before the
 * last one ("lenet, ..., table:FILE or synthetic[...]").  snprintf's
 * contract: the length the whole needs. */
size_t workload_kinds_list(char *buf, size_t n, const char *sep, const char *last);

const char *workload_name(const workload *w);  /* the spec it was opened with */
uint32_t workload_trials(const workload *w);   /* WL_UNBOUNDED for a model */
uint32_t workload_epochs(const workload *w);   /* epochs known per trial */
double workload_epoch_time(const workload *w, uint32_t k, uint32_t e);
double workload_metric(const workload *w, uint32_t k, uint32_t e);

/*
 * A per-trial query handle: a small value (no allocation, nothing to free)
 * holding what trial k's queries share -- pointers into a table's rows, or a
 * model's per-trial draws and hash prefix.  The fields are private to
 * traces/.  It points into w's state, so it is valid while w is open; it is
 * read-only once filled, so copies and threads may query it freely.
 */
typedef struct wl_trial wl_trial;
struct wl_trial {
    const double *time;   /* set: epoch e takes time[e - 1] seconds */
    const double *metric; /* set: epoch e's metric is metric[e - 1] */
    /* used when time (metric) is NULL; time_fn NULL too: every epoch takes
     * c[0] seconds */
    double (*time_fn)(const wl_trial *h, uint32_t e);
    double (*metric_fn)(const wl_trial *h, uint32_t e);
    const void *state; /* the workload type's state */
    uint64_t key;      /* the trial's counter-hash prefix (models) */
    double c[5];       /* the trial's derived parameters (models) */
    uint32_t k;        /* the type's own index: the table row (perm[k] in seeded
                          order), the model's trial counter */
    uint32_t epochs;
};

/* Fill h for trial k (k < workload_trials(w), checked: abort otherwise). */
void workload_trial(const workload *w, uint32_t k, wl_trial *h);
/* An epoch outside 1..epochs: aborts (an API precondition, as for the plain
 * queries). */
_Noreturn void wl_trial_bad_epoch(const wl_trial *h, uint32_t e);

static inline double wl_trial_epoch_time(const wl_trial *h, uint32_t e)
{
    if (e - 1 >= h->epochs) /* also e == 0 */
        wl_trial_bad_epoch(h, e);
    if (h->time != NULL)
        return h->time[e - 1];
    return h->time_fn != NULL ? h->time_fn(h, e) : h->c[0];
}

static inline double wl_trial_metric(const wl_trial *h, uint32_t e)
{
    if (e - 1 >= h->epochs)
        wl_trial_bad_epoch(h, e);
    if (h->metric != NULL)
        return h->metric[e - 1];
    return h->metric_fn(h, e);
}

/* Column names of the hyperparameters, comma separated ("" when none). */
const char *workload_config_header(const workload *w);
/* Trial k's hyperparameters as CSV fields (quoted where needed). */
void workload_config(const workload *w, uint32_t k, char *buf, size_t n);

/*
 * Recorded results of a tuning run (traces/synetune.c): Syne Tune's
 * results.csv, or a d2l per-epoch trace, as one row per reported epoch --
 * what `shsim import synetune` turns into a table and `shsim replay` feeds
 * to a core.  Columns are found by name; config_* columns are the trial's
 * hyperparameters.  Each trial's rows hold epochs 1, 2, ... in file order
 * with non-decreasing times (checked).  The metric is lower-is-better.
 * Ownership: wl_results_read() fills *r, wl_results_free() releases it
 * (also after a failed read, or on a zeroed struct).  Errors: 0 or -errno,
 * with "FILE:LINE: field 'NAME': ..." in err.
 */
typedef struct {
    const char *trial_col;  /* "trial_id" */
    const char *epoch_col;  /* "epoch" */
    const char *time_col;   /* NULL: st_tuner_time, st_tuner_time_s or
                               elapsed_time, the first one present */
    const char *metric_col; /* "validation_error" */
} wl_results_params;

typedef struct {
    uint32_t trial;     /* index into trial_id[] (order of first appearance) */
    uint32_t epoch;
    double time;        /* seconds, from the time column */
    double metric;
    unsigned long line; /* where the row is in the file */
} wl_result;

typedef struct {
    wl_result *row; /* file order */
    size_t nrow;
    size_t skipped;     /* rows without an epoch (other reports), ignored */
    char **trial_id;    /* as written, ntrial of them */
    char **hyper;       /* per trial: its config_* values as CSV fields */
    uint32_t ntrial;
    char *path, *time_col, *metric_col;
    char *hyper_header; /* config_* names without the prefix, CSV; "" if none */
    int trial_clock;    /* the time column counts from each trial's start:
                           not one of wl_shared_clocks (elapsed_time,
                           st_worker_time, ...) */
    unsigned long header_line; /* where the header is in the file */
} wl_results;

typedef struct {
    uint32_t trials, kept; /* trials in the file, complete ones written */
    uint32_t epochs;       /* the last epoch: what "complete" means */
} wl_import_stats;

/* The time columns known to be one clock for all trials (st_tuner_time,
 * st_tuner_time_s, st_tuner_timestamp, st_worker_timestamp), NULL-terminated;
 * any other column counts from each trial's start (trial_clock).
 * wl_shared_clocks_list() writes them as "a, b, c or d" (snprintf's
 * return convention). */
extern const char *const wl_shared_clocks[];
size_t wl_shared_clocks_list(char *buf, size_t n);
wl_results_params wl_results_default_params(void);
int wl_results_read(wl_results *r, const char *path, const wl_results_params *p, char *err, size_t errlen);
void wl_results_free(wl_results *r);
/* The largest epoch trial reported, O(rows). */
uint32_t wl_results_last_epoch(const wl_results *r, uint32_t trial);
/* Write r as a `table:` CSV to f: the trials that reach the largest epoch
 * of the file, in order of first appearance, config_id = trial_id, epoch
 * seconds from time differences (traces/synetune.c says how), error = the
 * metric, then the config_* columns; each line of `comment` (may be NULL)
 * becomes a '#' line before the header.  Fills st; -EINVAL when no trial is
 * complete or an epoch cannot be timed. */
int wl_results_write_table(const wl_results *r, FILE *f, const char *comment, wl_import_stats *st, char *err,
                           size_t errlen);

#endif
