/*
 * sim/record.c -- the files a run writes (docs/files.md).
 */
#include "sim/record.h"
#include "sim/output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void write_jobs(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)rs;
    (void)wl;
    fputs("job,worker,trial,rung,epoch_from,epoch_to,start,end,outcome,bracket\n", f);
    for (size_t i = 0; i < r->n_jobs; i++) {
        const job_row *j = &r->jobs[i];
        fprintf(f, "%u,%u,%u,%u,%u,%u,", j->job, j->worker, j->trial, j->rung, j->epoch_from,
                j->epoch_to);
        base_put_double(f, j->start);
        fputc(',', f);
        base_put_double(f, j->end);
        fprintf(f, ",%s,%u\n", job_outcome_name(j->outcome), j->bracket);
    }
}

static void write_results(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)rs;
    (void)wl;
    fputs("time,worker,trial,epoch,metric,decision,bracket\n", f);
    for (size_t i = 0; i < r->n_results; i++) {
        const result_row *x = &r->results[i];
        base_put_double(f, x->time);
        fprintf(f, ",%u,%u,%u,", x->worker, x->trial, x->epoch);
        base_put_double(f, x->metric);
        fprintf(f, ",%s,%u\n", sched_decision_name(x->decision), x->bracket);
    }
}

static void write_idle(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)rs;
    (void)wl;
    fputs("worker,start,end\n", f);
    for (size_t i = 0; i < r->n_idle; i++) {
        fprintf(f, "%u,", r->idle[i].worker);
        base_put_double(f, r->idle[i].start);
        fputc(',', f);
        base_put_double(f, r->idle[i].end);
        fputc('\n', f);
    }
}

static void write_best(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)rs;
    (void)wl;
    fputs("time,trial,epoch,metric,best,best_rmax\n", f);
    for (size_t i = 0; i < r->n_best; i++) {
        const best_row *b = &r->best[i];
        base_put_double(f, b->time);
        fprintf(f, ",%u,%u,", b->trial, b->epoch);
        base_put_double(f, b->metric);
        fputc(',', f);
        base_put_double(f, b->best);
        fputc(',', f);
        base_put_double(f, b->best_rmax);
        fputc('\n', f);
    }
}

/* trials.csv: one row per trial started, its hyperparameters and fate. */
static void write_trials(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)rs;
    const char *hdr = workload_config_header(wl);
    fprintf(f, "trial,last_epoch,last_metric%s%s\n", *hdr ? "," : "", hdr);
    uint64_t nt = r->sum.trials_started;
    uint32_t *last = calloc(nt ? nt : 1, sizeof *last);
    double *metric = malloc((nt ? nt : 1) * sizeof *metric);
    if (!last || !metric) {
        free(last);
        free(metric);
        fputs("# out of memory\n", f);
        return;
    }
    for (uint64_t t = 0; t < nt; t++)
        metric[t] = (double)NAN;
    for (size_t i = 0; i < r->n_results; i++) {
        const result_row *x = &r->results[i];
        if (x->epoch >= last[x->trial]) {
            last[x->trial] = x->epoch;
            metric[x->trial] = x->metric;
        }
    }
    char cfg[8192];
    for (uint64_t t = 0; t < nt; t++) {
        fprintf(f, "%llu,%u,", (unsigned long long)t, last[t]);
        base_put_double(f, metric[t]);
        workload_config(wl, (uint32_t)t, cfg, sizeof cfg);
        if (*hdr)
            fprintf(f, ",%s", cfg);
        fputc('\n', f);
    }
    free(last);
    free(metric);
}

static void write_summary(FILE *f, const run_spec *rs, const run_result *r, const workload *wl)
{
    (void)wl;
    summary_header(f);
    summary_row(f, rs, &r->sum);
}

/* The files of a run, in the order they are written and listed (`shsim run
 * --help`): a new file is its writer above and one line here. */
static const struct {
    const char *name;
    void (*write)(FILE *f, const run_spec *rs, const run_result *r, const workload *wl);
} record_files[] = {
    { "jobs.csv", write_jobs },   { "results.csv", write_results }, { "idle.csv", write_idle },
    { "best.csv", write_best },   { "trials.csv", write_trials },   { "summary.csv", write_summary },
};
#define NRECORD_FILES (sizeof record_files / sizeof *record_files)

const char *record_file_name(size_t i)
{
    return i < NRECORD_FILES ? record_files[i].name : NULL;
}

int record_write(const char *dir, const run_spec *rs, const run_result *res, const workload *wl,
                 char *err, size_t n)
{
    out_set os;
    out_set_init(&os);
    for (size_t i = 0; i < NRECORD_FILES; i++) {
        FILE *f = out_set_open(&os, dir, record_files[i].name);
        if (!f)
            goto err;
        record_files[i].write(f, rs, res, wl);
    }
    if (out_set_commit(&os) < 0)
        goto err;
    return 0;
err:
    snprintf(err, n, "%s", os.err);
    out_set_abort(&os);
    return -EIO;
}
