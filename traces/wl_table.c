/*
 * traces/wl_table.c -- the `table:FILE` workload: recorded learning curves
 * and epoch times from a CSV file.
 *
 * The file: a header naming config_id, epoch, epoch_time and error in any
 * order; every other column is a hyperparameter, carried verbatim into
 * workload_config() (taken from the config's first row).  Trial k is the
 * k-th distinct config_id in file order.  The rows of one config are
 * contiguous and hold epochs 1, 2, ..., E in order, with the same E for
 * every config.  Anything else is refused with "FILE:LINE: field 'NAME':
 * what is wrong" rather than guessed at: a table is evidence, and a silently
 * reordered or padded one would put wrong bars into a figure.
 *
 * Invariants of tbl_state: row k*E + (e-1) of time[] and metric[] is epoch e
 * of trial k, so a query is O(1); every time is finite and > 0, every error
 * finite; cfg + cfg_off[k] is trial k's config line, "config_id,<hypers>",
 * each field quoted where CSV needs it.  The state is read-only after open.
 *
 * While reading, a hash set of the config_ids seen so far (open addressing,
 * FNV-1a, load <= 1/2) catches a config that comes back after another one:
 * O(1) per row, O(trials) memory, freed once the file is read.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/table_read.h"
#include "traces/wl_impl.h"

enum { TBL_ID, TBL_EPOCH, TBL_TIME, TBL_ERROR, TBL_NREQ };
static const char *const tbl_required[TBL_NREQ] = {"config_id", "epoch", "epoch_time", "error"};

typedef struct {
    uint32_t trials, epochs;
    double *time;
    double *metric;
    char *cfg;       /* trial config lines, NUL-terminated, back to back */
    size_t *cfg_off; /* trials entries */
    char *header;    /* "config_id,<hypers>" */
} tbl_state;

typedef struct {
    char *id;
    unsigned long line; /* the config's first row */
} tbl_seen;

/* What the reader callback builds up; see tbl_row(). */
typedef struct {
    const char *path;
    tbl_state *st;

    int have_header;
    size_t ncol;
    size_t req[TBL_NREQ]; /* column index of each required column */
    size_t *hyper;        /* column indices of the hyperparameters */
    size_t nhyper;
    char **colname;       /* the header, for messages */

    size_t nrows, time_cap, metric_cap;
    size_t cfg_len, cfg_cap, off_cap;

    tbl_seen *seen; /* hash set of config_ids */
    size_t seen_cap, nseen;
    const tbl_seen *cur;         /* the config whose rows are being read */
    uint32_t cur_epochs;         /* its epochs so far */
    unsigned long cur_last_line; /* its latest row */
    const tbl_seen *first;       /* the first config: it sets E */
} tbl_build;



static uint64_t tbl_hash(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return h;
}

/* The slot of id: its entry, or the empty slot where it would go. */
static tbl_seen *tbl_seen_slot(tbl_seen *set, size_t cap, const char *id)
{
    size_t i = (size_t)tbl_hash(id) & (cap - 1);
    while (set[i].id != NULL && strcmp(set[i].id, id) != 0)
        i = (i + 1) & (cap - 1);
    return &set[i];
}

/* Add id (not present yet); returns its entry, NULL when memory is out. */
static const tbl_seen *tbl_seen_add(tbl_build *b, const char *id, unsigned long line)
{
    tbl_seen *slot;

    if (2 * (b->nseen + 1) > b->seen_cap) {
        size_t ncap = b->seen_cap ? 2 * b->seen_cap : 64;
        tbl_seen *nset;
        const char *cur = b->cur ? b->cur->id : NULL;
        const char *first = b->first ? b->first->id : NULL;

        if (ncap > SIZE_MAX / 2 / sizeof *nset)
            return NULL;
        nset = calloc(ncap, sizeof *nset);
        if (nset == NULL)
            return NULL;
        for (size_t i = 0; i < b->seen_cap; i++)
            if (b->seen[i].id != NULL)
                *tbl_seen_slot(nset, ncap, b->seen[i].id) = b->seen[i];
        free(b->seen);
        b->seen = nset;
        b->seen_cap = ncap;
        /* Entries moved: re-find the two the builder points at. */
        b->cur = cur ? tbl_seen_slot(nset, ncap, cur) : NULL;
        b->first = first ? tbl_seen_slot(nset, ncap, first) : NULL;
    }
    slot = tbl_seen_slot(b->seen, b->seen_cap, id);
    slot->id = wl_strdup(id);
    if (slot->id == NULL)
        return NULL;
    slot->line = line;
    b->nseen++;
    return slot;
}

static int tbl_nomem(const tbl_build *b, char *err, size_t errlen)
{
    wl_errf(err, errlen, "%s: out of memory", b->path);
    return -ENOMEM;
}

/* Append one CSV field (with a leading comma unless first) to the config
 * arena. */
static int tbl_cfg_put(tbl_build *b, const char *s, int first)
{
    size_t len = strlen(s);
    size_t need = base_csv_field(NULL, 0, s, len, BASE_CSV_BLANKS) + 2;
    char *cfg = base_grow(b->st->cfg, &b->cfg_cap, b->cfg_len + need, 1, 16);

    if (cfg == NULL)
        return -ENOMEM;
    b->st->cfg = cfg;
    if (!first)
        cfg[b->cfg_len++] = ',';
    b->cfg_len += base_csv_field(cfg + b->cfg_len, need, s, len, BASE_CSV_BLANKS);
    return 0;
}

static int tbl_header(tbl_build *b, const tr_record *rec, char *err, size_t errlen)
{
    size_t hlen = 0;

    for (size_t j = 0; j < TBL_NREQ; j++)
        b->req[j] = SIZE_MAX;
    b->have_header = 1;
    b->ncol = rec->n;
    b->colname = calloc(rec->n, sizeof *b->colname);
    b->hyper = calloc(rec->n, sizeof *b->hyper);
    if (b->colname == NULL || b->hyper == NULL)
        return tbl_nomem(b, err, errlen);

    for (size_t i = 0; i < rec->n; i++) {
        const char *name = rec->field[i];
        size_t j;

        if (name[0] == '\0') {
            wl_errf(err, errlen, "%s:%lu: field '#%zu': empty column name", b->path, rec->line, i + 1);
            return -EINVAL;
        }
        for (size_t q = 0; q < i; q++) {
            if (strcmp(b->colname[q], name) == 0) {
                wl_errf(err, errlen, "%s:%lu: field '%.64s': duplicate column name", b->path, rec->line, name);
                return -EINVAL;
            }
        }
        b->colname[i] = wl_strdup(name);
        if (b->colname[i] == NULL)
            return tbl_nomem(b, err, errlen);
        for (j = 0; j < TBL_NREQ && strcmp(name, tbl_required[j]) != 0; j++)
            ;
        if (j < TBL_NREQ)
            b->req[j] = i;
        else
            b->hyper[b->nhyper++] = i;
    }
    for (size_t j = 0; j < TBL_NREQ; j++) {
        if (b->req[j] == SIZE_MAX) {
            wl_errf(err, errlen,
                    "%s:%lu: field '%s': required column missing from the header "
                    "(need config_id, epoch, epoch_time, error)",
                    b->path, rec->line, tbl_required[j]);
            return -EINVAL;
        }
    }

    hlen = strlen("config_id") + 1;
    for (size_t h = 0; h < b->nhyper; h++) {
        const char *name = b->colname[b->hyper[h]];
        hlen += 1 + base_csv_field(NULL, 0, name, strlen(name), BASE_CSV_BLANKS);
    }
    b->st->header = malloc(hlen);
    if (b->st->header == NULL)
        return tbl_nomem(b, err, errlen);
    strcpy(b->st->header, "config_id");
    for (size_t h = 0, at = strlen("config_id"); h < b->nhyper; h++) {
        const char *name = b->colname[b->hyper[h]];
        b->st->header[at++] = ',';
        at += base_csv_field(b->st->header + at, hlen - at, name, strlen(name), BASE_CSV_BLANKS);
    }
    return 0;
}

/* Parse field i of rec as a finite number; the message names the column. */
static int tbl_number(const tbl_build *b, const tr_record *rec, size_t col, double *out, char *err,
                      size_t errlen)
{
    const char *s = rec->field[col];
    char *end;
    double v;

    if (s[0] == '\0') {
        wl_errf(err, errlen, "%s:%lu: field '%s': empty, expected a number", b->path, rec->line,
                b->colname[col]);
        return -EINVAL;
    }
    v = strtod(s, &end);
    if (*end != '\0' || s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
        wl_errf(err, errlen, "%s:%lu: field '%s': '%.64s' is not a number", b->path, rec->line,
                b->colname[col], s);
        return -EINVAL;
    }
    if (!isfinite(v)) {
        wl_errf(err, errlen, "%s:%lu: field '%s': '%.64s' is not finite", b->path, rec->line, b->colname[col],
                s);
        return -EINVAL;
    }
    *out = v;
    return 0;
}

/* The current config has ended: its epoch count must be E. */
static int tbl_end_config(tbl_build *b, char *err, size_t errlen)
{
    if (b->cur == NULL)
        return 0;
    if (b->cur == b->first) {
        b->st->epochs = b->cur_epochs;
        return 0;
    }
    if (b->cur_epochs < b->st->epochs) {
        wl_errf(err, errlen, "%s:%lu: field 'epoch': config '%.64s' ends at epoch %lu, but config '%.64s' has %lu",
                b->path, b->cur_last_line, b->cur->id, (unsigned long)b->cur_epochs, b->first->id,
                (unsigned long)b->st->epochs);
        return -EINVAL;
    }
    return 0;
}

/* A new config starts at rec: check, register, write its config line. */
static int tbl_new_config(tbl_build *b, const tr_record *rec, const char *id, double epoch, char *err,
                          size_t errlen)
{
    const tbl_seen *seen;
    size_t *off;
    int rc;

    rc = tbl_end_config(b, err, errlen);
    if (rc < 0)
        return rc;
    seen = b->seen_cap > 0 ? tbl_seen_slot(b->seen, b->seen_cap, id) : NULL;
    if (seen != NULL && seen->id != NULL) {
        wl_errf(err, errlen,
                "%s:%lu: field 'config_id': config '%.64s' appears again; its rows (from line %lu) must be "
                "contiguous",
                b->path, rec->line, id, seen->line);
        return -EINVAL;
    }
    if (epoch != 1) {
        wl_errf(err, errlen, "%s:%lu: field 'epoch': expected 1 for the first row of config '%.64s', got %.64s",
                b->path, rec->line, id, rec->field[b->req[TBL_EPOCH]]);
        return -EINVAL;
    }
    if (b->st->trials == WL_UNBOUNDED - 1) {
        wl_errf(err, errlen, "%s:%lu: field 'config_id': too many configs", b->path, rec->line);
        return -EINVAL;
    }

    seen = tbl_seen_add(b, id, rec->line);
    off = base_grow(b->st->cfg_off, &b->off_cap, (size_t)b->st->trials + 1, sizeof *off, 16);
    if (seen == NULL || off == NULL)
        return tbl_nomem(b, err, errlen);
    b->st->cfg_off = off;
    off[b->st->trials++] = b->cfg_len;
    if (tbl_cfg_put(b, id, 1) < 0)
        return tbl_nomem(b, err, errlen);
    for (size_t h = 0; h < b->nhyper; h++)
        if (tbl_cfg_put(b, rec->field[b->hyper[h]], 0) < 0)
            return tbl_nomem(b, err, errlen);
    b->st->cfg[b->cfg_len++] = '\0'; /* tbl_cfg_put left room for it */

    b->cur = seen;
    if (b->first == NULL)
        b->first = seen;
    b->cur_epochs = 0;
    return 0;
}

static int tbl_row(void *ctx, const tr_record *rec, char *err, size_t errlen)
{
    tbl_build *b = ctx;
    const char *id;
    double epoch, time, error;
    double *t, *m;
    int rc;

    if (rec->index == 0)
        return tbl_header(b, rec, err, errlen);

    if (rec->n < b->ncol) {
        wl_errf(err, errlen, "%s:%lu: field '%s': missing (the row has %zu fields, the header %zu)", b->path,
                rec->line, b->colname[rec->n], rec->n, b->ncol);
        return -EINVAL;
    }
    if (rec->n > b->ncol) {
        wl_errf(err, errlen, "%s:%lu: field '%s': extra fields after the last column (the row has %zu, the header %zu)",
                b->path, rec->line, b->colname[b->ncol - 1], rec->n, b->ncol);
        return -EINVAL;
    }

    id = rec->field[b->req[TBL_ID]];
    if (id[0] == '\0') {
        wl_errf(err, errlen, "%s:%lu: field 'config_id': empty", b->path, rec->line);
        return -EINVAL;
    }
    if ((rc = tbl_number(b, rec, b->req[TBL_EPOCH], &epoch, err, errlen)) < 0 ||
        (rc = tbl_number(b, rec, b->req[TBL_TIME], &time, err, errlen)) < 0 ||
        (rc = tbl_number(b, rec, b->req[TBL_ERROR], &error, err, errlen)) < 0)
        return rc;
    if (epoch < 1 || epoch != floor(epoch) || epoch >= (double)UINT32_MAX) {
        wl_errf(err, errlen, "%s:%lu: field 'epoch': '%.64s' is not a positive integer", b->path, rec->line,
                rec->field[b->req[TBL_EPOCH]]);
        return -EINVAL;
    }
    if (!(time > 0)) {
        wl_errf(err, errlen, "%s:%lu: field 'epoch_time': '%.64s' is not > 0", b->path, rec->line,
                rec->field[b->req[TBL_TIME]]);
        return -EINVAL;
    }
    if (time > WL_MAX_SECONDS || fabs(error) > WL_MAX_METRIC) {
        int slow = time > WL_MAX_SECONDS;
        wl_errf(err, errlen, "%s:%lu: field '%s': '%.64s' is beyond %g (the bound that keeps a run's sums finite)",
                b->path, rec->line, slow ? "epoch_time" : "error", rec->field[b->req[slow ? TBL_TIME : TBL_ERROR]],
                slow ? WL_MAX_SECONDS : WL_MAX_METRIC);
        return -EINVAL;
    }

    if (b->cur == NULL || strcmp(id, b->cur->id) != 0) {
        rc = tbl_new_config(b, rec, id, epoch, err, errlen);
        if (rc < 0)
            return rc;
    } else if (epoch <= b->cur_epochs) {
        wl_errf(err, errlen, "%s:%lu: field 'epoch': duplicate (config_id, epoch) = ('%.64s', %.0f)", b->path,
                rec->line, id, epoch);
        return -EINVAL;
    } else if (epoch != (double)b->cur_epochs + 1) {
        wl_errf(err, errlen, "%s:%lu: field 'epoch': expected %lu (the next epoch of config '%.64s'), got %.0f",
                b->path, rec->line, (unsigned long)b->cur_epochs + 1, id, epoch);
        return -EINVAL;
    }
    if (b->cur != b->first && epoch > b->st->epochs) {
        wl_errf(err, errlen, "%s:%lu: field 'epoch': config '%.64s' goes past epoch %lu, where config '%.64s' ends",
                b->path, rec->line, id, (unsigned long)b->st->epochs, b->first->id);
        return -EINVAL;
    }

    t = base_grow(b->st->time, &b->time_cap, b->nrows + 1, sizeof *t, 16);
    if (t == NULL)
        return tbl_nomem(b, err, errlen);
    b->st->time = t;
    m = base_grow(b->st->metric, &b->metric_cap, b->nrows + 1, sizeof *m, 16);
    if (m == NULL)
        return tbl_nomem(b, err, errlen);
    b->st->metric = m;
    t[b->nrows] = time;
    m[b->nrows] = error;
    b->nrows++;
    b->cur_epochs = (uint32_t)epoch;
    b->cur_last_line = rec->line;
    return 0;
}

static void tbl_free(void *state)
{
    tbl_state *st = state;

    if (st == NULL)
        return;
    free(st->time);
    free(st->metric);
    free(st->cfg);
    free(st->cfg_off);
    free(st->header);
    free(st);
}

static void tbl_build_release(tbl_build *b)
{
    if (b->colname != NULL)
        for (size_t i = 0; i < b->ncol; i++)
            free(b->colname[i]);
    free(b->colname);
    free(b->hyper);
    for (size_t i = 0; i < b->seen_cap; i++)
        free(b->seen[i].id);
    free(b->seen);
}

/* Read a table from the file `path`, or from len bytes at data when data is
 * not NULL (then `path` only names it in messages), into w. */
static int tbl_load(workload *w, const char *path, const char *data, size_t len, char *err, size_t errlen)
{
    tbl_build b;
    tbl_state *st;
    int rc;

    st = calloc(1, sizeof *st);
    if (st == NULL) {
        wl_errf(err, errlen, "%s: out of memory", path);
        return -ENOMEM;
    }
    memset(&b, 0, sizeof b);
    b.path = path;
    b.st = st;

    rc = data != NULL ? tr_read_mem(path, data, len, tbl_row, &b, err, errlen)
                      : tr_read(path, tbl_row, &b, err, errlen);
    if (rc < 0)
        goto err;
    if (!b.have_header) {
        wl_errf(err, errlen, "%s: empty file: no header row", path);
        rc = -EINVAL;
        goto err;
    }
    if (st->trials == 0) {
        wl_errf(err, errlen, "%s: no data rows (header only)", path);
        rc = -EINVAL;
        goto err;
    }
    rc = tbl_end_config(&b, err, errlen);
    if (rc < 0)
        goto err;
    /* Invariant check: contiguous epochs 1..E for every config fill the
     * flat arrays exactly. */
    if ((size_t)st->trials * st->epochs != b.nrows) {
        wl_errf(err, errlen, "%s: internal error: %zu rows for %lu configs of %lu epochs", path, b.nrows,
                (unsigned long)st->trials, (unsigned long)st->epochs);
        rc = -EINVAL;
        goto err;
    }

    tbl_build_release(&b);
    w->state = st;
    w->trials = st->trials;
    w->epochs = st->epochs;
    w->config_header = st->header;
    return 0;

err:
    tbl_build_release(&b);
    tbl_free(st);
    return rc;
}

static int tbl_open(workload *w, const char *arg, const wl_params *p, char *err, size_t errlen)
{
    (void)p; /* a recorded table has nothing to seed */
    if (arg == NULL || arg[0] == '\0') {
        wl_errf(err, errlen, "%s: field 'FILE': missing (expected table:FILE)", w->name);
        return -EINVAL;
    }
    return tbl_load(w, arg, NULL, 0, err, errlen);
}

int wl_table_open_mem(workload *w, const char *name, const char *data, size_t len, char *err, size_t errlen)
{
    return tbl_load(w, name, data, len, err, errlen);
}

static double tbl_epoch_time(const void *state, uint32_t k, uint32_t e)
{
    const tbl_state *st = state;
    return st->time[(size_t)k * st->epochs + e - 1];
}

static double tbl_metric(const void *state, uint32_t k, uint32_t e)
{
    const tbl_state *st = state;
    return st->metric[(size_t)k * st->epochs + e - 1];
}

/* The handle points at trial k's rows: a query is one load. */
static void tbl_trial(const void *state, uint32_t k, wl_trial *h)
{
    const tbl_state *st = state;
    h->time = st->time + (size_t)k * st->epochs;
    h->metric = st->metric + (size_t)k * st->epochs;
}

static void tbl_config(const void *state, uint32_t k, char *buf, size_t n)
{
    const tbl_state *st = state;
    snprintf(buf, n, "%s", st->cfg + st->cfg_off[k]);
}

const wl_type wl_table_type = {
    .name = "table",
    .syntax = "table:FILE",
    .arg_is_file = 1,
    .open = tbl_open,
    .free = tbl_free,
    .epoch_time = tbl_epoch_time,
    .metric = tbl_metric,
    .trial = tbl_trial,
    .config = tbl_config,
    .recorded = 1,
    .default_order = WL_ORDER_SEEDED, /* a tabulated benchmark: a seed draws the rows */
};
