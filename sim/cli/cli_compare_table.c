/*
 * sim/cli/cli_compare_table.c -- the side-by-side table of `shsim compare`:
 * read back from the summaries the runs wrote (cli_compare.h), printed for
 * people and written as DIR/compare.csv.
 *
 * A CSV file is read whole with libcsv into a grid of fields; every record
 * must have the header's field count.  Values are kept as the files spell
 * them, so compare.csv repeats them to the last bit.
 */
#include "sim/cli/cli_compare.h"
#include "sim/output.h"
#include "sim/summary.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The table's rows: a summary column each (sweep_agg.csv adds _mean, _lo,
 * _hi, _n), shown with the column's label and decimals (sim/summary.h). */
const int compare_metrics[] = {
    SUMMARY_COL_idle_fraction,  SUMMARY_COL_trials_rmax,         SUMMARY_COL_epochs_trained,
    SUMMARY_COL_best,           SUMMARY_COL_best_rmax,           SUMMARY_COL_time_to_target,
    SUMMARY_COL_time_to_target_rmax, SUMMARY_COL_time_first_rmax,
};
const size_t compare_nmetrics = sizeof compare_metrics / sizeof *compare_metrics;

/* ---- a CSV file as a grid of fields ----------------------------------- */

typedef struct {
    char **f;          /* row-major, row 0 the header */
    size_t nf, cap;
    size_t ncol, rows; /* rows: records after the header */
    size_t field;      /* fields in the record being read */
    int rc;
    char *err;
    size_t errn;
    const char *path;
} csv_grid;

static void grid_field(void *s, size_t len, void *data)
{
    csv_grid *g = data;
    if (g->rc)
        return;
    char **q = base_grow(g->f, &g->cap, g->nf + 1, sizeof *q, 64);
    if (!q) {
        g->rc = -ENOMEM;
        return;
    }
    g->f = q;
    char *v = malloc(len + 1);
    if (!v) {
        g->rc = -ENOMEM;
        return;
    }
    memcpy(v, s, len);
    v[len] = '\0';
    g->f[g->nf++] = v;
    g->field++;
}

static void grid_record(int c, void *data)
{
    (void)c;
    csv_grid *g = data;
    if (g->rc)
        return;
    if (g->nf == g->field) {
        g->ncol = g->field; /* the header */
    } else if (g->field != g->ncol) {
        snprintf(g->err, g->errn, "%s:%zu: %zu fields, the header has %zu", g->path,
                 g->rows + 2, g->field, g->ncol);
        g->rc = -EINVAL;
        return;
    } else {
        g->rows++;
    }
    g->field = 0;
}

static void grid_free(csv_grid *g)
{
    for (size_t i = 0; i < g->nf; i++)
        free(g->f[i]);
    free(g->f);
    memset(g, 0, sizeof *g);
}

static int grid_read(csv_grid *g, const char *path, char *err, size_t n)
{
    memset(g, 0, sizeof *g);
    g->err = err;
    g->errn = n;
    g->path = path;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        snprintf(err, n, "%s: %s", path, strerror(e));
        return -e;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(f);
        snprintf(err, n, "%s: out of memory", path);
        return -ENOMEM;
    }
    char buf[8192];
    size_t len;
    while (g->rc == 0 && (len = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, len, grid_field, grid_record, g) != len && g->rc == 0) {
            snprintf(err, n, "%s: %s", path, csv_strerror(csv_error(&p)));
            g->rc = -EINVAL;
        }
    if (g->rc == 0 && ferror(f)) {
        snprintf(err, n, "%s: read error", path);
        g->rc = -EIO;
    }
    if (g->rc == 0 && csv_fini(&p, grid_field, grid_record, g) != 0 && g->rc == 0) {
        snprintf(err, n, "%s: %s", path, csv_strerror(csv_error(&p)));
        g->rc = -EINVAL;
    }
    csv_free(&p);
    fclose(f);
    if (g->rc == -ENOMEM)
        snprintf(err, n, "%s: out of memory", path);
    if (g->rc == 0 && g->ncol == 0) {
        snprintf(err, n, "%s: empty", path);
        g->rc = -EINVAL;
    }
    int rc = g->rc;
    if (rc < 0)
        grid_free(g);
    return rc;
}

/* Column index of `name`, or -1. */
static long grid_col(const csv_grid *g, const char *name)
{
    for (size_t c = 0; c < g->ncol; c++)
        if (strcmp(g->f[c], name) == 0)
            return (long)c;
    return -1;
}

/* ---- the table ----------------------------------------------------------- */

static int dup_to(char **dst, const char *s)
{
    *dst = strdup(s ? s : "");
    return *dst ? 0 : -ENOMEM;
}

/* Copy column `name` of grid row `row` into *dst; -EINVAL when missing. */
static int take(const csv_grid *g, size_t row, const char *name, int required, char **dst,
                const char *path, char *err, size_t n)
{
    long c = grid_col(g, name);
    if (c < 0 && required) {
        snprintf(err, n, "%s: no column '%s'", path, name);
        return -EINVAL;
    }
    return dup_to(dst, c < 0 ? "" : g->f[(row + 1) * g->ncol + (size_t)c]);
}

int compare_table_load(compare_table *t, const char *dir, const compare_set *cs, int seeds,
                       char *err, size_t n)
{
    memset(t, 0, sizeof *t);
    t->nsched = cs->n;
    t->nmetrics = compare_nmetrics;
    t->seeds = seeds;
    t->val = calloc(cs->n * compare_nmetrics, sizeof *t->val);
    if (!t->val) {
        snprintf(err, n, "out of memory");
        return -ENOMEM;
    }
    char path[4300], col[128];
    csv_grid g;
    int rc = 0;
    if (seeds) {
        snprintf(path, sizeof path, "%s/sweep/sweep_agg.csv", dir);
        if ((rc = grid_read(&g, path, err, n)) < 0)
            return rc;
        if (g.rows != cs->n) {
            snprintf(err, n, "%s: %zu cells, expected %zu", path, g.rows, cs->n);
            rc = -EINVAL;
        }
        static const char *const suffix[] = { "mean", "lo", "hi", "n" };
        for (size_t s = 0; s < cs->n && rc == 0; s++) {
            rc = take(&g, s, "runs_ok", 1, &t->runs_ok[s], path, err, n);
            for (size_t m = 0; m < compare_nmetrics && rc == 0; m++)
                for (int k = 0; k < 4 && rc == 0; k++) {
                    snprintf(col, sizeof col, "%s_%s", summary_columns[compare_metrics[m]].name, suffix[k]);
                    rc = take(&g, s, col, k < 3, &t->val[s * compare_nmetrics + m][k], path,
                              err, n);
                }
        }
        grid_free(&g);
    } else {
        for (size_t s = 0; s < cs->n && rc == 0; s++) {
            snprintf(path, sizeof path, "%s/%s/summary.csv", dir, cs->folder[s]);
            if ((rc = grid_read(&g, path, err, n)) < 0)
                break;
            if (g.rows != 1) {
                snprintf(err, n, "%s: %zu rows, expected 1", path, g.rows);
                rc = -EINVAL;
            }
            for (size_t m = 0; m < compare_nmetrics && rc == 0; m++)
                rc = take(&g, 0, summary_columns[compare_metrics[m]].name, 1, &t->val[s * compare_nmetrics + m][0],
                          path, err, n);
            grid_free(&g);
        }
    }
    if (rc == -ENOMEM)
        snprintf(err, n, "out of memory");
    if (rc < 0)
        compare_table_free(t);
    return rc;
}

void compare_table_free(compare_table *t)
{
    if (t->val)
        for (size_t i = 0; i < t->nsched * t->nmetrics; i++)
            for (int k = 0; k < 4; k++)
                free(t->val[i][k]);
    free(t->val);
    for (size_t s = 0; s < COMPARE_MAX_SCHEDULERS; s++)
        free(t->runs_ok[s]);
    memset(t, 0, sizeof *t);
}

/* One number as the table shows it; "-" for none. */
static void show_num(char *buf, size_t n, const char *v, const summary_column *c, int decimals)
{
    char *end;
    double x = strtod(v, &end);
    if (!*v || *end || !isfinite(x))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.*f", decimals, x * c->scale);
}

/* A cell: "30.6", or with seeds "30.6 [28.1, 33.0]" and "(k of N runs)"
 * when only k runs have a value. */
static void show_cell(char *buf, size_t n, const compare_table *t, size_t s, size_t m)
{
    char *const *v = t->val[s * t->nmetrics + m];
    const summary_column *c = &summary_columns[compare_metrics[m]];
    char mean[64], lo[64], hi[64];
    int dec = t->seeds && c->decimals == 0 ? 1 : c->decimals; /* a mean of counts gets a decimal */
    show_num(mean, sizeof mean, v[0], c, dec);
    if (!t->seeds || strcmp(mean, "-") == 0) {
        snprintf(buf, n, "%s", mean);
        return;
    }
    show_num(lo, sizeof lo, v[1], c, dec);
    show_num(hi, sizeof hi, v[2], c, dec);
    int some = *v[3] && strcmp(v[3], t->runs_ok[s]) != 0;
    char part[64] = "";
    if (some)
        snprintf(part, sizeof part, " (%s of %s)", v[3], t->runs_ok[s]);
    if (strcmp(lo, "-") == 0)
        snprintf(buf, n, "%s%s", mean, part);
    else
        snprintf(buf, n, "%s [%s, %s]%s", mean, lo, hi, part);
}

int compare_table_cell(const compare_table *t, size_t s, const char *column, char *buf, size_t n)
{
    for (size_t m = 0; m < t->nmetrics; m++)
        if (strcmp(summary_columns[compare_metrics[m]].name, column) == 0) {
            show_cell(buf, n, t, s, m);
            return 0;
        }
    snprintf(buf, n, "-");
    return -1;
}

void compare_table_print(FILE *f, const compare_table *t, const compare_set *cs)
{
    size_t lw = 0, cw[COMPARE_MAX_SCHEDULERS];
    char cell[256];
    for (size_t m = 0; m < t->nmetrics; m++)
        if (strlen(summary_columns[compare_metrics[m]].label) > lw)
            lw = strlen(summary_columns[compare_metrics[m]].label);
    for (size_t s = 0; s < t->nsched; s++) {
        cw[s] = strlen(cs->label[s]);
        for (size_t m = 0; m < t->nmetrics; m++) {
            show_cell(cell, sizeof cell, t, s, m);
            if (strlen(cell) > cw[s])
                cw[s] = strlen(cell);
        }
    }
    fprintf(f, "%-*s", (int)lw, "");
    for (size_t s = 0; s < t->nsched; s++)
        fprintf(f, "  %*s", (int)cw[s], cs->label[s]);
    fputc('\n', f);
    for (size_t m = 0; m < t->nmetrics; m++) {
        fprintf(f, "%-*s", (int)lw, summary_columns[compare_metrics[m]].label);
        for (size_t s = 0; s < t->nsched; s++) {
            show_cell(cell, sizeof cell, t, s, m);
            fprintf(f, "  %*s", (int)cw[s], cell);
        }
        fputc('\n', f);
    }
}

int compare_table_write(const compare_table *t, const compare_set *cs, const char *dir,
                        char *err, size_t n)
{
    static const char *const suffix[] = { "mean", "lo", "hi", "n" };
    out_set os;
    out_set_init(&os);
    FILE *f = out_set_open(&os, dir, "compare.csv");
    if (!f) {
        snprintf(err, n, "%s", os.err);
        return -EIO;
    }
    fputs(t->seeds ? "scheduler,runs_ok" : "scheduler", f);
    for (size_t m = 0; m < t->nmetrics; m++)
        for (int k = 0; k < (t->seeds ? 4 : 1); k++)
            fprintf(f, t->seeds ? ",%s_%s" : ",%s", summary_columns[compare_metrics[m]].name, suffix[k]);
    fputc('\n', f);
    for (size_t s = 0; s < t->nsched; s++) {
        base_put_csv_field(f, cs->label[s], 0);
        if (t->seeds)
            fprintf(f, ",%s", t->runs_ok[s]);
        for (size_t m = 0; m < t->nmetrics; m++)
            for (int k = 0; k < (t->seeds ? 4 : 1); k++) {
                fputc(',', f);
                base_put_csv_field(f, t->val[s * t->nmetrics + m][k], 0);
            }
        fputc('\n', f);
    }
    if (out_set_commit(&os) < 0) {
        snprintf(err, n, "%s", os.err);
        out_set_abort(&os);
        return -EIO;
    }
    return 0;
}
