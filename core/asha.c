/*
 * core/asha.c -- asynchronous successive halving (docs/design.md,
 * semantics 4 and 6).
 *
 * Promotion type (Li et al., Alg. 2; d2l Fig. 19.5.2; Syne Tune's
 * PromotionRungSystem): a free worker scans the rungs from the highest below
 * r_max down; in each, the best not-yet-promoted trial is promoted if the
 * rule admits it; the first rung that yields one wins; otherwise a new trial
 * starts at r_min.  A trial that reaches a rung pauses there.  With the
 * quantile rule a rung must hold at least 2 values: Syne Tune <= 0.13's
 * Rung.quantile() returns None for len(data) < 2 and _find_promotable_trial
 * then promotes nothing from that rung.  The ray rule has no promotion type
 * (Ray Tune's AsyncHyperBandScheduler only stops): refused at init.
 * Stopping type (Syne Tune, Ray Tune, the d2l book's real run): every trial
 * is started for r_max and judged by the rule each time it reaches a rung;
 * the ray rule judges a value before recording it, the others after.
 *
 * Cost: a verdict is O(1) (core/rungsplit.h keeps each rung split at its
 * rule's boundary), recording a value O(log n) worst case; a decision
 * looks at each level once, O(L).
 * The core counts running jobs only to tell WAIT (something may still
 * report) from DONE.
 */
#include "core/rungsplit.h"
#include "core/sched_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    sched_common c;
    rungsplit rung[SCHED_MAX_LEVELS]; /* rungs below r_max */
    uint32_t next_trial;
    uint64_t running;
} asha_state;

static int asha_init(void *st, const sched_common *c)
{
    asha_state *s = st;
    if (c->p.type == SCHED_ASHA_PROMOTION && c->p.rule == SCHED_RULE_RAY)
        return -EINVAL;
    s->c = *c;
    for (int k = 0; k + 1 < c->nlevels; k++)
        rungsplit_init(&s->rung[k], c->p.rule, c->p.eta,
                       (double)c->levels[k] / (double)c->levels[k + 1]);
    return 0;
}

static void asha_destroy(void *st)
{
    asha_state *s = st;
    for (int k = 0; k + 1 < s->c.nlevels; k++)
        rungsplit_destroy(&s->rung[k]);
}

static int trials_left(const asha_state *s)
{
    return s->c.p.max_trials == SCHED_UNBOUNDED || s->next_trial < s->c.p.max_trials;
}

/* Promotion type: may the best not-yet-promoted entry (m, seq) of rung k
 * go on?  The quantile rule needs n >= 2 here (see the top of the file); in
 * the stopping type n < 2 continues. */
static int promotable(const asha_state *s, int k, double m, uint32_t seq)
{
    if (s->c.p.rule == SCHED_RULE_QUANTILE && rungsplit_size(&s->rung[k]) < 2)
        return 0;
    return rungsplit_judge(&s->rung[k], m, seq) == RULE_ADMIT;
}

static sched_answer asha_next(void *st, sched_job *job)
{
    asha_state *s = st;
    int last = s->c.nlevels - 1;
    if (s->c.p.type == SCHED_ASHA_PROMOTION) {
        for (int k = last - 1; k >= 0; k--) {
            uint32_t t, seq;
            double m;
            if (!rungsplit_best_pending(&s->rung[k], &t, &m, &seq) || !promotable(s, k, m, seq))
                continue;
            rungsplit_pop_pending(&s->rung[k]);
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
    if (s->c.p.rule == SCHED_RULE_RAY) { /* stopping type only (asha_init) */
        rule_verdict v = rungsplit_judge(&s->rung[j], metric, 0);
        (void)rungsplit_insert(&s->rung[j], trial, metric, 0); /* out of memory: judged all the same */
        if (v == RULE_REJECT) {
            s->running--;
            return SCHED_STOP;
        }
        return SCHED_CONTINUE;
    }
    int64_t seq = rungsplit_insert(&s->rung[j], trial, metric, promo);
    if (promo) {
        s->running--;
        return SCHED_PAUSE;
    }
    if (seq < 0) /* out of memory: judge nothing, let the trial go on */
        return SCHED_CONTINUE;
    if (rungsplit_judge(&s->rung[j], metric, (uint32_t)seq) == RULE_REJECT) {
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
    if (s->c.p.type == SCHED_ASHA_PROMOTION && (int)job->rung < s->c.nlevels - 1)
        (void)rungsplit_insert(&s->rung[job->rung], job->trial, (double)INFINITY, 0);
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
