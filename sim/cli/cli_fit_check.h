/*
 * sim/cli/cli_fit_check.h -- the second validation table of `shsim fit`
 * (cli_fit_check.c).
 */
#ifndef SHSIM_SIM_CLI_CLI_FIT_CHECK_H
#define SHSIM_SIM_CLI_CLI_FIT_CHECK_H

#include <stdint.h>
#include <stdio.h>

#include "traces/model.h"

/* Print, as Markdown, the model m (trials drawn with seed) against each of
 * the ntabs recorded tables (names for the rows) at their configurations,
 * and against all of them pooled (all: their concatenation) in the best
 * region, the lower tail and the jumps by learning rate.  0 or -ENOMEM
 * (-EINVAL if a table has no configured trial). */
int fit_print_checks(FILE *f, const model_params *m, uint64_t seed, const model_data *const *tabs,
                     const char *const *names, int ntabs, const model_data *all);

#endif
