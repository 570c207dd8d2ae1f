/*
 * tests/test_random.c -- the random-search core (core/random.c) through
 * core/sched.h: every free worker starts the next configuration for r_max
 * epochs, nothing is paused or stopped, the trial cap ends it (WAIT while
 * jobs run, then END), a lost job's trial is not retried by the core, and a
 * retried job comes back first.
 */
#include "core/sched.h"
#include "tests/testutil.h"
#include "tests/sched_expect.h"

static sched *random_core(uint32_t r_max, uint32_t max_trials)
{
    sched_params p = sched_default_params();
    p.eta = 3;
    p.r_min = 1;
    p.r_max = r_max; /* levels 1, 3, 9 for r_max 9 */
    p.max_trials = max_trials;
    sched *s;
    assert_int_equal(sched_alloc(&s, sched_random, &p), 0);
    return s;
}

/* Three workers, two trials: both run 0 -> 9 aimed at the last level; the
 * third worker waits; every epoch before 9 continues, epoch 9 is DONE; with
 * nothing running the core ends. */
static void test_every_trial_to_r_max(void **state)
{
    (void)state;
    sched *s = random_core(9, 2);
    int n;
    sched_get_levels(s, &n);
    assert_int_equal(n, 3);
    expect_job(s, 0, 0, 9, 2);
    expect_job(s, 1, 0, 9, 2);
    sched_job j;
    assert_int_equal(sched_next(s, &j), SCHED_WAIT);
    for (uint32_t e = 1; e < 9; e++) {
        assert_int_equal(sched_report(s, 1, e, 0.9), SCHED_CONTINUE); /* a bad trial goes on */
        assert_int_equal(sched_report(s, 0, e, 0.1), SCHED_CONTINUE);
    }
    assert_int_equal(sched_report(s, 0, 9, 0.1), SCHED_DONE);
    assert_int_equal(sched_next(s, &j), SCHED_WAIT); /* trial 1 still runs */
    char why[128];
    sched_explain(s, why, sizeof why);
    assert_string_equal(why, "all configurations started; 1 still run");
    assert_int_equal(sched_report(s, 1, 9, 0.9), SCHED_DONE);
    assert_int_equal(sched_next(s, &j), SCHED_END);
    assert_string_equal(sched_name(s), "random");
    sched_free(s);
}

/* Unbounded: trial numbers count up without end. */
static void test_unbounded(void **state)
{
    (void)state;
    sched *s = random_core(4, SCHED_UNBOUNDED);
    for (uint32_t t = 0; t < 1000; t++)
        expect_job(s, t, 0, 4, 2); /* levels 1, 3, 4 */
    sched_free(s);
}

/* A lost job (retry 0) ends its trial: the core starts the next one and
 * ends when nothing runs.  A retried job (retry 1) is handed out again
 * before any new trial, by core/sched.c, whatever the type. */
static void test_lost_and_retried(void **state)
{
    (void)state;
    sched *s = random_core(9, 3);
    sched_job a, b, j;
    assert_int_equal(sched_next(s, &a), SCHED_RUN);
    assert_int_equal(sched_next(s, &b), SCHED_RUN);
    assert_int_equal(sched_lost(s, &a, 0), 0);
    assert_int_equal(sched_lost(s, &b, 1), 0);
    expect_job(s, 1, 0, 9, 2); /* b again, before trial 2 */
    expect_job(s, 2, 0, 9, 2);
    assert_int_equal(sched_next(s, &j), SCHED_WAIT);
    assert_int_equal(sched_report(s, 1, 9, 0.5), SCHED_DONE);
    assert_int_equal(sched_report(s, 2, 9, 0.5), SCHED_DONE);
    assert_int_equal(sched_next(s, &j), SCHED_END);
    assert_int_equal(sched_error(s), 0);
    sched_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_trial_to_r_max),
        cmocka_unit_test(test_unbounded),
        cmocka_unit_test(test_lost_and_retried),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
