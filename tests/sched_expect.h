/*
 * tests/sched_expect.h -- for the core tests (test_sh.c, test_asha.c):
 * expect_job() asks a core for work and checks the job it hands out.
 * Include after tests/testutil.h (cmocka) and core/sched.h.
 */
#ifndef SHSIM_TESTS_SCHED_EXPECT_H
#define SHSIM_TESTS_SCHED_EXPECT_H

/* sched_next() must answer SCHED_RUN with trial `trial`, epochs from+1..to,
 * aiming at level index `rung`. */
static inline void expect_job(sched *s, uint32_t trial, uint32_t from, uint32_t to, uint32_t rung)
{
    sched_job j;
    assert_int_equal(sched_next(s, &j), SCHED_RUN);
    if (j.trial != trial || j.from != from || j.to != to || j.rung != rung)
        fail_msg("job: trial %u %u->%u rung %u; want trial %u %u->%u rung %u", j.trial, j.from,
                 j.to, j.rung, trial, from, to, rung);
}

#endif
