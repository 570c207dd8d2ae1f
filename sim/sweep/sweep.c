/*
 * sim/sweep/sweep.c -- planning and running a shard of a grid: the cells and
 * workloads it needs, the check that the grid can run at all, the threads
 * that run it, then the journal and the files (sweep_run).  See sweep.h;
 * the other parts are listed in sweep_impl.h.
 *
 * Invariants: run r of a shard is its cell mine[r / nseeds] with seed
 * seeds[r % nseeds]; threads take runs from one list (todo: the runs not yet
 * done, in order) and write only their own slots (sum[r], samples[r*2K..]);
 * a run's state (todo, ok, failed), its message and its journal line are
 * written under the lock once it ended.  Files are written from the slots
 * after every thread ended (sweep_write.c), so the thread count cannot
 * change a byte.
 *
 * Cost: the runs dominate.  Beyond them, O(ncells) spec generations for the
 * grid hash and O(my cells x distinct workload specs) string compares to
 * find each cell's open workload; memory is one run_summary and 2K doubles
 * per run of the shard (2K: best and best_rmax); the journal costs one write() of about 25(2K + 16)
 * bytes per run and at most one fsync a second.
 */
#include "sim/sweep/sweep.h"
#include "sim/sweep/sweep_impl.h"
#include "sim/sweep/sweep_journal.h"
#include "sim/output.h"
#include "sim/record.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Messages go into one CSV field and one journal line: no line breaks. */
static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r' || *s == '\t')
            *s = ' ';
}

int sweep_job_spec(const sweep_job *j, size_t mi, size_t si, run_spec *rs, char *err, size_t n)
{
    const sweep_plan *p = j->p;
    size_t w = j->cell_spec[mi] * p->nseeds + si;
    p->cell(p->cell_ctx, j->mine[mi], rs);
    rs->seed = p->seeds[si];
    rs->ep.record = 0;
    rs->ep.narrate = NULL;
    rs->ep.observers = NULL; /* runs go on in parallel threads: no shared observer */
    rs->ep.n_observers = 0;
    rs->ep.sample_times = NULL;
    rs->ep.n_samples = 0;
    if (!j->wl[w]) {
        snprintf(err, n, "%s", j->wl_err[w] ? j->wl_err[w] : "out of memory");
        return j->wl_rc[w];
    }
    return run_spec_prepare(rs, j->wl[w], err, n);
}

double sweep_sample_time(const run_spec *rs, uint32_t i, uint32_t k)
{
    return (double)(i + 1) * rs->ep.horizon / (double)k;
}

int sweep_has_curve(const sweep_plan *p, const run_spec *rs)
{
    return p->curve_points > 0 && isfinite(rs->ep.horizon);
}

/* Run r (of my runs) into its slot: 0, or -errno with why. */
static int one_run(sweep_job *j, size_t r, run_spec *rs, double *times, char *why, size_t n)
{
    const sweep_plan *p = j->p;
    size_t mi = r / p->nseeds, si = r % p->nseeds, k = p->curve_points;
    int rc = sweep_job_spec(j, mi, si, rs, why, n);
    if (rc == 0 && p->inject)
        rc = p->inject(p->inject_ctx, j->mine[mi] * p->nseeds + si, why, n);
    if (rc == 0) {
        if (sweep_has_curve(p, rs)) {
            for (uint32_t i = 0; i < k; i++)
                times[i] = sweep_sample_time(rs, i, (uint32_t)k);
            rs->ep.sample_times = times;
            rs->ep.n_samples = k;
        }
        run_result res;
        rc = run_spec_run(rs, j->wl[j->cell_spec[mi] * p->nseeds + si], &res, why, n);
        if (rc == 0) {
            j->sum[r] = res.sum;
            for (size_t i = 0; i < 2 * k; i++) /* best, then best_rmax (engine.h) */
                j->samples[r * 2 * k + i] = res.samples ? res.samples[i] : (double)NAN;
            run_result_free(&res);
        }
    }
    if (rc < 0)
        one_line(why);
    return rc;
}

static int stopping(const sweep_job *j)
{
    const sweep_plan *p = j->p;
    return (p->stop && atomic_load(p->stop)) || (p->max_runs && j->next >= p->max_runs);
}

static void *job_thread(void *arg)
{
    sweep_job *j = arg;
    char why[1536];
    run_spec *rs = malloc(sizeof *rs);
    double *times = malloc((j->p->curve_points + 1) * sizeof *times);
    if (!rs || !times) {
        pthread_mutex_lock(&j->lock);
        if (j->rc == 0) {
            j->rc = -ENOMEM;
            snprintf(j->err, sizeof j->err, "sweep: out of memory");
        }
        pthread_mutex_unlock(&j->lock);
        free(rs);
        free(times);
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(&j->lock);
        if (j->rc < 0 || j->next == j->ntodo || stopping(j)) {
            pthread_mutex_unlock(&j->lock);
            break;
        }
        size_t r = j->todo[j->next++];
        pthread_mutex_unlock(&j->lock);
        int rc = one_run(j, r, rs, times, why, sizeof why);
        pthread_mutex_lock(&j->lock);
        j->state[r] = rc == 0 ? RUN_OK : RUN_FAILED;
        free(j->why[r]);
        j->why[r] = rc == 0 ? NULL : strdup(why);
        j->done++;
        if (j->rc == 0 && sweep_journal_append(j, r) < 0)
            j->rc = -EIO;
        if (j->p->progress)
            j->p->progress(j->p->progress_ctx, j->done, j->ntodo);
        pthread_mutex_unlock(&j->lock);
    }
    free(rs);
    free(times);
    return NULL;
}

/* FNV-1a of a file's bytes; a file that cannot be read hashes as its
 * errno (its runs fail and say why). */
static uint64_t file_hash(const char *path)
{
    uint64_t h = FNV_BASIS;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        return sweep_fnv(h, &e, sizeof e);
    }
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        h = sweep_fnv(h, buf, got);
    if (ferror(f)) {
        int e = EIO;
        h = sweep_fnv(h, &e, sizeof e);
    }
    fclose(f);
    return h;
}

/* Note the file that cell spec `spec` reads, once: 0 or -ENOMEM. */
static int note_input(sweep_job *j, const char *spec)
{
    const char *path = workload_spec_file(spec);
    if (!path)
        return 0;
    for (size_t i = 0; i < j->nin; i++)
        if (strcmp(j->in_path[i], path) == 0)
            return 0;
    char **q = realloc(j->in_path, (j->nin + 1) * sizeof *q);
    if (!q)
        return -ENOMEM;
    j->in_path = q;
    uint64_t *h = realloc(j->in_hash, (j->nin + 1) * sizeof *h);
    if (!h)
        return -ENOMEM;
    j->in_hash = h;
    if (!(j->in_path[j->nin] = strdup(path)))
        return -ENOMEM;
    j->in_hash[j->nin++] = file_hash(path);
    return 0;
}

/* A hash of everything that defines the grid: every cell's describing
 * columns plus what they leave out, the seeds, the curve points, and the
 * bytes of every file a cell reads (so a resume after an edit is refused;
 * a grid without files hashes as it always did). */
static int grid_hash(sweep_job *j, run_spec *rs, uint64_t *out)
{
    const sweep_plan *p = j->p;
    uint64_t h = FNV_BASIS;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return -ENOMEM;
    for (size_t c = 0; c < p->ncells; c++) {
        p->cell(p->cell_ctx, c, rs);
        rs->seed = 0;
        rewind(m);
        summary_spec_row(m, rs);
        fprintf(m, "|%u|%d|%u\n", rs->trials, rs->r_max_given, rs->sp.r_max);
        fflush(m);
        h = sweep_fnv(h, buf, (size_t)ftell(m));
        if (note_input(j, rs->workload) < 0) {
            fclose(m);
            free(buf);
            return -ENOMEM;
        }
    }
    fclose(m);
    free(buf);
    h = sweep_fnv(h, p->seeds, p->nseeds * sizeof *p->seeds);
    h = sweep_fnv(h, &p->curve_points, sizeof p->curve_points);
    for (size_t i = 0; i < j->nin; i++) {
        h = sweep_fnv(h, j->in_path[i], strlen(j->in_path[i]) + 1);
        h = sweep_fnv(h, &j->in_hash[i], sizeof j->in_hash[i]);
    }
    *out = h;
    return 0;
}

/* Resume with no journal: are the files of this very sweep already there?
 * (sweep_info.csv is renamed into place last, after sweep.csv.) */
static int already_complete(const sweep_job *j, const char *dir, const char *grid,
                            sweep_report *rep)
{
    const sweep_plan *p = j->p;
    part_info pi;
    char why[512];
    if (access(j->jpath, F_OK) == 0 || sweep_read_info(dir, &pi, why, sizeof why) < 0 ||
        strcmp(pi.grid, grid) != 0 || pi.shard != p->shard || pi.shards != p->shards)
        return 0;
    file_buf fb;
    if (sweep_read_all(dir, "sweep.csv", &fb, why, sizeof why) < 0)
        return 0;
    size_t rows = 0, failed = 0;
    for (char *q = strchr(fb.text, '\n') + 1; *q; rows++) {
        char *eol = strchr(q, '\n');
        failed += !(eol - q >= 3 && memcmp(eol - 3, ",ok", 3) == 0);
        q = eol + 1;
    }
    free(fb.text);
    if (rows != j->nruns)
        return 0;
    rep->done = rep->resumed = rows;
    rep->failed = failed;
    rep->complete = 1;
    return 1;
}

sweep_plan sweep_default_plan(void)
{
    sweep_plan p;
    memset(&p, 0, sizeof p);
    p.curve_points = 50;
    p.threads = 1;
    p.shards = 1;
    return p;
}

/* The distinct (workload, order) pairs of this shard's cells, each once
 * (j->specs, j->spec_order), and each cell's index among them. */
static int collect_workloads(sweep_job *j, run_spec *rs)
{
    const sweep_plan *p = j->p;
    for (size_t mi = 0; mi < j->nmine; mi++) {
        p->cell(p->cell_ctx, j->mine[mi], rs);
        size_t s = 0;
        while (s < j->nspecs &&
               (strcmp(j->specs[s], rs->workload) != 0 || j->spec_order[s] != rs->order))
            s++;
        if (s == j->nspecs) {
            char **q = realloc(j->specs, (j->nspecs + 1) * sizeof *q);
            if (q)
                j->specs = q;
            wl_order *o = realloc(j->spec_order, (j->nspecs + 1) * sizeof *o);
            if (o)
                j->spec_order = o;
            if (!q || !o)
                return -ENOMEM;
            j->spec_order[j->nspecs] = rs->order;
            if (!(j->specs[j->nspecs] = strdup(rs->workload)))
                return -ENOMEM;
            j->nspecs++;
        }
        j->cell_spec[mi] = s;
    }
    return 0;
}

/* Open every distinct (workload, order, seed) once; one that fails fails
 * its runs, not the sweep (its message is kept in j->wl_err). */
static int open_workloads(sweep_job *j)
{
    const sweep_plan *p = j->p;
    size_t nw = j->nspecs * p->nseeds;
    j->wl = calloc(nw + 1, sizeof *j->wl);
    j->wl_err = calloc(nw + 1, sizeof *j->wl_err);
    j->wl_rc = calloc(nw + 1, sizeof *j->wl_rc);
    if (!j->wl || !j->wl_err || !j->wl_rc)
        return -ENOMEM;
    for (size_t s = 0; s < j->nspecs; s++)
        for (size_t si = 0; si < p->nseeds; si++) {
            char why[1536];
            wl_params wp = wl_default_params();
            wp.seed = p->seeds[si];
            wp.order = j->spec_order[s];
            size_t w = s * p->nseeds + si;
            if ((j->wl_rc[w] = workload_open(&j->wl[w], j->specs[s], &wp, why, sizeof why)) < 0) {
                j->wl[w] = NULL;
                one_line(why);
                if (!(j->wl_err[w] = strdup(why)))
                    return -ENOMEM;
            }
        }
    return 0;
}

/* Check every cell (with the first seed) before running anything: the
 * number of cells that cannot run, and the first one's error in err (with
 * its code in *rc). */
static size_t check_cells(sweep_job *j, run_spec *rs, int *rc, char *err, size_t n)
{
    size_t bad = 0;
    for (size_t mi = 0; mi < j->nmine; mi++) {
        char why[1536];
        sched *core = NULL;
        int crc = sweep_job_spec(j, mi, 0, rs, why, sizeof why);
        if (crc == 0 && (crc = sched_alloc(&core, rs->type, &rs->sp)) < 0)
            snprintf(why, sizeof why, "cannot make the %s core (eta %u, r_min %u, r_max %u): %s",
                     sched_type_name(rs->type), rs->sp.eta, rs->sp.r_min, rs->sp.r_max,
                     crc == -ENOMEM ? "out of memory" : "too many rung levels or a bracket too large");
        sched_free(core);
        if (crc < 0 && bad++ == 0) {
            *rc = crc;
            snprintf(err, n, "cell %zu: %s", j->mine[mi], why);
        }
    }
    return bad;
}

/* The books of every run: summaries, curve samples, states, failure
 * messages, the to-do list and the journal's line buffer. */
static int alloc_run_books(sweep_job *j)
{
    const sweep_plan *p = j->p;
    j->sum = calloc(j->nruns + 1, sizeof *j->sum);
    j->samples = malloc((j->nruns * 2 * p->curve_points + 1) * sizeof *j->samples);
    j->state = calloc(j->nruns + 1, 1);
    j->why = calloc(j->nruns + 1, sizeof *j->why);
    j->todo = malloc((j->nruns + 1) * sizeof *j->todo);
    j->jcap = (2 * (size_t)p->curve_points + SUMMARY_NCOLUMNS + 16) * 32 + 3 * sizeof(char[1536]) + 256;
    j->jbuf = malloc(j->jcap);
    return j->sum && j->samples && j->state && j->why && j->todo && j->jbuf ? 0 : -ENOMEM;
}

/* Run the to-do list on up to p->threads threads (here, when there is one
 * or none can start). */
static void run_threads(sweep_job *j)
{
    pthread_mutex_init(&j->lock, NULL);
    uint32_t nt = j->p->threads;
    if (nt > j->ntodo)
        nt = j->ntodo ? (uint32_t)j->ntodo : 1;
    pthread_t *tid = nt > 1 ? malloc(nt * sizeof *tid) : NULL;
    uint32_t started = 0;
    if (tid)
        for (; started < nt; started++)
            if (pthread_create(&tid[started], NULL, job_thread, j) != 0)
                break;
    if (started == 0)
        job_thread(j); /* one thread, or none could start, or no memory for them */
    for (uint32_t i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    free(tid);
    pthread_mutex_destroy(&j->lock);
}

/* What a job owns, released (the journal closed). */
static void job_free(sweep_job *j)
{
    const sweep_plan *p = j->p;
    sweep_journal_close(j);
    if (j->wl)
        for (size_t i = 0; i < j->nspecs * p->nseeds; i++)
            workload_free(j->wl[i]);
    if (j->wl_err)
        for (size_t i = 0; i < j->nspecs * p->nseeds; i++)
            free(j->wl_err[i]);
    if (j->why)
        for (size_t r = 0; r < j->nruns; r++)
            free(j->why[r]);
    for (size_t s = 0; s < j->nspecs; s++)
        free(j->specs[s]);
    free(j->specs);
    free(j->spec_order);
    free(j->wl);
    free(j->wl_err);
    free(j->wl_rc);
    free(j->mine);
    free(j->cell_spec);
    free(j->sum);
    free(j->samples);
    free(j->state);
    free(j->why);
    free(j->todo);
    free(j->jbuf);
    for (size_t i = 0; i < j->nin; i++)
        free(j->in_path[i]);
    free(j->in_path);
    free(j->in_hash);
}

/* After the runs: the report's counts, then the files when every run is
 * done (the journal removed unless runs failed). */
static int finish(sweep_job *j, const char *dir, run_spec *rs, const char *grid, sweep_report *rep,
                  char *err, size_t n)
{
    const sweep_plan *p = j->p;
    for (size_t r = 0; r < j->nruns; r++) {
        rep->done += j->state[r] != RUN_TODO;
        rep->failed += j->state[r] == RUN_FAILED;
    }
    if (j->rc < 0) {
        snprintf(err, n, "%s", j->err);
        return j->rc;
    }
    if (rep->done < j->nruns) {
        snprintf(err, n, "interrupted: %zu of %zu runs done; resume with --resume", rep->done,
                 j->nruns);
        return -EINTR;
    }
    int rc;
    if (p->finished && (rc = p->finished(p->finished_ctx, rep, err, n)) < 0)
        goto kept;
    if ((rc = sweep_job_write(j, dir, rs, grid, err, n)) < 0)
        goto kept;
    /* complete: the journal has served, unless runs failed: then it stays
     * for --resume to retry them (sweep_journal_open) */
    if (!rep->failed)
        unlink(j->jpath);
    close(j->jfd);
    j->jfd = -1;
    return 0;
kept:;
    size_t len = strlen(err);
    snprintf(err + len, n - len, " (every run is kept in %s: --resume writes the files "
             "without running again)", j->jpath);
    return rc;
}

int sweep_run(const sweep_plan *p, const char *dir, sweep_report *rep, char *err, size_t n)
{
    memset(rep, 0, sizeof *rep);
    if (!p->cell || !p->ncells || !p->nseeds || !p->seeds || p->threads < 1 || p->shards < 1 ||
        p->shard >= p->shards) {
        snprintf(err, n, "sweep: an empty grid or a bad shard");
        return -EINVAL;
    }
    if (p->ncells > SIZE_MAX / p->nseeds / (p->curve_points + 1)) {
        snprintf(err, n, "sweep: too many runs");
        return -EINVAL;
    }
    sweep_job j;
    memset(&j, 0, sizeof j);
    j.p = p;
    j.jfd = -1;
    int rc = 0;
    run_spec *rs = malloc(sizeof *rs);
    size_t cap = p->ncells / p->shards + 1;
    j.mine = malloc(cap * sizeof *j.mine);
    j.cell_spec = malloc(cap * sizeof *j.cell_spec);
    if (!rs || !j.mine || !j.cell_spec)
        goto nomem;
    for (size_t c = p->shard; c < p->ncells; c += p->shards)
        j.mine[j.nmine++] = c;
    j.nruns = j.nmine * p->nseeds;
    rep->runs = j.nruns;

    uint64_t h;
    char grid[24];
    if (grid_hash(&j, rs, &h) < 0)
        goto nomem;
    snprintf(grid, sizeof grid, "%016llx", (unsigned long long)h);
    if (p->resume) {
        snprintf(j.jpath, sizeof j.jpath, "%s/%s", dir, SWEEP_JOURNAL);
        if (already_complete(&j, dir, grid, rep))
            goto out;
    }
    if (collect_workloads(&j, rs) < 0 || open_workloads(&j) < 0)
        goto nomem;
    size_t bad = check_cells(&j, rs, &rc, err, n);
    if (bad && bad == j.nmine)
        goto out; /* (a shard without cells writes an empty part) */
    rc = 0;
    if (alloc_run_books(&j) < 0)
        goto nomem;
    if ((rc = sweep_journal_open(&j, dir, grid, err, n)) < 0)
        goto out;
    for (size_t r = 0; r < j.nruns; r++) {
        rep->resumed += j.state[r] == RUN_OK;
        if (j.state[r] != RUN_OK)
            j.todo[j.ntodo++] = r;
    }
    run_threads(&j);
    rc = finish(&j, dir, rs, grid, rep, err, n);
    goto out;
nomem:
    rc = -ENOMEM;
    snprintf(err, n, "sweep: out of memory");
out:
    job_free(&j);
    free(rs);
    return rc;
}
