/*
 * core/rungsplit.c -- a rung split at its rule's boundary; see rungsplit.h.
 * Invariants: top.n == boundary(n) once an insert returns; every key in top
 * is smaller than every key in rest; each heap is 4-ary (children of i are
 * 4i+1..4i+4) with its best (max for top, min otherwise) at index 0.
 */
#include "core/rungsplit.h"
#include "core/base.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define D 4

/* "a sits above b" in the heap: min-heaps (max = 0) or the max-heap top */
static inline int above(const rung_entry *a, const rung_entry *b, int max)
{
    return max ? rung_key_less(b, a) : rung_key_less(a, b);
}

static int heap_reserve(rung_heap *h)
{
    if (h->n < h->cap)
        return 0;
    uint32_t cap = h->cap ? 2 * h->cap : 16;
    rung_entry *p = realloc(h->e, (size_t)cap * sizeof *p);
    if (!p)
        return -ENOMEM;
    h->e = p;
    h->cap = cap;
    return 0;
}

/* Caller reserved room. */
static void heap_push(rung_heap *h, rung_entry x, int max)
{
    uint32_t i = h->n++;
    while (i > 0) {
        uint32_t p = (i - 1) / D;
        if (!above(&x, &h->e[p], max))
            break;
        h->e[i] = h->e[p];
        i = p;
    }
    h->e[i] = x;
}

/* 1 when a sits above b, computed without a branch: which child the hole
 * follows is a coin flip that a branch would mispredict half the time. */
static inline uint32_t above_bit(const rung_entry *a, const rung_entry *b, int max)
{
    const rung_entry *x = max ? b : a, *y = max ? a : b; /* x < y in key order */
    return (uint32_t)((x->metric < y->metric) | ((x->metric == y->metric) & (x->seq < y->seq)));
}

/* Remove the root: the hole at the root follows the best of its children
 * down to a leaf (three comparisons a level: no comparison with the entry
 * that moves), then the last entry fills it and sifts up -- it came from
 * the bottom, so it seldom rises far (Floyd's bottom-up heapsort; Wegener
 * 1993).  Keys are distinct (seq), so the shape a pop leaves never changes
 * which entry is the root next. */
static inline rung_entry heap_pop(rung_heap *h, int max)
{
    rung_entry *e = h->e, root = e[0], x = e[--h->n];
    uint32_t i = 0, n = h->n, c;
    if (!n)
        return root;
    while ((c = D * i + 1) + 3 < n) { /* all four children present */
        uint32_t a = c + above_bit(&e[c + 1], &e[c], max);
        uint32_t b = c + 2 + above_bit(&e[c + 3], &e[c + 2], max);
        c = above_bit(&e[b], &e[a], max) ? b : a;
        e[i] = e[c];
        i = c;
    }
    if (c < n) { /* the last parent, with one to three children */
        uint32_t best = c;
        for (uint32_t j = c + 1; j < n; j++)
            if (above(&e[j], &e[best], max))
                best = j;
        e[i] = e[best];
        i = best;
    }
    while (i > 0) { /* sift the last entry up from the hole */
        uint32_t p = (i - 1) / D;
        if (!above(&x, &e[p], max))
            break;
        e[i] = e[p];
        i = p;
    }
    e[i] = x;
    return root;
}

void rungsplit_init(rungsplit *r, sched_rule rule, uint32_t eta, double q)
{
    memset(r, 0, sizeof *r);
    r->rule = rule;
    r->eta = eta;
    /* ray: Ray Tune's level on its rewards (-metric), computed as Ray and
     * numpy do: np.nanpercentile(..., (1 - 1 / rf) * 100) divides by 100 */
    r->q = rule == SCHED_RULE_RAY ? ((1.0 - 1.0 / (double)eta) * 100.0) / 100.0 : q;
}

void rungsplit_destroy(rungsplit *r)
{
    if (!r)
        return;
    free(r->top.e);
    free(r->rest.e);
    free(r->pend.e);
    free(r->state);
    memset(r, 0, sizeof *r);
}

/* How many of n entries belong in top: the rule's boundary. */
static uint32_t boundary(const rungsplit *r, uint32_t n)
{
    switch (r->rule) {
    case SCHED_RULE_QUANTILE:
        return n ? (uint32_t)floor((double)(n - 1) * r->q) + 1 : 0;
    case SCHED_RULE_RAY:
        /* the rewards' lower interpolation point, lo = floor((n-1) q), is
         * x[n-1-lo] in ascending metric order: top holds the n-1-lo best */
        return n ? n - 1 - (uint32_t)floor((double)(n - 1) * r->q) : 0;
    case SCHED_RULE_TOPK:
    case SCHED_RULE_RANK:
        break;
    }
    return n / r->eta;
}

enum { PEND_WAITS = 1, PEND_IN = 2 };

/* topk: entry y has joined the s best; a waiting entry joins pend (once:
 * one that left and came back is still there). */
static void topk_joined(rungsplit *r, rung_entry y)
{
    if (r->state[y.seq] == PEND_WAITS) {
        heap_push(&r->pend, y, 0);
        r->state[y.seq] |= PEND_IN;
    }
}

int64_t rungsplit_insert(rungsplit *r, uint32_t trial, double metric, int pending)
{
    /* topk keeps in pend only the waiting entries that have joined the s
     * best (rungsplit_best_pending), the other rules every waiting entry;
     * either way an insert pushes into pend at most once (topk: x joins
     * top, or the boundary takes rest's root) */
    int topk = r->rule == SCHED_RULE_TOPK;
    /* reserve everything first, so a failure leaves the rung unchanged;
     * top and rest together never hold more than n + 1 */
    if (heap_reserve(&r->top) < 0 || heap_reserve(&r->rest) < 0 ||
        ((pending || topk) && heap_reserve(&r->pend) < 0))
        return -ENOMEM;
    if (topk && r->n >= r->state_cap) {
        unsigned char *p = base_grow(r->state, &r->state_cap, (size_t)r->n + 1, 1, 1024);
        if (!p)
            return -ENOMEM;
        r->state = p;
    }
    rung_entry x = { .metric = metric, .seq = r->n, .trial = trial };
    r->n++;
    if (topk)
        r->state[x.seq] = pending ? PEND_WAITS : 0;
    else if (pending)
        heap_push(&r->pend, x, 0);
    if (r->top.n && rung_key_less(&x, &r->top.e[0])) {
        heap_push(&r->top, x, 1);
        if (topk)
            topk_joined(r, x);
    } else {
        heap_push(&r->rest, x, 0);
    }
    /* the boundary moves by at most one per insert; the loops are for the
     * entry that just landed on the wrong side of it */
    uint32_t s = boundary(r, r->n);
    while (r->top.n > s)
        heap_push(&r->rest, heap_pop(&r->top, 1), 0);
    while (r->top.n < s && r->rest.n) {
        if (heap_reserve(&r->top) < 0)
            return -ENOMEM; /* cannot happen: top.n < s <= n fits the reserve */
        rung_entry y = heap_pop(&r->rest, 0);
        heap_push(&r->top, y, 1);
        if (topk)
            topk_joined(r, y);
    }
    return x.seq;
}

double rungsplit_quantile(const rungsplit *r)
{
    /* numpy >= 1.22, method "linear": virtual index (n-1)q, a lerp computed
     * from the upper end when gamma >= 0.5, as numpy does, so the result
     * matches it to the last bit.  top's root is x[lo], rest's x[lo+1]. */
    double v = (double)(r->n - 1) * r->q;
    double g = v - floor(v);
    double a = r->top.e[0].metric, b = r->rest.n ? r->rest.e[0].metric : a;
    double d = b - a;
    return g >= 0.5 ? b - d * (1.0 - g) : a + d * g;
}

double rungsplit_ray_cutoff(const rungsplit *r)
{
    if (r->n == 0)
        return (double)NAN;
    /* Ray's rewards w = -x sorted ascending are -x[n-1], ..., -x[0]; numpy's
     * linear percentile reads positions lo and lo+1 (clipped to n-1), that
     * is -x[m] (rest's root) and -x[m-1] (top's root; the same -x[m] when
     * m = 0), m = n-1-lo.  Negation is exact, so this is numpy's value to the
     * last bit, lerp from the upper end when gamma >= 0.5 included. */
    double v = (double)(r->n - 1) * r->q;
    double g = v - floor(v);
    double a = -r->rest.e[0].metric, b = r->top.n ? -r->top.e[0].metric : a;
    double d = b - a;
    return g >= 0.5 ? b - d * (1.0 - g) : a + d * g;
}

rule_verdict rungsplit_judge_interp(const rungsplit *r, double metric)
{
    if (r->rule == SCHED_RULE_QUANTILE) {
        if (r->n < 2)
            return RULE_ADMIT;
        return metric <= rungsplit_quantile(r) ? RULE_ADMIT : RULE_REJECT;
    }
    /* ray, Ray Tune's: "if cutoff is not None and cur_rew < cutoff: STOP",
     * with cur_rew = -metric and the cutoff of the values recorded before */
    if (r->n == 0)
        return RULE_ADMIT;
    return -metric < rungsplit_ray_cutoff(r) ? RULE_REJECT : RULE_ADMIT;
}

void rungsplit_pop_pending(rungsplit *r)
{
    if (r->pend.n) {
        rung_entry y = heap_pop(&r->pend, 0);
        if (r->rule == SCHED_RULE_TOPK)
            r->state[y.seq] = 0;
    }
}
