/*
 * core/hyperband.c -- synchronous Hyperband (Li et al., "Hyperband", JMLR 18
 * (2018), Alg. 1; docs/design.md, semantics 10).
 *
 * K = levels - 1.  Bracket s = 0..B-1 (B = --brackets, all K+1 by default)
 * starts n_s = ceil((K+1) eta^(K-s) / (K-s+1)) configurations at level s and
 * runs successive halving over levels s..K: each rung keeps its best
 * max(1, floor(n/eta)).  Alg. 1 writes the same bracket with s' = K - s
 * halvings: n = ceil(B/R * eta^s' / (s'+1)), B = (s_max+1) R, and
 * n_i = floor(n eta^-i), which floor(n_{i-1}/eta) equals.  Brackets are
 * opened in the order s = 0, 1, ..., B-1 (Alg. 1's most exploratory first)
 * and the cycle repeats while configurations remain.  Barriers `strict` and
 * `fill` as SH's.  With one bracket this is SH, decision for decision: the
 * machinery is core/sh.c's, this file only says how many brackets.
 */
#include "core/sched_impl.h"

static int hyperband_init(void *st, const sched_common *c)
{
    int b = sched_brackets(c);
    return b < 0 ? b : sh_init_brackets(st, c, b);
}

/* all brackets, one per level: the paper's s_max + 1 */
static void hyperband_defaults(sched_params *p) { p->hyperband.brackets = 0; }

static const sched_type hyperband_type = {
    .name = "hyperband", .takes_brackets = 1,
    .help = "synchronous Hyperband (Li et al., JMLR 2018): SH brackets s = 0..K, cycled",
    .defaults = hyperband_defaults,
    .base = &sh_type_object, .init = hyperband_init,
};
const sched_type *const sched_hyperband = &hyperband_type;
