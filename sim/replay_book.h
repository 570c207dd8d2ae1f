/*
 * sim/replay_book.h -- the rung books `shsim replay` searches tie orders
 * with (sim-internal, used by sim/replay.c only).
 *
 * A replay knows every value a rung will ever record, so a rung's book is a
 * Fenwick tree of counts over the rung's distinct values, sorted: adding or
 * removing a value and reading the k-th smallest are O(log n).  Removal is
 * what the core's rungs (core/rungsplit.h) do not offer and a search needs:
 * a same-stamp group is tried in one order, taken back, tried in the next.
 *
 * The rules here are the rules of docs/design.md (semantics 4) written once
 * more, from the sorted order: a second, independent statement.  The
 * decisions the replay reports are the core's (sched_report); replay.c
 * checks that they equal these, and a difference is a bug.
 */
#ifndef SHSIM_SIM_REPLAY_BOOK_H
#define SHSIM_SIM_REPLAY_BOOK_H

#include <stdint.h>

#include "core/sched.h"

typedef struct {
    double *val;   /* the rung's distinct values, ascending (owned) */
    uint32_t *fw;  /* Fenwick tree of counts, 1-based, nval + 1 entries */
    uint32_t nval; /* distinct values */
    uint32_t n;    /* values in the book now */
    uint32_t top;  /* highest power of two <= nval (0 when empty) */
} rbook;

/* Takes val[0..nval), sorted ascending and distinct; 0 or -ENOMEM (val
 * freed either way). */
int rbook_init(rbook *b, double *val, uint32_t nval);
void rbook_free(rbook *b);
void rbook_clear(rbook *b);

typedef struct {
    sched_rule rule;
    uint32_t eta;
    double q; /* quantile level r_k / r_{k+1} (quantile rule) */
} rbook_rule;

/* Judge v as the rule does and record it (ray judges first, the others
 * after recording).  Returns 1 for stop, 0 for continue.  *n: the values the
 * rule judged against (v included, ray: v excluded); *cutoff: v continues
 * iff v <= *cutoff (topk: up to ties, which go to the earlier-recorded);
 * NaN when the rule cannot judge (topk n < eta, quantile n < 2, an empty
 * rung for ray and rank). */
int rbook_judge(rbook *b, const rbook_rule *r, double v, uint32_t *n, double *cutoff);
/* Take back one recorded v (the last judged first). */
void rbook_remove(rbook *b, double v);

/* Search the orders of a same-stamp group of g reports at one rung, in
 * lexicographic order of the members (the file order first), for one in
 * which every report's decision is want[i] (0 continue, 1 stop, -1 either).
 * 1 and perm[0..g) (members in the order found), or 0 when no order does.
 * The book is left as it was.  Cost: at most g! g log n. */
int rbook_search(rbook *b, const rbook_rule *r, const double *v, const int *want, uint32_t g, uint32_t *perm);

#endif
