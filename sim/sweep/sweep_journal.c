/*
 * sim/sweep/sweep_journal.c -- the journal that makes a sweep resumable: append,
 * load, open (with its lock), close, torn-line handling.  See sweep.h and
 * sweep_journal.h.
 *
 * DIR/.sweep.journal, text, one line per record, each ending in ",H\n" where
 * H is the FNV-1a hash (16 hex digits) of the bytes before the comma:
 *   shsim-sweep-journal 2,grid G,shard I/K,runs N,curve-points C,H
 *   RUN,ok,COUNTS,WORKERS,DOUBLES,S1..SC,R1..RC,H
 *   RUN,fail,MESSAGE,H
 *   input,FILEHASH,PATH,H      (after the header: a file the grid reads)
 * RUN is the run's index in the whole grid (cell * seeds + seed index);
 * COUNTS and DOUBLES are the stored summary columns of sim/summary.h in
 * their order, the counts and then the doubles (today TS,TR,JOBS,EPT,EPR,
 * CUT,DROP and END,BUSY,IDLE,BEST,BESTR,TTT,TFR,TTTR); a derived column
 * (idle_fraction) is recomputed, not journaled.  A record with another
 * field count (a journal of a build with other columns) is not valid, so
 * its run is run again;
 * FILEHASH is part of the grid hash G, and names the file when G differs;
 * numbers are printed as in the CSV files (shortest round trip, NaN empty),
 * so a resumed run's row is the bytes the run itself gave; MESSAGE has ','
 * '%' and control bytes as %XX.  A line is appended with one write() per
 * run, so a kill leaves at most its last line torn: it fails its hash.
 *
 * Invariant: a resumed run's slot is read back from the journal, whose
 * numbers round-trip exactly, so its rows are the bytes the run gave.
 * (S: the best-so-far samples, R: the best_rmax samples; version 2 added
 * TTTR and R, so a version-1 journal is refused as another sweep's.)
 * Cost: one write() of about 25(2K + 16) bytes per run and at most one
 * fsync a second.
 */
#include "sim/sweep/sweep_journal.h"
#include "sim/output.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char journal_magic[] = "shsim-sweep-journal 2";

/* The fields of an ok record before its samples: RUN, ok, the stored
 * summary columns and WORKERS. */
#define JOURNAL_OK_FIELDS (3 + SUMMARY_NCOUNTS + SUMMARY_NSTORED_DOUBLES)

static void journal_header(const sweep_job *j, const char *grid, char *buf, size_t n)
{
    const sweep_plan *p = j->p;
    int len = snprintf(buf, n, "%s,grid %s,shard %u/%u,runs %zu,curve-points %u", journal_magic,
                       grid, p->shard + 1, p->shards, j->nruns, p->curve_points);
    snprintf(buf + len, n - (size_t)len, ",%016llx\n",
             (unsigned long long)sweep_fnv(FNV_BASIS, buf, (size_t)len));
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

int sweep_journal_append(sweep_job *j, size_t r)
{
    const sweep_plan *p = j->p;
    size_t ns = p->nseeds, k = p->curve_points, len = 0, cap = j->jcap;
    char *b = j->jbuf;
    len += (size_t)snprintf(b, cap, "%zu,%s", j->mine[r / ns] * ns + r % ns,
                            j->state[r] == RUN_OK ? "ok" : "fail");
    if (j->state[r] == RUN_OK) {
        const run_summary *s = &j->sum[r];
#define PUT_C_(name, label) len += (size_t)snprintf(b + len, cap - len, ",%llu", (unsigned long long)s->name);
        SUMMARY_COLUMN_MAP(PUT_C_, SUMMARY_COUNT_NONE_, SUMMARY_COUNT_NONE_)
#undef PUT_C_
        len += (size_t)snprintf(b + len, cap - len, ",%u", s->workers);
#define VAL_D_(name, ...) s->name,
        double v[SUMMARY_NSTORED_DOUBLES] = { SUMMARY_COLUMN_MAP(SUMMARY_COUNT_NONE_, VAL_D_,
                                                                 SUMMARY_COUNT_NONE_) };
#undef VAL_D_
        for (size_t i = 0; i < SUMMARY_NSTORED_DOUBLES + 2 * k; i++) {
            b[len++] = ',';
            base_fmt_double(b + len, cap - len,
                       i < SUMMARY_NSTORED_DOUBLES ? v[i]
                                                   : j->samples[r * 2 * k + i - SUMMARY_NSTORED_DOUBLES]);
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
                            (unsigned long long)sweep_fnv(FNV_BASIS, b, len));
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

/* Append s to b (at len, cap bytes) with ',' '%' and control bytes as %XX. */
static size_t put_escaped(char *b, size_t len, size_t cap, const char *s)
{
    for (; *s && len + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ',' || c == '%' || c < 0x20 || c == 0x7f)
            len += (size_t)snprintf(b + len, cap - len, "%%%02X", c);
        else
            b[len++] = (char)c;
    }
    b[len] = '\0';
    return len;
}

/* The input lines of the journal, one per file of the grid. */
static int write_inputs(const sweep_job *j, int fd)
{
    char b[13000];
    for (size_t i = 0; i < j->nin; i++) {
        size_t len = (size_t)snprintf(b, sizeof b, "input,%016llx,",
                                      (unsigned long long)j->in_hash[i]);
        len = put_escaped(b, len, sizeof b - 20, j->in_path[i]);
        len += (size_t)snprintf(b + len, sizeof b - len, ",%016llx\n",
                                (unsigned long long)sweep_fnv(FNV_BASIS, b, len));
        int rc = write_all(fd, b, len);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int unhex(char c);
static int journal_fields(char *line, size_t len, char **f, size_t maxf, size_t *nf);

/* A journal of another grid: does one of its input lines name a file of
 * this grid whose bytes changed since?  1 with the message in err. */
static int input_changed(const sweep_job *j, char *text, size_t len, char *err, size_t n)
{
    char *f[4];
    size_t nf;
    for (char *q = text, *eol; (eol = memchr(q, '\n', len - (size_t)(q - text))); q = eol + 1) {
        if (strncmp(q, "input,", 6) != 0 || journal_fields(q, (size_t)(eol - q), f, 4, &nf) < 0 ||
            nf != 3)
            continue;
        char *o = f[2];
        for (char *m = f[2]; *m; m++) { /* undo %XX in place */
            int hi = *m == '%' ? unhex(m[1]) : -1, lo = hi < 0 ? -1 : unhex(m[2]);
            *o++ = lo < 0 ? *m : (char)(hi << 4 | lo);
            m += lo < 0 ? 0 : 2;
        }
        *o = '\0';
        for (size_t i = 0; i < j->nin; i++) {
            char now[20];
            snprintf(now, sizeof now, "%016llx", (unsigned long long)j->in_hash[i]);
            if (strcmp(j->in_path[i], f[2]) == 0 && strcmp(now, f[1]) != 0) {
                snprintf(err, n, "%s: changed since the sweep in %s began (its checksum "
                         "differs): restore it, or delete the journal to start over",
                         f[2], j->jpath);
                return 1;
            }
        }
    }
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!sweep_all_digits(s))
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
        *out = (double)NAN;
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
    if (sweep_fnv(FNV_BASIS, line, len) != want || memchr(line, '\0', len))
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
    if (journal_fields(line, len, f, JOURNAL_OK_FIELDS + 1 + 2 * k, &nf) < 0 || nf < 3)
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
    if (strcmp(f[1], "ok") != 0 || nf != JOURNAL_OK_FIELDS + 2 * k)
        return -1;
    run_summary s;
    memset(&s, 0, sizeof s);
#define ADDR_C_(name, label) &s.name,
#define ADDR_D_(name, ...) &s.name,
    uint64_t *u[SUMMARY_NCOUNTS] = { SUMMARY_COLUMN_MAP(ADDR_C_, SUMMARY_COUNT_NONE_,
                                                        SUMMARY_COUNT_NONE_) };
    double *d[SUMMARY_NSTORED_DOUBLES] = { SUMMARY_COLUMN_MAP(SUMMARY_COUNT_NONE_, ADDR_D_,
                                                              SUMMARY_COUNT_NONE_) };
#undef ADDR_C_
#undef ADDR_D_
    char **at = f + 2;
    for (size_t i = 0; i < SUMMARY_NCOUNTS; i++)
        if (parse_u64(*at++, u[i]) < 0)
            return -1;
    uint64_t w;
    if (parse_u64(*at++, &w) < 0 || w > UINT32_MAX)
        return -1;
    s.workers = (uint32_t)w;
    for (size_t i = 0; i < SUMMARY_NSTORED_DOUBLES; i++)
        if (parse_num(*at++, d[i]) < 0)
            return -1;
    for (size_t i = 0; i < 2 * k; i++)
        if (parse_num(*at++, &j->samples[r * 2 * k + i]) < 0)
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
        if (input_changed(j, eol + 1, len - hlen, err, n))
            return -EINVAL;
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
    char **f = malloc((JOURNAL_OK_FIELDS + 3 + 2 * (size_t)j->p->curve_points) * sizeof *f);
    if (!f) {
        snprintf(err, n, "%s: out of memory", j->jpath);
        return -ENOMEM;
    }
    for (char *q = text + hlen; (eol = memchr(q, '\n', len - (size_t)(q - text))); q = eol + 1) {
        *keep = (size_t)(eol - text) + 1;
        if (strncmp(q, "input,", 6) == 0)
            continue; /* the grid hash in the header covers it */
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

int sweep_journal_open(sweep_job *j, const char *dir, const char *grid, char *err, size_t n)
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
        size_t done = 0, ended = 0;
        for (size_t r = 0; r < j->nruns; r++) {
            done += j->state[r] == RUN_OK;
            ended += j->state[r] != RUN_TODO;
        }
        if (!p->resume && rc == 0 && ended == j->nruns) {
            /* the journal a complete sweep keeps for its failed runs (for
             * --resume to retry them): without --resume, start over */
            memset(j->state, RUN_TODO, j->nruns);
            keep = 0;
        } else if (!p->resume) {
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
    if (keep == 0 && ((rc = write_all(fd, hdr, strlen(hdr))) < 0 || (rc = write_inputs(j, fd)) < 0)) {
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

void sweep_journal_close(sweep_job *j)
{
    if (j->jfd < 0)
        return;
    fsync(j->jfd);
    close(j->jfd);
    j->jfd = -1;
}
