/*
 * sim/sweep/sweep_merge.c -- joining the k shards of one grid (sweep_merge) into
 * files byte-identical to those of an unsharded sweep.  See sweep.h.
 *
 * Invariants: every part is checked (same grid, every shard once, each row
 * a cell of its shard with the header's field count, every cell its rows:
 * each seed once, one aggregate, its curve points) before anything is
 * written, so a bad part leaves out as it was; rows are
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
    size_t part, lineno; /* for messages */
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

/* Field idx of the CSV line [p, eol) (quotes kept): its start, *len. */
static const char *csv_field_at(const char *p, const char *eol, size_t idx, size_t *len)
{
    int quoted = 0;
    for (; idx && p < eol; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            idx--;
    }
    const char *f = p;
    for (quoted = 0; p < eol && (quoted || *p != ','); p++)
        if (*p == '"')
            quoted = !quoted;
    *len = (size_t)(p - f);
    return f;
}

/* The index of column `name` in header line [p, eol), or (size_t)-1. */
static size_t column_of(const char *p, const char *eol, const char *name)
{
    size_t nf = csv_fields(p, eol), len;
    for (size_t i = 0; i < nf; i++) {
        const char *f = csv_field_at(p, eol, i, &len);
        if (len == strlen(name) && memcmp(f, name, len) == 0)
            return i;
    }
    return (size_t)-1;
}

static int cmp_lines(const void *x, const void *y)
{
    const merge_line *a = x, *b = y;
    if (a->cell != b->cell)
        return a->cell < b->cell ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

/* The rows of one part file, all parts, sorted by (cell, order): every
 * cell of the grid has its rows, and only those (sweep.csv: one per seed,
 * each seed once, in the order of the first cell; sweep_agg.csv: one;
 * sweep_curves.csv: K when the cell's horizon is finite, else none).
 * curve[c] (filled from sweep_agg.csv, read before the curves) says which.
 * 0, or -EINVAL with the part and row named in err. */
static int check_cells(const merge_line *lines, size_t nl, size_t fi, const char *const *dirs,
                       const part_info *pi, size_t ndirs, size_t seed_col, size_t hor_col,
                       unsigned char *curve, char *err, size_t n)
{
    const char *name = part_files[fi];
    const merge_line *ref = NULL; /* the first cell's rows: the seeds in order */
    size_t i = 0;
    for (size_t c = 0; c < pi[0].cells; c++) {
        size_t m = 0;
        while (i + m < nl && lines[i + m].cell == c)
            m++;
        const merge_line *g = lines + i;
        size_t want = fi == 0 ? pi[0].seeds : fi == 1 ? 1 : curve[c] ? pi[0].k : 0;
        if (m != want) {
            size_t d = 0;
            while (d + 1 < ndirs && pi[d].shard != c % pi[0].shards)
                d++;
            const merge_line *at = m > want ? g + want : g; /* the first extra row */
            if (m)
                snprintf(err, n, "%s/%s:%zu: cell %zu has %zu rows, the grid has %zu (%s)",
                         dirs[at->part], name, at->lineno, c, m, want,
                         fi == 0 ? "one per seed" : fi == 1 ? "one per cell"
                                                : "the curve points of a finite horizon");
            else
                snprintf(err, n, "%s/%s: cell %zu (shard %u/%u) has no rows, the grid has %zu",
                         dirs[d], name, c, pi[d].shard + 1, pi[d].shards, want);
            return -EINVAL;
        }
        if (fi == 1) {
            size_t len;
            const char *h = csv_field_at(g->line, g->line + g->len - 1, hor_col, &len);
            curve[c] = pi[0].k > 0 && hor_col != (size_t)-1 && !(len == 3 && !memcmp(h, "inf", 3));
        }
        if (fi == 0 && seed_col != (size_t)-1) {
            for (size_t r = 0; r < m; r++) {
                size_t len, rlen;
                const char *sd = csv_field_at(g[r].line, g[r].line + g[r].len - 1, seed_col, &len);
                if (!ref) { /* each seed once in the first cell: O(seeds^2) once */
                    for (size_t q = 0; q < r; q++) {
                        const char *sq = csv_field_at(g[q].line, g[q].line + g[q].len - 1,
                                                      seed_col, &rlen);
                        if (rlen == len && memcmp(sq, sd, len) == 0) {
                            snprintf(err, n, "%s/%s:%zu: cell %zu, seed %.*s: a second row "
                                     "(line %zu has it)", dirs[g[r].part], name, g[r].lineno, c,
                                     (int)(len < 40 ? len : 40), sd, g[q].lineno);
                            return -EINVAL;
                        }
                    }
                    continue;
                }
                const char *sr = csv_field_at(ref[r].line, ref[r].line + ref[r].len - 1,
                                              seed_col, &rlen);
                if (rlen != len || memcmp(sr, sd, len) != 0) {
                    snprintf(err, n, "%s/%s:%zu: cell %zu: seed %.*s where the grid has seed "
                             "%.*s (each cell has every seed once, in the grid's order)",
                             dirs[g[r].part], name, g[r].lineno, c, (int)(len < 40 ? len : 40),
                             sd, (int)(rlen < 40 ? rlen : 40), sr);
                    return -EINVAL;
                }
            }
            if (!ref)
                ref = g;
        }
        i += m;
    }
    if (i < nl) { /* a row of a cell beyond the grid: refused when read */
        snprintf(err, n, "%s/%s:%zu: cell %zu is not in the grid", dirs[lines[i].part], name,
                 lines[i].lineno, lines[i].cell);
        return -EINVAL;
    }
    return 0;
}

/* Every part a shard of the same grid, each shard once. */
static int check_infos(const char *const *dirs, size_t ndirs, part_info *pi, char *err, size_t n)
{
    for (size_t d = 0; d < ndirs; d++) {
        int rc = sweep_read_info(dirs[d], &pi[d], err, n);
        if (rc < 0)
            return rc;
        if (pi[d].shards != ndirs) {
            snprintf(err, n, "%s is shard %u/%u, but %zu folders were given", dirs[d],
                     pi[d].shard + 1, pi[d].shards, ndirs);
            return -EINVAL;
        }
        if (pi[d].cells != pi[0].cells || pi[d].seeds != pi[0].seeds || pi[d].k != pi[0].k ||
            strcmp(pi[d].grid, pi[0].grid) != 0) {
            snprintf(err, n, "%s and %s are shards of different grids", dirs[0], dirs[d]);
            return -EINVAL;
        }
        for (size_t e = 0; e < d; e++)
            if (pi[e].shard == pi[d].shard) {
                snprintf(err, n, "%s and %s are both shard %u/%u", dirs[e], dirs[d],
                         pi[d].shard + 1, pi[d].shards);
                return -EINVAL;
            }
    }
    return 0;
}

/* What a merge holds while it reads the parts. */
typedef struct {
    const char *const *dirs;
    size_t ndirs;
    const part_info *pi;
    file_buf *fb;          /* ndirs x NPART_FILES, read in the first pass */
    merge_line *lines;     /* the rows of one part file over every folder */
    size_t nl, cap;
    const char *hdr0;      /* the first folder's header line, and its length */
    size_t hlen0;
    size_t seed_col, hor_col; /* sweep.csv's seed, sweep_agg.csv's horizon */
} merge_job;

/* The rows of part file fi of every folder into m->lines, each checked (a
 * cell of its shard, the header's field count; every header the same);
 * the first pass (read != 0) reads the files. */
static int gather_rows(merge_job *m, size_t fi, int read, char *err, size_t n)
{
    const char *const *dirs = m->dirs;
    size_t order = 0;
    m->nl = 0;
    m->hdr0 = NULL;
    m->hlen0 = 0;
    for (size_t d = 0; d < m->ndirs; d++) {
        file_buf *b = &m->fb[d * NPART_FILES + fi];
        int rc;
        if (read && (rc = sweep_read_all(dirs[d], part_files[fi], b, err, n)) < 0)
            return rc;
        const part_info *pi = &m->pi[d];
        const char *p = b->text, *end = b->text + b->len;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t hlen = (size_t)(eol - p) + 1;
        if (!m->hdr0) {
            m->hdr0 = p;
            m->hlen0 = hlen;
            if (fi == 0)
                m->seed_col = column_of(p, eol, "seed");
            if (fi == 1)
                m->hor_col = column_of(p, eol, "horizon");
        } else if (hlen != m->hlen0 || memcmp(p, m->hdr0, hlen) != 0) {
            snprintf(err, n, "%s/%s: its header differs from %s/%s", dirs[d], part_files[fi],
                     dirs[0], part_files[fi]);
            return -EINVAL;
        }
        size_t lineno = 1, nfields = csv_fields(b->text, eol);
        for (p = eol + 1; p < end; p = eol + 1) {
            lineno++;
            eol = memchr(p, '\n', (size_t)(end - p));
            char *q;
            errno = 0;
            unsigned long long c = strtoull(p, &q, 10);
            if (q == p || *q != ',' || errno || c >= pi->cells || c % pi->shards != pi->shard) {
                snprintf(err, n, "%s/%s:%zu: field 'cell': '%.*s' is not a cell of shard %u/%u",
                         dirs[d], part_files[fi], lineno,
                         (int)strcspn(p, ",\n") < 40 ? (int)strcspn(p, ",\n") : 40, p,
                         pi->shard + 1, pi->shards);
                return -EINVAL;
            }
            size_t nf = csv_fields(p, eol);
            if (nf != nfields) {
                snprintf(err, n, "%s/%s:%zu: %zu fields, the header has %zu", dirs[d],
                         part_files[fi], lineno, nf, nfields);
                return -EINVAL;
            }
            if (m->nl == m->cap) {
                merge_line *ml = base_grow(m->lines, &m->cap, m->nl + 1, sizeof *ml, 1024);
                if (!ml) {
                    snprintf(err, n, "merge: out of memory");
                    return -ENOMEM;
                }
                m->lines = ml;
            }
            m->lines[m->nl++] = (merge_line){ (size_t)c, order++, p, (size_t)(eol - p) + 1, d,
                                              lineno };
        }
    }
    qsort(m->lines, m->nl, sizeof *m->lines, cmp_lines);
    return 0;
}

int sweep_merge(const char *const *dirs, size_t ndirs, const char *out, char *err, size_t n)
{
    if (ndirs < 1) {
        snprintf(err, n, "merge: no sweep folders given");
        return -EINVAL;
    }
    part_info *pi = calloc(ndirs, sizeof *pi);
    unsigned char *curve = NULL;
    merge_job m = { .dirs = dirs, .ndirs = ndirs, .pi = pi, .seed_col = (size_t)-1,
                    .hor_col = (size_t)-1 };
    m.fb = calloc(ndirs * NPART_FILES, sizeof *m.fb);
    out_set *os = malloc(sizeof *os);
    int rc = -ENOMEM;
    if (!pi || !m.fb || !os) {
        snprintf(err, n, "merge: out of memory");
        goto out;
    }
    out_set_init(os);
    if ((rc = check_infos(dirs, ndirs, pi, err, n)) < 0)
        goto out;
    if (!(curve = calloc(pi[0].cells + 1, 1))) {
        rc = -ENOMEM;
        snprintf(err, n, "merge: out of memory");
        goto out;
    }
    /* two passes: check every part file, then write (so that a bad part
     * leaves out as it was, not even created) */
    for (size_t fi = 0; fi < NPART_FILES; fi++)
        if ((rc = gather_rows(&m, fi, 1, err, n)) < 0 ||
            (rc = check_cells(m.lines, m.nl, fi, dirs, pi, ndirs, m.seed_col, m.hor_col, curve,
                              err, n)) < 0)
            goto out;
    for (size_t fi = 0; fi < NPART_FILES; fi++) {
        if ((rc = gather_rows(&m, fi, 0, err, n)) < 0)
            goto out;
        FILE *f = out_set_open(os, out, part_files[fi]);
        if (!f) {
            rc = -EIO;
            snprintf(err, n, "%s", os->err);
            goto out;
        }
        fwrite(m.hdr0, 1, m.hlen0, f);
        for (size_t i = 0; i < m.nl; i++)
            fwrite(m.lines[i].line, 1, m.lines[i].len, f);
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
    if (m.fb)
        for (size_t i = 0; i < ndirs * NPART_FILES; i++)
            free(m.fb[i].text);
    free(m.fb);
    free(pi);
    free(curve);
    free(m.lines);
    free(os);
    return rc;
}
