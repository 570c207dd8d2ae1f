/*
 * tests/test_sh.c -- the synchronous SH core (core/sh.c, docs/design.md
 * semantics 5), driven through core/sched.h by hand: known schedules for
 * both barriers, the promotion count max(1, floor(n/eta)), ties to the lower
 * slot, failed and retried jobs, and running out of memory (an error, not a
 * smaller schedule).  The core's own .c files are compiled in here with
 * tests/allocfail.h's allocators.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/allocfail.h"
#include "core/sched.c"
#include "core/sh.c"
#undef malloc
#undef calloc
#undef realloc

#include "tests/testutil.h" /* after the core: cmocka defines a macro `fail` */
#include "tests/sched_expect.h"

static sched *sh_core(sched_barrier barrier, uint32_t eta, uint32_t r_max, uint32_t max_trials)
{
    sched_params p = sched_default_params();
    p.eta = eta;
    p.r_min = 1;
    p.r_max = r_max;
    p.sh.barrier = barrier;
    p.max_trials = max_trials;
    sched *s;
    assert_int_equal(sched_alloc(&s, sched_sh, &p), 0);
    return s;
}

/* Strict, eta 2, levels 1, 2, 4: a bracket of 4.  Rung 0 values .4 .3 .4 .9:
 * k = 2, T1 (.3) first, then T0 over T2 (a tie at .4 goes to the lower
 * slot); rung 1: k = 1.  A free worker waits for the rung, and the next
 * bracket opens only once the last job of this one is handed out. */
static void test_strict_schedule(void **state)
{
    (void)state;
    sched *s = sh_core(SCHED_BARRIER_STRICT, 2, 4, SCHED_UNBOUNDED);
    sched_job j;
    for (uint32_t t = 0; t < 4; t++)
        expect_job(s, t, 0, 1, 0);
    assert_int_equal(sched_next(s, &j), SCHED_WAIT);
    char why[128];
    sched_explain(s, why, sizeof why);
    assert_string_equal(why, "rung 0 of bracket 0 still runs trial 0 (0 of 4 jobs reported)");
    assert_int_equal(sched_report(s, 0, 1, 0.4), SCHED_PAUSE);
    assert_int_equal(sched_report(s, 1, 1, 0.3), SCHED_PAUSE);
    assert_int_equal(sched_report(s, 2, 1, 0.4), SCHED_PAUSE);
    assert_int_equal(sched_next(s, &j), SCHED_WAIT); /* T3 still runs */
    assert_int_equal(sched_report(s, 3, 1, 0.9), SCHED_PAUSE);
    expect_job(s, 1, 1, 2, 1);
    expect_job(s, 0, 1, 2, 1);
    assert_int_equal(sched_next(s, &j), SCHED_WAIT);
    assert_int_equal(sched_report(s, 0, 2, 0.2), SCHED_PAUSE);
    assert_int_equal(sched_report(s, 1, 2, 0.25), SCHED_PAUSE);
    expect_job(s, 0, 2, 4, 2);
    /* the last job of bracket 0 is out: bracket 1 opens */
    expect_job(s, 4, 0, 1, 0);
    assert_int_equal(sched_report(s, 0, 3, 0.19), SCHED_CONTINUE);
    assert_int_equal(sched_report(s, 0, 4, 0.18), SCHED_DONE);
    sched_free(s);
}

/* Fill: a free worker opens bracket 1 instead of waiting, and once bracket
 * 0's rung completes its jobs go first (the oldest bracket with a job). */
static void test_fill_schedule(void **state)
{
    (void)state;
    sched *s = sh_core(SCHED_BARRIER_FILL, 2, 4, SCHED_UNBOUNDED);
    for (uint32_t t = 0; t < 4; t++)
        expect_job(s, t, 0, 1, 0);
    expect_job(s, 4, 0, 1, 0); /* bracket 1 */
    for (uint32_t t = 0; t < 4; t++)
        assert_int_equal(sched_report(s, t, 1, 1.0 - 0.1 * t), SCHED_PAUSE);
    expect_job(s, 3, 1, 2, 1); /* bracket 0, rung 1: T3 (.7) then T2 (.8) */
    expect_job(s, 2, 1, 2, 1);
    expect_job(s, 5, 0, 1, 0); /* back to bracket 1 */
    sched_free(s);
}

/* Promotions are max(1, floor(n/eta)): eta 3, levels 1, 3, 9, and 2 trials
 * in all: floor(2/3) = 0, yet the best one goes on. */
static void test_promotes_at_least_one(void **state)
{
    (void)state;
    sched *s = sh_core(SCHED_BARRIER_STRICT, 3, 9, 2);
    sched_job j;
    expect_job(s, 0, 0, 1, 0);
    expect_job(s, 1, 0, 1, 0);
    assert_int_equal(sched_report(s, 0, 1, 0.6), SCHED_PAUSE);
    assert_int_equal(sched_report(s, 1, 1, 0.5), SCHED_PAUSE);
    expect_job(s, 1, 1, 3, 1);
    assert_int_equal(sched_next(s, &j), SCHED_WAIT);
    assert_int_equal(sched_report(s, 1, 3, 0.4), SCHED_PAUSE);
    expect_job(s, 1, 3, 9, 2);
    assert_int_equal(sched_next(s, &j), SCHED_WAIT);
    assert_int_equal(sched_report(s, 1, 9, 0.3), SCHED_DONE);
    assert_int_equal(sched_next(s, &j), SCHED_END);
    char why[64];
    sched_explain(s, why, sizeof why);
    assert_string_equal(why, "no configurations left and no bracket open");
    sched_free(s);
}

/* eta 3, a full bracket of 9 at levels 1, 3, 9: 3 promoted, best first. */
static void test_promotes_floor_n_over_eta(void **state)
{
    (void)state;
    sched *s = sh_core(SCHED_BARRIER_STRICT, 3, 9, 9);
    static const double v[9] = { .5, .1, .9, .3, .8, .2, .7, .6, .4 };
    for (uint32_t t = 0; t < 9; t++)
        expect_job(s, t, 0, 1, 0);
    for (uint32_t t = 0; t < 9; t++)
        assert_int_equal(sched_report(s, t, 1, v[t]), SCHED_PAUSE);
    expect_job(s, 1, 1, 3, 1);
    expect_job(s, 5, 1, 3, 1);
    expect_job(s, 3, 1, 3, 1);
    sched_job j;
    assert_int_equal(sched_next(s, &j), SCHED_WAIT);
    sched_free(s);
}

/* A lost job (retry 0) counts as the worst: never promoted, and a rung
 * whose jobs all failed ends its bracket. */
static void test_failed_jobs(void **state)
{
    (void)state;
    sched *s = sh_core(SCHED_BARRIER_STRICT, 2, 4, 8);
    sched_job lost = { .trial = 1, .from = 0, .to = 1, .rung = 0 };
    for (uint32_t t = 0; t < 4; t++)
        expect_job(s, t, 0, 1, 0);
    assert_int_equal(sched_lost(s, &lost, 0), 0);
    assert_int_equal(sched_report(s, 0, 1, 0.9), SCHED_PAUSE);
    assert_int_equal(sched_report(s, 2, 1, 0.8), SCHED_PAUSE);
    assert_int_equal(sched_report(s, 3, 1, 0.7), SCHED_PAUSE);
    expect_job(s, 3, 1, 2, 1);
    expect_job(s, 2, 1, 2, 1); /* T1 (failed) is never promoted, T0 (.9) loses */
    for (uint32_t t = 2; t < 4; t++) {
        sched_job l = { .trial = t, .from = 1, .to = 2, .rung = 1 };
        assert_int_equal(sched_lost(s, &l, 0), 0);
    }
    /* rung 1 failed entirely: bracket 0 is over, bracket 1 opens */
    expect_job(s, 4, 0, 1, 0);
    sched_free(s);
}

/* A retried job (retry 1) comes back before anything else, unchanged. */
static void test_retried_job_first(void **state)
{
    (void)state;
    sched *s = sh_core(SCHED_BARRIER_FILL, 2, 4, SCHED_UNBOUNDED);
    expect_job(s, 0, 0, 1, 0);
    sched_job rest = { .trial = 0, .from = 0, .to = 1, .rung = 0 };
    assert_int_equal(sched_lost(s, &rest, 1), 0);
    expect_job(s, 0, 0, 1, 0);
    expect_job(s, 1, 0, 1, 0);
    sched_free(s);
}

/* Out of memory opening a bracket ends the run: SCHED_ERROR, kept by
 * sched_next and sched_lost (the core used to carry on as if no trial were
 * left, a smaller schedule than asked for). */
static void test_out_of_memory_is_an_error(void **state)
{
    (void)state;
    sched *s = sh_core(SCHED_BARRIER_STRICT, 2, 4, SCHED_UNBOUNDED);
    sched_job j;
    for (uint32_t t = 0; t < 4; t++)
        expect_job(s, t, 0, 1, 0);
    for (uint32_t t = 0; t < 4; t++)
        assert_int_equal(sched_report(s, t, 1, 0.1 * t), SCHED_PAUSE);
    expect_job(s, 0, 1, 2, 1);
    expect_job(s, 1, 1, 2, 1);
    for (uint32_t t = 0; t < 2; t++)
        assert_int_equal(sched_report(s, t, 2, 0.1 * t), SCHED_PAUSE);
    expect_job(s, 0, 2, 4, 2);
    assert_int_equal(sched_error(s), 0);
    unsigned long before = allocfail_failed;
    allocfail_after(0); /* the next bracket's first allocation fails */
    assert_int_equal(sched_next(s, &j), SCHED_ERROR);
    assert_int_equal(allocfail_failed, before + 1);
    assert_int_equal(sched_error(s), -ENOMEM);
    assert_int_equal(sched_next(s, &j), SCHED_ERROR); /* kept */
    assert_int_equal(sched_lost(s, &j, 1), -ENOMEM);
    sched_free(s);
    /* every allocation of a bracket, not only the first */
    for (long k = 1; k < 6; k++) {
        s = sh_core(SCHED_BARRIER_FILL, 2, 4, SCHED_UNBOUNDED);
        allocfail_after(k);
        sched_answer a = sched_next(s, &j);
        allocfail_after(-1);
        if (a == SCHED_RUN) { /* every allocation was made before the k-th */
            assert_int_equal(sched_error(s), 0);
        } else {
            assert_int_equal(a, SCHED_ERROR);
            assert_int_equal(sched_error(s), -ENOMEM);
        }
        sched_free(s);
    }
}

/* A retry that cannot be queued is an error too (it used to become a
 * failure of the trial). */
static void test_retry_out_of_memory(void **state)
{
    (void)state;
    sched *s = sh_core(SCHED_BARRIER_STRICT, 2, 4, SCHED_UNBOUNDED);
    expect_job(s, 0, 0, 1, 0);
    sched_job rest = { .trial = 0, .from = 0, .to = 1, .rung = 0 };
    allocfail_after(0);
    assert_int_equal(sched_lost(s, &rest, 1), -ENOMEM);
    assert_int_equal(sched_error(s), -ENOMEM);
    sched_job j;
    assert_int_equal(sched_next(s, &j), SCHED_ERROR);
    sched_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strict_schedule),
        cmocka_unit_test(test_fill_schedule),
        cmocka_unit_test(test_promotes_at_least_one),
        cmocka_unit_test(test_promotes_floor_n_over_eta),
        cmocka_unit_test(test_failed_jobs),
        cmocka_unit_test(test_retried_job_first),
        cmocka_unit_test(test_out_of_memory_is_an_error),
        cmocka_unit_test(test_retry_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
