/*
 * core/rungsplit.h -- the values recorded at one rung, split at the one
 * order statistic its rule needs.
 *
 * Every rule of docs/design.md (semantics 4) compares a value with the
 * order statistics of the rung at a boundary that only moves up as the rung
 * grows:
 *   topk      v's key <= the key of the s-th best,     s = floor(n/eta)
 *   rank      v <= the (s+1)-th best metric,  s = floor(n/eta)
 *   quantile  v <= lerp of the (lo+1)-th and (lo+2)-th best, s = lo+1,
 *             lo = floor((n-1) q)
 *   ray       -v >= lerp of the rewards -x at lo and lo+1, lo = floor((n-1) q),
 *             q = 1 - 1/eta, over the n values recorded BEFORE v: the
 *             (s+1)-th and s-th best, s = n-1-lo
 * so a rung keeps its entries in two heaps: `top`, a max-heap of the s best
 * keys, and `rest`, a min-heap of the others; every top key is below every
 * rest key.  A verdict reads the two roots: O(1).  An insert pushes into one
 * heap and moves at most a root or two across, O(log n) worst case; pushes
 * of random keys sift up O(1) levels on average and touch only the end of
 * the array, so the working set stays near the roots (a search tree over a
 * million entries waits on memory at every level).  Heaps are 4-ary: half
 * the depth of binary ones (the children of i are 4i+1..4i+4).
 *
 * Keys are (metric, seq): lower metric is better and ties go to the
 * earlier-recorded entry (seq counts this rung's inserts).  A third heap,
 * `pend`, holds the entries not yet promoted, so "the best not-yet-promoted
 * trial" is its root.  Under topk it holds only the waiting entries that
 * joined the s best: topk admits no other, and in a promotion run the best
 * are promoted soon after they arrive, so pend stays small where a heap of
 * every waiting entry grew with the rung and was walked root to leaf on
 * every promotion (ASHA promotion at 10^6 trials: 40 -> 26 MiB, about a
 * sixth less time per event; docs/speed.md).  Memory: 16 bytes per entry,
 * 16 more while in pend, and under topk one byte per entry (waiting, in
 * pend); arrays grow by doubling, no malloc per entry.  Entries are never
 * removed.
 */
#ifndef SHSIM_CORE_RUNGSPLIT_H
#define SHSIM_CORE_RUNGSPLIT_H

#include <stdint.h>

#include "core/sched.h"

typedef struct {
    double metric;
    uint32_t seq, trial;
} rung_entry;

typedef struct {
    rung_entry *e;
    uint32_t n, cap;
} rung_heap;

typedef struct {
    rung_heap top;  /* max-heap: the s best */
    rung_heap rest; /* min-heap: the others */
    /* min-heap of entries not yet promoted.  topk: only those that are, or
     * were, among the s best (below) */
    rung_heap pend;
    /* topk: per seq, PEND_WAITS (not yet promoted) and PEND_IN (in pend) */
    unsigned char *state;
    size_t state_cap;
    uint32_t n;   /* entries recorded */
    sched_rule rule;
    uint32_t eta;
    double q; /* quantile level r_k / r_{k+1}; ray: (1 - 1/eta) as Ray computes it */
} rungsplit;

typedef enum { RULE_NO_JUDGEMENT = -1, RULE_REJECT = 0, RULE_ADMIT = 1 } rule_verdict;

void rungsplit_init(rungsplit *r, sched_rule rule, uint32_t eta, double q);
void rungsplit_destroy(rungsplit *r);
/* Record `metric` for `trial`; pending != 0 also enters it among the
 * not-yet-promoted.  Returns the entry's seq (>= 0) or -ENOMEM (unchanged). */
int64_t rungsplit_insert(rungsplit *r, uint32_t trial, double metric, int pending);
static inline uint32_t rungsplit_size(const rungsplit *r) { return r->n; }
/* Key order: lower metric first, ties to the earlier-recorded entry. */
static inline int rung_key_less(const rung_entry *a, const rung_entry *b)
{
    return a->metric < b->metric || (a->metric == b->metric && a->seq < b->seq);
}

/* The quantile and ray rules' verdicts (they interpolate): see below. */
rule_verdict rungsplit_judge_interp(const rungsplit *r, double metric);

/* The rule's verdict on the recorded entry (metric, seq).
 * RULE_NO_JUDGEMENT: topk with n < eta.  The ray rule judges a value BEFORE
 * it is recorded (Ray records it after the decision): call it first, then
 * insert; seq is not used.  Inline: ASHA's promotion type asks it of every
 * rung on every decision, and topk and rank read one root. */
static inline rule_verdict rungsplit_judge(const rungsplit *r, double metric, uint32_t seq)
{
    switch (r->rule) {
    case SCHED_RULE_TOPK: {
        /* position(key) < s  <=>  key <= the s-th best key */
        if (r->top.n == 0)
            return RULE_NO_JUDGEMENT;
        rung_entry k = { .metric = metric, .seq = seq };
        return rung_key_less(&r->top.e[0], &k) ? RULE_REJECT : RULE_ADMIT;
    }
    case SCHED_RULE_RANK:
        /* better/n > 1/eta  <=>  better > s  <=>  x[s] < v (x sorted) */
        return r->rest.n && r->rest.e[0].metric < metric ? RULE_REJECT : RULE_ADMIT;
    case SCHED_RULE_QUANTILE:
    case SCHED_RULE_RAY:
        break;
    }
    return rungsplit_judge_interp(r, metric);
}
/* Ray Tune's cutoff on its rewards (-metric) over the values recorded:
 * np.nanpercentile(rewards, (1 - 1/eta) * 100); NaN when the rung is empty. */
double rungsplit_ray_cutoff(const rungsplit *r);
/* numpy's "linear" quantile of the rung at level q (quantile rule, n >= 1). */
double rungsplit_quantile(const rungsplit *r);
/* The best not-yet-promoted entry: 1 and its fields, or 0 when none.
 * topk: the best not-yet-promoted entry among the s best, or 0 when none
 * of the s best waits -- the only entries topk can admit (their keys are
 * at most the s-th best's), so the promotion type decides as with every
 * waiting entry, without a heap of them all.  pend may still hold entries
 * that have since left the s best (they are not removed when they leave);
 * they are worse than every entry of top, so when pend's root is one of
 * them, none of the s best waits. */
static inline int rungsplit_best_pending(const rungsplit *r, uint32_t *trial, double *metric,
                                         uint32_t *seq)
{
    if (!r->pend.n)
        return 0;
    if (r->rule == SCHED_RULE_TOPK && (r->top.n == 0 || rung_key_less(&r->top.e[0], &r->pend.e[0])))
        return 0;
    *trial = r->pend.e[0].trial;
    *metric = r->pend.e[0].metric;
    *seq = r->pend.e[0].seq;
    return 1;
}
/* Mark the best not-yet-promoted entry promoted. */
void rungsplit_pop_pending(rungsplit *r);

#endif
