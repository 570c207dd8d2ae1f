/*
 * sim/cli/cli_bench.h -- what the two files of `shsim bench` (cli_bench.c,
 * cli_bench_recorded.c) share: the wall clock and the xorshift their
 * made-up inputs are drawn from (sim/cli-internal).
 */
#ifndef SHSIM_SIM_CLI_BENCH_H
#define SHSIM_SIM_CLI_BENCH_H

#include <stdint.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double bench_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Marsaglia's xorshift64 (13, 7, 17): the next state, also stored in *s
 * (nonzero).  Cheap, so that drawing does not weigh in a timing. */
static inline uint64_t bench_xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* `bench`'s import and replay timings (cli_bench_recorded.c): 20,000 and
 * 100,000 trials (quick: the first only); 0 or -1 after printing why. */
int bench_recorded(int quick);

#endif
