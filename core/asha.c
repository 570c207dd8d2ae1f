/*
 * core/asha.c -- asynchronous successive halving (DESIGN.md semantics 6).
 *
 * Promotion type (Li et al., Alg. 2; d2l Fig. 19.5.2): a free worker scans
 * the rungs from the highest below r_max down; in each, the best
 * not-yet-promoted trial is promoted if the rule admits it; the first rung
 * that yields one wins; otherwise a new trial starts at r_min.  A trial that
 * reaches a rung pauses there.
 * Stopping type (Syne Tune, Ray Tune, the d2l book's real run): every trial
 * is started for r_max and judged by the rule each time it reaches a rung.
 *
 * Cost: a decision touches at most one rung book per level, O(L log n),
 * and in the promotion type only the books that changed since the last
 * decision (verdicts are cached per rung).
 * The core counts running jobs only to tell WAIT (something may still
 * report) from DONE.
 */
#include "core/rules.h"
#include "core/sched_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define STALE (-2) /* not a rule_verdict */

typedef struct {
    sched_common c;
    rungbook rung[SCHED_MAX_LEVELS]; /* rungs below r_max */
    double q[SCHED_MAX_LEVELS];      /* quantile level r_k / r_{k+1} */
    /* promotion type: the rule's verdict on rung k's best pending trial,
     * or STALE once the rung changed; a verdict depends only on the rung's
     * book, so a decision re-judges only the rungs that changed since */
    int verdict[SCHED_MAX_LEVELS];
    uint32_t next_trial;
    uint64_t running;
} asha_state;

static int asha_init(void *st, const sched_common *c)
{
    asha_state *s = st;
    s->c = *c;
    for (int k = 0; k < c->nlevels; k++) {
        rungbook_init(&s->rung[k]);
        s->verdict[k] = STALE;
        if (k + 1 < c->nlevels)
            s->q[k] = (double)c->levels[k] / (double)c->levels[k + 1];
    }
    return 0;
}

static void asha_destroy(void *st)
{
    asha_state *s = st;
    for (int k = 0; k < s->c.nlevels; k++)
        rungbook_destroy(&s->rung[k]);
}

static int trials_left(const asha_state *s)
{
    return s->c.p.max_trials == SCHED_UNBOUNDED || s->next_trial < s->c.p.max_trials;
}

static sched_answer asha_next(void *st, sched_job *job)
{
    asha_state *s = st;
    int last = s->c.nlevels - 1;
    if (s->c.p.type == SCHED_ASHA_PROMOTION) {
        for (int k = last - 1; k >= 0; k--) {
            uint32_t t, seq;
            double m;
            if (!rungbook_best_pending(&s->rung[k], &t, &m, &seq))
                continue;
            if (s->verdict[k] == STALE)
                s->verdict[k] =
                    (int)rule_judge(s->c.p.rule, &s->rung[k], m, seq, s->c.p.eta, s->q[k]);
            if (s->verdict[k] != RULE_ADMIT)
                continue;
            rungbook_pop_pending(&s->rung[k]);
            s->verdict[k] = STALE;
            *job = (sched_job){ .trial = t, .from = s->c.levels[k], .to = s->c.levels[k + 1],
                                .rung = (uint32_t)k + 1 };
            s->running++;
            return SCHED_RUN;
        }
    }
    if (trials_left(s)) {
        int aim = s->c.p.type == SCHED_ASHA_PROMOTION ? 0 : last;
        *job = (sched_job){ .trial = s->next_trial++, .from = 0, .to = s->c.levels[aim],
                            .rung = (uint32_t)aim };
        s->running++;
        return SCHED_RUN;
    }
    return s->running ? SCHED_WAIT : SCHED_DONE;
}

static sched_decision asha_report(void *st, uint32_t trial, uint32_t epoch, double metric)
{
    asha_state *s = st;
    int j = sched_level_index(&s->c, epoch), last = s->c.nlevels - 1;
    if (j < 0)
        return SCHED_CONTINUE;
    if (j == last) {
        s->running--;
        return SCHED_FINISH;
    }
    int promo = s->c.p.type == SCHED_ASHA_PROMOTION;
    int64_t seq = rungbook_insert(&s->rung[j], trial, metric, promo);
    s->verdict[j] = STALE;
    if (promo) {
        s->running--;
        return SCHED_PAUSE;
    }
    if (seq < 0) /* out of memory: judge nothing, let the trial go on */
        return SCHED_CONTINUE;
    if (rule_judge(s->c.p.rule, &s->rung[j], metric, (uint32_t)seq, s->c.p.eta, s->q[j]) ==
        RULE_REJECT) {
        s->running--;
        return SCHED_STOP;
    }
    return SCHED_CONTINUE;
}

static void asha_fail(void *st, const sched_job *job)
{
    asha_state *s = st;
    s->running--;
    /* promotion type: the failed trial is worst at the rung it aimed at and
     * is never promoted; it still counts in n, as a finished job would */
    if (s->c.p.type == SCHED_ASHA_PROMOTION && (int)job->rung < s->c.nlevels - 1) {
        (void)rungbook_insert(&s->rung[job->rung], job->trial, INFINITY, 0);
        s->verdict[job->rung] = STALE;
    }
}

static void asha_explain(const void *st, char *buf, size_t n)
{
    const asha_state *s = st;
    if (trials_left(s))
        snprintf(buf, n, "new configurations remain");
    else if (s->running)
        snprintf(buf, n, "no configuration left and nothing promotable; %llu job(s) still run",
                 (unsigned long long)s->running);
    else
        snprintf(buf, n, "no configuration left and nothing promotable");
}

static const sched_type asha_type = {
    .name = "asha", .size = sizeof(asha_state), .init = asha_init, .destroy = asha_destroy,
    .next = asha_next, .report = asha_report, .fail = asha_fail, .explain = asha_explain,
};
const sched_type *const sched_asha = &asha_type;
