/*
 * traces/table_read.c -- the CSV record reader of table_read.h.
 *
 * libcsv parses; this file adds what libcsv does not know: line numbers,
 * the BOM, '#' comments before the header, and size limits.  The file is
 * read in 64 KiB blocks and fed to libcsv one physical line (or the part of
 * it in the current block) at a time, so that whenever libcsv calls back,
 * `line` is the line it is reading.  That costs one csv_parse() call per
 * line, which is nothing next to the I/O.
 *
 * Invariants of tr_reader between calls:
 *   - the fields of the record being built are in arena at off[0..nfield),
 *     each NUL-terminated; arena_len <= TR_MAX_LINE;
 *   - rec_open says that a non-blank byte of the current record was fed, and
 *     then rec_line is the line of its first such byte;
 *   - rc != 0 means an error was recorded: every later callback is ignored
 *     and the read loop stops.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "traces/table_read.h"
#include "traces/wl_impl.h"

#define TR_BLOCK 65536

typedef struct {
    const char *path;
    tr_record_fn fn;
    void *ctx;
    char *err;
    size_t errlen;
    int rc;

    unsigned long line;
    unsigned long rec_line;
    int rec_open;
    unsigned long nrec;

    char *arena;
    size_t arena_len, arena_cap;
    size_t *off;
    size_t nfield, off_cap;
    const char **ptr;
    size_t ptr_cap;

    char **head; /* header names, for messages */
    size_t nhead;
} tr_reader;

/* The name of column i for a message: 'name' when the header gave one. */
static void tr_colname(const tr_reader *r, size_t i, char *buf, size_t n)
{
    if (i < r->nhead)
        snprintf(buf, n, "'%.64s'", r->head[i]);
    else
        snprintf(buf, n, "'#%zu'", i + 1);
}

static void tr_fail(tr_reader *r, int rc)
{
    if (r->rc == 0)
        r->rc = rc;
}

static void tr_nomem(tr_reader *r)
{
    wl_errf(r->err, r->errlen, "%s: out of memory", r->path);
    tr_fail(r, -ENOMEM);
}

static void tr_on_field(void *s, size_t len, void *data)
{
    tr_reader *r = data;
    char name[96];
    char *arena;
    size_t *off;

    if (r->rc != 0)
        return;
    if (len > 0 && memchr(s, '\0', len) != NULL) {
        tr_colname(r, r->nfield, name, sizeof name);
        wl_errf(r->err, r->errlen, "%s:%lu: field %s: contains a NUL byte", r->path, r->line, name);
        tr_fail(r, -EINVAL);
        return;
    }
    if (len > TR_MAX_LINE - r->arena_len) {
        wl_errf(r->err, r->errlen, "%s:%lu: record longer than 1 MiB", r->path,
                r->rec_open ? r->rec_line : r->line);
        tr_fail(r, -EINVAL);
        return;
    }
    arena = base_grow(r->arena, &r->arena_cap, r->arena_len + len + 1, 1, 16);
    if (arena == NULL) {
        tr_nomem(r);
        return;
    }
    r->arena = arena;
    off = base_grow(r->off, &r->off_cap, r->nfield + 1, sizeof *r->off, 16);
    if (off == NULL) {
        tr_nomem(r);
        return;
    }
    r->off = off;
    if (len > 0)
        memcpy(r->arena + r->arena_len, s, len);
    r->arena[r->arena_len + len] = '\0';
    r->off[r->nfield++] = r->arena_len;
    r->arena_len += len + 1;
}

/* Keep a copy of the header's names so later messages can say 'name'. */
static int tr_keep_header(tr_reader *r)
{
    r->head = calloc(r->nfield ? r->nfield : 1, sizeof *r->head);
    if (r->head == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < r->nfield; i++) {
        const char *s = r->arena + r->off[i];
        r->head[i] = malloc(strlen(s) + 1);
        if (r->head[i] == NULL)
            return -ENOMEM;
        strcpy(r->head[i], s);
        r->nhead = i + 1;
    }
    return 0;
}

static void tr_on_record(int c, void *data)
{
    tr_reader *r = data;
    tr_record rec;
    const char **ptr;
    int rc;

    (void)c;
    if (r->rc != 0)
        return;
    /* Offsets become pointers only now: the arena may move while it grows. */
    ptr = base_grow(r->ptr, &r->ptr_cap, r->nfield + 1, sizeof *r->ptr, 16);
    if (ptr == NULL) {
        tr_nomem(r);
        return;
    }
    r->ptr = ptr;
    for (size_t i = 0; i < r->nfield; i++)
        r->ptr[i] = r->arena + r->off[i];
    if (r->nrec == 0 && tr_keep_header(r) < 0) {
        tr_nomem(r);
        return;
    }
    rec.field = r->ptr;
    rec.n = r->nfield;
    /* A record that began after a bare CR on the same line was never seen
     * opening by tr_feed(); it starts on the current line. */
    rec.line = r->rec_open ? r->rec_line : r->line;
    rec.index = r->nrec++;
    rc = r->fn(r->ctx, &rec, r->err, r->errlen);
    if (rc < 0)
        tr_fail(r, rc);
    r->nfield = 0;
    r->arena_len = 0;
    r->rec_open = 0;
}

/* Feed one piece of the current line to libcsv. */
static void tr_feed(tr_reader *r, struct csv_parser *p, const char *s, size_t len)
{
    char name[96];

    if (!r->rec_open) {
        for (size_t i = 0; i < len; i++) {
            if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') {
                r->rec_open = 1;
                r->rec_line = r->line;
                break;
            }
        }
    }
    if (csv_parse(p, s, len, tr_on_field, tr_on_record, r) == len || r->rc != 0)
        return;
    if (csv_error(p) == CSV_EPARSE) {
        tr_colname(r, r->nfield, name, sizeof name);
        wl_errf(r->err, r->errlen, "%s:%lu: field %s: malformed quoting (a quote inside a field must be doubled, "
                "and a quoted field must end at a comma or line end)", r->path, r->line, name);
        tr_fail(r, -EINVAL);
    } else {
        tr_nomem(r);
    }
}

static void tr_release(tr_reader *r)
{
    free(r->arena);
    free(r->off);
    free(r->ptr);
    for (size_t i = 0; i < r->nhead; i++)
        free(r->head[i]);
    free(r->head);
}

/* Where the bytes come from: a FILE, or a buffer in memory (the tables
 * embedded into the binary).  next() copies up to n bytes into buf and
 * returns how many; 0 at the end or on a read error (ferror tells). */
typedef struct {
    FILE *f;
    const char *data;
    size_t len, pos;
} tr_source;

static size_t tr_source_next(tr_source *src, char *buf, size_t n)
{
    size_t k;

    if (src->f != NULL)
        return fread(buf, 1, n, src->f);
    k = src->len - src->pos < n ? src->len - src->pos : n;
    if (k > 0)
        memcpy(buf, src->data + src->pos, k);
    src->pos += k;
    return k;
}

static int tr_run(const char *path, tr_source *src, tr_record_fn fn, void *ctx, char *err, size_t errlen)
{
    tr_reader r = {.path = path, .fn = fn, .ctx = ctx, .err = err, .errlen = errlen, .line = 1};
    struct csv_parser p;
    char *buf;
    size_t n, linelen = 0;
    int first = 1, at_line_start = 1, skipping = 0, cr_pending = 0;

    buf = malloc(TR_BLOCK);
    if (buf == NULL || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(buf);
        wl_errf(err, errlen, "%s: out of memory", path);
        return -ENOMEM;
    }

    while (r.rc == 0 && (n = tr_source_next(src, buf, TR_BLOCK)) > 0) {
        size_t i = 0;

        /* A block is full unless the input ends, so a BOM is whole. */
        if (first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
            i = 3;
        first = 0;
        while (i < n && r.rc == 0) {
            /* a line ends at LF, CRLF or a bare CR (old Mac files), so that
             * messages name the right line whatever the line ends */
            char *nl = NULL;
            size_t end = n;

            if (cr_pending && buf[i] == '\n') {
                /* the LF of a CRLF split between blocks: the line was counted */
                tr_feed(&r, &p, buf + i, 1);
                cr_pending = 0;
                i++;
                continue;
            }
            cr_pending = 0;
            for (size_t k = i; k < n; k++)
                if (buf[k] == '\n' || buf[k] == '\r') {
                    nl = buf + k;
                    end = k + 1;
                    if (buf[k] == '\r' && k + 1 < n && buf[k + 1] == '\n')
                        end = k + 2;
                    else if (buf[k] == '\r' && k + 1 == n)
                        cr_pending = 1;
                    break;
                }

            linelen += end - i - (nl != NULL);
            if (linelen > TR_MAX_LINE) {
                wl_errf(err, errlen, "%s:%lu: line longer than 1 MiB", path, r.line);
                tr_fail(&r, -EINVAL);
                break;
            }
            if (at_line_start && r.nrec == 0 && !r.rec_open && buf[i] == '#')
                skipping = 1;
            at_line_start = 0;
            if (!skipping)
                tr_feed(&r, &p, buf + i, end - i);
            if (nl != NULL) {
                r.line++;
                linelen = 0;
                at_line_start = 1;
                skipping = 0;
            }
            i = end;
        }
    }
    if (r.rc == 0 && src->f != NULL && ferror(src->f)) {
        int e = errno; /* set by the fread that failed */
        wl_errf(err, errlen, "%s: read error: %s", path, strerror(e));
        tr_fail(&r, e > 0 ? -e : -EIO);
    }
    if (r.rc == 0 && csv_fini(&p, tr_on_field, tr_on_record, &r) != 0 && r.rc == 0) {
        char name[96];
        tr_colname(&r, r.nfield, name, sizeof name);
        wl_errf(err, errlen, "%s:%lu: field %s: quoted field not closed before the end of the file", path,
                r.rec_open ? r.rec_line : r.line, name);
        tr_fail(&r, -EINVAL);
    }

    csv_free(&p);
    free(buf);
    tr_release(&r);
    return r.rc;
}

int tr_read(const char *path, tr_record_fn fn, void *ctx, char *err, size_t errlen)
{
    tr_source src = {0};
    int rc;

    src.f = fopen(path, "rb");
    if (src.f == NULL) {
        int e = errno;
        wl_errf(err, errlen, "%s: %s", path, strerror(e));
        return e > 0 ? -e : -EIO;
    }
    rc = tr_run(path, &src, fn, ctx, err, errlen);
    fclose(src.f);
    return rc;
}

int tr_read_mem(const char *name, const char *data, size_t len, tr_record_fn fn, void *ctx, char *err,
                size_t errlen)
{
    tr_source src = {.data = data, .len = len};
    return tr_run(name, &src, fn, ctx, err, errlen);
}
