/*
 * sim/replay.c -- see replay.h.
 *
 * Cost: sorting the results, O(R log R), then one sched_report() per result
 * and core, O(log n) each.  The quantile threshold shown beside each
 * decision is recomputed here by sorting the rung's values (O(n log n) per
 * decision, a few dozen values): it is for the reader, the decision itself
 * is the core's.
 */
#include "sim/replay.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double time;
    size_t i; /* the row in file order */
} stamp;

/* Recorded time order; equal times keep file order. */
static int by_time(const void *a, const void *b)
{
    const stamp *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's default ("linear") quantile of v[0..n) at q; sorts v. */
static double quantile_ref(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, cmp_double);
    double x = (double)(n - 1) * q;
    size_t lo = (size_t)floor(x), hi = lo + 1 < n ? lo + 1 : n - 1;
    double g = x - floor(x), d = v[hi] - v[lo];
    return g >= 0.5 ? v[hi] - d * (1.0 - g) : v[lo] + d * g;
}

void replay_free(replay_result *out)
{
    if (out == NULL)
        return;
    free(out->row);
    memset(out, 0, sizeof *out);
}

int replay_run(const wl_results *r, uint32_t r_min, uint32_t eta, uint32_t r_max, replay_result *out, char *err,
               size_t n)
{
    sched *core[REPLAY_NRULES] = {0};
    stamp *order = NULL;
    uint32_t *core_id = NULL, *last = NULL;
    double *book = NULL; /* every rung's values so far, rung-major */
    size_t *nbook = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = sched_levels(r_min, eta, r_max, out->levels, SCHED_MAX_LEVELS);
    if (rc < 0) {
        snprintf(err, n, "rungs: r_min %u, eta %u, r_max %u give no valid levels", r_min, eta, r_max);
        return rc;
    }
    out->nlevels = rc;
    for (int i = 0; i < REPLAY_NRULES; i++) {
        sched_params p = sched_default_params();
        p.eta = eta;
        p.r_min = r_min;
        p.r_max = r_max;
        p.type = SCHED_ASHA_STOPPING;
        p.rule = (sched_rule)i;
        p.max_trials = r->ntrial;
        rc = sched_alloc(&core[i], sched_asha, &p);
        if (rc < 0) {
            snprintf(err, n, "cannot make the ASHA core (eta %u, r_min %u, r_max %u)", eta, r_min, r_max);
            goto out;
        }
    }
    rc = -ENOMEM;
    order = malloc((r->nrow ? r->nrow : 1) * sizeof *order);
    core_id = malloc((r->ntrial ? r->ntrial : 1) * sizeof *core_id);
    last = calloc(r->ntrial ? r->ntrial : 1, sizeof *last);
    book = malloc((r->nrow ? r->nrow : 1) * (size_t)out->nlevels * sizeof *book);
    nbook = calloc((size_t)out->nlevels, sizeof *nbook);
    out->row = malloc((r->nrow ? r->nrow : 1) * sizeof *out->row);
    if (!order || !core_id || !last || !book || !nbook || !out->row) {
        snprintf(err, n, "%s: out of memory", r->path);
        goto out;
    }
    for (size_t i = 0; i < r->nrow; i++) {
        order[i] = (stamp){.time = r->row[i].time, .i = i};
        if (r->row[i].epoch > last[r->row[i].trial])
            last[r->row[i].trial] = r->row[i].epoch;
    }
    for (uint32_t k = 0; k < r->ntrial; k++)
        core_id[k] = UINT32_MAX;
    qsort(order, r->nrow, sizeof *order, by_time);

    for (size_t i = 0; i < r->nrow; i++) {
        const wl_result *res = &r->row[order[i].i];
        int lvl = -1;

        if (res->epoch > r_max) {
            snprintf(err, n, "%s:%lu: field 'epoch': %u is past --r-max %u", r->path, res->line, res->epoch, r_max);
            rc = -EINVAL;
            goto out;
        }
        /* A trial's first result: the cores start it now, in this order
         * (the core numbers trials 0, 1, 2, ... as it starts them). */
        if (core_id[res->trial] == UINT32_MAX) {
            for (int c = 0; c < REPLAY_NRULES; c++) {
                sched_job job;
                if (sched_next(core[c], &job) != SCHED_RUN) {
                    snprintf(err, n, "%s:%lu: the core started no trial for it", r->path, res->line);
                    rc = -EINVAL;
                    goto out;
                }
                core_id[res->trial] = job.trial;
            }
        }
        for (int j = 0; j + 1 < out->nlevels; j++)
            if (out->levels[j] == res->epoch)
                lvl = j;
        replay_row row = {.trial = res->trial, .level = res->epoch, .time = res->time, .metric = res->metric,
                          .real_stop = last[res->trial] == res->epoch};
        for (int c = 0; c < REPLAY_NRULES; c++) {
            sched_decision d = sched_report(core[c], core_id[res->trial], res->epoch, res->metric);
            row.stop[c] = d == SCHED_STOP;
        }
        if (lvl < 0)
            continue; /* not a rung below r_max: nothing was decided */
        {
            double *v = book + (size_t)lvl * r->nrow;
            v[nbook[lvl]++] = res->metric;
            row.n = (uint32_t)nbook[lvl];
            /* the core sorts nothing; a scratch copy keeps v in report order */
            double *tmp = malloc(nbook[lvl] * sizeof *tmp);
            if (tmp == NULL) {
                snprintf(err, n, "%s: out of memory", r->path);
                goto out;
            }
            memcpy(tmp, v, nbook[lvl] * sizeof *tmp);
            row.cutoff = nbook[lvl] < 2 ? (double)NAN
                                        : quantile_ref(tmp, nbook[lvl],
                                                       (double)out->levels[lvl] / (double)out->levels[lvl + 1]);
            free(tmp);
        }
        for (int c = 0; c < REPLAY_NRULES; c++)
            out->agree[c] += row.stop[c] == row.real_stop;
        out->row[out->n++] = row;
    }
    rc = 0;
out:
    for (int i = 0; i < REPLAY_NRULES; i++)
        sched_free(core[i]);
    free(order);
    free(core_id);
    free(last);
    free(book);
    free(nbook);
    if (rc < 0)
        replay_free(out);
    return rc;
}
