/*
 * sim/sweep/sweep_impl.h -- what the parts of the sweep share (internal to
 * sim/sweep*.c; sweep.h is the face): the shard being run (sweep_job), the
 * sweep files read back, and the helpers more than one part calls.
 *
 *   sweep.c          planning and running a shard: sweep_run, its threads
 *   sweep_list.c     lists and ranges (sweep_list)
 *   sweep_stats.c    mean, sd and t interval (sweep_stat_of)
 *   sweep_journal.c  the journal that makes a sweep resumable (sweep_journal.h)
 *   sweep_write.c    writing a shard's four files from its slots
 *   sweep_read.c     reading sweep files back (merge, resume)
 *   sweep_merge.c    joining the shards of a grid (sweep_merge)
 *
 * Invariants of a sweep_job: run r of a shard is its cell mine[r / nseeds]
 * with seed seeds[r % nseeds]; threads take runs from one list (todo: the
 * runs not yet done, in order) and write only their own slots (sum[r],
 * samples[r*2K..]); a run's state (todo, ok, failed), its message and its
 * journal line are written under the lock once it ended.
 *
 * Memory: sweep_run() owns the sweep_job and everything it points to; a
 * file_buf's text is the caller's to free.
 */
#ifndef SHSIM_SIM_SWEEP_IMPL_H
#define SHSIM_SIM_SWEEP_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/sweep/sweep.h"

enum { RUN_TODO, RUN_OK, RUN_FAILED };

typedef struct {
    const sweep_plan *p;
    size_t *mine, nmine, nruns;
    char **specs;       /* distinct (workload spec, order) pairs of my cells */
    wl_order *spec_order;
    size_t nspecs;
    workload **wl;      /* [spec * nseeds + seed]; NULL: it could not be opened */
    char **wl_err;      /* [spec * nseeds + seed]: why not */
    int *wl_rc;
    size_t *cell_spec;  /* [my cell] index into specs */
    run_summary *sum;   /* [run] */
    double *samples;    /* [run * 2K + i]: best, then [run * 2K + K + i]: best_rmax */
    unsigned char *state; /* [run] RUN_* */
    char **why;         /* [run] a failed run's message (NULL: out of memory) */
    size_t *todo, ntodo; /* the runs to run in this call, in run order */
    pthread_mutex_t lock;
    size_t next, done;  /* todo handed out, finished (this call) */
    int rc;             /* a fatal error (the journal cannot be written) */
    char err[4400];
    /* the journal: fd -1 when none is open */
    int jfd;
    char jpath[4200];
    double jsynced;     /* when it was last fsync'd */
    char *jbuf;
    size_t jcap;
    /* the files the grid reads (tables, model parameters) and the FNV-1a
     * hash of each one's bytes, part of the grid's identity; the journal
     * lists them so that a resume names the file that changed */
    char **in_path;
    uint64_t *in_hash;
    size_t nin;
} sweep_job;

/* FNV-1a over n bytes, from h (FNV_BASIS to start): journal lines and the
 * grid hash. */
static inline uint64_t sweep_fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}
#define FNV_BASIS 0xcbf29ce484222325ull

/* s is a nonempty string of decimal digits. */
int sweep_all_digits(const char *s);

/* The spec of my cell mi with seed si, prepared against its workload. */
int sweep_job_spec(const sweep_job *j, size_t mi, size_t si, run_spec *rs, char *err, size_t n);
/* The time of best-so-far sample i of k of a run of rs. */
double sweep_sample_time(const run_spec *rs, uint32_t i, uint32_t k);
/* Do runs of rs sample a best-so-far curve? */
int sweep_has_curve(const sweep_plan *p, const run_spec *rs);

/* Write the four files of the finished shard j into dir (atomically). */
int sweep_job_write(sweep_job *j, const char *dir, run_spec *rs, const char *grid, char *err,
                    size_t n);
/* The two lines of a sweep_info.csv. */
void sweep_info_write(FILE *f, uint32_t shard, uint32_t shards, size_t cells, size_t seeds,
                      uint32_t k, const char *grid);

/* ---- reading sweep files (merge, resume) -------------------------------- */

typedef struct {
    char *text;   /* the whole file */
    size_t len;
} file_buf;

/* DIR/NAME whole, NUL-terminated; refused when empty or without a final
 * newline (cut short).  Errors name the path. */
int sweep_read_all(const char *dir, const char *name, file_buf *fb, char *err, size_t n);

typedef struct {
    uint32_t shard, shards;
    size_t cells, seeds, runs;
    uint32_t k;
    char grid[32];
} part_info;

/* DIR/sweep_info.csv: errors name the file, line and field. */
int sweep_read_info(const char *dir, part_info *pi, char *err, size_t n);

#endif
