/*
 * core/rungbook.h -- the values recorded at one rung, ordered for the rules.
 *
 * Entries are keyed (metric, seq): lower metric is better and ties go to the
 * earlier-recorded entry (smaller seq, the insertion counter of this rung).
 * Two structures share the entries, which live by seq in flat arrays:
 *   - a counted B+-tree of the keys (every child link carries the size of
 *     its subtree) answering "how many entries precede key K" and "the k-th
 *     smallest metric" in O(log n), with few cache misses: leaves hold 32
 *     keys by value, inner nodes 32 children, so a million entries are four
 *     levels deep where a binary tree is twenty-odd (the treap this replaced
 *     spent most of a large ASHA run waiting for memory);
 *   - a binary min-heap of the seqs not yet promoted, so "the best
 *     not-yet-promoted trial" is O(1) and taking it O(log n).
 * Nodes sit in two growing arrays and refer to each other by index: no
 * malloc per entry.  Memory: 12 bytes per entry by seq, 4 in the heap, and
 * 16 per key in leaves at least half full (about 70% for random keys; a
 * leaf split at its end keeps the left part full, so ascending keys fill
 * leaves completely).  The shape is a pure function of the insertion
 * sequence: deterministic on every machine.  Entries are never removed (a
 * rung only grows), so the tree needs no deletion.
 */
#ifndef SHSIM_CORE_RUNGBOOK_H
#define SHSIM_CORE_RUNGBOOK_H

#include <stdint.h>

#define RB_LEAF 32  /* keys per leaf */
#define RB_FAN 32   /* children per inner node */
#define RB_DEPTH 16 /* levels at most: 32 * 16^15 keys is beyond any rung */

typedef struct {
    uint32_t n;
    uint32_t seq[RB_LEAF];
    double metric[RB_LEAF];
} rb_leaf;

typedef struct {
    uint32_t n;
    uint32_t child[RB_FAN]; /* index into leaf[] (height 1) or inner[] */
    uint32_t count[RB_FAN]; /* keys under child i */
    uint32_t kseq[RB_FAN];  /* the smallest key under child i, for i >= 1 */
    double kmetric[RB_FAN];
} rb_inner;

typedef struct {
    double *metric;   /* [seq] */
    uint32_t *trial;  /* [seq] */
    uint32_t n, cap;
    rb_leaf *leaf;
    rb_inner *inner;
    uint32_t nleaf, capleaf, ninner, capinner;
    uint32_t root, height; /* height 0: root is leaf[root] (or none while n == 0) */
    uint32_t *pend;        /* heap of seqs not yet promoted */
    uint32_t npend, cappend;
} rungbook;

void rungbook_init(rungbook *rb);
void rungbook_destroy(rungbook *rb);
/* Record `metric` for `trial`; pending != 0 also enters it among the
 * not-yet-promoted.  Returns the entry's seq (>= 0) or -ENOMEM (the book is
 * unchanged). */
int64_t rungbook_insert(rungbook *rb, uint32_t trial, double metric, int pending);
static inline uint32_t rungbook_size(const rungbook *rb) { return rb->n; }
/* Entries whose key (metric, seq) is smaller than (metric, seq): the 0-based
 * position of an entry with that key. */
uint32_t rungbook_position(const rungbook *rb, double metric, uint32_t seq);
/* Entries with a metric strictly smaller than `metric`. */
uint32_t rungbook_count_better(const rungbook *rb, double metric);
/* The metric of the k-th best entry, 0 <= k < n. */
double rungbook_select(const rungbook *rb, uint32_t k);
/* The best not-yet-promoted entry: 1 and its fields, or 0 when none. */
int rungbook_best_pending(const rungbook *rb, uint32_t *trial, double *metric, uint32_t *seq);
/* Mark the best not-yet-promoted entry promoted. */
void rungbook_pop_pending(rungbook *rb);

#endif
