/*
 * core/rungbook.c -- order-statistic treap and pending heap of one rung.
 * Invariants: node[i].size = 1 + size(left) + size(right); in-order traversal
 * is ascending (metric, seq); a parent's prio >= its children's; pend is a
 * binary min-heap on (metric, seq).  See rungbook.h.
 */
#include "core/rungbook.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NODE(rb, i) (&(rb)->node[(i) - 1])

static uint32_t rb_prio(uint32_t seq)
{
    /* splitmix-style finaliser: a fixed permutation of seq */
    uint64_t z = (uint64_t)seq + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)(z ^ (z >> 31));
}

static int key_less(double m1, uint32_t s1, double m2, uint32_t s2)
{
    return m1 < m2 || (m1 == m2 && s1 < s2);
}

static uint32_t sz(const rungbook *rb, uint32_t i) { return i ? NODE(rb, i)->size : 0; }

static void fix(rungbook *rb, uint32_t i)
{
    rb_node *x = NODE(rb, i);
    x->size = 1 + sz(rb, x->left) + sz(rb, x->right);
}

void rungbook_init(rungbook *rb) { memset(rb, 0, sizeof *rb); }

void rungbook_destroy(rungbook *rb)
{
    if (!rb)
        return;
    free(rb->node);
    free(rb->pend);
    memset(rb, 0, sizeof *rb);
}

/* Insert node x into the subtree rooted at t; returns the new root.
 * Recursion depth is the treap's depth: O(log n) expected. */
static uint32_t insert_at(rungbook *rb, uint32_t t, uint32_t x)
{
    if (!t)
        return x;
    rb_node *nx = NODE(rb, x), *nt = NODE(rb, t);
    if (key_less(nx->metric, nx->seq, nt->metric, nt->seq)) {
        nt->left = insert_at(rb, nt->left, x);
        nt = NODE(rb, t);
        if (NODE(rb, nt->left)->prio > nt->prio) { /* rotate right */
            uint32_t l = nt->left;
            nt->left = NODE(rb, l)->right;
            NODE(rb, l)->right = t;
            fix(rb, t);
            fix(rb, l);
            return l;
        }
    } else {
        nt->right = insert_at(rb, nt->right, x);
        nt = NODE(rb, t);
        if (NODE(rb, nt->right)->prio > nt->prio) { /* rotate left */
            uint32_t r = nt->right;
            nt->right = NODE(rb, r)->left;
            NODE(rb, r)->left = t;
            fix(rb, t);
            fix(rb, r);
            return r;
        }
    }
    fix(rb, t);
    return t;
}

static int pend_less(const rungbook *rb, uint32_t a, uint32_t b)
{
    const rb_node *x = &rb->node[a], *y = &rb->node[b];
    return key_less(x->metric, x->seq, y->metric, y->seq);
}

static int pend_push(rungbook *rb, uint32_t idx)
{
    if (rb->npend == rb->cappend) {
        uint32_t cap = rb->cappend ? 2 * rb->cappend : 8;
        uint32_t *p = realloc(rb->pend, (size_t)cap * sizeof *p);
        if (!p)
            return -ENOMEM;
        rb->pend = p;
        rb->cappend = cap;
    }
    uint32_t i = rb->npend++;
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!pend_less(rb, idx, rb->pend[parent]))
            break;
        rb->pend[i] = rb->pend[parent];
        i = parent;
    }
    rb->pend[i] = idx;
    return 0;
}

int64_t rungbook_insert(rungbook *rb, uint32_t trial, double metric, int pending)
{
    if (rb->n == rb->cap) {
        uint32_t cap = rb->cap ? 2 * rb->cap : 8;
        rb_node *p = realloc(rb->node, (size_t)cap * sizeof *p);
        if (!p)
            return -ENOMEM;
        rb->node = p;
        rb->cap = cap;
    }
    uint32_t seq = rb->n;
    rb_node *x = &rb->node[rb->n++];
    *x = (rb_node){ .metric = metric, .seq = seq, .trial = trial, .size = 1, .prio = rb_prio(seq) };
    if (pending && pend_push(rb, seq) < 0) {
        rb->n--;
        return -ENOMEM;
    }
    rb->root = insert_at(rb, rb->root, seq + 1);
    return seq;
}

uint32_t rungbook_position(const rungbook *rb, double metric, uint32_t seq)
{
    uint32_t count = 0, t = rb->root;
    while (t) {
        const rb_node *x = NODE(rb, t);
        if (key_less(x->metric, x->seq, metric, seq)) {
            count += 1 + sz(rb, x->left);
            t = x->right;
        } else {
            t = x->left;
        }
    }
    return count;
}

uint32_t rungbook_count_better(const rungbook *rb, double metric)
{
    uint32_t count = 0, t = rb->root;
    while (t) {
        const rb_node *x = NODE(rb, t);
        if (x->metric < metric) {
            count += 1 + sz(rb, x->left);
            t = x->right;
        } else {
            t = x->left;
        }
    }
    return count;
}

double rungbook_select(const rungbook *rb, uint32_t k)
{
    uint32_t t = rb->root;
    while (t) {
        const rb_node *x = NODE(rb, t);
        uint32_t l = sz(rb, x->left);
        if (k < l) {
            t = x->left;
        } else if (k == l) {
            return x->metric;
        } else {
            k -= l + 1;
            t = x->right;
        }
    }
    return 0.0; /* k out of range: callers never ask */
}

int rungbook_best_pending(const rungbook *rb, uint32_t *trial, double *metric, uint32_t *seq)
{
    if (!rb->npend)
        return 0;
    const rb_node *x = &rb->node[rb->pend[0]];
    *trial = x->trial;
    *metric = x->metric;
    *seq = x->seq;
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
