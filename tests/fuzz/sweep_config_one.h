/*
 * tests/fuzz/sweep_config_one.h -- what the sweep-config fuzzer and its
 * replay test do with one file: `shsim sweep --config PATH --dry-run -q`.
 * Returns the exit status.
 */
#ifndef SHSIM_TESTS_FUZZ_SWEEP_CONFIG_ONE_H
#define SHSIM_TESTS_FUZZ_SWEEP_CONFIG_ONE_H

#include "sim/cli/cli.h"

static inline int sweep_config_one(const char *path)
{
    char *argv[] = { (char *)"sweep", (char *)"--config", (char *)path, (char *)"--dry-run",
                     (char *)"-q", NULL };
    return cli_sweep(5, argv);
}

#endif
