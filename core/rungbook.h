/*
 * core/rungbook.h -- the values recorded at one rung, ordered for the rules.
 *
 * Entries are keyed (metric, seq): lower metric is better and ties go to the
 * earlier-recorded entry (smaller seq, the insertion counter of this rung).
 * Two structures share the entries:
 *   - an order-statistic treap (subtree sizes) answering "how many entries
 *     precede key K" and "the k-th smallest metric" in O(log n) expected;
 *   - a binary min-heap of the entries not yet promoted, so "the best
 *     not-yet-promoted trial" is O(1) and taking it O(log n).
 * Nodes live by value in one growing array and refer to each other by index:
 * no malloc per entry, 32 bytes per entry plus 4 in the heap.  Treap
 * priorities are a hash of seq, so the shape (and so every answer) is a pure
 * function of the insertion sequence: deterministic on every machine.
 * Entries are never removed (a rung only grows), which is why a treap without
 * deletion suffices.
 */
#ifndef SHSIM_CORE_RUNGBOOK_H
#define SHSIM_CORE_RUNGBOOK_H

#include <stdint.h>

typedef struct {
    double metric;
    uint32_t seq, trial;
    uint32_t left, right; /* node index + 1; 0 = none */
    uint32_t size;        /* nodes in this subtree */
    uint32_t prio;
} rb_node;

typedef struct {
    rb_node *node;
    uint32_t n, cap, root; /* root: index + 1, 0 when empty */
    uint32_t *pend;        /* heap of node indices not yet promoted */
    uint32_t npend, cappend;
} rungbook;

void rungbook_init(rungbook *rb);
void rungbook_destroy(rungbook *rb);
/* Record `metric` for `trial`; pending != 0 also enters it among the
 * not-yet-promoted.  Returns the entry's seq (>= 0) or -ENOMEM. */
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
