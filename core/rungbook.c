/*
 * core/rungbook.c -- counted B+-tree and pending heap of one rung.
 *
 * Invariants (see rungbook.h):
 *   - every leaf below the root holds RB_LEAF/2 .. RB_LEAF keys and every
 *     inner node below the root 2 .. RB_FAN children (a split halves a full
 *     node, or moves only the new key when it lands at a full leaf's end);
 *     all leaves are at depth `height`;
 *   - keys ascend (metric, seq) across a leaf and from leaf to leaf;
 *   - inner count[i] = keys under child[i]; for i >= 1, (kmetric[i],
 *     kseq[i]) = the smallest key under child[i] (keys that go down child i
 *     are never smaller, so it stays exact); slot 0's key is not kept;
 *   - pend is a binary min-heap of seqs on (metric[seq], seq).
 * Routing: key K goes down the last child i >= 1 whose smallest key is
 * <= K, else child 0.  Keys are unique (seq is), so "keys smaller than K"
 * is the sum of the counts left of that child plus the rank in the leaf.
 */
#include "core/rungbook.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Ask for every cache line of a node at once before searching it, so its
 * misses overlap instead of following one another down a binary search (a
 * large rung lives in main memory; measured: a few per cent per event). */
#if defined(__GNUC__)
#define PREFETCH_NODE(p)                                                    \
    do {                                                                    \
        const char *pf_ = (const char *)(p);                                \
        for (size_t o_ = 0; o_ < sizeof *(p); o_ += 64)                     \
            __builtin_prefetch(pf_ + o_);                                   \
    } while (0)
#else
#define PREFETCH_NODE(p) ((void)(p))
#endif

static inline int key_less(double m1, uint32_t s1, double m2, uint32_t s2)
{
    return m1 < m2 || (m1 == m2 && s1 < s2);
}

void rungbook_init(rungbook *rb) { memset(rb, 0, sizeof *rb); }

void rungbook_destroy(rungbook *rb)
{
    if (!rb)
        return;
    free(rb->metric);
    free(rb->trial);
    free(rb->leaf);
    free(rb->inner);
    free(rb->pend);
    memset(rb, 0, sizeof *rb);
}

/* Keys in leaf l smaller than (m, s). */
static uint32_t leaf_rank(const rb_leaf *l, double m, uint32_t s)
{
    uint32_t lo = 0, hi = l->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (key_less(l->metric[mid], l->seq[mid], m, s))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The child of x that key (m, s) goes down. */
static uint32_t inner_route(const rb_inner *x, double m, uint32_t s)
{
    uint32_t lo = 1, hi = x->n; /* first i >= 1 with (m, s) < key[i] */
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (key_less(m, s, x->kmetric[mid], x->kseq[mid]))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo - 1;
}

/* Grow *arr (elements of `size` bytes) so that `need` fit; -ENOMEM. */
static int reserve(void **arr, uint32_t *cap, uint64_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    uint64_t c = *cap ? *cap : 8;
    while (c < need)
        c *= 2;
    if (c > UINT32_MAX)
        return -ENOMEM;
    void *p = realloc(*arr, (size_t)c * size);
    if (!p)
        return -ENOMEM;
    *arr = p;
    *cap = (uint32_t)c;
    return 0;
}

static int pend_less(const rungbook *rb, uint32_t a, uint32_t b)
{
    return key_less(rb->metric[a], a, rb->metric[b], b);
}

static void pend_push(rungbook *rb, uint32_t seq)
{
    uint32_t i = rb->npend++;
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!pend_less(rb, seq, rb->pend[parent]))
            break;
        rb->pend[i] = rb->pend[parent];
        i = parent;
    }
    rb->pend[i] = seq;
}

/* Put child c (count cnt, smallest key km/ks) at slot `at` of inner node x,
 * which has room. */
static void inner_put(rb_inner *x, uint32_t at, uint32_t c, uint32_t cnt, double km, uint32_t ks)
{
    uint32_t tail = x->n - at;
    memmove(&x->child[at + 1], &x->child[at], tail * sizeof *x->child);
    memmove(&x->count[at + 1], &x->count[at], tail * sizeof *x->count);
    memmove(&x->kseq[at + 1], &x->kseq[at], tail * sizeof *x->kseq);
    memmove(&x->kmetric[at + 1], &x->kmetric[at], tail * sizeof *x->kmetric);
    x->child[at] = c;
    x->count[at] = cnt;
    x->kseq[at] = ks;
    x->kmetric[at] = km;
    x->n++;
}

/* Insert key (m, s) into the tree; the pools have room for one more leaf
 * and height + 1 more inner nodes. */
static void tree_insert(rungbook *rb, double m, uint32_t s)
{
    if (rb->n == 0) {
        rb->nleaf = rb->ninner = 0;
        rb->root = rb->nleaf++;
        rb->height = 0;
        rb_leaf *l = &rb->leaf[rb->root];
        l->n = 1;
        l->metric[0] = m;
        l->seq[0] = s;
        return;
    }
    uint32_t path[RB_DEPTH], slot[RB_DEPTH], node = rb->root;
    for (uint32_t h = rb->height; h > 0; h--) {
        rb_inner *x = &rb->inner[node];
        uint32_t i = inner_route(x, m, s);
        x->count[i]++;
        path[h] = node;
        slot[h] = i;
        node = x->child[i];
        if (h > 1)
            PREFETCH_NODE(&rb->inner[node]);
        else
            PREFETCH_NODE(&rb->leaf[node]);
    }
    rb_leaf *l = &rb->leaf[node];
    uint32_t p = leaf_rank(l, m, s);
    if (l->n < RB_LEAF) {
        memmove(&l->metric[p + 1], &l->metric[p], (l->n - p) * sizeof *l->metric);
        memmove(&l->seq[p + 1], &l->seq[p], (l->n - p) * sizeof *l->seq);
        l->metric[p] = m;
        l->seq[p] = s;
        l->n++;
        return;
    }
    /* split the full leaf: halves, or only the new key when it comes last */
    uint32_t ri = rb->nleaf++;
    rb_leaf *r = &rb->leaf[ri];
    l = &rb->leaf[node];
    uint32_t keep = p == RB_LEAF ? RB_LEAF : RB_LEAF / 2;
    r->n = RB_LEAF - keep;
    memcpy(r->metric, &l->metric[keep], r->n * sizeof *r->metric);
    memcpy(r->seq, &l->seq[keep], r->n * sizeof *r->seq);
    l->n = keep;
    rb_leaf *into = p < keep ? l : r;
    uint32_t q = p < keep ? p : p - keep;
    memmove(&into->metric[q + 1], &into->metric[q], (into->n - q) * sizeof *into->metric);
    memmove(&into->seq[q + 1], &into->seq[q], (into->n - q) * sizeof *into->seq);
    into->metric[q] = m;
    into->seq[q] = s;
    into->n++;

    /* hand the new node (ri, its count, its smallest key) up the path */
    uint32_t nc = ri, ncount = r->n, nks = r->seq[0];
    double nkm = r->metric[0];
    for (uint32_t h = 1; h <= rb->height; h++) {
        rb_inner *x = &rb->inner[path[h]];
        uint32_t at = slot[h] + 1;
        x->count[slot[h]] -= ncount;
        if (x->n < RB_FAN) {
            inner_put(x, at, nc, ncount, nkm, nks);
            return;
        }
        /* split a full inner node: the first half stays, the rest moves */
        uint32_t yi = rb->ninner++;
        x = &rb->inner[path[h]];
        rb_inner *y = &rb->inner[yi];
        uint32_t half = RB_FAN / 2;
        y->n = RB_FAN - half;
        memcpy(y->child, &x->child[half], y->n * sizeof *y->child);
        memcpy(y->count, &x->count[half], y->n * sizeof *y->count);
        memcpy(y->kseq, &x->kseq[half], y->n * sizeof *y->kseq);
        memcpy(y->kmetric, &x->kmetric[half], y->n * sizeof *y->kmetric);
        x->n = half;
        if (at <= half)
            inner_put(x, at, nc, ncount, nkm, nks);
        else
            inner_put(y, at - half, nc, ncount, nkm, nks);
        uint32_t total = 0;
        for (uint32_t i = 0; i < y->n; i++)
            total += y->count[i];
        nc = yi;
        ncount = total;
        nks = y->kseq[0]; /* slot >= 1 of x before the split: exact */
        nkm = y->kmetric[0];
    }
    /* the root split: a new root above the old one and the new node */
    uint32_t old_total = rb->n - ncount; /* rb->n: keys before this one */
    old_total += 1;
    uint32_t ti = rb->ninner++;
    rb_inner *t = &rb->inner[ti];
    t->n = 2;
    t->child[0] = rb->root;
    t->count[0] = old_total;
    t->kseq[0] = 0;
    t->kmetric[0] = 0;
    t->child[1] = nc;
    t->count[1] = ncount;
    t->kseq[1] = nks;
    t->kmetric[1] = nkm;
    rb->root = ti;
    rb->height++;
}

int64_t rungbook_insert(rungbook *rb, uint32_t trial, double metric, int pending)
{
    if (rb->n == UINT32_MAX)
        return -ENOMEM;
    uint32_t capm = rb->cap, capt = rb->cap;
    if (reserve((void **)&rb->metric, &capm, (uint64_t)rb->n + 1, sizeof *rb->metric) < 0 ||
        reserve((void **)&rb->trial, &capt, (uint64_t)rb->n + 1, sizeof *rb->trial) < 0)
        return -ENOMEM;
    rb->cap = capm < capt ? capm : capt;
    if ((pending &&
         reserve((void **)&rb->pend, &rb->cappend, (uint64_t)rb->npend + 1, sizeof *rb->pend) < 0) ||
        reserve((void **)&rb->leaf, &rb->capleaf, (uint64_t)rb->nleaf + 1, sizeof *rb->leaf) < 0 ||
        reserve((void **)&rb->inner, &rb->capinner, (uint64_t)rb->ninner + rb->height + 1,
                sizeof *rb->inner) < 0)
        return -ENOMEM;
    uint32_t seq = rb->n;
    rb->metric[seq] = metric;
    rb->trial[seq] = trial;
    tree_insert(rb, metric, seq);
    rb->n++;
    if (pending)
        pend_push(rb, seq);
    return seq;
}

uint32_t rungbook_position(const rungbook *rb, double metric, uint32_t seq)
{
    if (!rb->n)
        return 0;
    uint32_t count = 0, node = rb->root;
    for (uint32_t h = rb->height; h > 0; h--) {
        const rb_inner *x = &rb->inner[node];
        uint32_t i = inner_route(x, metric, seq);
        node = x->child[i];
        if (h > 1)
            PREFETCH_NODE(&rb->inner[node]);
        else
            PREFETCH_NODE(&rb->leaf[node]);
        for (uint32_t j = 0; j < i; j++)
            count += x->count[j];
    }
    return count + leaf_rank(&rb->leaf[node], metric, seq);
}

uint32_t rungbook_count_better(const rungbook *rb, double metric)
{
    /* no key (metric, s) precedes (metric, 0): seqs are >= 0 */
    return rungbook_position(rb, metric, 0);
}

double rungbook_select(const rungbook *rb, uint32_t k)
{
    if (k >= rb->n)
        return 0.0; /* out of range: callers never ask */
    uint32_t node = rb->root;
    for (uint32_t h = rb->height; h > 0; h--) {
        const rb_inner *x = &rb->inner[node];
        uint32_t i = 0;
        while (k >= x->count[i]) {
            k -= x->count[i];
            i++;
        }
        node = x->child[i];
        if (h > 1)
            PREFETCH_NODE(&rb->inner[node]);
    }
    return rb->leaf[node].metric[k];
}

int rungbook_best_pending(const rungbook *rb, uint32_t *trial, double *metric, uint32_t *seq)
{
    if (!rb->npend)
        return 0;
    uint32_t s = rb->pend[0];
    *trial = rb->trial[s];
    *metric = rb->metric[s];
    *seq = s;
    return 1;
}

void rungbook_pop_pending(rungbook *rb)
{
    if (!rb->npend)
        return;
    uint32_t last = rb->pend[--rb->npend], i = 0, n = rb->npend;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && pend_less(rb, rb->pend[c + 1], rb->pend[c]))
            c++;
        if (!pend_less(rb, rb->pend[c], last))
            break;
        rb->pend[i] = rb->pend[c];
        i = c;
    }
    if (n)
        rb->pend[i] = last;
}
