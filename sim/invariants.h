/*
 * sim/invariants.h -- checks every run passes at its end (sim-internal).
 * A violation is a bug in shsim, never bad input: the caller reports it with
 * the seed and the command line.  Cost: O(R log R) for R recorded rows, so it
 * stays on; without recorded rows only the totals are checked.
 */
#ifndef SHSIM_SIM_INVARIANTS_H
#define SHSIM_SIM_INVARIANTS_H

#include <stddef.h>

#include "sim/engine.h"

/* 0, or -EPROTO with the first violated invariant described in msg
 * (-ENOMEM when the check itself could not get memory: not a violation). */
int run_invariants(const run_result *r, char *msg, size_t n);

#endif
