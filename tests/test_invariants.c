/*
 * tests/test_invariants.c -- the end-of-run checks catch each kind of
 * corruption in an otherwise valid run, and pass the real runs.
 */
#include "sim/invariants.h"
#include "sim/run_spec.h"
#include "tests/testutil.h"

#include <errno.h>
#include <string.h>

static run_result figure_run(void)
{
    run_spec rs = run_spec_figure(sched_sh); /* d2l Fig. 19.5.1 */
    run_result r;
    char err[4608];
    if (run_spec_execute(&rs, &r, NULL, err, sizeof err) != 0)
        fail_msg("%s", err);
    return r;
}

static void expect_violation(run_result *r, const char *needle)
{
    char msg[512];
    assert_int_equal(run_invariants(r, msg, sizeof msg), -EPROTO);
    if (!strstr(msg, needle))
        fail_msg("message '%s' lacks '%s'", msg, needle);
}

static void test_valid_run_passes(void **state)
{
    (void)state;
    run_result r = figure_run();
    char msg[512];
    assert_int_equal(run_invariants(&r, msg, sizeof msg), 0);
    run_result_free(&r);
}

static void test_gap_between_intervals(void **state)
{
    (void)state;
    run_result r = figure_run();
    r.idle[0].end -= 1; /* worker 1 idle 12-18, next job starts at 19 */
    expect_violation(&r, "worker 1");
    run_result_free(&r);
}

static void test_time_goes_back(void **state)
{
    (void)state;
    run_result r = figure_run();
    r.results[3].time = -1;
    expect_violation(&r, "precedes");
    run_result_free(&r);
}

static void test_epoch_twice(void **state)
{
    (void)state;
    run_result r = figure_run();
    r.results[4].trial = r.results[0].trial;
    r.results[4].epoch = r.results[0].epoch;
    expect_violation(&r, "reported epoch");
    run_result_free(&r);
}

static void test_counts_disagree(void **state)
{
    (void)state;
    run_result r = figure_run();
    r.sum.jobs_cut = 0;
    expect_violation(&r, "cut");
    run_result_free(&r);
    r = figure_run();
    r.sum.busy += 1;
    expect_violation(&r, "busy");
    run_result_free(&r);
}

/* The two bests and the two times to target are ordered. */
static void test_metrics_disagree(void **state)
{
    (void)state;
    run_result r = figure_run();
    r.sum.time_to_target = 30;
    r.sum.time_to_target_rmax = 29; /* found before seen */
    expect_violation(&r, "time_to_target_rmax");
    run_result_free(&r);
    r = figure_run();
    r.sum.time_to_target = 10;
    r.sum.time_to_target_rmax = r.sum.time_first_rmax - 1; /* found before any trial at r_max */
    expect_violation(&r, "time_first_rmax");
    run_result_free(&r);
    r = figure_run();
    r.sum.time_to_target = 10;
    r.sum.time_to_target_rmax = r.sum.time_first_rmax; /* consistent: passes */
    char msg[512];
    assert_int_equal(run_invariants(&r, msg, sizeof msg), 0);
    r.sum.best_rmax = r.sum.best - 0.01;
    expect_violation(&r, "best_rmax");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_run_passes),
        cmocka_unit_test(test_gap_between_intervals),
        cmocka_unit_test(test_time_goes_back),
        cmocka_unit_test(test_epoch_twice),
        cmocka_unit_test(test_counts_disagree),
        cmocka_unit_test(test_metrics_disagree),
    };
    return cmocka_run_group_tests_name("invariants", tests, NULL, NULL);
}
