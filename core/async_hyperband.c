/*
 * core/async_hyperband.c -- asynchronous Hyperband (Li et al., "A System for
 * Massively Parallel Hyperparameter Tuning", MLSys 2020; Syne Tune's
 * HyperbandScheduler with brackets > 1; docs/design.md, semantics 11).
 *
 * B brackets (--brackets, all K+1 by default); bracket s runs ASHA over its
 * own rungs at levels s..K-1, and a trial of bracket s starts at level s.
 * Trial t's bracket is a pure function of t: SplitMix64(t) as a uniform
 * number, brackets weighted as Syne Tune weights them (proportional to
 * synchronous Hyperband's bracket sizes).  Promotion and stopping types and
 * every rule as ASHA's.  With one bracket this is ASHA, decision for
 * decision: the machinery is core/asha.c's, this file only says how many
 * brackets.
 */
#include "core/sched_impl.h"

static int async_hyperband_init(void *st, const sched_common *c)
{
    int b = sched_brackets(c);
    return b < 0 ? b : asha_init_brackets(st, c, b);
}

static const sched_type async_hyperband_type = {
    .name = "async-hyperband", .takes_brackets = 1,
    .help = "asynchronous Hyperband (Li et al., MLSys 2020): ASHA in brackets s = 0..K",
    .base = &asha_type_object, .init = async_hyperband_init,
};
const sched_type *const sched_async_hyperband = &async_hyperband_type;
