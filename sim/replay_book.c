/*
 * sim/replay_book.c -- see replay_book.h.
 * Quantiles are numpy's "linear" method to the last bit, as in
 * core/rungsplit.c: virtual index (n-1)q, lerp from the upper end when
 * gamma >= 0.5.
 */
#include "sim/replay_book.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

int rbook_init(rbook *b, double *val, uint32_t nval)
{
    b->val = val;
    b->nval = nval;
    b->n = 0;
    b->fw = calloc((size_t)nval + 1, sizeof *b->fw);
    if (b->fw == NULL) {
        free(val);
        b->val = NULL;
        return -ENOMEM;
    }
    b->top = 0;
    while (nval && (uint64_t)b->top * 2 <= nval)
        b->top = b->top ? b->top * 2 : 1;
    return 0;
}

void rbook_free(rbook *b)
{
    free(b->val);
    free(b->fw);
    b->val = NULL;
    b->fw = NULL;
}

void rbook_clear(rbook *b)
{
    for (uint32_t i = 0; i <= b->nval; i++)
        b->fw[i] = 0;
    b->n = 0;
}

/* 1-based index of v, which is one of the book's values. */
static uint32_t index_of(const rbook *b, double v)
{
    uint32_t lo = 0, hi = b->nval;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (b->val[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo + 1;
}

static void add(rbook *b, uint32_t i, int d)
{
    for (; i <= b->nval; i += i & (~i + 1))
        b->fw[i] = (uint32_t)((int64_t)b->fw[i] + d);
    b->n = (uint32_t)((int64_t)b->n + d);
}

/* values <= val[i-1] */
static uint32_t prefix(const rbook *b, uint32_t i)
{
    uint32_t s = 0;
    for (; i; i -= i & (~i + 1))
        s += b->fw[i];
    return s;
}

/* the k-th smallest value in the book, 0-based, k < n */
static double kth(const rbook *b, uint32_t k)
{
    uint32_t pos = 0, rem = k + 1;
    for (uint32_t step = b->top; step; step >>= 1)
        if (pos + step <= b->nval && b->fw[pos + step] < rem) {
            pos += step;
            rem -= b->fw[pos];
        }
    return b->val[pos];
}

static double lerp(double a, double b, double g)
{
    double d = b - a;
    return g >= 0.5 ? b - d * (1.0 - g) : a + d * g;
}

int rbook_judge(rbook *b, const rbook_rule *r, double v, uint32_t *n, double *cutoff)
{
    uint32_t i = index_of(b, v);
    *cutoff = (double)NAN;
    if (r->rule == SCHED_RULE_RAY) {
        /* Ray, on rewards w = -x of the values recorded before v: the
         * ascending rewards at lo and lo+1 (clipped) are -x[m], -x[m-1] */
        int stop = 0;
        *n = b->n;
        if (b->n) {
            double q = ((1.0 - 1.0 / (double)r->eta) * 100.0) / 100.0;
            double x = (double)(b->n - 1) * q, lo = floor(x);
            uint32_t m = b->n - 1 - (uint32_t)lo;
            double a = -kth(b, m), c = m ? -kth(b, m - 1) : a, w = lerp(a, c, x - lo);
            stop = -v < w;
            *cutoff = -w;
        }
        add(b, i, 1);
        return stop;
    }
    add(b, i, 1);
    uint32_t cnt = b->n, s = cnt / r->eta;
    *n = cnt;
    switch (r->rule) {
    case SCHED_RULE_QUANTILE: {
        if (cnt < 2)
            return 0;
        double x = (double)(cnt - 1) * r->q, lo = floor(x);
        uint32_t l = (uint32_t)lo, h = l + 1 < cnt ? l + 1 : cnt - 1;
        *cutoff = lerp(kth(b, l), kth(b, h), x - lo);
        return v > *cutoff;
    }
    case SCHED_RULE_TOPK:
        /* v was recorded last: every equal value came before it */
        if (s == 0)
            return 0;
        *cutoff = kth(b, s - 1);
        return prefix(b, i) - 1 >= s;
    case SCHED_RULE_RANK:
        *cutoff = kth(b, s);
        return (uint64_t)prefix(b, i - 1) * r->eta > cnt;
    case SCHED_RULE_RAY:
        break;
    }
    return 0;
}

void rbook_remove(rbook *b, double v)
{
    add(b, index_of(b, v), -1);
}

static int dfs(rbook *b, const rbook_rule *r, const double *v, const int *want, uint32_t g, uint32_t *perm,
               uint32_t depth, uint32_t used)
{
    if (depth == g)
        return 1;
    for (uint32_t i = 0; i < g; i++) {
        if (used & (1u << i))
            continue;
        uint32_t n;
        double c;
        int stop = rbook_judge(b, r, v[i], &n, &c), found = 0;
        if (want[i] < 0 || stop == want[i]) {
            perm[depth] = i;
            found = dfs(b, r, v, want, g, perm, depth + 1, used | 1u << i);
        }
        rbook_remove(b, v[i]);
        if (found)
            return 1;
    }
    return 0;
}

int rbook_search(rbook *b, const rbook_rule *r, const double *v, const int *want, uint32_t g, uint32_t *perm)
{
    if (g > 31)
        return 0;
    return dfs(b, r, v, want, g, perm, 0, 0);
}
