/*
 * tests/test_order.c -- the order of a recorded workload's configurations
 * (traces/workload.c; docs/workloads.md, "What the seed varies"): file order is the table's, seeded order a
 * permutation of its rows drawn from the seed.
 *
 * The known values were computed by an independent reference (SplitMix64
 * and crn_key restated in Python, Durstenfeld's shuffle from i = n down to
 * 2, j = x mod i for outputs x >= 2^64 mod i, key crn_key(seed, 0, 0,
 * 0x6f72646572)):
 *   6 rows:  seed 1 -> 1 4 0 2 5 3;  seed 2 -> 0 5 3 4 1 2;  seed 3 -> 1 5 4 0 3 2
 *   99 rows, seed 1, first 8: 71 96 83 38 59 49 3 28
 * Whole runs in both orders are compared in tests/e2e.sh.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/run_spec.h"
#include "tests/testutil.h"
#include "traces/workload.h"

static workload *open_order(const char *spec, uint64_t seed, wl_order order)
{
    char err[512];
    workload *w = NULL;
    wl_params p = wl_default_params();
    p.seed = seed;
    p.order = order;
    if (workload_open(&w, spec, &p, err, sizeof err) != 0)
        fail_msg("%s: %s", spec, err);
    return w;
}

/* The figure's six trials have distinct epoch-1 errors: the row of trial k. */
static uint32_t figure_row(const workload *w, uint32_t k)
{
    static const double e1[6] = { .5, .625, .8125, .5625, .6875, .75 };
    double m = workload_metric(w, k, 1);
    for (uint32_t r = 0; r < 6; r++)
        if (e1[r] == m)
            return r;
    fail_msg("trial %u: epoch-1 error %g is no row of the figure", k, m);
    return 0;
}

static void test_known_permutations(void **state)
{
    (void)state;
    static const uint32_t want[3][6] = { { 1, 4, 0, 2, 5, 3 }, { 0, 5, 3, 4, 1, 2 },
                                         { 1, 5, 4, 0, 3, 2 } };
    for (uint64_t s = 1; s <= 3; s++) {
        workload *w = open_order("figure", s, WL_ORDER_SEEDED);
        for (uint32_t k = 0; k < 6; k++) {
            assert_int_equal(figure_row(w, k), want[s - 1][k]);
            /* the handle and the plain queries agree under the permutation */
            wl_trial h;
            workload_trial(w, k, &h);
            for (uint32_t e = 1; e <= workload_epochs(w); e++) {
                assert_double_exact(wl_trial_metric(&h, e), workload_metric(w, k, e));
                assert_double_exact(wl_trial_epoch_time(&h, e), workload_epoch_time(w, k, e));
            }
        }
        workload_free(w);
    }
    /* file order: the identity, whatever the seed */
    workload *w = open_order("figure", 7, WL_ORDER_FILE);
    for (uint32_t k = 0; k < 6; k++)
        assert_int_equal(figure_row(w, k), k);
    workload_free(w);
}

/* lenet in seeded order: trial k is row perm[k] of the file-order table (the
 * same epochs, seconds and hyperparameters), every row exactly once. */
static void test_lenet_is_a_permutation(void **state)
{
    (void)state;
    static const uint32_t want[8] = { 71, 96, 83, 38, 59, 49, 3, 28 };
    workload *f = open_order("lenet", 1, WL_ORDER_FILE);
    workload *s = open_order("lenet", 1, WL_ORDER_SEEDED);
    uint32_t n = workload_trials(f);
    assert_int_equal(n, 99);
    assert_int_equal(workload_trials(s), n);
    int *seen = calloc(n, sizeof *seen);
    assert_non_null(seen);
    char a[256], b[256];
    for (uint32_t k = 0; k < n; k++) {
        uint32_t r = 0;
        /* find the row by its config_id and hyperparameters, then compare
         * every epoch (config_ids are unique in the table) */
        workload_config(s, k, a, sizeof a);
        for (; r < n; r++) {
            workload_config(f, r, b, sizeof b);
            if (strcmp(a, b) == 0)
                break;
        }
        assert_true(r < n);
        assert_int_equal(seen[r], 0);
        seen[r] = 1;
        if (k < 8)
            assert_int_equal(r, want[k]);
        for (uint32_t e = 1; e <= workload_epochs(f); e++) {
            assert_double_exact(workload_metric(s, k, e), workload_metric(f, r, e));
            assert_double_exact(workload_epoch_time(s, k, e), workload_epoch_time(f, r, e));
        }
    }
    free(seen);
    workload_free(f);
    workload_free(s);
}

/* Seeds give different orders; one seed gives one order (every scheduler
 * sees it: it depends on the seed and the rows alone). */
static void test_seeds_differ_and_repeat(void **state)
{
    (void)state;
    workload *a = open_order("lenet", 1, WL_ORDER_SEEDED);
    workload *b = open_order("lenet", 1, WL_ORDER_SEEDED);
    workload *c = open_order("lenet", 2, WL_ORDER_SEEDED);
    uint32_t same_ab = 0, same_ac = 0;
    for (uint32_t k = 0; k < workload_trials(a); k++) {
        same_ab += workload_metric(a, k, 10) == workload_metric(b, k, 10);
        same_ac += workload_metric(a, k, 10) == workload_metric(c, k, 10);
    }
    assert_int_equal(same_ab, workload_trials(a));
    assert_true(same_ac < 10);
    workload_free(a);
    workload_free(b);
    workload_free(c);
}

/* The defaults per workload, and what a generated workload says. */
static void test_default_orders(void **state)
{
    (void)state;
    assert_int_equal(workload_spec_order("lenet", WL_ORDER_AUTO), WL_ORDER_SEEDED);
    assert_int_equal(workload_spec_order("table:x.csv", WL_ORDER_AUTO), WL_ORDER_SEEDED);
    assert_int_equal(workload_spec_order("lenet-cpu31", WL_ORDER_AUTO), WL_ORDER_FILE);
    assert_int_equal(workload_spec_order("figure", WL_ORDER_AUTO), WL_ORDER_FILE);
    assert_int_equal(workload_spec_order("lenet-cpu31", WL_ORDER_SEEDED), WL_ORDER_SEEDED);
    assert_int_equal(workload_spec_order("lenet", WL_ORDER_FILE), WL_ORDER_FILE);
    assert_int_equal(workload_spec_order("lenet-model", WL_ORDER_SEEDED), -1);
    assert_int_equal(workload_spec_order("synthetic:constant:1", WL_ORDER_AUTO), -1);
    assert_int_equal(workload_spec_order("nonsense", WL_ORDER_AUTO), -1);
    assert_string_equal(wl_order_name(WL_ORDER_FILE), "file");
    assert_string_equal(wl_order_name(WL_ORDER_SEEDED), "seeded");
    assert_string_equal(wl_order_name(-1), "-");
    /* the library's own default is file order; a run's is the workload's */
    assert_int_equal(wl_default_params().order, WL_ORDER_FILE);
    assert_int_equal(run_spec_default().order, WL_ORDER_AUTO);
    assert_int_equal(run_spec_figure(sched_asha).order, WL_ORDER_FILE);
    /* a generated workload ignores the order: seeded is the same trials */
    workload *a = open_order("synthetic:lognormal:1:0.5", 3, WL_ORDER_FILE);
    workload *b = open_order("synthetic:lognormal:1:0.5", 3, WL_ORDER_SEEDED);
    for (uint32_t k = 0; k < 20; k++)
        assert_double_exact(workload_metric(a, k, 3), workload_metric(b, k, 3));
    workload_free(a);
    workload_free(b);
}

/* Paired: under one seed, strict SH and ASHA draw the same configurations
 * in the same order (the first trials both started are the same rows). */
static void test_schedulers_share_the_order(void **state)
{
    (void)state;
    const sched_type *types[2] = { sched_sh, sched_asha };
    double first[2][8];
    for (int i = 0; i < 2; i++) {
        run_spec rs = run_spec_default();
        rs.type = types[i];
        rs.seed = 5;
        rs.ep.workers = 4;
        rs.ep.record = 1;
        run_result res;
        workload *wl = NULL;
        char err[1024];
        if (run_spec_execute(&rs, &res, &wl, err, sizeof err) != 0)
            fail_msg("%s", err);
        assert_true(res.sum.trials_started >= 8);
        /* what the run observed: epoch 1 of its trials 0..7 */
        for (uint32_t k = 0; k < 8; k++)
            first[i][k] = (double)NAN;
        for (size_t r = 0; r < res.n_results; r++)
            if (res.results[r].trial < 8 && res.results[r].epoch == 1)
                first[i][res.results[r].trial] = res.results[r].metric;
        /* the seeded order, not the file's: seed 5 puts another row first */
        workload *f = open_order("lenet", 5, WL_ORDER_FILE);
        assert_true(workload_metric(wl, 0, 10) != workload_metric(f, 0, 10));
        workload_free(f);
        workload_free(wl);
        run_result_free(&res);
    }
    for (uint32_t k = 0; k < 8; k++)
        assert_double_exact(first[0][k], first[1][k]);
    assert_true(first[0][0] == first[0][0]); /* observed, not NAN */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_permutations),
        cmocka_unit_test(test_lenet_is_a_permutation),
        cmocka_unit_test(test_seeds_differ_and_repeat),
        cmocka_unit_test(test_default_orders),
        cmocka_unit_test(test_schedulers_share_the_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
