/*
 * sim/sweep/sweep_write.c -- writing a finished shard's four files from its slots:
 * sweep.csv (a row per run), sweep_agg.csv (the metrics aggregated per
 * cell), sweep_curves.csv and sweep_info.csv.  See sweep.h for the columns.
 *
 * Invariants: the files are written after every thread ended, in run order,
 * so neither the thread count nor an interruption and resumption can change
 * a byte; statistics are summed in seed order, on one thread.  The four
 * files go through one out_set: all are committed, or none.
 */
#include "sim/sweep/sweep_impl.h"
#include "sim/output.h"
#include "sim/record.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* One statistic of sweep_agg.csv (its metrics: the summary columns of
 * sim/summary.h, summary_columns[] and summary_value()). */
static void put_stat(FILE *f, sweep_stat st, int with_n)
{
    double v[] = { st.mean, st.sd, st.lo, st.hi };
    for (size_t i = 0; i < 4; i++) {
        fputc(',', f);
        base_put_double(f, v[i]);
    }
    if (with_n)
        fprintf(f, ",%zu", st.n);
}

void sweep_info_write(FILE *f, uint32_t shard, uint32_t shards, size_t cells, size_t seeds,
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

/* What the writers share: the job, a spec to fill, the three files, a
 * memory stream for a summary line and its buffer, and room for one value
 * per seed. */
typedef struct {
    sweep_job *j;
    run_spec *rs;
    FILE *runs, *agg, *cur, *m;
    char **mbuf;
    double *v;
} sweep_writer;

static void write_headers(sweep_writer *w)
{
    fputs("cell,", w->runs);
    summary_header(w->m);
    put_line_of(w->runs, w->m, w->mbuf);
    fputs(",status\n", w->runs);
    fputs("cell,", w->agg);
    summary_spec_header(w->agg);
    fputs(",runs,runs_ok", w->agg);
    for (size_t mt = 0; mt < SUMMARY_NCOLUMNS; mt++) {
        const char *nm = summary_columns[mt].name;
        fprintf(w->agg, ",%s_mean,%s_sd,%s_lo,%s_hi", nm, nm, nm, nm);
        if (summary_columns[mt].may_miss)
            fprintf(w->agg, ",%s_n", nm);
    }
    fputc('\n', w->agg);
    fputs("cell,", w->cur);
    summary_spec_header(w->cur);
    fputs(",time,n,mean,sd,lo,hi,n_rmax,mean_rmax,sd_rmax,lo_rmax,hi_rmax\n", w->cur);
}

/* sweep.csv: cell mi's row per seed (a failed run: its describing columns,
 * empty metrics and the message); the number that ran. */
static size_t write_runs(sweep_writer *w, size_t mi)
{
    sweep_job *j = w->j;
    const sweep_plan *p = j->p;
    size_t ns = p->nseeds, c = j->mine[mi], ok = 0;
    char why[1536];
    for (size_t si = 0; si < ns; si++) {
        size_t r = mi * ns + si;
        (void)sweep_job_spec(j, mi, si, w->rs, why, sizeof why); /* as in the run */
        fprintf(w->runs, "%zu,", c);
        if (j->state[r] == RUN_OK) {
            ok++;
            summary_row(w->m, w->rs, &j->sum[r]);
            put_line_of(w->runs, w->m, w->mbuf);
            fputs(",ok\n", w->runs);
            continue;
        }
        const char *msg = j->why[r] ? j->why[r] : "out of memory";
        summary_spec_row(w->runs, w->rs);
        for (size_t mt = 0; mt <= SUMMARY_NCOLUMNS; mt++) /* empty metrics, then the status */
            fputc(',', w->runs);
        base_put_csv_field(w->runs, msg, 0);
        fputc('\n', w->runs);
        if (p->failed)
            p->failed(p->failed_ctx, c, p->seeds[si], msg);
    }
    return ok;
}

/* sweep_agg.csv: cell mi's statistics over the seeds (w->rs its spec). */
static void write_agg(sweep_writer *w, size_t mi, size_t ok)
{
    sweep_job *j = w->j;
    size_t ns = j->p->nseeds;
    fprintf(w->agg, "%zu,", j->mine[mi]);
    summary_spec_row(w->agg, w->rs);
    fprintf(w->agg, ",%zu,%zu", ns, ok);
    for (size_t mt = 0; mt < SUMMARY_NCOLUMNS; mt++) {
        for (size_t si = 0; si < ns; si++)
            w->v[si] = j->state[mi * ns + si] == RUN_OK ? summary_value(&j->sum[mi * ns + si], mt)
                                                        : (double)NAN;
        put_stat(w->agg, sweep_stat_of(w->v, ns), summary_columns[mt].may_miss);
    }
    fputc('\n', w->agg);
}

/* sweep_curves.csv: cell mi's best-so-far and best_rmax bands at its
 * sample times (w->rs its spec). */
static void write_curves(sweep_writer *w, size_t mi)
{
    sweep_job *j = w->j;
    size_t ns = j->p->nseeds, k = j->p->curve_points, c = j->mine[mi];
    for (uint32_t i = 0; i < k; i++) {
        fprintf(w->cur, "%zu,", c);
        summary_spec_row(w->cur, w->rs);
        fputc(',', w->cur);
        base_put_double(w->cur, sweep_sample_time(w->rs, i, (uint32_t)k));
        /* best, then best_rmax: samples [r * 2K + i] and [r * 2K + K + i] */
        for (size_t half = 0; half < 2; half++) {
            for (size_t si = 0; si < ns; si++)
                w->v[si] = j->state[mi * ns + si] == RUN_OK
                               ? j->samples[(mi * ns + si) * 2 * k + half * k + i]
                               : (double)NAN;
            sweep_stat st = sweep_stat_of(w->v, ns);
            fprintf(w->cur, ",%zu", st.n);
            double x4[] = { st.mean, st.sd, st.lo, st.hi };
            for (size_t x = 0; x < 4; x++) {
                fputc(',', w->cur);
                base_put_double(w->cur, x4[x]);
            }
        }
        fputc('\n', w->cur);
    }
}

int sweep_job_write(sweep_job *j, const char *dir, run_spec *rs, const char *grid, char *err,
                    size_t n)
{
    const sweep_plan *p = j->p;
    size_t ns = p->nseeds;
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
    sweep_writer w = { .j = j, .rs = rs, .runs = runs, .agg = agg, .cur = cur, .m = m,
                       .mbuf = &mbuf, .v = v };
    write_headers(&w);
    char why[1536];
    for (size_t mi = 0; mi < j->nmine; mi++) {
        size_t ok = write_runs(&w, mi);
        (void)sweep_job_spec(j, mi, 0, rs, why, sizeof why);
        write_agg(&w, mi, ok);
        if (sweep_has_curve(p, rs))
            write_curves(&w, mi);
    }
    sweep_info_write(info, p->shard, p->shards, p->ncells, ns, (uint32_t)p->curve_points, grid);
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
