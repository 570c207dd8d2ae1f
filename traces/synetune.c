/*
 * traces/synetune.c -- recorded results of a tuning run (workload.h,
 * "Recorded results"): Syne Tune's results.csv and the d2l per-epoch traces
 * read into one row per reported epoch, and written back out as a `table:`
 * workload (`shsim import synetune`).
 *
 * Columns are found by name in the header: the trial column, the epoch
 * column, a time column and the metric; `config_*` columns are the trial's
 * hyperparameters (taken from its first row, the prefix dropped); every
 * other column (Syne Tune's st_*, an unnamed pandas index) is ignored.  A row
 * whose epoch field is empty is not an epoch report (Syne Tune writes such
 * rows for other metrics) and is skipped.
 *
 * Invariants once wl_results_read() returned 0: the rows of each trial, in
 * file order, hold epochs 1, 2, 3, ... with non-decreasing times; row[i].trial
 * < ntrial; trial k first appears before trial k+1.  Anything else is
 * refused with "FILE:LINE: field 'NAME': what is wrong" -- a replay or a
 * table built on a misread file would be wrong without a sound.
 *
 * Epoch seconds (wl_results_write_table): within a trial, epoch e takes
 * t(e) - t(e-1).  Epochs reported with the same time stamp (a tuner that
 * polls every few seconds sees several at once) share the interval since the
 * previous distinct stamp equally.  Epoch 1 on a trial clock (elapsed_time,
 * st_worker_time: seconds since the trial started; trial_clock() says which
 * columns are) takes t(1); on a clock shared by all trials (st_tuner_time:
 * seconds since the tuner started; wl_shared_clocks) the
 * trial's start is unknown, so epoch 1 takes the trial's mean later epoch,
 * (t(E) - t(1)) / (E - 1), and a 1-epoch table cannot be made from it.
 * Cost: O(rows) time and memory: trial ids are found through a hash table,
 * and the table is written from the rows bucketed by trial.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/table_read.h"
#include "traces/wl_impl.h" /* core/base.h too */
#include "traces/workload.h"

enum { RS_TRIAL, RS_EPOCH, RS_TIME, RS_METRIC, RS_NCOL };

static const char *const results_time_default[] = {"st_tuner_time", "st_tuner_time_s", "elapsed_time", NULL};

wl_results_params wl_results_default_params(void)
{
    wl_results_params p = {.trial_col = "trial_id", .epoch_col = "epoch", .time_col = NULL,
                           .metric_col = "validation_error"};
    return p;
}

typedef struct {
    const char *path;
    const wl_results_params *p;
    wl_results *r;
    size_t col[RS_NCOL];
    size_t ncol;
    size_t *hyper; /* column indices of config_* */
    size_t nhyper;
    char **colname;
    size_t row_cap, trial_cap;
    uint32_t *last_epoch; /* per trial: its latest epoch so far */
    double *last_time;
    uint32_t *slot; /* trial-id hash table, open addressing: trial + 1, 0 = empty */
    size_t nslot;   /* a power of two, at least twice the trials */
} results_build;

/* FNV-1a over the id's bytes. */
static size_t results_hash(const char *id)
{
    uint64_t h = 14695981039346656037u;
    for (const unsigned char *c = (const unsigned char *)id; *c; c++)
        h = (h ^ *c) * 1099511628211u;
    return (size_t)h;
}

/* The slot of id: where it is, or the empty slot where it would go. */
static size_t results_slot(const results_build *b, const char *id)
{
    size_t i = results_hash(id) & (b->nslot - 1);
    while (b->slot[i] != 0 && strcmp(b->r->trial_id[b->slot[i] - 1], id) != 0)
        i = (i + 1) & (b->nslot - 1);
    return i;
}

/* Room for one more trial in the hash table: 0 or -ENOMEM. */
static int results_slot_reserve(results_build *b)
{
    if (2 * ((size_t)b->r->ntrial + 1) <= b->nslot)
        return 0;
    size_t n = b->nslot ? 2 * b->nslot : 64;
    uint32_t *old = b->slot;
    size_t nold = b->nslot;
    b->slot = calloc(n, sizeof *b->slot);
    if (b->slot == NULL) {
        b->slot = old;
        return -ENOMEM;
    }
    b->nslot = n;
    for (size_t i = 0; i < nold; i++)
        if (old[i] != 0)
            b->slot[results_slot(b, b->r->trial_id[old[i] - 1])] = old[i];
    free(old);
    return 0;
}


static int results_nomem(const results_build *b, char *err, size_t errlen)
{
    wl_errf(err, errlen, "%s: out of memory", b->path);
    return -ENOMEM;
}


/* CSV fields of row rec at the config_* columns, comma separated. */
static char *results_join(const results_build *b, const char *const *field, int header)
{
    size_t len = 1, at = 0;
    char *s;

    for (size_t h = 0; h < b->nhyper; h++) {
        const char *f = field[b->hyper[h]] + (header ? strlen("config_") : 0);
        len += 1 + base_csv_field(NULL, 0, f, strlen(f), BASE_CSV_BLANKS);
    }
    s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (size_t h = 0; h < b->nhyper; h++) {
        const char *f = field[b->hyper[h]] + (header ? strlen("config_") : 0);
        if (h > 0)
            s[at++] = ',';
        at += base_csv_field(s + at, len - at, f, strlen(f), BASE_CSV_BLANKS);
    }
    return s;
}

/* The clocks shared by all trials, as Syne Tune writes them (quoted with
 * file and line in docs/lenet-data.md, "The time column"): st_tuner_time,
 * seconds since the tuning started (results_callback.py:81-82; the d2l
 * traces' st_tuner_time_s); st_worker_timestamp, the worker's time()
 * (report.py:65); st_tuner_timestamp, declared (constants.py:35), a stamp
 * by its name.  Every other column -- st_worker_time (since the trial's
 * Reporter was made), elapsed_time (what training scripts report: since the
 * script started or last resumed), or a name not known here -- counts from
 * each trial's start: import times epoch 1 by t(1), and replay refuses it
 * rather than order results of different trials by it (sim/replay.h). */
const char *const wl_shared_clocks[] = {"st_tuner_time", "st_tuner_time_s", "st_tuner_timestamp",
                                        "st_worker_timestamp", NULL};

static int trial_clock(const char *col)
{
    for (size_t i = 0; wl_shared_clocks[i]; i++)
        if (strcmp(col, wl_shared_clocks[i]) == 0)
            return 0;
    return 1;
}

size_t wl_shared_clocks_list(char *buf, size_t n)
{
    size_t k = 0;
    while (wl_shared_clocks[k])
        k++;
    return base_join(buf, n, wl_shared_clocks, k, ", ", " or ");
}

static int results_header(results_build *b, const tr_record *rec, char *err, size_t errlen)
{
    const char *want[RS_NCOL] = {b->p->trial_col, b->p->epoch_col, b->p->time_col, b->p->metric_col};

    b->ncol = rec->n;
    b->colname = calloc(rec->n ? rec->n : 1, sizeof *b->colname);
    b->hyper = calloc(rec->n ? rec->n : 1, sizeof *b->hyper);
    if (b->colname == NULL || b->hyper == NULL)
        return results_nomem(b, err, errlen);
    for (size_t j = 0; j < RS_NCOL; j++)
        b->col[j] = SIZE_MAX;
    for (size_t i = 0; i < rec->n; i++) {
        const char *name = rec->field[i];
        b->colname[i] = wl_strdup(name);
        if (b->colname[i] == NULL)
            return results_nomem(b, err, errlen);
        for (size_t j = 0; j < RS_NCOL; j++)
            if (want[j] != NULL && strcmp(name, want[j]) == 0 && b->col[j] == SIZE_MAX)
                b->col[j] = i;
        if (strncmp(name, "config_", 7) == 0 && name[7] != '\0')
            b->hyper[b->nhyper++] = i;
    }
    /* No time column named: the first of the defaults that is present. */
    for (size_t d = 0; want[RS_TIME] == NULL && results_time_default[d] != NULL; d++)
        for (size_t i = 0; i < rec->n; i++)
            if (strcmp(rec->field[i], results_time_default[d]) == 0) {
                b->col[RS_TIME] = i;
                want[RS_TIME] = results_time_default[d];
                break;
            }
    if (want[RS_TIME] == NULL) {
        wl_errf(err, errlen,
                "%s:%lu: field 'st_tuner_time': no time column (looked for st_tuner_time, st_tuner_time_s, "
                "elapsed_time; name one with --time)",
                b->path, rec->line);
        return -EINVAL;
    }
    for (size_t j = 0; j < RS_NCOL; j++) {
        if (b->col[j] == SIZE_MAX) {
            wl_errf(err, errlen, "%s:%lu: field '%.64s': column missing from the header", b->path, rec->line,
                    want[j]);
            return -EINVAL;
        }
    }
    b->r->time_col = wl_strdup(want[RS_TIME]);
    b->r->metric_col = wl_strdup(want[RS_METRIC]);
    b->r->hyper_header = results_join(b, rec->field, 1);
    if (b->r->time_col == NULL || b->r->metric_col == NULL || b->r->hyper_header == NULL)
        return results_nomem(b, err, errlen);
    b->r->trial_clock = trial_clock(want[RS_TIME]);
    b->r->header_line = rec->line;
    return 0;
}

static int results_number(const results_build *b, const tr_record *rec, size_t col, double *out, char *err, size_t errlen)
{
    const char *s = rec->field[col];
    char *end;
    double v;

    if (s[0] == '\0') {
        wl_errf(err, errlen, "%s:%lu: field '%.64s': empty, expected a number", b->path, rec->line,
                b->colname[col]);
        return -EINVAL;
    }
    v = strtod(s, &end);
    if (*end != '\0' || s[0] == ' ' || s[0] == '\t') {
        wl_errf(err, errlen, "%s:%lu: field '%.64s': '%.64s' is not a number", b->path, rec->line,
                b->colname[col], s);
        return -EINVAL;
    }
    if (!isfinite(v)) {
        wl_errf(err, errlen, "%s:%lu: field '%.64s': '%.64s' is not finite", b->path, rec->line, b->colname[col],
                s);
        return -EINVAL;
    }
    *out = v;
    return 0;
}

/* The index of trial id, adding it when new. */
static int results_trial(results_build *b, const tr_record *rec, const char *id, uint32_t *out, char *err, size_t errlen)
{
    wl_results *r = b->r;
    if (results_slot_reserve(b) < 0)
        return results_nomem(b, err, errlen);
    size_t slot = results_slot(b, id);
    if (b->slot[slot] != 0) {
        *out = b->slot[slot] - 1;
        return 0;
    }
    if (r->ntrial == UINT32_MAX - 1) {
        wl_errf(err, errlen, "%s:%lu: field '%.64s': too many trials", b->path, rec->line, b->colname[b->col[RS_TRIAL]]);
        return -EINVAL;
    }
    {
        size_t cap = b->trial_cap;
        char **ids = base_grow(r->trial_id, &cap, (size_t)r->ntrial + 1, sizeof *ids, 16);
        if (ids == NULL)
            return results_nomem(b, err, errlen);
        r->trial_id = ids;
        cap = b->trial_cap;
        char **hy = base_grow(r->hyper, &cap, (size_t)r->ntrial + 1, sizeof *hy, 16);
        if (hy == NULL)
            return results_nomem(b, err, errlen);
        r->hyper = hy;
        cap = b->trial_cap;
        uint32_t *le = base_grow(b->last_epoch, &cap, (size_t)r->ntrial + 1, sizeof *le, 16);
        if (le == NULL)
            return results_nomem(b, err, errlen);
        b->last_epoch = le;
        cap = b->trial_cap;
        double *lt = base_grow(b->last_time, &cap, (size_t)r->ntrial + 1, sizeof *lt, 16);
        if (lt == NULL)
            return results_nomem(b, err, errlen);
        b->last_time = lt;
        b->trial_cap = cap;
    }
    r->trial_id[r->ntrial] = wl_strdup(id);
    r->hyper[r->ntrial] = results_join(b, rec->field, 0);
    b->last_epoch[r->ntrial] = 0;
    b->last_time[r->ntrial] = -(double)INFINITY;
    if (r->trial_id[r->ntrial] == NULL || r->hyper[r->ntrial] == NULL) {
        free(r->trial_id[r->ntrial]);
        free(r->hyper[r->ntrial]);
        return results_nomem(b, err, errlen);
    }
    b->slot[slot] = r->ntrial + 1;
    *out = r->ntrial++;
    return 0;
}

static int results_row(void *ctx, const tr_record *rec, char *err, size_t errlen)
{
    results_build *b = ctx;
    wl_results *r = b->r;
    const char *id;
    double epoch, time, metric;
    uint32_t k;
    wl_result *row;
    int rc;

    if (rec->index == 0)
        return results_header(b, rec, err, errlen);
    if (rec->n != b->ncol) {
        wl_errf(err, errlen, "%s:%lu: field '%.64s': the row has %zu fields, the header %zu", b->path, rec->line,
                b->colname[rec->n < b->ncol ? rec->n : b->ncol - 1], rec->n, b->ncol);
        return -EINVAL;
    }
    if (rec->field[b->col[RS_EPOCH]][0] == '\0') { /* not an epoch report */
        r->skipped++;
        return 0;
    }
    id = rec->field[b->col[RS_TRIAL]];
    if (id[0] == '\0') {
        wl_errf(err, errlen, "%s:%lu: field '%.64s': empty", b->path, rec->line, b->colname[b->col[RS_TRIAL]]);
        return -EINVAL;
    }
    if ((rc = results_number(b, rec, b->col[RS_EPOCH], &epoch, err, errlen)) < 0 ||
        (rc = results_number(b, rec, b->col[RS_TIME], &time, err, errlen)) < 0 ||
        (rc = results_number(b, rec, b->col[RS_METRIC], &metric, err, errlen)) < 0)
        return rc;
    if (fabs(metric) > WL_MAX_METRIC) { /* the table reader's bound */
        wl_errf(err, errlen, "%s:%lu: field '%.64s': '%.64s' is beyond %g (the bound that keeps a run's sums finite)",
                b->path, rec->line, b->colname[b->col[RS_METRIC]], rec->field[b->col[RS_METRIC]], WL_MAX_METRIC);
        return -EINVAL;
    }
    if (epoch < 1 || epoch != floor(epoch) || epoch >= (double)UINT32_MAX) {
        wl_errf(err, errlen, "%s:%lu: field '%.64s': '%.64s' is not a positive integer", b->path, rec->line,
                b->colname[b->col[RS_EPOCH]], rec->field[b->col[RS_EPOCH]]);
        return -EINVAL;
    }
    if ((rc = results_trial(b, rec, id, &k, err, errlen)) < 0)
        return rc;
    if (epoch != (double)b->last_epoch[k] + 1) {
        wl_errf(err, errlen,
                "%s:%lu: field '%.64s': trial '%.64s' reports epoch %.0f after epoch %lu (each trial must report "
                "epochs 1, 2, 3, ... in order; a resumed trial that retrains is not supported)",
                b->path, rec->line, b->colname[b->col[RS_EPOCH]], id, epoch, (unsigned long)b->last_epoch[k]);
        return -EINVAL;
    }
    if (time < b->last_time[k]) {
        wl_errf(err, errlen, "%s:%lu: field '%.64s': trial '%.64s' goes back in time (%.64s after %g)", b->path,
                rec->line, b->colname[b->col[RS_TIME]], id, rec->field[b->col[RS_TIME]], b->last_time[k]);
        return -EINVAL;
    }
    if (b->r->trial_clock && time < 0) {
        wl_errf(err, errlen, "%s:%lu: field '%.64s': negative time %.64s", b->path, rec->line,
                b->colname[b->col[RS_TIME]], rec->field[b->col[RS_TIME]]);
        return -EINVAL;
    }
    row = base_grow(r->row, &b->row_cap, r->nrow + 1, sizeof *row, 16);
    if (row == NULL)
        return results_nomem(b, err, errlen);
    r->row = row;
    row[r->nrow++] = (wl_result){.trial = k, .epoch = (uint32_t)epoch, .time = time, .metric = metric,
                                 .line = rec->line};
    b->last_epoch[k] = (uint32_t)epoch;
    b->last_time[k] = time;
    return 0;
}

void wl_results_free(wl_results *r)
{
    if (r == NULL)
        return;
    for (uint32_t k = 0; k < r->ntrial; k++) {
        free(r->trial_id[k]);
        free(r->hyper[k]);
    }
    free(r->trial_id);
    free(r->hyper);
    free(r->row);
    free(r->path);
    free(r->time_col);
    free(r->metric_col);
    free(r->hyper_header);
    memset(r, 0, sizeof *r);
}

int wl_results_read(wl_results *r, const char *path, const wl_results_params *p, char *err, size_t errlen)
{
    wl_results_params defaults = wl_results_default_params();
    results_build b;
    int rc;

    memset(r, 0, sizeof *r);
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (p == NULL)
        p = &defaults;
    memset(&b, 0, sizeof b);
    b.path = path;
    b.p = p;
    b.r = r;
    r->path = wl_strdup(path);
    if (r->path == NULL) {
        wl_errf(err, errlen, "%s: out of memory", path);
        return -ENOMEM;
    }
    rc = tr_read(path, results_row, &b, err, errlen);
    if (rc == 0 && b.colname == NULL) {
        wl_errf(err, errlen, "%s: empty file: no header row", path);
        rc = -EINVAL;
    }
    if (rc == 0 && r->nrow == 0) {
        wl_errf(err, errlen, "%s: no epoch reports (header only)", path);
        rc = -EINVAL;
    }
    if (b.colname != NULL)
        for (size_t i = 0; i < b.ncol; i++)
            free(b.colname[i]);
    free(b.colname);
    free(b.hyper);
    free(b.last_epoch);
    free(b.last_time);
    free(b.slot);
    if (rc < 0)
        wl_results_free(r);
    return rc;
}

uint32_t wl_results_last_epoch(const wl_results *r, uint32_t trial)
{
    uint32_t last = 0;
    for (size_t i = 0; i < r->nrow; i++)
        if (r->row[i].trial == trial && r->row[i].epoch > last)
            last = r->row[i].epoch;
    return last;
}

/* Epoch seconds of trial k's E epochs (rows idx[0..E)) into sec[]: see the
 * top of the file.  0, or -EINVAL when epoch 1 cannot be timed or an epoch
 * would take no time. */
static int results_epoch_seconds(const wl_results *r, const size_t *idx, uint32_t E, double *sec, char *err,
                            size_t errlen)
{
    const wl_result *row = r->row;
    double prev = r->trial_clock ? 0 : (double)NAN; /* the stamp the next group starts from */
    uint32_t e = 0;

    if (!r->trial_clock) {
        if (E < 2) {
            wl_errf(err, errlen,
                    "%s:%lu: field '%s': a trial of one epoch has no duration on the tuner's clock "
                    "(its start is not recorded); use a time column that counts from the trial's start "
                    "(--time elapsed_time)",
                    r->path, row[idx[0]].line, r->time_col);
            return -EINVAL;
        }
        /* Epoch 1: the trial's mean later epoch; the rest of its group share
         * the interval up to its stamp, as every other group does. */
        sec[0] = (row[idx[E - 1]].time - row[idx[0]].time) / (double)(E - 1);
        prev = row[idx[0]].time;
        e = 1;
        while (e < E && row[idx[e]].time == prev) /* reported with epoch 1 */
            e++;
        if (e > 1) {
            for (uint32_t j = 0; j < e; j++)
                sec[j] = sec[0];
        }
    }
    while (e < E) {
        uint32_t g = e;
        double t = row[idx[e]].time;
        while (g < E && row[idx[g]].time == t)
            g++;
        for (uint32_t j = e; j < g; j++)
            sec[j] = (t - prev) / (double)(g - e);
        prev = t;
        e = g;
    }
    for (uint32_t j = 0; j < E; j++) {
        if (!(sec[j] > 0)) {
            wl_errf(err, errlen, "%s:%lu: field '%s': epoch %lu of trial '%.64s' takes no time", r->path,
                    row[idx[j]].line, r->time_col, (unsigned long)j + 1, r->trial_id[row[idx[j]].trial]);
            return -EINVAL;
        }
        if (!(sec[j] <= WL_MAX_SECONDS)) { /* the table reader's bound on epoch_time */
            wl_errf(err, errlen, "%s:%lu: field '%s': epoch %lu of trial '%.64s' takes %g s, beyond %g (the bound "
                    "that keeps a run's sums finite)", r->path, row[idx[j]].line, r->time_col, (unsigned long)j + 1,
                    r->trial_id[row[idx[j]].trial], sec[j], WL_MAX_SECONDS);
            return -EINVAL;
        }
    }
    return 0;
}

int wl_results_write_table(const wl_results *r, FILE *f, const char *comment, wl_import_stats *st, char *err,
                           size_t errlen)
{
    uint32_t E = 0;
    size_t *idx = NULL, *start = NULL, *bucket = NULL;
    double *sec = NULL;
    uint32_t *last = NULL;
    int rc = 0;

    memset(st, 0, sizeof *st);
    st->trials = r->ntrial;
    last = calloc(r->ntrial ? r->ntrial : 1, sizeof *last);
    if (last == NULL)
        goto nomem;
    for (size_t i = 0; i < r->nrow; i++) {
        last[r->row[i].trial] = r->row[i].epoch; /* epochs only grow within a trial */
        if (r->row[i].epoch > E)
            E = r->row[i].epoch;
    }
    st->epochs = E;
    idx = malloc((size_t)E * sizeof *idx);
    sec = malloc((size_t)E * sizeof *sec);
    /* the rows of each trial in file order: bucket[start[k] .. start[k+1]) */
    start = calloc((size_t)r->ntrial + 1, sizeof *start);
    bucket = malloc((r->nrow ? r->nrow : 1) * sizeof *bucket);
    if (idx == NULL || sec == NULL || start == NULL || bucket == NULL)
        goto nomem;
    for (size_t i = 0; i < r->nrow; i++)
        start[r->row[i].trial + 1]++;
    for (uint32_t k = 0; k < r->ntrial; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; i < r->nrow; i++)
        bucket[start[r->row[i].trial]++] = i;
    for (uint32_t k = r->ntrial; k > 0; k--) /* the fill moved each start to the next trial's */
        start[k] = start[k - 1];
    start[0] = 0;

    if (comment != NULL && comment[0] != '\0') {
        const char *s = comment;
        while (*s != '\0') { /* every line of the comment gets a '#' */
            const char *nl = strchr(s, '\n');
            size_t len = nl != NULL ? (size_t)(nl - s) : strlen(s);
            fprintf(f, "# %.*s\n", (int)len, s);
            s += len + (nl != NULL);
        }
    }
    fprintf(f, "config_id,epoch,epoch_time,error%s%s\n", r->hyper_header[0] != '\0' ? "," : "", r->hyper_header);
    for (uint32_t k = 0; k < r->ntrial; k++) {
        uint32_t n = 0;
        char id[1024];

        if (last[k] != E)
            continue;
        for (size_t i = start[k]; i < start[k + 1] && n < E; i++)
            idx[n++] = bucket[i];
        rc = results_epoch_seconds(r, idx, E, sec, err, errlen);
        if (rc < 0)
            goto out;
        base_csv_field(id, sizeof id, r->trial_id[k], strlen(r->trial_id[k]), BASE_CSV_BLANKS);
        for (uint32_t e = 0; e < E; e++) {
            fprintf(f, "%s,%lu,%.10g,", id, (unsigned long)e + 1, sec[e]);
            base_put_double(f, r->row[idx[e]].metric);
            fprintf(f, "%s%s\n", r->hyper_header[0] != '\0' ? "," : "", r->hyper[k]);
        }
        st->kept++;
    }
    if (st->kept == 0) {
        wl_errf(err, errlen, "%s: no trial reaches the last epoch %lu", r->path, (unsigned long)E);
        rc = -EINVAL;
    }
    goto out;

nomem:
    wl_errf(err, errlen, "%s: out of memory", r->path);
    rc = -ENOMEM;
out:
    free(idx);
    free(sec);
    free(last);
    free(start);
    free(bucket);
    return rc;
}
