/*
 * sim/replay.c -- see replay.h.
 *
 * Per rule: (1) walk the same-stamp groups in time order on the rung books
 * of sim/replay_book.h, choosing each group's order at each rung; (2) feed
 * every result to the rule's ASHA stopping core in those orders; (3) check
 * that the core decided as the books did, and count.
 * Cost: sorting, O(R log R); per rule O(D log D) for D decisions, times g!
 * for a group of g same-stamp reports at one rung (g <= REPLAY_MAX_TIE).
 */
#include "sim/replay.h"
#include "sim/replay_book.h"
#include "core/base.h"

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

static double median_sorted(const double *v, size_t n)
{
    return (v[(n - 1) / 2] + v[n / 2]) / 2;
}

double replay_poll_interval(const double *t, size_t n, size_t *used)
{
    *used = 0;
    if (n < 2)
        return 0;
    size_t ng = n - 1, start = 0;
    double *g = malloc(ng * sizeof *g);
    if (g == NULL)
        return 0;
    for (size_t i = 0; i < ng; i++)
        g[i] = t[i + 1] - t[i];
    qsort(g, ng, sizeof *g, cmp_double);
    double best = 10; /* a split needs a ratio of at least 10 */
    for (size_t i = 0; i + 1 < ng; i++)
        if (g[i] > 0 && g[i + 1] / g[i] >= best) {
            best = g[i + 1] / g[i];
            start = i + 1;
        }
    size_t end = start;
    while (end < ng && g[end] < 1.5 * g[start])
        end++;
    double p = median_sorted(g + start, end - start);
    *used = end - start;
    free(g);
    return p;
}

void replay_free(replay_result *out)
{
    if (out == NULL)
        return;
    free(out->row);
    free(out->order);
    free(out->order_row);
    memset(out, 0, sizeof *out);
}

/* What replay_run works with, freed in one place. */
typedef struct {
    stamp *ord;           /* results in time order */
    size_t *seq;          /* the order one rule's core is fed (result indices) */
    size_t *dec_of;       /* result -> decision row, SIZE_MAX for none */
    size_t *res_of;       /* decision row -> result */
    size_t *pos_of;       /* decision row -> position in ord */
    int *lvl;             /* decision row -> rung index */
    int *endable;         /* decision row: a recorded stop the time limit may explain */
    int *book_stop;       /* decision row: the books' decision for the current rule */
    double *first_t, *last_t, *est, *tmp;
    uint32_t *first_e, *last_e, *core_id;
    rbook book[SCHED_MAX_LEVELS];
    sched *core;
    size_t order_cap, order_row_cap;
} work;

static void work_free(work *w, int nlevels)
{
    free(w->ord);
    free(w->seq);
    free(w->dec_of);
    free(w->res_of);
    free(w->pos_of);
    free(w->lvl);
    free(w->endable);
    free(w->book_stop);
    free(w->first_t);
    free(w->last_t);
    free(w->est);
    free(w->tmp);
    free(w->first_e);
    free(w->last_e);
    free(w->core_id);
    for (int j = 0; j < nlevels; j++)
        rbook_free(&w->book[j]);
    sched_free(w->core);
}

/* Each trial's epoch time (replay.h) into w->est. */
static void epoch_times(const wl_results *r, work *w)
{
    size_t nfin = 0;
    for (uint32_t k = 0; k < r->ntrial; k++) {
        w->est[k] = (double)NAN;
        if (w->last_e[k] > w->first_e[k]) {
            w->est[k] = (w->last_t[k] - w->first_t[k]) / (double)(w->last_e[k] - w->first_e[k]);
            w->tmp[nfin++] = w->est[k];
        }
    }
    double fill = 0;
    if (nfin) {
        qsort(w->tmp, nfin, sizeof *w->tmp, cmp_double);
        fill = median_sorted(w->tmp, nfin);
    }
    for (uint32_t k = 0; k < r->ntrial; k++)
        if (isnan(w->est[k]))
            w->est[k] = fill;
}

/* The rung books: every rung's distinct decision values. */
static int make_books(replay_result *out, work *w)
{
    for (int j = 0; j + 1 < out->nlevels; j++) {
        size_t m = 0;
        for (size_t d = 0; d < out->n; d++)
            if (w->lvl[d] == j)
                w->tmp[m++] = out->row[d].metric;
        qsort(w->tmp, m, sizeof *w->tmp, cmp_double);
        size_t u = 0;
        for (size_t i = 0; i < m; i++)
            if (u == 0 || w->tmp[i] != w->tmp[u - 1])
                w->tmp[u++] = w->tmp[i];
        double *val = malloc((u ? u : 1) * sizeof *val);
        if (val == NULL)
            return -ENOMEM;
        memcpy(val, w->tmp, u * sizeof *val);
        if (rbook_init(&w->book[j], val, (uint32_t)u) < 0)
            return -ENOMEM;
    }
    return 0;
}

static int note_order(replay_result *out, work *w, sched_rule rule, const size_t *mem, const uint32_t *perm,
                      uint32_t g)
{
    replay_order *o = base_grow(out->order, &w->order_cap, out->norder + 1, sizeof *o, 8);
    if (o == NULL)
        return -ENOMEM;
    out->order = o;
    size_t first = out->norder ? out->order[out->norder - 1].first + out->order[out->norder - 1].n : 0;
    if (first + g > w->order_row_cap) {
        size_t cap = 2 * (first + g);
        size_t *rows = realloc(out->order_row, cap * sizeof *rows);
        if (rows == NULL)
            return -ENOMEM;
        out->order_row = rows;
        w->order_row_cap = cap;
    }
    for (uint32_t i = 0; i < g; i++)
        out->order_row[first + i] = mem[perm[i]];
    out->order[out->norder++] = (replay_order){ .rule = rule, .time = out->row[mem[0]].time,
                                                .level = out->row[mem[0]].level, .first = first, .n = g };
    return 0;
}

/* Judge decision d on rung j's book and feed it to the core at the place
 * of decision `at` (the file order's slot it takes). */
static void judge_book(const replay_params *p, sched_rule rule, replay_result *out, work *w, int j,
                       const rbook_rule *br, size_t d, size_t at, int tie)
{
    uint32_t n;
    double cut;
    w->book_stop[d] = rbook_judge(&w->book[j], br, out->row[d].metric, &n, &cut);
    out->row[d].tie[rule] = tie;
    if (rule == p->rule) {
        out->row[d].n = n;
        out->row[d].cutoff = cut;
    }
    w->seq[w->pos_of[at]] = w->res_of[d];
}

/* Step (1) for one rule: choose every group's order, judge on the books,
 * and lay the core's feed (w->seq) out in those orders. */
static int choose_orders(const replay_params *p, sched_rule rule, replay_result *out, work *w)
{
    size_t mem[REPLAY_MAX_TIE + 1];
    uint32_t perm[REPLAY_MAX_TIE + 1];
    double v[REPLAY_MAX_TIE + 1];
    int strict[REPLAY_MAX_TIE + 1], loose[REPLAY_MAX_TIE + 1];

    for (int j = 0; j + 1 < out->nlevels; j++)
        rbook_clear(&w->book[j]);
    for (size_t gs = 0; gs < out->n;) {
        size_t ge = gs + 1;
        while (ge < out->n && out->row[ge].time == out->row[gs].time)
            ge++;
        for (int j = 0; j + 1 < out->nlevels; j++) {
            rbook_rule br = { .rule = rule, .eta = p->eta,
                              .q = (double)out->levels[j] / (double)out->levels[j + 1] };
            uint32_t g = 0, big = 0;
            for (size_t d = gs; d < ge; d++) {
                if (w->lvl[d] != j)
                    continue;
                if (g == REPLAY_MAX_TIE) {
                    big = 1;
                    break;
                }
                mem[g] = d;
                v[g] = out->row[d].metric;
                strict[g] = out->row[d].real_stop;
                loose[g] = w->endable[d] ? -1 : strict[g];
                g++;
            }
            if (g == 0)
                continue;
            int tie = 0;
            if (big) { /* too many to search: every one of them in file order */
                out->unsearched[rule]++;
                for (size_t d = gs; d < ge; d++)
                    if (w->lvl[d] == j)
                        judge_book(p, rule, out, w, j, &br, d, d, 0);
                continue;
            }
            if (g > 1 && (rbook_search(&w->book[j], &br, v, strict, g, perm) ||
                          rbook_search(&w->book[j], &br, v, loose, g, perm))) {
                for (uint32_t i = 0; i < g; i++)
                    tie |= perm[i] != i;
            } else {
                for (uint32_t i = 0; i < g; i++)
                    perm[i] = i;
            }
            /* member perm[i] takes the i-th place the group holds in file order */
            for (uint32_t i = 0; i < g; i++)
                judge_book(p, rule, out, w, j, &br, mem[perm[i]], mem[i], tie);
            if (tie && note_order(out, w, rule, mem, perm, g) < 0)
                return -ENOMEM;
        }
        gs = ge;
    }
    return 0;
}

/* Steps (2) and (3) for one rule. */
static int feed_core(const wl_results *r, const replay_params *p, sched_rule rule, replay_result *out, work *w,
                     char *err, size_t n)
{
    sched_params sp = sched_default_params();
    sp.eta = p->eta;
    sp.r_min = p->r_min;
    sp.r_max = p->r_max;
    sp.asha.type = SCHED_ASHA_STOPPING;
    sp.asha.rule = rule;
    sp.max_trials = r->ntrial ? r->ntrial : 1;
    sched_free(w->core);
    w->core = NULL;
    int rc = sched_alloc(&w->core, sched_asha, &sp);
    if (rc < 0) {
        snprintf(err, n, "cannot make the ASHA core (eta %u, r_min %u, r_max %u)", p->eta, p->r_min, p->r_max);
        return rc;
    }
    for (uint32_t k = 0; k < r->ntrial; k++)
        w->core_id[k] = UINT32_MAX;
    for (size_t i = 0; i < r->nrow; i++) {
        const wl_result *res = &r->row[w->seq[i]];
        /* A trial's first result: the core starts it now (it numbers trials
         * 0, 1, 2, ... as it starts them). */
        if (w->core_id[res->trial] == UINT32_MAX) {
            sched_job job;
            sched_answer a = sched_next(w->core, &job);
            if (a == SCHED_ERROR) {
                snprintf(err, n, "replay failed: out of memory");
                return sched_error(w->core);
            }
            if (a != SCHED_RUN) {
                snprintf(err, n, "%s:%lu: the core started no trial for it", r->path, res->line);
                return -EINVAL;
            }
            w->core_id[res->trial] = job.trial;
        }
        sched_decision dec = sched_report(w->core, w->core_id[res->trial], res->epoch, res->metric);
        if (dec == SCHED_DECISION_ERROR) {
            snprintf(err, n, "replay failed: out of memory");
            return sched_error(w->core);
        }
        size_t d = w->dec_of[w->seq[i]];
        if (d == SIZE_MAX)
            continue;
        replay_row *row = &out->row[d];
        row->stop[rule] = dec == SCHED_STOP;
        if (row->stop[rule] != w->book_stop[d]) {
            snprintf(err, n,
                     "%s:%lu: internal error: the %s core says %s, the replay's statement of the rule %s; "
                     "please report it",
                     r->path, res->line, sched_rule_name(rule), row->stop[rule] ? "stop" : "continue",
                     w->book_stop[d] ? "stop" : "continue");
            return -EFAULT;
        }
        if (row->real_stop && w->endable[d] && !row->stop[rule]) {
            row->ended[rule] = 1;
            out->ended[rule]++;
            continue;
        }
        out->judged[rule]++;
        if (row->stop[rule] == row->real_stop) {
            out->agree[rule]++;
            out->tie[rule] += (uint32_t)row->tie[rule];
        }
    }
    return 0;
}

#define TRY_ALLOC(p, count)                                                                                  \
    do {                                                                                                     \
        if (((p) = calloc((count) ? (count) : 1, sizeof *(p))) == NULL)                                      \
            goto nomem;                                                                                      \
    } while (0)

int replay_run(const wl_results *r, const replay_params *p, replay_result *out, char *err, size_t n)
{
    work w;
    int rc;

    memset(&w, 0, sizeof w);
    memset(out, 0, sizeof *out);
    if (r->trial_clock) {
        char clocks[256];
        wl_shared_clocks_list(clocks, sizeof clocks);
        snprintf(err, n,
                 "%s:%lu: field '%s': counts from each trial's start, which the file does not record, so "
                 "it cannot order the results of different trials; replay needs a clock shared by all "
                 "trials: %s (name it with --time)",
                 r->path, r->header_line, r->time_col, clocks);
        return -EINVAL;
    }
    rc = sched_levels(p->r_min, p->eta, p->r_max, out->levels, SCHED_MAX_LEVELS);
    if (rc < 0) {
        snprintf(err, n, "rungs: r_min %u, eta %u, r_max %u give no valid levels", p->r_min, p->eta, p->r_max);
        return rc;
    }
    out->nlevels = rc;
    TRY_ALLOC(w.ord, r->nrow);
    TRY_ALLOC(w.seq, r->nrow);
    TRY_ALLOC(w.dec_of, r->nrow);
    TRY_ALLOC(w.res_of, r->nrow);
    TRY_ALLOC(w.pos_of, r->nrow);
    TRY_ALLOC(w.lvl, r->nrow);
    TRY_ALLOC(w.endable, r->nrow);
    TRY_ALLOC(w.book_stop, r->nrow);
    TRY_ALLOC(w.tmp, r->nrow > r->ntrial ? r->nrow : r->ntrial);
    TRY_ALLOC(w.first_t, r->ntrial);
    TRY_ALLOC(w.last_t, r->ntrial);
    TRY_ALLOC(w.est, r->ntrial);
    TRY_ALLOC(w.first_e, r->ntrial);
    TRY_ALLOC(w.last_e, r->ntrial);
    TRY_ALLOC(w.core_id, r->ntrial);
    TRY_ALLOC(out->row, r->nrow);

    for (size_t i = 0; i < r->nrow; i++)
        w.ord[i] = (stamp){ .time = r->row[i].time, .i = i };
    qsort(w.ord, r->nrow, sizeof *w.ord, by_time);
    for (size_t i = 0; i < r->nrow; i++) {
        const wl_result *res = &r->row[w.ord[i].i];
        if (res->epoch > p->r_max) {
            snprintf(err, n, "%s:%lu: field 'epoch': %u is past --r-max %u", r->path, res->line, res->epoch,
                     p->r_max);
            rc = -EINVAL;
            goto out;
        }
    }
    /* per trial: first and last result (epochs grow within a trial) */
    for (uint32_t k = 0; k < r->ntrial; k++)
        w.first_e[k] = UINT32_MAX;
    for (size_t i = 0; i < r->nrow; i++) {
        const wl_result *res = &r->row[i];
        if (res->epoch < w.first_e[res->trial]) {
            w.first_e[res->trial] = res->epoch;
            w.first_t[res->trial] = res->time;
        }
        if (res->epoch > w.last_e[res->trial]) {
            w.last_e[res->trial] = res->epoch;
            w.last_t[res->trial] = res->time;
        }
    }
    epoch_times(r, &w);
    {
        size_t ns = 0;
        for (size_t i = 0; i < r->nrow; i++)
            if (ns == 0 || w.ord[i].time != w.tmp[ns - 1])
                w.tmp[ns++] = w.ord[i].time;
        out->poll = replay_poll_interval(w.tmp, ns, &out->poll_gaps);
    }
    /* the decision rows, in time order */
    for (size_t i = 0; i < r->nrow; i++) {
        size_t ri = w.ord[i].i;
        const wl_result *res = &r->row[ri];
        w.seq[i] = ri;
        w.dec_of[ri] = SIZE_MAX;
        int lvl = -1;
        for (int j = 0; j + 1 < out->nlevels; j++)
            if (out->levels[j] == res->epoch)
                lvl = j;
        if (lvl < 0)
            continue; /* not a rung below r_max: nothing was decided */
        size_t d = out->n++;
        replay_row *row = &out->row[d];
        *row = (replay_row){ .trial = res->trial, .level = res->epoch, .time = res->time, .metric = res->metric,
                             .line = res->line, .cutoff = (double)NAN,
                             .real_stop = w.last_e[res->trial] == res->epoch };
        w.dec_of[ri] = d;
        w.res_of[d] = ri;
        w.pos_of[d] = i;
        w.lvl[d] = lvl;
        w.endable[d] = row->real_stop && res->time + w.est[res->trial] + out->poll > p->horizon;
    }
    rc = make_books(out, &w);
    if (rc < 0)
        goto nomem;
    for (int c = 0; c < REPLAY_NRULES; c++) {
        for (size_t i = 0; i < r->nrow; i++) /* non-decisions keep their place */
            w.seq[i] = w.ord[i].i;
        rc = choose_orders(p, (sched_rule)c, out, &w);
        if (rc < 0)
            goto nomem;
        rc = feed_core(r, p, (sched_rule)c, out, &w, err, n);
        if (rc < 0)
            goto out;
    }
    rc = 0;
    goto out;
nomem:
    snprintf(err, n, "%s: out of memory", r->path);
    rc = -ENOMEM;
out:
    work_free(&w, out->nlevels - 1);
    if (rc < 0)
        replay_free(out);
    return rc;
}
