/*
 * tests/test_asha.c -- the ASHA core (core/asha.c, docs/design.md semantics 4
 * and 6), driven through core/sched.h by hand with hand-worked values:
 * promotion (one candidate per rung, highest rung first, topk's n < eta),
 * stopping with each rule, failed jobs, WAIT/DONE and running out of memory
 * (an error, where the core used to judge nothing and let the trial go on).
 * tests/test_asha_schedule.c has a longer promotion schedule (quantile,
 * checked against Syne Tune's code).  The core's .c files are compiled in
 * here with tests/allocfail.h's allocators.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/allocfail.h"
#include "core/sched.c"
#include "core/rungsplit.c"
#include "core/asha.c"
#undef malloc
#undef calloc
#undef realloc

#include "tests/testutil.h" /* after the core: cmocka defines a macro `fail` */
#include "tests/sched_expect.h"

static sched *asha_core(sched_asha_type type, sched_rule rule, uint32_t max_trials)
{
    sched_params p = sched_default_params();
    p.eta = 2;
    p.r_min = 1;
    p.r_max = 4; /* levels 1, 2, 4 */
    p.asha.type = type;
    p.asha.rule = rule;
    p.max_trials = max_trials;
    sched *s;
    assert_int_equal(sched_alloc(&s, sched_asha, &p), 0);
    return s;
}

/* The defaults: ASHA's type object sets its own part of sched_params and
 * nothing else; stopping without a named rule takes quantile. */
static void test_defaults(void **state)
{
    (void)state;
    sched_params p, untouched;
    memset(&p, 0xA5, sizeof p);
    memset(&untouched, 0xA5, sizeof untouched);
    asha_type_object.defaults(&p);
    assert_int_equal(p.asha.type, SCHED_ASHA_PROMOTION);
    assert_int_equal(p.asha.rule, SCHED_RULE_TOPK);
    assert_memory_equal(&p.sh, &untouched.sh, sizeof p.sh);
    assert_memory_equal(&p.hyperband, &untouched.hyperband, sizeof p.hyperband);
    assert_int_equal(sched_asha_default_rule(SCHED_ASHA_STOPPING), SCHED_RULE_QUANTILE);
    assert_int_equal(sched_asha_default_rule(SCHED_ASHA_PROMOTION), SCHED_RULE_TOPK);

    p = sched_default_params();
    assert_int_equal(p.eta, 2);
    assert_int_equal(p.max_trials, SCHED_UNBOUNDED);
    assert_int_equal(p.asha.type, SCHED_ASHA_PROMOTION);
    assert_int_equal(p.asha.rule, SCHED_RULE_TOPK);
    assert_int_equal(p.sh.barrier, SCHED_BARRIER_STRICT);
    assert_int_equal(p.hyperband.brackets, 0);
}

/* Promotion, topk, one worker.  A rung with n < eta judges nothing (a new
 * trial starts); T1 (.3) is the best 1 of 2 and goes on; T0 (.5) never is;
 * with T2 (.1) and T3 at rung 0 (n = 4, top 2: .1, .3 -- T1 promoted
 * already) T2 goes on, and rung 1 (T1 .25, T2 .2: top 1 = T2) is tried
 * first. */
static void test_promotion_topk(void **state)
{
    (void)state;
    sched *s = asha_core(SCHED_ASHA_PROMOTION, SCHED_RULE_TOPK, SCHED_UNBOUNDED);
    expect_job(s, 0, 0, 1, 0);
    assert_int_equal(sched_report(s, 0, 1, 0.5), SCHED_PAUSE);
    expect_job(s, 1, 0, 1, 0); /* n = 1 < eta: nothing judged */
    assert_int_equal(sched_report(s, 1, 1, 0.3), SCHED_PAUSE);
    expect_job(s, 1, 1, 2, 1);
    assert_int_equal(sched_report(s, 1, 2, 0.25), SCHED_PAUSE);
    expect_job(s, 2, 0, 1, 0); /* rung 1: n = 1; rung 0: T0 .5 not in the top 1 */
    assert_int_equal(sched_report(s, 2, 1, 0.1), SCHED_PAUSE);
    expect_job(s, 2, 1, 2, 1); /* rung 0, n = 3, top 1 = T2 */
    assert_int_equal(sched_report(s, 2, 2, 0.2), SCHED_PAUSE);
    expect_job(s, 2, 2, 4, 2); /* rung 1, n = 2, top 1 = T2: the highest rung first */
    assert_int_equal(sched_report(s, 2, 3, 0.2), SCHED_CONTINUE);
    assert_int_equal(sched_report(s, 2, 4, 0.15), SCHED_DONE);
    sched_free(s);
}

/* Stopping type: every trial is started for r_max; values at rung 0 in
 * the order .5, .3, .6, .4, judged by each rule (eta 2, q = 1/2). */
static void stopping_case(sched_rule rule, const sched_decision want[4])
{
    static const double v[4] = { 0.5, 0.3, 0.6, 0.4 };
    sched *s = asha_core(SCHED_ASHA_STOPPING, rule, SCHED_UNBOUNDED);
    for (uint32_t t = 0; t < 4; t++)
        expect_job(s, t, 0, 4, 2);
    for (uint32_t t = 0; t < 4; t++) {
        sched_decision d = sched_report(s, t, 1, v[t]);
        if (d != want[t])
            fail_msg("rule %s, trial %u (%g): %s; want %s", sched_rule_name(rule), t, v[t],
                     sched_decision_name(d), sched_decision_name(want[t]));
    }
    sched_free(s);
}

static void test_stopping_each_rule(void **state)
{
    (void)state;
    /* topk: n < 2 continues; .3 is the best 1 of 2; .6 not the best 1 of 3;
     * .4 not among the best 2 of 4 (.3, .4? the best 2 are .3 and .4: goes on) */
    stopping_case(SCHED_RULE_TOPK, (const sched_decision[4]){ SCHED_CONTINUE, SCHED_CONTINUE,
                                                               SCHED_STOP, SCHED_CONTINUE });
    /* quantile: n < 2 continues; q(.3,.5) = .4 >= .3; q(.3,.5,.6) = .5 < .6;
     * q(.3,.4,.5,.6) = .45 >= .4 */
    stopping_case(SCHED_RULE_QUANTILE, (const sched_decision[4]){ SCHED_CONTINUE, SCHED_CONTINUE,
                                                                   SCHED_STOP, SCHED_CONTINUE });
    /* rank: stop iff (strictly better)/n > 1/2: 0/1, 0/2, 2/3 stops, 1/4 */
    stopping_case(SCHED_RULE_RANK, (const sched_decision[4]){ SCHED_CONTINUE, SCHED_CONTINUE,
                                                               SCHED_STOP, SCHED_CONTINUE });
    /* ray: cutoff over the rewards recorded before: {} continues; -.3 vs
     * the 50th percentile of {-.5} = -.5: goes on; -.6 vs that of {-.5,-.3}
     * = -.4: stops; -.4 vs that of {-.5,-.3,-.6} = -.5: goes on */
    stopping_case(SCHED_RULE_RAY, (const sched_decision[4]){ SCHED_CONTINUE, SCHED_CONTINUE,
                                                              SCHED_STOP, SCHED_CONTINUE });
}

/* The rules differ: values .5, .6, .55 at rung 0.  topk stops .6 (not the
 * best 1 of 2) and .55 (not the best 1 of 3); rank lets both go on (1 of 2
 * and 1 of 3 better: not more than 1/2). */
static void test_rules_differ(void **state)
{
    (void)state;
    static const double v[3] = { 0.5, 0.6, 0.55 };
    sched_decision got[2][3];
    const sched_rule rules[2] = { SCHED_RULE_TOPK, SCHED_RULE_RANK };
    for (int r = 0; r < 2; r++) {
        sched *s = asha_core(SCHED_ASHA_STOPPING, rules[r], SCHED_UNBOUNDED);
        for (uint32_t t = 0; t < 3; t++)
            expect_job(s, t, 0, 4, 2);
        for (uint32_t t = 0; t < 3; t++)
            got[r][t] = sched_report(s, t, 1, v[t]);
        sched_free(s);
    }
    assert_int_equal(got[0][1], SCHED_STOP);     /* topk: .6 not the best 1 of 2 */
    assert_int_equal(got[1][1], SCHED_CONTINUE); /* rank: 1/2 is not > 1/2 */
    assert_int_equal(got[0][2], SCHED_STOP);     /* topk: .55 not the best 1 of 3 */
    assert_int_equal(got[1][2], SCHED_CONTINUE); /* rank: 1/3 <= 1/2 */
}

/* The ray rule has no promotion type. */
static void test_ray_promotion_refused(void **state)
{
    (void)state;
    sched_params p = sched_default_params();
    p.r_max = 4;
    p.asha.type = SCHED_ASHA_PROMOTION;
    p.asha.rule = SCHED_RULE_RAY;
    sched *s = (sched *)&p; /* not NULL, so the test sees it cleared */
    assert_int_equal(sched_alloc(&s, sched_asha, &p), -EINVAL);
    assert_null(s);
}

/* A lost job: promotion type, the trial is the worst at its rung and
 * counts in n -- with T0 failed and T1 at .3, n = 2 and T1 is the top 1;
 * WAIT while a job runs, DONE once nothing can report. */
static void test_failed_jobs(void **state)
{
    (void)state;
    sched *s = asha_core(SCHED_ASHA_PROMOTION, SCHED_RULE_TOPK, 2);
    sched_job j, lost = { .trial = 0, .from = 0, .to = 1, .rung = 0 };
    char why[128];
    expect_job(s, 0, 0, 1, 0);
    expect_job(s, 1, 0, 1, 0);
    assert_int_equal(sched_next(s, &j), SCHED_WAIT);
    sched_explain(s, why, sizeof why);
    assert_string_equal(why, "no configuration left and nothing promotable; 2 job(s) still run");
    assert_int_equal(sched_lost(s, &lost, 0), 0);
    assert_int_equal(sched_report(s, 1, 1, 0.3), SCHED_PAUSE);
    expect_job(s, 1, 1, 2, 1);
    assert_int_equal(sched_report(s, 1, 2, 0.3), SCHED_PAUSE);
    assert_int_equal(sched_next(s, &j), SCHED_END); /* rung 1: n = 1 < eta */
    sched_explain(s, why, sizeof why);
    assert_string_equal(why, "no configuration left and nothing promotable");
    sched_free(s);

    /* stopping type: the failed trial is just gone */
    s = asha_core(SCHED_ASHA_STOPPING, SCHED_RULE_QUANTILE, 1);
    expect_job(s, 0, 0, 4, 2);
    lost = (sched_job){ .trial = 0, .from = 1, .to = 4, .rung = 2 };
    assert_int_equal(sched_next(s, &j), SCHED_WAIT);
    assert_int_equal(sched_lost(s, &lost, 0), 0);
    assert_int_equal(sched_next(s, &j), SCHED_END);
    sched_free(s);
}

/* Out of memory recording a value: an error for every type and rule (the
 * stopping type used to judge nothing and let the trial go on; the ray
 * rule judged all the same; the promotion type paused a trial it had not
 * recorded, which could never be promoted). */
static void test_out_of_memory_is_an_error(void **state)
{
    (void)state;
    const struct { sched_asha_type type; sched_rule rule; } cases[] = {
        { SCHED_ASHA_PROMOTION, SCHED_RULE_TOPK }, { SCHED_ASHA_STOPPING, SCHED_RULE_QUANTILE },
        { SCHED_ASHA_STOPPING, SCHED_RULE_RANK },  { SCHED_ASHA_STOPPING, SCHED_RULE_RAY },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        sched *s = asha_core(cases[c].type, cases[c].rule, SCHED_UNBOUNDED);
        sched_job j;
        assert_int_equal(sched_next(s, &j), SCHED_RUN);
        unsigned long before = allocfail_failed;
        allocfail_after(0); /* the rung's first allocation */
        assert_int_equal(sched_report(s, 0, 1, 0.5), SCHED_DECISION_ERROR);
        allocfail_after(-1);
        assert_int_equal(allocfail_failed, before + 1);
        assert_int_equal(sched_error(s), -ENOMEM);
        assert_int_equal(sched_next(s, &j), SCHED_ERROR);
        sched_free(s);
    }
    /* a failed trial that cannot be recorded as the worst */
    sched *s = asha_core(SCHED_ASHA_PROMOTION, SCHED_RULE_TOPK, SCHED_UNBOUNDED);
    sched_job j = { .trial = 0, .from = 0, .to = 1, .rung = 0 };
    expect_job(s, 0, 0, 1, 0);
    allocfail_after(0);
    assert_int_equal(sched_lost(s, &j, 0), -ENOMEM);
    allocfail_after(-1);
    assert_int_equal(sched_next(s, &j), SCHED_ERROR);
    sched_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_promotion_topk),
        cmocka_unit_test(test_stopping_each_rule),
        cmocka_unit_test(test_rules_differ),
        cmocka_unit_test(test_ray_promotion_refused),
        cmocka_unit_test(test_failed_jobs),
        cmocka_unit_test(test_out_of_memory_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
