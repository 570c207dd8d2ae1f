/*
 * sim/sweep.c -- grids of runs: lists and ranges, parallel execution,
 * aggregation over seeds, shards and their merge.  See sweep.h.
 *
 * Invariants: run r of a shard is its cell mine[r / nseeds] with seed
 * seeds[r % nseeds]; threads take runs from one counter and write only
 * their own slots (sum[r], samples[r*K..]); files are written from the
 * slots after every thread ended, in run order, so the thread count cannot
 * change a byte.  Statistics are summed in seed order, on one thread.
 *
 * Cost: the runs dominate.  Beyond them, O(ncells) spec generations for the
 * grid hash and O(my cells x distinct workload specs) string compares to
 * find each cell's open workload; memory is one run_summary and K doubles
 * per run of the shard.
 */
#include "sim/sweep.h"
#include "sim/output.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_MAX_LIST 1000000 /* values one list item may expand to */

/* ---- lists and ranges ------------------------------------------------- */

void sweep_strv_free(sweep_strv *sv)
{
    if (!sv)
        return;
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

static int strv_push(sweep_strv *sv, const char *s, size_t len)
{
    if (sv->n == sv->cap) {
        size_t cap = sv->cap ? 2 * sv->cap : 8;
        char **p = realloc(sv->v, cap * sizeof *p);
        if (!p)
            return -ENOMEM;
        sv->v = p;
        sv->cap = cap;
    }
    char *c = malloc(len + 1);
    if (!c)
        return -ENOMEM;
    memcpy(c, s, len);
    c[len] = '\0';
    sv->v[sv->n++] = c;
    return 0;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int whole_u64(const char *s, uint64_t *out)
{
    if (!all_digits(s))
        return 0;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno)
        return 0;
    *out = v;
    return 1;
}

static int whole_double(const char *s, double *out)
{
    char *end;
    if (!*s || *s == ' ')
        return 0;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

/* Expand one range item "A..B[+S|*F]" (item holds the "..") onto sv. */
static int expand_range(const char *item, sweep_strv *sv, char *err, size_t n)
{
    char a[128], b[128], s[128] = "";
    const char *dd = strstr(item, "..");
    size_t la = (size_t)(dd - item);
    const char *rest = dd + 2;
    /* the step operator: the first '*', or the first '+' not in an exponent */
    const char *op = strchr(rest, '*');
    if (!op)
        for (const char *q = rest; *q; q++)
            if (*q == '+' && q > rest && q[-1] != 'e' && q[-1] != 'E') {
                op = q;
                break;
            }
    size_t lb = op ? (size_t)(op - rest) : strlen(rest);
    if (la >= sizeof a || lb >= sizeof b || (op && strlen(op + 1) >= sizeof s)) {
        snprintf(err, n, "'%s': range too long", item);
        return -EINVAL;
    }
    memcpy(a, item, la);
    a[la] = '\0';
    memcpy(b, rest, lb);
    b[lb] = '\0';
    if (op)
        snprintf(s, sizeof s, "%s", op + 1);
    char mult = op ? *op : '+';
    size_t before = sv->n;
    char buf[64];
    uint64_t ia, ib, is = 1;
    if (whole_u64(a, &ia) && whole_u64(b, &ib) && (!op || whole_u64(s, &is))) {
        if (ia > ib) {
            snprintf(err, n, "'%s': the range is empty (%s > %s)", item, a, b);
            return -EINVAL;
        }
        if (mult == '+' ? is < 1 : (is < 2 || ia < 1)) {
            snprintf(err, n, "'%s': the step must be %s", item,
                     mult == '+' ? "at least 1" : "at least 2, from a start of at least 1");
            return -EINVAL;
        }
        for (uint64_t v = ia;;) {
            if (sv->n - before == SWEEP_MAX_LIST) {
                snprintf(err, n, "'%s': more than %d values", item, SWEEP_MAX_LIST);
                return -EINVAL;
            }
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
            if (strv_push(sv, buf, strlen(buf)) < 0)
                goto nomem;
            if (mult == '+' ? ib - v < is : v > ib / is)
                break;
            v = mult == '+' ? v + is : v * is;
            if (v > ib)
                break;
        }
        return 0;
    }
    double da, db, ds = 1;
    if (!whole_double(a, &da) || !whole_double(b, &db) || (op && !whole_double(s, &ds))) {
        snprintf(err, n, "'%s': expected A..B, A..B+STEP or A..B*FACTOR with numbers", item);
        return -EINVAL;
    }
    if (da > db) {
        snprintf(err, n, "'%s': the range is empty (%s > %s)", item, a, b);
        return -EINVAL;
    }
    if (mult == '+' ? !(ds > 0) : !(ds > 1 && da > 0)) {
        snprintf(err, n, "'%s': the step must be %s", item,
                 mult == '+' ? "greater than 0" : "greater than 1, from a start above 0");
        return -EINVAL;
    }
    /* A + i*S (not repeated addition, which drifts); a relative slack of
     * 1e-9 keeps B itself when rounding lands a hair above it */
    double slack = 1e-9 * fmax(fabs(db), fabs(ds));
    for (uint64_t i = 0;; i++) {
        double v = mult == '+' ? da + (double)i * ds : da * pow(ds, (double)i);
        if (v > db + slack)
            break;
        if (i == SWEEP_MAX_LIST) {
            snprintf(err, n, "'%s': more than %d values", item, SWEEP_MAX_LIST);
            return -EINVAL;
        }
        fmt_double(buf, sizeof buf, v > db ? db : v);
        if (strv_push(sv, buf, strlen(buf)) < 0)
            goto nomem;
    }
    return 0;
nomem:
    snprintf(err, n, "out of memory");
    return -ENOMEM;
}

int sweep_list(const char *text, int ranges, sweep_strv *sv, char *err, size_t n)
{
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (a == b) {
            snprintf(err, n, "'%s': empty value in the list", text);
            return -EINVAL;
        }
        char item[4096];
        size_t len = (size_t)(b - a);
        if (len >= sizeof item) {
            snprintf(err, n, "a value of the list is too long");
            return -EINVAL;
        }
        memcpy(item, a, len);
        item[len] = '\0';
        int rc = ranges && strstr(item, "..") ? expand_range(item, sv, err, n)
                                              : strv_push(sv, item, len);
        if (rc == -ENOMEM)
            snprintf(err, n, "out of memory");
        if (rc < 0)
            return rc;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* ---- statistics ------------------------------------------------------- */

sweep_stat sweep_stat_of(const double *x, size_t n)
{
    sweep_stat s = { NAN, NAN, NAN, NAN, 0 };
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            sum += x[i];
            s.n++;
        }
    if (!s.n)
        return s;
    s.mean = sum / (double)s.n;
    if (s.n < 2)
        return s;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            ss += (x[i] - s.mean) * (x[i] - s.mean);
    s.sd = sqrt(ss / (double)(s.n - 1));
    double h = gsl_cdf_tdist_Pinv(0.975, (double)(s.n - 1)) * s.sd / sqrt((double)s.n);
    s.lo = s.mean - h;
    s.hi = s.mean + h;
    return s;
}

/* ---- the metrics aggregated per cell ----------------------------------- */

static const struct {
    const char *name;
    int may_miss; /* NAN in some runs: gets an M_n column */
} metrics[] = {
    { "trials_started", 0 }, { "trials_rmax", 0 }, { "jobs", 0 },      { "epochs_trained", 0 },
    { "epochs_replayed", 0 }, { "jobs_cut", 0 },   { "jobs_dropped", 0 }, { "end_time", 0 },
    { "busy", 0 },           { "idle", 0 },        { "idle_fraction", 0 }, { "best", 1 },
    { "best_rmax", 1 },      { "time_to_target", 1 }, { "time_first_rmax", 1 },
};
#define NMETRICS (sizeof metrics / sizeof *metrics)

static double metric_value(const run_summary *s, size_t m)
{
    double cap = (double)s->workers * s->end_time;
    switch (m) {
    case 0: return (double)s->trials_started;
    case 1: return (double)s->trials_rmax;
    case 2: return (double)s->jobs;
    case 3: return (double)s->epochs_trained;
    case 4: return (double)s->epochs_replayed;
    case 5: return (double)s->jobs_cut;
    case 6: return (double)s->jobs_dropped;
    case 7: return s->end_time;
    case 8: return s->busy;
    case 9: return s->idle;
    case 10: return cap > 0 ? s->idle / cap : 0.0; /* as summary_row() */
    case 11: return s->best;
    case 12: return s->best_rmax;
    case 13: return s->time_to_target;
    default: return s->time_first_rmax;
    }
}

static void put_stat(FILE *f, sweep_stat st, int with_n)
{
    double v[] = { st.mean, st.sd, st.lo, st.hi };
    for (size_t i = 0; i < 4; i++) {
        fputc(',', f);
        put_double(f, v[i]);
    }
    if (with_n)
        fprintf(f, ",%zu", st.n);
}

/* ---- running a shard --------------------------------------------------- */

typedef struct {
    const sweep_plan *p;
    size_t *mine, nmine, nruns;
    char **specs;       /* distinct workload specs of my cells */
    size_t nspecs;
    workload **wl;      /* [spec * nseeds + seed] */
    size_t *cell_spec;  /* [my cell] index into specs */
    run_summary *sum;   /* [run] */
    double *samples;    /* [run * K + i] */
    pthread_mutex_t lock;
    size_t next, done;
    int rc;
    size_t err_run;
    char err[2048];
} sweep_job;

/* The spec of my cell mi with seed si, prepared against its workload. */
static int job_spec(const sweep_job *j, size_t mi, size_t si, run_spec *rs, char *err, size_t n)
{
    const sweep_plan *p = j->p;
    p->cell(p->cell_ctx, j->mine[mi], rs);
    rs->seed = p->seeds[si];
    rs->ep.trace = 0;
    rs->ep.narrate = NULL;
    rs->ep.sample_times = NULL;
    rs->ep.n_samples = 0;
    return run_spec_prepare(rs, j->wl[j->cell_spec[mi] * p->nseeds + si], err, n);
}

static double sample_time(const run_spec *rs, uint32_t i, uint32_t k)
{
    return (double)(i + 1) * rs->ep.horizon / (double)k;
}

static int has_curve(const sweep_plan *p, const run_spec *rs)
{
    return p->curve_points > 0 && isfinite(rs->ep.horizon);
}

static int one_run(sweep_job *j, size_t r, run_spec *rs, double *times, char *err, size_t n)
{
    const sweep_plan *p = j->p;
    size_t mi = r / p->nseeds, si = r % p->nseeds, k = p->curve_points;
    char why[1536];
    int rc = job_spec(j, mi, si, rs, why, sizeof why);
    if (rc == 0) {
        if (has_curve(p, rs)) {
            for (uint32_t i = 0; i < k; i++)
                times[i] = sample_time(rs, i, (uint32_t)k);
            rs->ep.sample_times = times;
            rs->ep.n_samples = k;
        }
        run_result res;
        rc = run_spec_run(rs, j->wl[j->cell_spec[mi] * p->nseeds + si], &res, why, sizeof why);
        if (rc == 0) {
            j->sum[r] = res.sum;
            for (size_t i = 0; i < k; i++)
                j->samples[r * k + i] = res.samples ? res.samples[i] : (double)NAN;
            run_result_free(&res);
        }
    }
    if (rc < 0)
        snprintf(err, n, "cell %zu, seed %llu: %s", j->mine[mi],
                 (unsigned long long)p->seeds[si], why);
    return rc;
}

static void *job_thread(void *arg)
{
    sweep_job *j = arg;
    char err[sizeof j->err];
    run_spec *rs = malloc(sizeof *rs);
    double *times = malloc((j->p->curve_points + 1) * sizeof *times);
    if (!rs || !times) {
        pthread_mutex_lock(&j->lock);
        if (j->rc == 0) {
            j->rc = -ENOMEM;
            j->err_run = 0;
            snprintf(j->err, sizeof j->err, "out of memory");
        }
        pthread_mutex_unlock(&j->lock);
        free(rs);
        free(times);
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(&j->lock);
        if (j->rc < 0 || j->next == j->nruns) {
            pthread_mutex_unlock(&j->lock);
            break;
        }
        size_t r = j->next++;
        pthread_mutex_unlock(&j->lock);
        int rc = one_run(j, r, rs, times, err, sizeof err);
        pthread_mutex_lock(&j->lock);
        /* runs are taken in order, so the lowest failing run is always among
         * those started: the error reported does not depend on timing */
        if (rc < 0 && (j->rc == 0 || r < j->err_run)) {
            j->rc = rc;
            j->err_run = r;
            snprintf(j->err, sizeof j->err, "%s", err);
        }
        j->done++;
        if (rc == 0 && j->p->progress)
            j->p->progress(j->p->progress_ctx, j->done, j->nruns);
        pthread_mutex_unlock(&j->lock);
    }
    free(rs);
    free(times);
    return NULL;
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* A hash of everything that defines the grid: every cell's describing
 * columns plus what they leave out, the seeds and the curve points. */
static int grid_hash(const sweep_plan *p, run_spec *rs, uint64_t *out)
{
    uint64_t h = 0xcbf29ce484222325ull;
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
        h = fnv(h, buf, (size_t)ftell(m));
    }
    fclose(m);
    free(buf);
    h = fnv(h, p->seeds, p->nseeds * sizeof *p->seeds);
    h = fnv(h, &p->curve_points, sizeof p->curve_points);
    *out = h;
    return 0;
}

static void info_write(FILE *f, uint32_t shard, uint32_t shards, size_t cells, size_t seeds,
                       uint32_t k, const char *grid)
{
    fprintf(f, "shard,shards,cells,seeds,runs,curve_points,grid\n%u,%u,%zu,%zu,%zu,%u,%s\n",
            shard, shards, cells, seeds, cells * seeds, k, grid);
}

static int job_write(sweep_job *j, const char *dir, run_spec *rs, const char *grid, char *err,
                     size_t n)
{
    const sweep_plan *p = j->p;
    size_t ns = p->nseeds, k = p->curve_points;
    double *v = malloc((ns + 1) * sizeof *v);
    out_set *os = malloc(sizeof *os);
    if (!v || !os) {
        free(v);
        free(os);
        snprintf(err, n, "out of memory");
        return -ENOMEM;
    }
    out_set_init(os);
    FILE *runs = out_set_open(os, dir, "sweep.csv");
    FILE *agg = runs ? out_set_open(os, dir, "sweep_agg.csv") : NULL;
    FILE *cur = agg ? out_set_open(os, dir, "sweep_curves.csv") : NULL;
    FILE *info = cur ? out_set_open(os, dir, "sweep_info.csv") : NULL;
    if (!info) {
        snprintf(err, n, "%s", os->err);
        out_set_abort(os);
        free(os);
        free(v);
        return -EIO;
    }
    fputs("cell,", runs);
    summary_header(runs);
    fputs("cell,", agg);
    summary_spec_header(agg);
    fputs(",runs", agg);
    for (size_t m = 0; m < NMETRICS; m++) {
        fprintf(agg, ",%s_mean,%s_sd,%s_lo,%s_hi", metrics[m].name, metrics[m].name,
                metrics[m].name, metrics[m].name);
        if (metrics[m].may_miss)
            fprintf(agg, ",%s_n", metrics[m].name);
    }
    fputc('\n', agg);
    fputs("cell,", cur);
    summary_spec_header(cur);
    fputs(",time,n,mean,sd,lo,hi\n", cur);
    char why[1536];
    for (size_t mi = 0; mi < j->nmine; mi++) {
        size_t c = j->mine[mi];
        for (size_t si = 0; si < ns; si++) {
            (void)job_spec(j, mi, si, rs, why, sizeof why); /* succeeded in the run */
            fprintf(runs, "%zu,", c);
            summary_row(runs, rs, &j->sum[mi * ns + si]);
        }
        (void)job_spec(j, mi, 0, rs, why, sizeof why);
        fprintf(agg, "%zu,", c);
        summary_spec_row(agg, rs);
        fprintf(agg, ",%zu", ns);
        for (size_t m = 0; m < NMETRICS; m++) {
            for (size_t si = 0; si < ns; si++)
                v[si] = metric_value(&j->sum[mi * ns + si], m);
            put_stat(agg, sweep_stat_of(v, ns), metrics[m].may_miss);
        }
        fputc('\n', agg);
        if (!has_curve(p, rs))
            continue;
        for (uint32_t i = 0; i < k; i++) {
            for (size_t si = 0; si < ns; si++)
                v[si] = j->samples[(mi * ns + si) * k + i];
            sweep_stat st = sweep_stat_of(v, ns);
            fprintf(cur, "%zu,", c);
            summary_spec_row(cur, rs);
            fputc(',', cur);
            put_double(cur, sample_time(rs, i, (uint32_t)k));
            fprintf(cur, ",%zu", st.n);
            double w[] = { st.mean, st.sd, st.lo, st.hi };
            for (size_t x = 0; x < 4; x++) {
                fputc(',', cur);
                put_double(cur, w[x]);
            }
            fputc('\n', cur);
        }
    }
    info_write(info, p->shard, p->shards, p->ncells, ns, (uint32_t)k, grid);
    int rc = out_set_commit(os);
    if (rc < 0)
        snprintf(err, n, "%s", os->err);
    free(os);
    free(v);
    return rc;
}

sweep_plan sweep_default_plan(void)
{
    return (sweep_plan){ .ncells = 0, .cell = NULL, .cell_ctx = NULL, .seeds = NULL,
                         .nseeds = 0, .curve_points = 50, .threads = 1, .shard = 0,
                         .shards = 1, .progress = NULL, .progress_ctx = NULL };
}

int sweep_run(const sweep_plan *p, const char *dir, char *err, size_t n)
{
    if (!p->cell || !p->ncells || !p->nseeds || !p->seeds || p->threads < 1 || p->shards < 1 ||
        p->shard >= p->shards) {
        snprintf(err, n, "sweep: an empty grid or a bad shard");
        return -EINVAL;
    }
    if (p->ncells > SIZE_MAX / p->nseeds) {
        snprintf(err, n, "sweep: too many runs");
        return -EINVAL;
    }
    sweep_job j;
    memset(&j, 0, sizeof j);
    j.p = p;
    int rc = -ENOMEM;
    pthread_t *tid = NULL;
    run_spec *rs = malloc(sizeof *rs);
    size_t cap = p->ncells / p->shards + 1;
    j.mine = malloc(cap * sizeof *j.mine);
    j.cell_spec = malloc(cap * sizeof *j.cell_spec);
    if (!rs || !j.mine || !j.cell_spec)
        goto nomem;
    for (size_t c = p->shard; c < p->ncells; c += p->shards)
        j.mine[j.nmine++] = c;
    j.nruns = j.nmine * p->nseeds;

    uint64_t h;
    char grid[24];
    if (grid_hash(p, rs, &h) < 0)
        goto nomem;
    snprintf(grid, sizeof grid, "%016llx", (unsigned long long)h);

    /* open every distinct (workload, seed) once */
    for (size_t mi = 0; mi < j.nmine; mi++) {
        p->cell(p->cell_ctx, j.mine[mi], rs);
        size_t s = 0;
        while (s < j.nspecs && strcmp(j.specs[s], rs->workload) != 0)
            s++;
        if (s == j.nspecs) {
            char **q = realloc(j.specs, (j.nspecs + 1) * sizeof *q);
            if (!q)
                goto nomem;
            j.specs = q;
            if (!(j.specs[j.nspecs] = strdup(rs->workload)))
                goto nomem;
            j.nspecs++;
        }
        j.cell_spec[mi] = s;
    }
    if (!(j.wl = calloc(j.nspecs * p->nseeds + 1, sizeof *j.wl)))
        goto nomem;
    for (size_t s = 0; s < j.nspecs; s++)
        for (size_t si = 0; si < p->nseeds; si++) {
            wl_params wp = wl_default_params();
            wp.seed = p->seeds[si];
            rc = workload_open(&j.wl[s * p->nseeds + si], j.specs[s], &wp, err, n);
            if (rc < 0)
                goto out;
        }
    /* check every cell before running anything */
    for (size_t mi = 0; mi < j.nmine; mi++) {
        char why[1536];
        sched *core = NULL;
        rc = job_spec(&j, mi, 0, rs, why, sizeof why);
        if (rc == 0 && (rc = sched_alloc(&core, rs->type, &rs->sp)) < 0)
            snprintf(why, sizeof why, "cannot make the %s core (eta %u, r_min %u, r_max %u): %s",
                     sched_type_name(rs->type), rs->sp.eta, rs->sp.r_min, rs->sp.r_max,
                     rc == -ENOMEM ? "out of memory" : "too many rung levels or a bracket too large");
        sched_free(core);
        if (rc < 0) {
            snprintf(err, n, "cell %zu: %s", j.mine[mi], why);
            goto out;
        }
    }
    rc = -ENOMEM;
    j.sum = calloc(j.nruns + 1, sizeof *j.sum);
    j.samples = malloc((j.nruns * p->curve_points + 1) * sizeof *j.samples);
    if (!j.sum || !j.samples)
        goto nomem;

    pthread_mutex_init(&j.lock, NULL);
    uint32_t nt = p->threads;
    if (nt > j.nruns)
        nt = j.nruns ? (uint32_t)j.nruns : 1;
    if (nt == 1) {
        job_thread(&j);
    } else {
        if (!(tid = malloc(nt * sizeof *tid))) {
            pthread_mutex_destroy(&j.lock);
            goto nomem;
        }
        uint32_t started = 0;
        for (; started < nt; started++)
            if (pthread_create(&tid[started], NULL, job_thread, &j) != 0)
                break;
        if (started == 0)
            job_thread(&j); /* no thread could start: run here */
        for (uint32_t i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
    }
    pthread_mutex_destroy(&j.lock);
    rc = j.rc;
    if (rc < 0) {
        snprintf(err, n, "%s", j.err);
        goto out;
    }
    rc = job_write(&j, dir, rs, grid, err, n);
    goto out;
nomem:
    rc = -ENOMEM;
    snprintf(err, n, "sweep: out of memory");
out:
    if (j.wl)
        for (size_t i = 0; i < j.nspecs * p->nseeds; i++)
            workload_free(j.wl[i]);
    for (size_t s = 0; s < j.nspecs; s++)
        free(j.specs[s]);
    free(j.specs);
    free(j.wl);
    free(j.mine);
    free(j.cell_spec);
    free(j.sum);
    free(j.samples);
    free(tid);
    free(rs);
    return rc;
}

/* ---- merging shards ---------------------------------------------------- */

static const char *const part_files[] = { "sweep.csv", "sweep_agg.csv", "sweep_curves.csv" };
#define NPART_FILES (sizeof part_files / sizeof *part_files)

typedef struct {
    char *text;   /* the whole file */
    size_t len;
} file_buf;

static int read_all(const char *dir, const char *name, file_buf *fb, char *err, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        snprintf(err, n, "%s: %s", path, strerror(e));
        return -e;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int rc = 0;
    for (;;) {
        if (!buf) {
            rc = -ENOMEM;
            snprintf(err, n, "%s: out of memory", path);
            break;
        }
        len += fread(buf + len, 1, cap - len - 1, f);
        if (ferror(f)) {
            rc = -EIO;
            snprintf(err, n, "%s: read error", path);
            break;
        }
        if (feof(f))
            break;
        cap *= 2;
        char *q = realloc(buf, cap);
        if (!q)
            free(buf);
        buf = q;
    }
    fclose(f);
    if (rc == 0 && (len == 0 || buf[len - 1] != '\n')) {
        rc = -EINVAL;
        snprintf(err, n, "%s: empty or cut short (no final newline)", path);
    }
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    fb->text = buf;
    fb->len = len;
    return 0;
}

typedef struct {
    size_t cell, order;
    const char *line; /* including its newline */
    size_t len;
} merge_line;

static int cmp_lines(const void *x, const void *y)
{
    const merge_line *a = x, *b = y;
    if (a->cell != b->cell)
        return a->cell < b->cell ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

typedef struct {
    uint32_t shard, shards;
    size_t cells, seeds, runs;
    uint32_t k;
    char grid[32];
} part_info;

static int read_info(const char *dir, part_info *pi, char *err, size_t n)
{
    file_buf fb;
    int rc = read_all(dir, "sweep_info.csv", &fb, err, n);
    if (rc < 0)
        return rc;
    const char *hdr = "shard,shards,cells,seeds,runs,curve_points,grid\n";
    unsigned long long s, k, c, sd, r;
    unsigned cp;
    int used = 0;
    rc = 0;
    if (strncmp(fb.text, hdr, strlen(hdr)) != 0 ||
        sscanf(fb.text + strlen(hdr), "%llu,%llu,%llu,%llu,%llu,%u,%16[0-9a-f]\n%n", &s, &k, &c,
               &sd, &r, &cp, pi->grid, &used) != 7 ||
        strlen(fb.text + strlen(hdr)) != (size_t)used || k < 1 || s >= k || k > UINT32_MAX) {
        snprintf(err, n, "%s/sweep_info.csv: not a sweep's info file", dir);
        rc = -EINVAL;
    } else {
        pi->shard = (uint32_t)s;
        pi->shards = (uint32_t)k;
        pi->cells = c;
        pi->seeds = sd;
        pi->runs = r;
        pi->k = cp;
    }
    free(fb.text);
    return rc;
}

int sweep_merge(const char *const *dirs, size_t ndirs, const char *out, char *err, size_t n)
{
    if (ndirs < 1) {
        snprintf(err, n, "merge: no sweep folders given");
        return -EINVAL;
    }
    part_info *pi = calloc(ndirs, sizeof *pi);
    file_buf *fb = calloc(ndirs * NPART_FILES, sizeof *fb);
    merge_line *lines = NULL;
    out_set *os = malloc(sizeof *os);
    int rc = -ENOMEM;
    if (!pi || !fb || !os) {
        snprintf(err, n, "merge: out of memory");
        goto out;
    }
    out_set_init(os);
    for (size_t d = 0; d < ndirs; d++) {
        if ((rc = read_info(dirs[d], &pi[d], err, n)) < 0)
            goto out;
        rc = -EINVAL;
        if (pi[d].shards != ndirs) {
            snprintf(err, n, "%s is shard %u/%u, but %zu folders were given", dirs[d],
                     pi[d].shard + 1, pi[d].shards, ndirs);
            goto out;
        }
        if (pi[d].cells != pi[0].cells || pi[d].seeds != pi[0].seeds || pi[d].k != pi[0].k ||
            strcmp(pi[d].grid, pi[0].grid) != 0) {
            snprintf(err, n, "%s and %s are shards of different grids", dirs[0], dirs[d]);
            goto out;
        }
        for (size_t e = 0; e < d; e++)
            if (pi[e].shard == pi[d].shard) {
                snprintf(err, n, "%s and %s are both shard %u/%u", dirs[e], dirs[d],
                         pi[d].shard + 1, pi[d].shards);
                goto out;
            }
    }
    for (size_t fi = 0; fi < NPART_FILES; fi++) {
        size_t nl = 0, cap = 0, order = 0;
        const char *hdr0 = NULL;
        size_t hlen0 = 0;
        for (size_t d = 0; d < ndirs; d++) {
            file_buf *b = &fb[d * NPART_FILES + fi];
            if ((rc = read_all(dirs[d], part_files[fi], b, err, n)) < 0)
                goto out;
            rc = -EINVAL;
            const char *p = b->text, *end = b->text + b->len;
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            size_t hlen = (size_t)(eol - p) + 1;
            if (!hdr0) {
                hdr0 = p;
                hlen0 = hlen;
            } else if (hlen != hlen0 || memcmp(p, hdr0, hlen) != 0) {
                snprintf(err, n, "%s/%s: its header differs from %s/%s", dirs[d],
                         part_files[fi], dirs[0], part_files[fi]);
                goto out;
            }
            size_t lineno = 1;
            for (p = eol + 1; p < end; p = eol + 1) {
                lineno++;
                eol = memchr(p, '\n', (size_t)(end - p));
                char *q;
                errno = 0;
                unsigned long long c = strtoull(p, &q, 10);
                if (q == p || *q != ',' || errno || c >= pi[d].cells ||
                    c % pi[d].shards != pi[d].shard) {
                    snprintf(err, n, "%s/%s: line %zu: not a row of shard %u/%u", dirs[d],
                             part_files[fi], lineno, pi[d].shard + 1, pi[d].shards);
                    goto out;
                }
                if (nl == cap) {
                    cap = cap ? 2 * cap : 1024;
                    merge_line *ml = realloc(lines, cap * sizeof *ml);
                    if (!ml) {
                        rc = -ENOMEM;
                        snprintf(err, n, "merge: out of memory");
                        goto out;
                    }
                    lines = ml;
                }
                lines[nl++] = (merge_line){ (size_t)c, order++, p, (size_t)(eol - p) + 1 };
            }
        }
        size_t want = fi == 0 ? pi[0].runs : fi == 1 ? pi[0].cells : nl;
        if (nl != want) {
            snprintf(err, n, "%s: %zu rows in all, the grid has %zu: a part is incomplete",
                     part_files[fi], nl, want);
            goto out;
        }
        qsort(lines, nl, sizeof *lines, cmp_lines);
        FILE *f = out_set_open(os, out, part_files[fi]);
        if (!f) {
            rc = -EIO;
            snprintf(err, n, "%s", os->err);
            goto out;
        }
        fwrite(hdr0, 1, hlen0, f);
        for (size_t i = 0; i < nl; i++)
            fwrite(lines[i].line, 1, lines[i].len, f);
    }
    FILE *f = out_set_open(os, out, "sweep_info.csv");
    if (!f) {
        rc = -EIO;
        snprintf(err, n, "%s", os->err);
        goto out;
    }
    info_write(f, 0, 1, pi[0].cells, pi[0].seeds, pi[0].k, pi[0].grid);
    rc = out_set_commit(os);
    if (rc < 0)
        snprintf(err, n, "%s", os->err);
out:
    if (rc < 0 && os)
        out_set_abort(os);
    if (fb)
        for (size_t i = 0; i < ndirs * NPART_FILES; i++)
            free(fb[i].text);
    free(fb);
    free(pi);
    free(lines);
    free(os);
    return rc;
}
