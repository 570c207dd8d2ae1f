/*
 * sim/sweep/sweep.h -- grids of runs (sim-internal): parallel execution, sharding,
 * aggregation over seeds, merging of shards, failed runs and resumption.
 *
 * A grid is ncells cells times nseeds seeds.  A cell is one fully specified
 * run_spec but for its seed, given by a generator the caller supplies (so a
 * grid of a million cells costs no memory up front); the seeds are shared by
 * every cell, which pairs the runs across schedulers (common random numbers:
 * trial k of seed s is the same trial in every cell of one workload and
 * order).  Run r of the grid is cell r / nseeds with seed r % nseeds, and every output lists cells in
 * increasing order and, within a cell, seeds in the order given.
 *
 * sweep_run() runs the cells c with c % shards == shard on `threads` threads;
 * each run writes its summary (and its sampled best-so-far curve) into its
 * own slot, and the files are written from the slots in grid order after all
 * runs ended, so the bytes do not depend on the thread count.  Each distinct
 * (workload spec, order, seed) is opened once and shared read-only by the
 * threads.
 * Files written into DIR, atomically (all or none):
 *   sweep.csv         cell, then the summary.csv columns, then status ("ok",
 *                     or why the run failed): one row per run;
 *   sweep_agg.csv     one row per cell: cell, the run-describing summary
 *                     columns (seed: the first seed), runs, runs_ok (the runs
 *                     that did not fail), and for every metric M its M_mean,
 *                     M_sd, M_lo, M_hi over the runs that did not fail
 *                     (lo/hi: the 95% confidence interval of the mean from
 *                     Student's t with runs_ok-1 degrees of freedom); the
 *                     metrics are the summary columns (sim/summary.h), and
 *                     those that can be missing (may_miss there) also get M_n,
 *                     the runs that have one, and are averaged over those
 *                     runs only;
 *   sweep_curves.csv  cell, the same describing columns, time, n, mean, sd,
 *                     lo, hi: the best-so-far at curve_points times
 *                     T*i/curve_points (i = 1..curve_points) for every cell
 *                     with a finite horizon T (failed runs left out); then
 *                     n_rmax, mean_rmax, sd_rmax, lo_rmax, hi_rmax: the same
 *                     of best_rmax (the runs with a trial at r_max by then);
 *   sweep_info.csv    shard, shards, cells, seeds, runs, curve_points, grid
 *                     (a hash of the whole grid), so that sweep_merge() can
 *                     check that its parts belong together.
 * A shard's files hold only its cells; sweep_merge() joins the k parts of a
 * grid into files byte-identical to those of an unsharded sweep.
 *
 * Failed runs.  A run that fails -- its workload cannot be opened, its spec
 * does not fit its workload (r_max beyond the workload's epochs, ...), its
 * core cannot be made, memory runs out, an end-of-run invariant is violated
 * -- gets a row whose status says why, and the sweep goes on.  Only when
 * every cell of the shard fails before running (checked with the first
 * seed) is the grid itself bad: sweep_run() then fails and writes nothing.
 *
 * Journal and resumption.  While it runs, a sweep appends each finished
 * run's result (in completion order) to DIR/.sweep.journal, one
 * checksummed line per run under a header naming the grid hash and shard,
 * and fsyncs it at most once a second and when it stops.  On completion the
 * four files are committed and the journal removed.  When a sweep stops
 * early -- *stop set (a signal handler), max_runs reached, a fatal error --
 * the journal stays; a later sweep_run() with resume set reads it (refusing
 * a journal of another grid or shard), skips the runs that succeeded, runs
 * the rest (failed runs again: their failure may have been passing, like
 * running out of memory), and writes files byte-identical to those of an
 * uninterrupted sweep.  A torn last line (killed mid-write) fails its
 * checksum and is cut off.  Without resume, an existing journal is refused
 * rather than overwritten; with resume and no journal, a sweep whose files
 * are already complete (sweep_info.csv holds this grid) is not run again,
 * and any other starts from scratch.  The journal is locked (fcntl) while a
 * sweep writes it, so two sweeps cannot share a folder.
 *
 * Errors: 0 or a negative errno code with a message in err; nothing printed.
 */
#ifndef SHSIM_SIM_SWEEP_H
#define SHSIM_SIM_SWEEP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/run_spec.h"

/* A list of strings (owned). */
typedef struct {
    char **v;
    size_t n, cap;
} sweep_strv;

void sweep_strv_free(sweep_strv *sv);
/* Split a comma list into sv (appending).  With `ranges`, an item A..B is
 * the numbers A, A+1, .., B; A..B+S steps by S; A..B*F multiplies by F
 * (1..256*2 is 1, 2, 4, .., 256).  Integers stay integers (exactly, up to
 * 2^64-1); other numbers are printed in shortest round-trip form.  Blanks
 * around items are ignored; a list expands to at most 10^6 values.  0, or
 * -EINVAL / -ENOMEM with a message. */
int sweep_list(const char *text, int ranges, sweep_strv *sv, char *err, size_t n);

/* Mean, standard deviation and 95% t confidence interval of the non-NaN
 * values of x; n is their number.  n = 0: all NaN; n = 1: sd, lo, hi NaN. */
typedef struct {
    double mean, sd, lo, hi;
    size_t n;
} sweep_stat;
sweep_stat sweep_stat_of(const double *x, size_t n);

struct sweep_report;

typedef struct {
    size_t ncells;
    /* Cell c's spec (its seed is ignored).  Called from several threads at
     * once and more than once per cell: it must be a pure function of c. */
    void (*cell)(void *ctx, size_t c, run_spec *rs);
    void *cell_ctx;
    const uint64_t *seeds;
    size_t nseeds;
    uint32_t curve_points; /* best-so-far samples per run; 0: none */
    uint32_t threads;      /* >= 1 */
    uint32_t shard, shards; /* run cells c with c % shards == shard */
    /* Called after every run, under a lock (never twice at once); may be
     * NULL.  done counts the runs this call finished (failed ones too) of
     * the total it has to run (the journal's are not counted). */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
    /* Called for every failed run, in grid order, while the files are
     * written; may be NULL.  why has no line breaks. */
    void (*failed)(void *ctx, size_t cell, uint64_t seed, const char *why);
    void *failed_ctx;
    /* Called once every run has a result, before the files are written
     * (the command prints its last line here, so that a failing standard
     * output leaves the folder as it was); may be NULL.  A negative errno,
     * with why in err, writes no file and keeps the journal. */
    int (*finished)(void *ctx, const struct sweep_report *rep, char *err, size_t n);
    void *finished_ctx;
    int resume;             /* continue from DIR/.sweep.journal */
    const atomic_int *stop; /* nonzero: hand out no more runs; NULL: never */
    size_t max_runs;        /* run at most this many now, then stop; 0: all */
    /* Test seam, NULL in production: called before each run (r: the run's
     * index in the grid); a negative errno makes that run fail with why. */
    int (*inject)(void *ctx, size_t r, char *why, size_t n);
    void *inject_ctx;
} sweep_plan;

/* What a sweep_run() did (filled whatever it returns). */
typedef struct sweep_report {
    size_t runs;    /* this shard's runs */
    size_t done;    /* of them, with a result now (ok or failed) */
    size_t failed;  /* of them, failed */
    size_t resumed; /* taken from the journal (or the complete files) */
    int complete;   /* resume found the files complete: nothing was run */
} sweep_report;

#define SWEEP_JOURNAL ".sweep.journal"

/* One thread, no shards, 50 curve points, no cells. */
sweep_plan sweep_default_plan(void);
/* 0: the files are written (rep->failed runs failed); -EINTR: stopped early
 * (*stop or max_runs) with rep->done of rep->runs done, the journal kept and
 * the files untouched; another -errno: an error (bad grid, another grid's
 * journal, a journal or file that cannot be written). */
int sweep_run(const sweep_plan *p, const char *dir, sweep_report *rep, char *err, size_t n);
/* Join the sweep folders dirs[0..ndirs-1], the k shards of one grid in any
 * order, into out (which may be one of them). */
int sweep_merge(const char *const *dirs, size_t ndirs, const char *out, char *err, size_t n);

#endif
