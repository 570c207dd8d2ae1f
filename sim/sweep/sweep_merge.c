/*
 * sim/sweep/sweep_merge.c -- joining the k shards of one grid (sweep_merge) into
 * files byte-identical to those of an unsharded sweep.  See sweep.h.
 *
 * Invariants: every part is checked (same grid, every shard once, each row
 * a cell of its shard with the header's field count, the grid's row count)
 * before anything is written, so a bad part leaves out as it was; rows are
 * ordered by (cell, order read), which is grid order since a shard's file
 * lists its cells in order and seeds within a cell.
 */
#include "sim/sweep/sweep_impl.h"
#include "sim/output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        if ((rc = sweep_read_info(dirs[d], &pi[d], err, n)) < 0)
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
            if (!pass && (rc = sweep_read_all(dirs[d], part_files[fi], b, err, n)) < 0)
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
    sweep_info_write(f, 0, 1, pi[0].cells, pi[0].seeds, pi[0].k, pi[0].grid);
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
