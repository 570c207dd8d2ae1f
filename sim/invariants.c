/*
 * sim/invariants.c -- the end-of-run checks (docs/input-errors.md: a
 * check that does not hold is an internal error, status 1):
 *   - event (result) times never decrease;
 *   - each trial's reported epochs are 1, 2, 3, ... : contiguous and each
 *     trained once (restart replays report nothing, so this holds there too);
 *   - per worker, its jobs and idle intervals tile [0, end] exactly: each
 *     starts where the previous ended (the engine passes the same doubles
 *     along, so equality is exact), hence busy + idle = end time;
 *   - the summary's counts agree with the rows of jobs and results;
 *   - a configuration found is also a result seen and a trial at r_max:
 *     time_to_target_rmax >= time_to_target and >= time_first_rmax, and
 *     best_rmax >= best (these need no recorded rows).
 */
#include "sim/invariants.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    uint32_t worker;
    double start, end;
} span;

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->worker != y->worker)
        return x->worker < y->worker ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(msg, n, __VA_ARGS__);                                                             \
        rc = -EPROTO;                                                                              \
        goto done;                                                                                 \
    } while (0)

int run_invariants(const run_result *r, char *msg, size_t n)
{
    const run_summary *s = &r->sum;
    double cap = (double)s->workers * s->end_time;
    if (!(fabs(s->busy + s->idle - cap) <= 1e-9 * fmax(1.0, cap))) {
        snprintf(msg, n, "busy %.17g + idle %.17g worker-seconds != %u workers x end %.17g",
                 s->busy, s->idle, s->workers, s->end_time);
        return -EPROTO;
    }
    double tr = s->time_to_target_rmax;
    if (!isnan(tr) && !(tr >= s->time_to_target && tr >= s->time_first_rmax)) {
        snprintf(msg, n, "time_to_target_rmax %.17g before time_to_target %.17g or "
                 "time_first_rmax %.17g", tr, s->time_to_target, s->time_first_rmax);
        return -EPROTO;
    }
    if (!isnan(s->best_rmax) && !(s->best_rmax >= s->best)) {
        snprintf(msg, n, "best_rmax %.17g below best %.17g", s->best_rmax, s->best);
        return -EPROTO;
    }
    if (!r->jobs && !r->results)
        return 0; /* no recorded rows kept */

    int rc = 0;
    uint32_t *last = NULL;
    span *sp = NULL;
    if (r->n_results != s->results || s->results != s->epochs_trained)
        FAIL("%zu result rows, summary says %llu results and %llu epochs", r->n_results,
             (unsigned long long)s->results, (unsigned long long)s->epochs_trained);
    if (r->n_jobs != s->jobs)
        FAIL("%zu job rows, summary says %llu jobs", r->n_jobs, (unsigned long long)s->jobs);

    last = calloc(s->trials_started ? s->trials_started : 1, sizeof *last);
    if (!last) {
        rc = -ENOMEM;
        goto done;
    }
    uint64_t done_rows = 0;
    for (size_t i = 0; i < r->n_results; i++) {
        const result_row *x = &r->results[i];
        if (i && x->time < r->results[i - 1].time)
            FAIL("result %zu at t=%.17g precedes result %zu at t=%.17g", i, x->time, i - 1,
                 r->results[i - 1].time);
        if (x->trial >= s->trials_started)
            FAIL("result %zu: trial %u was never started", i, x->trial);
        if (x->epoch != last[x->trial] + 1)
            FAIL("trial %u reported epoch %u after epoch %u (result %zu)", x->trial, x->epoch,
                 last[x->trial], i);
        last[x->trial] = x->epoch;
        done_rows += x->decision == SCHED_DONE;
    }
    if (done_rows != s->trials_rmax)
        FAIL("%llu DONE results, summary says %llu trials reached r_max",
             (unsigned long long)done_rows, (unsigned long long)s->trials_rmax);

    uint64_t cut = 0, dropped = 0;
    size_t ns = r->n_jobs + r->n_idle;
    sp = malloc((ns ? ns : 1) * sizeof *sp);
    if (!sp) {
        rc = -ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < r->n_jobs; i++) {
        const job_row *j = &r->jobs[i];
        cut += j->outcome == OUT_CUT;
        dropped += j->outcome == OUT_DROPPED;
        if (!(j->end >= j->start))
            FAIL("job %u ends at %.17g before it starts at %.17g", j->job, j->end, j->start);
        sp[i] = (span){ j->worker, j->start, j->end };
    }
    if (cut != s->jobs_cut || dropped != s->jobs_dropped)
        FAIL("%llu cut and %llu dropped job rows, summary says %llu and %llu",
             (unsigned long long)cut, (unsigned long long)dropped,
             (unsigned long long)s->jobs_cut, (unsigned long long)s->jobs_dropped);
    for (size_t i = 0; i < r->n_idle; i++)
        sp[r->n_jobs + i] = (span){ r->idle[i].worker, r->idle[i].start, r->idle[i].end };
    qsort(sp, ns, sizeof *sp, cmp_span);
    for (size_t i = 0; i <= ns; i++) {
        int first = i == 0 || (i < ns && sp[i].worker != sp[i - 1].worker);
        int after_last = i == ns || (i > 0 && sp[i].worker != sp[i - 1].worker);
        if (after_last && i > 0 && sp[i - 1].end != s->end_time)
            FAIL("worker %u's time ends at %.17g, the run at %.17g", sp[i - 1].worker,
                 sp[i - 1].end, s->end_time);
        if (i == ns)
            break;
        if (first && sp[i].start != 0)
            FAIL("worker %u's time starts at %.17g, not 0", sp[i].worker, sp[i].start);
        if (!first && sp[i].start != sp[i - 1].end)
            FAIL("worker %u: an interval starts at %.17g but the previous ended at %.17g",
                 sp[i].worker, sp[i].start, sp[i - 1].end);
    }
done:
    free(last);
    free(sp);
    return rc;
}
