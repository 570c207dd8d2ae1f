/*
 * sim/sweep.c -- grids of runs: lists and ranges, parallel execution,
 * aggregation over seeds, failed runs, the journal that makes a sweep
 * resumable, shards and their merge.  See sweep.h.
 *
 * Invariants: run r of a shard is its cell mine[r / nseeds] with seed
 * seeds[r % nseeds]; threads take runs from one list (todo: the runs not yet
 * done, in order) and write only their own slots (sum[r], samples[r*K..]);
 * a run's state (todo, ok, failed), its message and its journal line are
 * written under the lock once it ended.  Files are written from the slots
 * after every thread ended, in run order, so neither the thread count nor
 * an interruption and resumption can change a byte: a resumed run's slot is
 * read back from the journal, whose numbers round-trip exactly.  Statistics
 * are summed in seed order, on one thread.
 *
 * Cost: the runs dominate.  Beyond them, O(ncells) spec generations for the
 * grid hash and O(my cells x distinct workload specs) string compares to
 * find each cell's open workload; memory is one run_summary and K doubles
 * per run of the shard; the journal costs one write() of about 25(K + 15)
 * bytes per run and at most one fsync a second.
 */
#include "sim/sweep.h"
#include "sim/output.h"

#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SWEEP_MAX_LIST 1000000 /* values one list (and so one item) may expand to */

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
    size_t before = sv->n;
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
        /* many ranges in one list must not add up to unbounded memory */
        if (sv->n - before > SWEEP_MAX_LIST) {
            snprintf(err, n, "more than %d values in the list", SWEEP_MAX_LIST);
            return -EINVAL;
        }
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

/* ---- reading sweep files (merge, resume) -------------------------------- */

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
    uint32_t shard, shards;
    size_t cells, seeds, runs;
    uint32_t k;
    char grid[32];
} part_info;

static const char info_header[] = "shard,shards,cells,seeds,runs,curve_points,grid";

/* DIR/sweep_info.csv: errors name the file, line and field. */
static int read_info(const char *dir, part_info *pi, char *err, size_t n)
{
    file_buf fb;
    struct stat st;
    if (stat(dir, &st) < 0) {
        int e = errno;
        snprintf(err, n, "%s: %s", dir, strerror(e));
        return -e;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, n, "%s: not a folder", dir);
        return -ENOTDIR;
    }
    int rc = read_all(dir, "sweep_info.csv", &fb, err, n);
    if (rc == -ENOENT) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, SWEEP_JOURNAL);
        if (access(path, F_OK) == 0)
            snprintf(err, n, "%s: its sweep was interrupted (%s): finish it with shsim sweep "
                     "--resume first", dir, path);
    }
    if (rc < 0)
        return rc;
    static const char *const names[] = { "shard", "shards", "cells", "seeds", "runs",
                                         "curve_points", "grid" };
    char *line2 = strchr(fb.text, '\n') + 1, *eol = strchr(line2, '\n');
    unsigned long long v[6] = { 0 };
    char *f = line2;
    size_t i = 0;
    rc = -EINVAL;
    if ((size_t)(line2 - fb.text) != sizeof info_header ||
        memcmp(fb.text, info_header, sizeof info_header - 1) != 0) {
        snprintf(err, n, "%s/sweep_info.csv:1: not the header of a sweep's info file (%s)", dir,
                 info_header);
        goto done;
    }
    if (!eol) {
        snprintf(err, n, "%s/sweep_info.csv:2: no values", dir);
        goto done;
    }
    *eol = '\0';
    if (eol[1]) {
        snprintf(err, n, "%s/sweep_info.csv:3: more than one row of values", dir);
        goto done;
    }
    for (;; i++) {
        char *comma = strchr(f, ',');
        if (comma)
            *comma = '\0';
        if (i == 7) {
            snprintf(err, n, "%s/sweep_info.csv:2: more than 7 fields", dir);
            goto done;
        }
        int good = i < 6 ? all_digits(f) && (errno = 0, v[i] = strtoull(f, NULL, 10), !errno)
                         : strlen(f) == 16 && strspn(f, "0123456789abcdef") == 16;
        if (!good) {
            snprintf(err, n, "%s/sweep_info.csv:2: field '%s': '%.40s' is not %s", dir, names[i],
                     f, i < 6 ? "a whole number" : "16 hexadecimal digits");
            goto done;
        }
        if (i == 6)
            snprintf(pi->grid, sizeof pi->grid, "%s", f);
        if (!comma)
            break;
        f = comma + 1;
    }
    if (i < 6) {
        snprintf(err, n, "%s/sweep_info.csv:2: %zu fields, the header has 7", dir, i + 1);
        goto done;
    }
    if (v[1] < 1 || v[1] > UINT32_MAX || v[0] >= v[1]) {
        snprintf(err, n, "%s/sweep_info.csv:2: field 'shard': %llu of %llu shards is not a shard",
                 dir, v[0], v[1]);
        goto done;
    }
    if (v[5] > UINT32_MAX) {
        snprintf(err, n, "%s/sweep_info.csv:2: field 'curve_points': %llu is too large", dir,
                 v[5]);
        goto done;
    }
    if ((v[3] && v[2] > ULLONG_MAX / v[3]) || v[2] * v[3] != v[4]) {
        snprintf(err, n, "%s/sweep_info.csv:2: field 'runs': %llu, but %llu cells x %llu seeds",
                 dir, v[4], v[2], v[3]);
        goto done;
    }
    pi->shard = (uint32_t)v[0];
    pi->shards = (uint32_t)v[1];
    pi->cells = v[2];
    pi->seeds = v[3];
    pi->runs = v[4];
    pi->k = (uint32_t)v[5];
    rc = 0;
done:
    free(fb.text);
    return rc;
}

/* ---- running a shard --------------------------------------------------- */

enum { RUN_TODO, RUN_OK, RUN_FAILED };

typedef struct {
    const sweep_plan *p;
    size_t *mine, nmine, nruns;
    char **specs;       /* distinct workload specs of my cells */
    size_t nspecs;
    workload **wl;      /* [spec * nseeds + seed]; NULL: it could not be opened */
    char **wl_err;      /* [spec * nseeds + seed]: why not */
    int *wl_rc;
    size_t *cell_spec;  /* [my cell] index into specs */
    run_summary *sum;   /* [run] */
    double *samples;    /* [run * K + i] */
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
} sweep_job;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
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
#define FNV_BASIS 0xcbf29ce484222325ull

/* Messages go into one CSV field and one journal line: no line breaks. */
static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r' || *s == '\t')
            *s = ' ';
}

/* The spec of my cell mi with seed si, prepared against its workload. */
static int job_spec(const sweep_job *j, size_t mi, size_t si, run_spec *rs, char *err, size_t n)
{
    const sweep_plan *p = j->p;
    size_t w = j->cell_spec[mi] * p->nseeds + si;
    p->cell(p->cell_ctx, j->mine[mi], rs);
    rs->seed = p->seeds[si];
    rs->ep.trace = 0;
    rs->ep.narrate = NULL;
    rs->ep.sample_times = NULL;
    rs->ep.n_samples = 0;
    if (!j->wl[w]) {
        snprintf(err, n, "%s", j->wl_err[w] ? j->wl_err[w] : "out of memory");
        return j->wl_rc[w];
    }
    return run_spec_prepare(rs, j->wl[w], err, n);
}

static double sample_time(const run_spec *rs, uint32_t i, uint32_t k)
{
    return (double)(i + 1) * rs->ep.horizon / (double)k;
}

static int has_curve(const sweep_plan *p, const run_spec *rs)
{
    return p->curve_points > 0 && isfinite(rs->ep.horizon);
}

/* Run r (of my runs) into its slot: 0, or -errno with why. */
static int one_run(sweep_job *j, size_t r, run_spec *rs, double *times, char *why, size_t n)
{
    const sweep_plan *p = j->p;
    size_t mi = r / p->nseeds, si = r % p->nseeds, k = p->curve_points;
    int rc = job_spec(j, mi, si, rs, why, n);
    if (rc == 0 && p->inject)
        rc = p->inject(p->inject_ctx, j->mine[mi] * p->nseeds + si, why, n);
    if (rc == 0) {
        if (has_curve(p, rs)) {
            for (uint32_t i = 0; i < k; i++)
                times[i] = sample_time(rs, i, (uint32_t)k);
            rs->ep.sample_times = times;
            rs->ep.n_samples = k;
        }
        run_result res;
        rc = run_spec_run(rs, j->wl[j->cell_spec[mi] * p->nseeds + si], &res, why, n);
        if (rc == 0) {
            j->sum[r] = res.sum;
            for (size_t i = 0; i < k; i++)
                j->samples[r * k + i] = res.samples ? res.samples[i] : (double)NAN;
            run_result_free(&res);
        }
    }
    if (rc < 0)
        one_line(why);
    return rc;
}

/* ---- the journal --------------------------------------------------------
 *
 * DIR/.sweep.journal, text, one line per record, each ending in ",H\n" where
 * H is the FNV-1a hash (16 hex digits) of the bytes before the comma:
 *   shsim-sweep-journal 1,grid G,shard I/K,runs N,curve-points C,H
 *   RUN,ok,TS,TR,JOBS,EPT,EPR,CUT,DROP,WORKERS,END,BUSY,IDLE,BEST,BESTR,TTT,TFR,S1..SC,H
 *   RUN,fail,MESSAGE,H
 * RUN is the run's index in the whole grid (cell * seeds + seed index);
 * numbers are printed as in the CSV files (shortest round trip, NaN empty),
 * so a resumed run's row is the bytes the run itself gave; MESSAGE has ','
 * '%' and control bytes as %XX.  A line is appended with one write() per
 * run, so a kill leaves at most its last line torn: it fails its hash. */

static const char journal_magic[] = "shsim-sweep-journal 1";

static void journal_header(const sweep_job *j, const char *grid, char *buf, size_t n)
{
    const sweep_plan *p = j->p;
    int len = snprintf(buf, n, "%s,grid %s,shard %u/%u,runs %zu,curve-points %u", journal_magic,
                       grid, p->shard + 1, p->shards, j->nruns, p->curve_points);
    snprintf(buf + len, n - (size_t)len, ",%016llx\n",
             (unsigned long long)fnv(FNV_BASIS, buf, (size_t)len));
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? -errno : -EIO;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Append run r's record; under the lock.  0 or -errno (j->err says). */
static int journal_append(sweep_job *j, size_t r)
{
    const sweep_plan *p = j->p;
    size_t ns = p->nseeds, k = p->curve_points, len = 0, cap = j->jcap;
    char *b = j->jbuf;
    len += (size_t)snprintf(b, cap, "%zu,%s", j->mine[r / ns] * ns + r % ns,
                            j->state[r] == RUN_OK ? "ok" : "fail");
    if (j->state[r] == RUN_OK) {
        const run_summary *s = &j->sum[r];
        len += (size_t)snprintf(b + len, cap - len, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%u",
                                (unsigned long long)s->trials_started,
                                (unsigned long long)s->trials_rmax, (unsigned long long)s->jobs,
                                (unsigned long long)s->epochs_trained,
                                (unsigned long long)s->epochs_replayed,
                                (unsigned long long)s->jobs_cut,
                                (unsigned long long)s->jobs_dropped, s->workers);
        double v[] = { s->end_time, s->busy,           s->idle,           s->best,
                       s->best_rmax, s->time_to_target, s->time_first_rmax };
        for (size_t i = 0; i < 7 + k; i++) {
            b[len++] = ',';
            fmt_double(b + len, cap - len, i < 7 ? v[i] : j->samples[r * k + i - 7]);
            len += strlen(b + len);
        }
    } else {
        b[len++] = ',';
        for (const char *m = j->why[r] ? j->why[r] : "out of memory"; *m; m++) {
            unsigned char c = (unsigned char)*m;
            if (c == ',' || c == '%' || c < 0x20 || c == 0x7f)
                len += (size_t)snprintf(b + len, cap - len, "%%%02X", c);
            else
                b[len++] = (char)c;
        }
    }
    len += (size_t)snprintf(b + len, cap - len, ",%016llx\n",
                            (unsigned long long)fnv(FNV_BASIS, b, len));
    int rc = write_all(j->jfd, b, len);
    double t = mono_s();
    if (rc == 0 && t - j->jsynced >= 1.0) {
        j->jsynced = t;
        if (fsync(j->jfd) < 0 && errno != EINVAL)
            rc = -errno;
    }
    if (rc < 0)
        snprintf(j->err, sizeof j->err, "%s: write failed: %s", j->jpath, strerror(-rc));
    return rc;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!all_digits(s))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno)
        return -1;
    *out = v;
    return 0;
}

static int parse_num(const char *s, double *out)
{
    if (!*s) {
        *out = NAN;
        return 0;
    }
    char *end;
    *out = strtod(s, &end);
    return *end || isnan(*out) ? -1 : 0;
}

static int unhex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Check line (len bytes, no newline) against its hash and split it at the
 * commas in place: 0 and the fields, or -1. */
static int journal_fields(char *line, size_t len, char **f, size_t maxf, size_t *nf)
{
    if (len < 18 || line[len - 17] != ',')
        return -1;
    uint64_t want = 0;
    for (size_t i = len - 16; i < len; i++) {
        char c = line[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        want = want << 4 | (uint64_t)d;
    }
    len -= 17;
    if (fnv(FNV_BASIS, line, len) != want || memchr(line, '\0', len))
        return -1;
    line[len] = '\0';
    *nf = 0;
    for (char *q = line;; q++) {
        if (*nf == maxf)
            return -1;
        f[(*nf)++] = q;
        if (!(q = strchr(q, ',')))
            return 0;
        *q = '\0';
    }
}

/* Apply one record line to the slots: 0, or -1 when it is not a valid
 * record of this grid. */
static int journal_record(sweep_job *j, char *line, size_t len, char **f)
{
    const sweep_plan *p = j->p;
    size_t ns = p->nseeds, k = p->curve_points, nf;
    if (journal_fields(line, len, f, 18 + k, &nf) < 0 || nf < 3)
        return -1;
    uint64_t g;
    if (parse_u64(f[0], &g) < 0 || g / ns >= p->ncells || (g / ns) % p->shards != p->shard)
        return -1;
    size_t r = ((size_t)(g / ns) - p->shard) / p->shards * ns + (size_t)(g % ns);
    if (strcmp(f[1], "fail") == 0 && nf == 3) {
        char *m = f[2], *o = f[2];
        for (; *m; m++) {
            if (*m == '%') {
                int hi = unhex(m[1]), lo = hi < 0 ? -1 : unhex(m[2]);
                if (lo < 0)
                    return -1;
                *o++ = (char)(hi << 4 | lo);
                m += 2;
            } else {
                *o++ = *m;
            }
        }
        *o = '\0';
        free(j->why[r]);
        j->why[r] = strdup(f[2]);
        j->state[r] = RUN_FAILED;
        return 0;
    }
    if (strcmp(f[1], "ok") != 0 || nf != 17 + k)
        return -1;
    run_summary s;
    memset(&s, 0, sizeof s);
    uint64_t *u[] = { &s.trials_started, &s.trials_rmax,  &s.jobs,        &s.epochs_trained,
                      &s.epochs_replayed, &s.jobs_cut,    &s.jobs_dropped };
    for (size_t i = 0; i < 7; i++)
        if (parse_u64(f[2 + i], u[i]) < 0)
            return -1;
    uint64_t w;
    if (parse_u64(f[9], &w) < 0 || w > UINT32_MAX)
        return -1;
    s.workers = (uint32_t)w;
    double *d[] = { &s.end_time, &s.busy, &s.idle, &s.best, &s.best_rmax, &s.time_to_target,
                    &s.time_first_rmax };
    for (size_t i = 0; i < 7; i++)
        if (parse_num(f[10 + i], d[i]) < 0)
            return -1;
    for (size_t i = 0; i < k; i++)
        if (parse_num(f[17 + i], &j->samples[r * k + i]) < 0)
            return -1;
    j->sum[r] = s;
    free(j->why[r]);
    j->why[r] = NULL;
    j->state[r] = RUN_OK;
    return 0;
}

/* Read the journal text (len bytes, NUL-terminated) into the slots.  *keep:
 * the bytes to keep (up to the last complete line); *bad: complete lines
 * that were not valid records.  0, or -EINVAL for another grid's journal
 * (why in err), -ENOMEM. */
static int journal_load(sweep_job *j, char *text, size_t len, const char *hdr, size_t *keep,
                        size_t *bad, char *err, size_t n)
{
    *keep = *bad = 0;
    char *eol = memchr(text, '\n', len);
    if (!eol)
        return 0; /* the header itself is torn: an empty journal */
    size_t hlen = (size_t)(eol - text) + 1;
    if (hlen != strlen(hdr) || memcmp(text, hdr, hlen) != 0) {
        char *f[8], *g[8], mine[256];
        size_t nf, ng;
        snprintf(mine, sizeof mine, "%s", hdr);
        *eol = '\0';
        if (strncmp(text, journal_magic, strlen(journal_magic)) != 0 ||
            journal_fields(text, hlen - 1, f, 8, &nf) < 0 || nf != 5 ||
            journal_fields(mine, strlen(mine) - 1, g, 8, &ng) < 0)
            snprintf(err, n, "%s: not a journal of shsim sweep", j->jpath);
        else
            snprintf(err, n,
                     "%s: the journal of another sweep (%s, %s, %s, %s; this sweep has %s, %s, "
                     "%s, %s): resume with the options that started it, or delete the journal "
                     "to start over",
                     j->jpath, f[1], f[2], f[3], f[4], g[1], g[2], g[3], g[4]);
        return -EINVAL;
    }
    *keep = hlen;
    char **f = malloc((20 + j->p->curve_points) * sizeof *f);
    if (!f) {
        snprintf(err, n, "%s: out of memory", j->jpath);
        return -ENOMEM;
    }
    for (char *q = text + hlen; (eol = memchr(q, '\n', len - (size_t)(q - text))); q = eol + 1) {
        *keep = (size_t)(eol - text) + 1;
        if (journal_record(j, q, (size_t)(eol - q), f) < 0)
            ++*bad;
    }
    free(f);
    return 0;
}

/* Read the whole of fd (from 0): 0 and a malloc'd NUL-terminated text. */
static int read_fd(int fd, char **text, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    if (!b)
        return -ENOMEM;
    for (;;) {
        if (n + 1 == cap) {
            char *q = realloc(b, cap *= 2);
            if (!q) {
                free(b);
                return -ENOMEM;
            }
            b = q;
        }
        ssize_t got = pread(fd, b + n, cap - n - 1, (off_t)n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(b);
            return -e;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    b[n] = '\0';
    *text = b;
    *len = n;
    return 0;
}

/* Open (resume) or start the journal in dir.  0 with j->jfd open, locked
 * and positioned at its end; -errno with err. */
static int journal_open(sweep_job *j, const char *dir, const char *grid, char *err, size_t n)
{
    const sweep_plan *p = j->p;
    char hdr[256];
    journal_header(j, grid, hdr, sizeof hdr);
    int rc = make_dirs(dir);
    if (rc < 0) {
        snprintf(err, n, "%s: cannot create folder: %s", dir, strerror(-rc));
        return rc;
    }
    if ((size_t)snprintf(j->jpath, sizeof j->jpath, "%s/%s", dir, SWEEP_JOURNAL) >=
        sizeof j->jpath) {
        snprintf(err, n, "%s: path too long", dir);
        return -ENAMETOOLONG;
    }
    int fd = open(j->jpath, O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        rc = -errno;
        snprintf(err, n, "%s: %s", j->jpath, strerror(errno));
        return rc;
    }
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    if (fcntl(fd, F_SETLK, &lk) < 0) {
        rc = errno == EACCES || errno == EAGAIN ? -EBUSY : -errno;
        struct flock who = lk;
        if (rc == -EBUSY && fcntl(fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK)
            snprintf(err, n, "%s: another sweep (process %ld) is running in this folder",
                     dir, (long)who.l_pid);
        else
            snprintf(err, n, "%s: cannot lock: %s", j->jpath, strerror(-rc));
        close(fd);
        return rc;
    }
    char *text = NULL;
    size_t len = 0, keep = 0, bad = 0;
    if ((rc = read_fd(fd, &text, &len)) < 0) {
        snprintf(err, n, "%s: %s", j->jpath, strerror(-rc));
        goto fail;
    }
    if (len > 0) {
        rc = journal_load(j, text, len, hdr, &keep, &bad, err, n);
        if (!p->resume) {
            size_t done = 0;
            for (size_t r = 0; r < j->nruns; r++)
                done += j->state[r] == RUN_OK;
            if (rc == 0)
                snprintf(err, n,
                         "%s holds an interrupted run of this sweep (%zu of %zu runs done; "
                         "%s): continue it with --resume, or delete the journal to start over",
                         dir, done, j->nruns, SWEEP_JOURNAL);
            else if (rc == -EINVAL)
                snprintf(err, n,
                         "%s holds an interrupted sweep of another grid (%s): choose another "
                         "--out, or delete the journal to start over",
                         dir, SWEEP_JOURNAL);
            rc = rc == -ENOMEM ? rc : -EEXIST;
            free(text);
            close(fd); /* untouched */
            return rc;
        }
        if (rc < 0)
            goto fail;
    }
    free(text);
    text = NULL;
    /* cut a torn last line (or a torn header) before appending */
    if (keep < len && ftruncate(fd, (off_t)keep) < 0) {
        rc = -errno;
        snprintf(err, n, "%s: %s", j->jpath, strerror(errno));
        goto fail;
    }
    if (keep == 0 && (rc = write_all(fd, hdr, strlen(hdr))) < 0) {
        snprintf(err, n, "%s: write failed: %s", j->jpath, strerror(-rc));
        if (len == 0)
            unlink(j->jpath); /* ours: leave the folder as it was */
        goto fail;
    }
    if (lseek(fd, 0, SEEK_END) < 0 || fsync(fd) < 0) {
        rc = -errno;
        snprintf(err, n, "%s: %s", j->jpath, strerror(errno));
        goto fail;
    }
    j->jfd = fd;
    j->jsynced = mono_s();
    return 0;
fail:
    free(text);
    close(fd);
    return rc;
}

/* Stop writing the journal: fsync and close (it stays for --resume). */
static void journal_close(sweep_job *j)
{
    if (j->jfd < 0)
        return;
    fsync(j->jfd);
    close(j->jfd);
    j->jfd = -1;
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
        if (j->rc == 0 && journal_append(j, r) < 0)
            j->rc = -EIO;
        if (j->p->progress)
            j->p->progress(j->p->progress_ctx, j->done, j->ntodo);
        pthread_mutex_unlock(&j->lock);
    }
    free(rs);
    free(times);
    return NULL;
}

/* A hash of everything that defines the grid: every cell's describing
 * columns plus what they leave out, the seeds and the curve points. */
static int grid_hash(const sweep_plan *p, run_spec *rs, uint64_t *out)
{
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
/* Copy what m holds since its last rewind to f, less its final newline. */
static void put_line_of(FILE *f, FILE *m, char **buf)
{
    fflush(m);
    size_t len = (size_t)ftell(m);
    if (len && (*buf)[len - 1] == '\n')
        len--;
    fwrite(*buf, 1, len, f);
    rewind(m);
}

static int job_write(sweep_job *j, const char *dir, run_spec *rs, const char *grid, char *err,
                     size_t n)
{
    const sweep_plan *p = j->p;
    size_t ns = p->nseeds, k = p->curve_points;
    double *v = malloc((ns + 1) * sizeof *v);
    out_set *os = malloc(sizeof *os);
    char *mbuf = NULL;
    size_t mlen = 0;
    FILE *m = open_memstream(&mbuf, &mlen);
    if (!v || !os || !m) {
        free(v);
        free(os);
        if (m)
            fclose(m);
        free(mbuf);
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
        fclose(m);
        free(mbuf);
        return -EIO;
    }
    fputs("cell,", runs);
    summary_header(m);
    put_line_of(runs, m, &mbuf);
    fputs(",status\n", runs);
    fputs("cell,", agg);
    summary_spec_header(agg);
    fputs(",runs,runs_ok", agg);
    for (size_t mt = 0; mt < NMETRICS; mt++) {
        fprintf(agg, ",%s_mean,%s_sd,%s_lo,%s_hi", metrics[mt].name, metrics[mt].name,
                metrics[mt].name, metrics[mt].name);
        if (metrics[mt].may_miss)
            fprintf(agg, ",%s_n", metrics[mt].name);
    }
    fputc('\n', agg);
    fputs("cell,", cur);
    summary_spec_header(cur);
    fputs(",time,n,mean,sd,lo,hi\n", cur);
    char why[1536];
    for (size_t mi = 0; mi < j->nmine; mi++) {
        size_t c = j->mine[mi], ok = 0;
        for (size_t si = 0; si < ns; si++) {
            size_t r = mi * ns + si;
            (void)job_spec(j, mi, si, rs, why, sizeof why); /* as in the run */
            fprintf(runs, "%zu,", c);
            if (j->state[r] == RUN_OK) {
                ok++;
                summary_row(m, rs, &j->sum[r]);
                put_line_of(runs, m, &mbuf);
                fputs(",ok\n", runs);
                continue;
            }
            const char *msg = j->why[r] ? j->why[r] : "out of memory";
            summary_spec_row(runs, rs);
            for (size_t mt = 0; mt <= NMETRICS; mt++) /* empty metrics, then the status */
                fputc(',', runs);
            put_csv_field(runs, msg);
            fputc('\n', runs);
            if (p->failed)
                p->failed(p->failed_ctx, c, p->seeds[si], msg);
        }
        (void)job_spec(j, mi, 0, rs, why, sizeof why);
        fprintf(agg, "%zu,", c);
        summary_spec_row(agg, rs);
        fprintf(agg, ",%zu,%zu", ns, ok);
        for (size_t mt = 0; mt < NMETRICS; mt++) {
            for (size_t si = 0; si < ns; si++)
                v[si] = j->state[mi * ns + si] == RUN_OK ? metric_value(&j->sum[mi * ns + si], mt)
                                                        : (double)NAN;
            put_stat(agg, sweep_stat_of(v, ns), metrics[mt].may_miss);
        }
        fputc('\n', agg);
        if (!has_curve(p, rs))
            continue;
        for (uint32_t i = 0; i < k; i++) {
            for (size_t si = 0; si < ns; si++)
                v[si] = j->state[mi * ns + si] == RUN_OK ? j->samples[(mi * ns + si) * k + i]
                                                        : (double)NAN;
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
    int rc = ferror(m) ? -ENOMEM : 0;
    fclose(m);
    free(mbuf);
    if (rc < 0) {
        out_set_abort(os);
        snprintf(err, n, "out of memory");
    } else if ((rc = out_set_commit(os)) < 0) {
        snprintf(err, n, "%s", os->err);
    }
    free(os);
    free(v);
    return rc;
}

/* Resume with no journal: are the files of this very sweep already there?
 * (sweep_info.csv is renamed into place last, after sweep.csv.) */
static int already_complete(const sweep_job *j, const char *dir, const char *grid,
                            sweep_report *rep)
{
    const sweep_plan *p = j->p;
    part_info pi;
    char why[512];
    if (access(j->jpath, F_OK) == 0 || read_info(dir, &pi, why, sizeof why) < 0 ||
        strcmp(pi.grid, grid) != 0 || pi.shard != p->shard || pi.shards != p->shards)
        return 0;
    file_buf fb;
    if (read_all(dir, "sweep.csv", &fb, why, sizeof why) < 0)
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
    rep->runs = j.nruns;

    uint64_t h;
    char grid[24];
    if (grid_hash(p, rs, &h) < 0)
        goto nomem;
    snprintf(grid, sizeof grid, "%016llx", (unsigned long long)h);
    if (p->resume) {
        snprintf(j.jpath, sizeof j.jpath, "%s/%s", dir, SWEEP_JOURNAL);
        if (already_complete(&j, dir, grid, rep)) {
            rc = 0;
            goto out;
        }
    }

    /* open every distinct (workload, seed) once; one that fails fails its
     * runs, not the sweep */
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
    size_t nw = j.nspecs * p->nseeds;
    j.wl = calloc(nw + 1, sizeof *j.wl);
    j.wl_err = calloc(nw + 1, sizeof *j.wl_err);
    j.wl_rc = calloc(nw + 1, sizeof *j.wl_rc);
    if (!j.wl || !j.wl_err || !j.wl_rc)
        goto nomem;
    for (size_t s = 0; s < j.nspecs; s++)
        for (size_t si = 0; si < p->nseeds; si++) {
            char why[1536];
            wl_params wp = wl_default_params();
            wp.seed = p->seeds[si];
            size_t w = s * p->nseeds + si;
            if ((j.wl_rc[w] = workload_open(&j.wl[w], j.specs[s], &wp, why, sizeof why)) < 0) {
                j.wl[w] = NULL;
                one_line(why);
                if (!(j.wl_err[w] = strdup(why)))
                    goto nomem;
            }
        }
    /* check every cell (with the first seed) before running anything: when
     * none can run, the grid itself is wrong */
    size_t bad = 0;
    for (size_t mi = 0; mi < j.nmine; mi++) {
        char why[1536];
        sched *core = NULL;
        int crc = job_spec(&j, mi, 0, rs, why, sizeof why);
        if (crc == 0 && (crc = sched_alloc(&core, rs->type, &rs->sp)) < 0)
            snprintf(why, sizeof why, "cannot make the %s core (eta %u, r_min %u, r_max %u): %s",
                     sched_type_name(rs->type), rs->sp.eta, rs->sp.r_min, rs->sp.r_max,
                     crc == -ENOMEM ? "out of memory" : "too many rung levels or a bracket too large");
        sched_free(core);
        if (crc < 0 && bad++ == 0) {
            rc = crc;
            snprintf(err, n, "cell %zu: %s", j.mine[mi], why);
        }
    }
    if (bad == j.nmine)
        goto out;
    rc = -ENOMEM;
    j.sum = calloc(j.nruns + 1, sizeof *j.sum);
    j.samples = malloc((j.nruns * p->curve_points + 1) * sizeof *j.samples);
    j.state = calloc(j.nruns + 1, 1);
    j.why = calloc(j.nruns + 1, sizeof *j.why);
    j.todo = malloc((j.nruns + 1) * sizeof *j.todo);
    j.jcap = ((size_t)p->curve_points + 32) * 32 + 3 * sizeof(char[1536]) + 256;
    j.jbuf = malloc(j.jcap);
    if (!j.sum || !j.samples || !j.state || !j.why || !j.todo || !j.jbuf)
        goto nomem;

    if ((rc = journal_open(&j, dir, grid, err, n)) < 0)
        goto out;
    for (size_t r = 0; r < j.nruns; r++) {
        rep->resumed += j.state[r] == RUN_OK;
        if (j.state[r] != RUN_OK)
            j.todo[j.ntodo++] = r;
    }

    pthread_mutex_init(&j.lock, NULL);
    uint32_t nt = p->threads;
    if (nt > j.ntodo)
        nt = j.ntodo ? (uint32_t)j.ntodo : 1;
    if (nt == 1) {
        job_thread(&j);
    } else if ((tid = malloc(nt * sizeof *tid))) {
        uint32_t started = 0;
        for (; started < nt; started++)
            if (pthread_create(&tid[started], NULL, job_thread, &j) != 0)
                break;
        if (started == 0)
            job_thread(&j); /* no thread could start: run here */
        for (uint32_t i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
    } else {
        job_thread(&j); /* no memory for more threads: run here */
    }
    pthread_mutex_destroy(&j.lock);
    for (size_t r = 0; r < j.nruns; r++) {
        rep->done += j.state[r] != RUN_TODO;
        rep->failed += j.state[r] == RUN_FAILED;
    }
    if (j.rc < 0) {
        rc = j.rc;
        snprintf(err, n, "%s", j.err);
        goto out;
    }
    if (rep->done < j.nruns) {
        rc = -EINTR;
        snprintf(err, n, "interrupted: %zu of %zu runs done; resume with --resume", rep->done,
                 j.nruns);
        goto out;
    }
    rc = job_write(&j, dir, rs, grid, err, n);
    if (rc == 0) {
        unlink(j.jpath); /* complete: the journal has served */
        close(j.jfd);
        j.jfd = -1;
    } else {
        size_t len = strlen(err);
        snprintf(err + len, n - len, " (every run is kept in %s: --resume writes the files "
                 "without running again)", j.jpath);
    }
    goto out;
nomem:
    rc = -ENOMEM;
    snprintf(err, n, "sweep: out of memory");
out:
    journal_close(&j);
    if (j.wl)
        for (size_t i = 0; i < j.nspecs * p->nseeds; i++)
            workload_free(j.wl[i]);
    if (j.wl_err)
        for (size_t i = 0; i < j.nspecs * p->nseeds; i++)
            free(j.wl_err[i]);
    if (j.why)
        for (size_t r = 0; r < j.nruns; r++)
            free(j.why[r]);
    for (size_t s = 0; s < j.nspecs; s++)
        free(j.specs[s]);
    free(j.specs);
    free(j.wl);
    free(j.wl_err);
    free(j.wl_rc);
    free(j.mine);
    free(j.cell_spec);
    free(j.sum);
    free(j.samples);
    free(j.state);
    free(j.why);
    free(j.todo);
    free(j.jbuf);
    free(tid);
    free(rs);
    return rc;
}

/* ---- merging shards ---------------------------------------------------- */

static const char *const part_files[] = { "sweep.csv", "sweep_agg.csv", "sweep_curves.csv" };
#define NPART_FILES (sizeof part_files / sizeof *part_files)

typedef struct {
    size_t cell, order;
    const char *line; /* including its newline */
    size_t len;
} merge_line;

/* The fields of the CSV line [p, eol): commas outside quotes, plus one. */
static size_t csv_fields(const char *p, const char *eol)
{
    size_t nf = 1;
    int quoted = 0;
    for (; p < eol; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            nf++;
    }
    return nf;
}

static int cmp_lines(const void *x, const void *y)
{
    const merge_line *a = x, *b = y;
    if (a->cell != b->cell)
        return a->cell < b->cell ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
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
    /* two passes: check every part file, then write (so that a bad part
     * leaves out as it was, not even created) */
    size_t cap = 0;
    for (size_t step = 0; step < 2 * NPART_FILES; step++) {
        size_t pass = step / NPART_FILES, fi = step % NPART_FILES;
        size_t nl = 0, order = 0;
        const char *hdr0 = NULL;
        size_t hlen0 = 0;
        for (size_t d = 0; d < ndirs; d++) {
            file_buf *b = &fb[d * NPART_FILES + fi];
            if (!pass && (rc = read_all(dirs[d], part_files[fi], b, err, n)) < 0)
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
            size_t lineno = 1, nfields = csv_fields(b->text, eol);
            for (p = eol + 1; p < end; p = eol + 1) {
                lineno++;
                eol = memchr(p, '\n', (size_t)(end - p));
                char *q;
                errno = 0;
                unsigned long long c = strtoull(p, &q, 10);
                if (q == p || *q != ',' || errno || c >= pi[d].cells ||
                    c % pi[d].shards != pi[d].shard) {
                    snprintf(err, n, "%s/%s:%zu: field 'cell': '%.*s' is not a cell of shard %u/%u",
                             dirs[d], part_files[fi], lineno,
                             (int)strcspn(p, ",\n") < 40 ? (int)strcspn(p, ",\n") : 40, p,
                             pi[d].shard + 1, pi[d].shards);
                    goto out;
                }
                size_t nf = csv_fields(p, eol);
                if (nf != nfields) {
                    snprintf(err, n, "%s/%s:%zu: %zu fields, the header has %zu", dirs[d],
                             part_files[fi], lineno, nf, nfields);
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
        if (!pass)
            continue;
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
