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
 *
 * The same machinery runs asynchronous Hyperband (core/async_hyperband.c):
 * B brackets, bracket s with its own rungs at levels s..K-1 (its own rung
 * books).  Trial t belongs to bracket draw(t), a pure function of t (below);
 * a free worker asks the bracket of the next new trial: it promotes from that
 * bracket's rungs (highest first) or, if none yields, starts that trial at
 * level s (promotion type; the stopping type starts every trial for r_max
 * and judges it at its bracket's rungs).  Once no trial is left, the
 * brackets are scanned 0..B-1 for a promotion.  ASHA is the case B = 1.
 */
#include "core/base.h"
#include "core/rungsplit.h"
#include "core/sched_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    sched_common c;
    uint32_t nb;     /* brackets (1 for ASHA) */
    rungsplit *rung; /* [nb * levels]: bracket b's rung at level k is rung[b * levels + k], b <= k < K */
    double cum[SCHED_MAX_LEVELS]; /* cum[b]: P(bracket <= b) */
    uint32_t next_trial;
    uint64_t running;
} asha_state;

int asha_init_brackets(void *st, const sched_common *c, int nbrackets)
{
    asha_state *s = st;
    if (c->p.asha.type == SCHED_ASHA_PROMOTION && c->p.asha.rule == SCHED_RULE_RAY)
        return -EINVAL;
    if (nbrackets < 1 || nbrackets > c->nlevels)
        return -EINVAL;
    s->c = *c;
    s->nb = (uint32_t)nbrackets;
    int L = c->nlevels;
    s->rung = calloc((size_t)nbrackets * (size_t)L, sizeof *s->rung);
    if (!s->rung)
        return -ENOMEM;
    for (int b = 0; b < nbrackets; b++)
        for (int k = b; k + 1 < L; k++)
            rungsplit_init(&s->rung[b * L + k], c->p.asha.rule, c->p.eta,
                           (double)c->levels[k] / (double)c->levels[k + 1]);
    /* Syne Tune's default bracket distribution (_set_distribution):
     * smax_plus1 / ((smax_plus1 - s) * rung_levels[s]), its rung levels
     * with max_t appended, as ours are; "in proportion to the number of
     * configs started in synchronous Hyperband in each bracket" (the older
     * _sample_bracket's comment): with levels r_min eta^s, (K+1)/(K+1-s)
     * eta^(K-s) up to a constant.  docs/design.md, semantics 11. */
    double w[SCHED_MAX_LEVELS], total = 0;
    for (int b = 0; b < nbrackets; b++) {
        w[b] = (double)L / ((double)(L - b) * (double)c->levels[b]);
        total += w[b];
    }
    double acc = 0;
    for (int b = 0; b < nbrackets; b++)
        s->cum[b] = (acc += w[b]) / total;
    return 0;
}

static int asha_init(void *st, const sched_common *c) { return asha_init_brackets(st, c, 1); }

static void asha_destroy(void *st)
{
    asha_state *s = st;
    int L = s->c.nlevels;
    if (s->rung)
        for (int b = 0; b < (int)s->nb; b++)
            for (int k = b; k + 1 < L; k++)
                rungsplit_destroy(&s->rung[b * L + k]);
    free(s->rung);
}

/* The bracket of trial t: SplitMix64 (core/base.h) of t mapped to
 * [0, 1) with 53 bits, then the first bracket whose cumulative weight
 * exceeds it.  A pure function of t: the core draws no random numbers, and
 * the assignment is the same on every run and for every seed. */
static uint32_t bracket_of(const asha_state *s, uint32_t t)
{
    if (s->nb == 1)
        return 0;
    uint64_t x = t, z = base_splitmix64_next(&x); /* the first output seeded with t */
    double u = (double)(z >> 11) * 0x1.0p-53;
    uint32_t b = 0;
    while (b + 1 < s->nb && u >= s->cum[b])
        b++;
    return b;
}

static rungsplit *rung_of(asha_state *s, uint32_t bracket, int k)
{
    return &s->rung[(size_t)bracket * (size_t)s->c.nlevels + (size_t)k];
}

static int trials_left(const asha_state *s)
{
    return s->c.p.max_trials == SCHED_UNBOUNDED || s->next_trial < s->c.p.max_trials;
}

/* Promotion type: may the best not-yet-promoted entry (m, seq) of rung k
 * go on?  The quantile rule needs n >= 2 here (see the top of the file); in
 * the stopping type n < 2 continues. */
static int promotable(const rungsplit *r, sched_rule rule, double m, uint32_t seq)
{
    if (rule == SCHED_RULE_QUANTILE && rungsplit_size(r) < 2)
        return 0;
    return rungsplit_judge(r, m, seq) == RULE_ADMIT;
}

/* Promotion type: the first rung of bracket b, from the highest down, whose
 * best not-yet-promoted trial the rule admits gives the job. */
static int promote(asha_state *s, uint32_t b, sched_job *job)
{
    for (int k = s->c.nlevels - 2; k >= (int)b; k--) {
        rungsplit *r = rung_of(s, b, k);
        uint32_t t, seq;
        double m;
        if (!rungsplit_best_pending(r, &t, &m, &seq) || !promotable(r, s->c.p.asha.rule, m, seq))
            continue;
        rungsplit_pop_pending(r);
        *job = (sched_job){ .trial = t, .from = s->c.levels[k], .to = s->c.levels[k + 1],
                            .rung = (uint32_t)k + 1, .bracket = b };
        s->running++;
        return 1;
    }
    return 0;
}

static sched_answer asha_next(void *st, sched_job *job)
{
    asha_state *s = st;
    int last = s->c.nlevels - 1, left = trials_left(s);
    uint32_t b = left ? bracket_of(s, s->next_trial) : 0;
    if (s->c.p.asha.type == SCHED_ASHA_PROMOTION) {
        if (left && promote(s, b, job))
            return SCHED_RUN;
        for (uint32_t i = 0; !left && i < s->nb; i++)
            if (promote(s, i, job))
                return SCHED_RUN;
    }
    if (left) {
        int aim = s->c.p.asha.type == SCHED_ASHA_PROMOTION ? (int)b : last;
        *job = (sched_job){ .trial = s->next_trial++, .from = 0, .to = s->c.levels[aim],
                            .rung = (uint32_t)aim, .bracket = b };
        s->running++;
        return SCHED_RUN;
    }
    return s->running ? SCHED_WAIT : SCHED_END;
}

static sched_decision asha_report(void *st, uint32_t trial, uint32_t epoch, double metric)
{
    asha_state *s = st;
    int j = sched_level_index(&s->c, epoch), last = s->c.nlevels - 1;
    uint32_t b = bracket_of(s, trial);
    if (j < (int)b) /* not a level, or a level below the bracket's rungs */
        return SCHED_CONTINUE;
    if (j == last) {
        s->running--;
        return SCHED_DONE;
    }
    int promo = s->c.p.asha.type == SCHED_ASHA_PROMOTION;
    if (s->c.p.asha.rule == SCHED_RULE_RAY) { /* stopping type only (asha_init) */
        rule_verdict v = rungsplit_judge(rung_of(s, b, j), metric, 0);
        if (rungsplit_insert(rung_of(s, b, j), trial, metric, 0) < 0) {
            sched_fail(&s->c, -ENOMEM); /* the rung would lack v: later verdicts would change */
            return SCHED_DECISION_ERROR;
        }
        if (v == RULE_REJECT) {
            s->running--;
            return SCHED_STOP;
        }
        return SCHED_CONTINUE;
    }
    int64_t seq = rungsplit_insert(rung_of(s, b, j), trial, metric, promo);
    if (seq < 0) { /* out of memory: an error that ends the run, not a changed schedule */
        sched_fail(&s->c, -ENOMEM);
        return SCHED_DECISION_ERROR;
    }
    if (promo) {
        s->running--;
        return SCHED_PAUSE;
    }
    if (rungsplit_judge(rung_of(s, b, j), metric, (uint32_t)seq) == RULE_REJECT) {
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
    if (s->c.p.asha.type == SCHED_ASHA_PROMOTION && (int)job->rung < s->c.nlevels - 1 &&
        rungsplit_insert(rung_of(s, job->bracket, (int)job->rung), job->trial, (double)INFINITY,
                         0) < 0)
        sched_fail(&s->c, -ENOMEM);
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

static const char *const asha_variants[] = { "promotion", "stopping", NULL };

sched_rule sched_asha_default_rule(sched_asha_type type)
{
    return type == SCHED_ASHA_STOPPING ? SCHED_RULE_QUANTILE : SCHED_RULE_TOPK;
}

static void asha_defaults(sched_params *p)
{
    p->asha.type = SCHED_ASHA_PROMOTION;
    p->asha.rule = sched_asha_default_rule(p->asha.type);
}

const sched_type asha_type_object = {
    .name = "asha", .variants = asha_variants, .variant_of = SCHED_VARIANT_ASHA_TYPE,
    .takes_rule = 1,
    .help = "asynchronous successive halving (Li et al., MLSys 2020, Alg. 2)",
    .defaults = asha_defaults,
    .size = sizeof(asha_state), .init = asha_init, .destroy = asha_destroy,
    .next = asha_next, .report = asha_report, .fail = asha_fail, .explain = asha_explain,
};
const sched_type *const sched_asha = &asha_type_object;
