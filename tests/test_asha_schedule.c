/*
 * tests/test_asha_schedule.c -- ASHA promotion type with the quantile rule,
 * worked by hand, one worker: the schedule Syne Tune <= 0.13's
 * PromotionRungSystem gives, where a rung holding a single value promotes
 * nothing (Rung.quantile() is None for len(data) < 2).
 *
 * eta 2, levels 1, 2, 4 (q = 1/2 at both rungs).  A free worker asks, the
 * job runs, its result comes back, the worker asks again:
 *   job  trial  epochs  rung books after it            why
 *   1    T0     0->1    r1 {T0 .5}                     nothing to promote: new trial
 *   2    T1     0->1    r1 {.3 .5}                     r1 holds 1 value: nothing promoted  (*)
 *   3    T1     1->2    r2 {T1 .25}                    r1: q(.3,.5) = .4, T1 .3 <= .4
 *   4    T2     0->1    r1 {.2 .3 .5}                  r2 holds 1 value (*); r1: T0 .5 > .4
 *   5    T2     1->2    r2 {.22 .25}                   r2 still 1 value (*); r1: q = .3, T2 .2
 *   6    T2     2->4    (r_max: done)                  r2: q(.22,.25) = .235, T2 .22
 *   7    T3     0->1                                   r2: T1 .25 > .235; r1: T0 .5 > .3
 * (*) with n = 1 allowed, the quantile of one value is that value, and T0
 * (job 2), T1 (job 4) and T1 again would have been promoted instead.  The
 * same seven jobs come out of syne-tune v0.13.0's own PromotionRungSystem
 * driven by one worker (on_task_schedule / on_task_add / on_task_report;
 * see docs/design.md, semantics 4).
 */
#include "core/sched.h"
#include "tests/testutil.h"

static void expect_job(sched *s, uint32_t trial, uint32_t from, uint32_t to)
{
    sched_job j;
    assert_int_equal(sched_next(s, &j), SCHED_RUN);
    if (j.trial != trial || j.from != from || j.to != to)
        fail_msg("job: trial %u %u->%u; want trial %u %u->%u", j.trial, j.from, j.to, trial, from, to);
}

static sched *promotion_core(sched_rule rule)
{
    sched_params p = sched_default_params();
    p.eta = 2;
    p.r_min = 1;
    p.r_max = 4;
    p.asha.type = SCHED_ASHA_PROMOTION;
    p.asha.rule = rule;
    sched *s;
    assert_int_equal(sched_alloc(&s, sched_asha, &p), 0);
    return s;
}

static void test_quantile_promotion_needs_two_values(void **state)
{
    (void)state;
    sched *s = promotion_core(SCHED_RULE_QUANTILE);
    expect_job(s, 0, 0, 1);
    assert_int_equal(sched_report(s, 0, 1, 0.5), SCHED_PAUSE);
    expect_job(s, 1, 0, 1); /* not T0 1->2: rung 1 holds one value */
    assert_int_equal(sched_report(s, 1, 1, 0.3), SCHED_PAUSE);
    expect_job(s, 1, 1, 2);
    assert_int_equal(sched_report(s, 1, 2, 0.25), SCHED_PAUSE);
    expect_job(s, 2, 0, 1); /* not T1 2->4: rung 2 holds one value */
    assert_int_equal(sched_report(s, 2, 1, 0.2), SCHED_PAUSE);
    expect_job(s, 2, 1, 2);
    assert_int_equal(sched_report(s, 2, 2, 0.22), SCHED_PAUSE);
    expect_job(s, 2, 2, 4);
    assert_int_equal(sched_report(s, 2, 4, 0.21), SCHED_DONE);
    expect_job(s, 3, 0, 1);
    sched_free(s);
}

/* A finite workload: with one trial, the single value at rung 1 is never
 * promoted and the core says DONE once nothing runs (not WAIT forever). */
static void test_single_value_rung_ends(void **state)
{
    (void)state;
    sched_params p = sched_default_params();
    p.eta = 2;
    p.r_min = 1;
    p.r_max = 4;
    p.asha.type = SCHED_ASHA_PROMOTION;
    p.asha.rule = SCHED_RULE_QUANTILE;
    p.max_trials = 1;
    sched *s;
    assert_int_equal(sched_alloc(&s, sched_asha, &p), 0);
    sched_job j;
    expect_job(s, 0, 0, 1);
    assert_int_equal(sched_next(s, &j), SCHED_WAIT);
    assert_int_equal(sched_report(s, 0, 1, 0.5), SCHED_PAUSE);
    assert_int_equal(sched_next(s, &j), SCHED_END);
    sched_free(s);
}

/* topk and rank promotion are unchanged: topk with n < eta waits as before,
 * rank promotes the first value of a rung (0 better of 1). */
static void test_other_rules_unchanged(void **state)
{
    (void)state;
    sched *s = promotion_core(SCHED_RULE_RANK);
    expect_job(s, 0, 0, 1);
    assert_int_equal(sched_report(s, 0, 1, 0.5), SCHED_PAUSE);
    expect_job(s, 0, 1, 2);
    sched_free(s);
    s = promotion_core(SCHED_RULE_TOPK);
    expect_job(s, 0, 0, 1);
    assert_int_equal(sched_report(s, 0, 1, 0.5), SCHED_PAUSE);
    expect_job(s, 1, 0, 1);
    assert_int_equal(sched_report(s, 1, 1, 0.3), SCHED_PAUSE);
    expect_job(s, 1, 1, 2); /* floor(2/2) = 1: the best */
    sched_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantile_promotion_needs_two_values),
        cmocka_unit_test(test_single_value_rung_ends),
        cmocka_unit_test(test_other_rules_unchanged),
    };
    return cmocka_run_group_tests_name("asha_schedule", tests, NULL, NULL);
}
