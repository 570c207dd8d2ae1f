/*
 * tests/test_workload.c -- cmocka tests of traces/workload.h: opening by
 * spec (an unknown spec refused, naming it), the figure model's known
 * values, and the synthetic model's common random numbers, distributions,
 * golden values and refused specs.  The table reader is tested in
 * test_wl_table.c, the counter-based generator in test_crn.c.
 *
 * Binary fractions are compared with ==; other doubles with assert_close().
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"
#include "traces/workload.h"

/* ---- figure ---------------------------------------------------------- */

static void test_figure_values(void **state)
{
    static const double sec[6] = {4, 7, 15, 5, 7, 8};
    static const double e1[6] = {.5, .625, .8125, .5625, .6875, .75};
    static const double e2[6] = {.375, .5, .75, .4375, .625, .6875};
    static const char *const cfg[6] = {"4", "7", "15", "5", "7", "8"};
    workload *w;
    char err[256], buf[32];

    (void)state;
    assert_int_equal(workload_open(&w, "figure", NULL, err, sizeof err), 0);
    assert_string_equal(workload_name(w), "figure");
    assert_int_equal(workload_trials(w), 6);
    assert_int_equal(workload_epochs(w), 4);
    assert_string_equal(workload_config_header(w), "epoch_seconds");
    for (uint32_t k = 0; k < 6; k++) {
        for (uint32_t e = 1; e <= 4; e++)
            assert_true(workload_epoch_time(w, k, e) == sec[k]);
        assert_true(workload_metric(w, k, 1) == e1[k]);
        assert_true(workload_metric(w, k, 2) == e2[k]);
        assert_true(workload_metric(w, k, 3) == e2[k] - 0.0625);
        assert_true(workload_metric(w, k, 4) == e2[k] - 0.125);
        workload_config(w, k, buf, sizeof buf);
        assert_string_equal(buf, cfg[k]);
    }
    /* Spot values written out, so a typo in the table above cannot hide. */
    assert_true(workload_metric(w, 2, 3) == 0.6875);
    assert_true(workload_metric(w, 0, 4) == 0.25);
    workload_free(w);
}

static void test_figure_rejects_argument(void **state)
{
    workload *w;
    char err[256];

    (void)state;
    assert_int_equal(workload_open(&w, "figure:2", NULL, err, sizeof err), -EINVAL);
    assert_null(w);
    assert_contains(err, "figure:2");
}

/* ---- dispatch -------------------------------------------------------- */

static void test_open_unknown_spec(void **state)
{
    workload *w;
    char err[256];

    (void)state;
    assert_int_equal(workload_open(&w, "bogus", NULL, err, sizeof err), -EINVAL);
    assert_null(w);
    assert_contains(err, "bogus");
    assert_int_equal(workload_open(&w, "figures", NULL, err, sizeof err), -EINVAL);
    assert_int_equal(workload_open(&w, "table", NULL, err, sizeof err), -EINVAL);
    assert_contains(err, "field 'FILE'");
    assert_int_equal(workload_open(&w, "table:", NULL, err, sizeof err), -EINVAL);
    /* err may be omitted. */
    assert_int_equal(workload_open(&w, "bogus", NULL, NULL, 0), -EINVAL);
    workload_free(NULL);
    assert_true(wl_default_params().seed == 1);
}

/* The kinds come from one table (WL_KIND_MAP): listed in its order, each
 * named by the unknown-spec message, recorded ones with their documented
 * default order, and the kinds that read a file say which. */
static void test_kinds_table(void **state)
{
    static const struct {
        const char *syntax;
        int recorded;
        wl_order order;
    } want[] = {
        {"lenet", 1, WL_ORDER_SEEDED},       {"lenet-cpu31", 1, WL_ORDER_FILE},
        {"lenet-model[:FILE]", 0, 0},        {"figure", 1, WL_ORDER_FILE},
        {"table:FILE", 1, WL_ORDER_SEEDED},  {"synthetic[:DIST[:MEAN[:SPREAD]]]", 0, 0},
    };
    workload *w;
    char err[512], list[512];
    size_t i = 0;
    int recorded;
    wl_order order;
    const char *k;

    (void)state;
    assert_int_equal(workload_open(&w, "bogus", NULL, err, sizeof err), -EINVAL);
    for (; (k = workload_kind(i, &recorded, &order)) != NULL; i++) {
        assert_true(i < sizeof want / sizeof want[0]);
        assert_string_equal(k, want[i].syntax);
        assert_int_equal(recorded, want[i].recorded);
        if (recorded)
            assert_int_equal(order, want[i].order);
        assert_contains(err, k);
    }
    assert_int_equal(i, sizeof want / sizeof want[0]);
    size_t need = workload_kinds_list(list, sizeof list, ", ", " or ");
    assert_int_equal(need, strlen(list));
    assert_string_equal(list, "lenet, lenet-cpu31, lenet-model[:FILE], figure, table:FILE or "
                              "synthetic[:DIST[:MEAN[:SPREAD]]]");
    assert_int_equal(workload_kinds_list(list, 8, "|", "|"), 87); /* cut, snprintf's contract */
    assert_string_equal(list, "lenet|l");
    assert_string_equal(workload_spec_file("table:a.csv"), "a.csv");
    assert_string_equal(workload_spec_file("lenet-model:p.params"), "p.params");
    assert_null(workload_spec_file("lenet-model"));
    assert_null(workload_spec_file("synthetic:normal"));
    assert_null(workload_spec_file("tables:x"));
}

/* ---- synthetic ------------------------------------------------------- */

static workload *open_synth(const char *spec, uint64_t seed)
{
    wl_params p = wl_default_params();
    workload *w;
    char err[256] = "";

    p.seed = seed;
    if (workload_open(&w, spec, &p, err, sizeof err) != 0)
        print_error("%s\n", err);
    assert_non_null(w);
    return w;
}

static void test_synthetic_defaults(void **state)
{
    workload *w = open_synth("synthetic", 1);
    char buf[128];
    double t, a, tau;

    (void)state;
    assert_string_equal(workload_name(w), "synthetic");
    assert_int_equal(workload_trials(w), WL_UNBOUNDED);
    assert_int_equal(workload_epochs(w), 1000);
    assert_string_equal(workload_config_header(w), "seconds_per_epoch,asymptote,tau");
    for (uint32_t k = 0; k < 100; k++) {
        assert_true(workload_epoch_time(w, k, 1) == 1.0);
        for (uint32_t e = 1; e <= 1000; e += 37) {
            double m = workload_metric(w, k, e);
            assert_true(m >= 0 && m <= 1);
        }
    }
    workload_config(w, 3, buf, sizeof buf);
    assert_int_equal(sscanf(buf, "%lf,%lf,%lf", &t, &a, &tau), 3);
    assert_true(t == 1.0);
    assert_true(a >= 0.1 && a <= 0.4);
    assert_true(tau > 0);
    workload_free(w);
}

static void test_synthetic_order_free(void **state)
{
    static const char *const specs[] = {"synthetic:lognormal:2:0.7", "synthetic:normal:3:1"};
    static const uint32_t ks[] = {0, 1, 2, 3, 17, 999999, 4000000000u};
    static const uint32_t es[] = {1, 2, 3, 10, 1000};
    enum { NK = sizeof ks / sizeof ks[0], NE = sizeof es / sizeof es[0] };

    (void)state;
    for (size_t s = 0; s < 2; s++) {
        workload *a = open_synth(specs[s], 42);
        workload *b = open_synth(specs[s], 42);
        double t[NK][NE], m[NK][NE];
        char ca[128], cb[128];

        for (size_t i = 0; i < NK; i++)
            for (size_t j = 0; j < NE; j++) {
                t[i][j] = workload_epoch_time(a, ks[i], es[j]);
                m[i][j] = workload_metric(a, ks[i], es[j]);
            }
        /* Backwards, on the other instance, metric first. */
        for (size_t i = NK; i-- > 0;)
            for (size_t j = NE; j-- > 0;) {
                assert_true(workload_metric(b, ks[i], es[j]) == m[i][j]);
                assert_true(workload_epoch_time(b, ks[i], es[j]) == t[i][j]);
            }
        /* A scrambled order on the first instance again. */
        for (size_t n = 0; n < NK * NE; n++) {
            size_t q = (n * 13 + 5) % (NK * NE), i = q / NE, j = q % NE;
            assert_true(workload_epoch_time(a, ks[i], es[j]) == t[i][j]);
            assert_true(workload_metric(a, ks[i], es[j]) == m[i][j]);
        }
        for (size_t i = 0; i < NK; i++) {
            /* Drawn once per trial: every epoch takes the same time. */
            for (size_t j = 1; j < NE; j++)
                assert_true(t[i][j] == t[i][0]);
            workload_config(a, ks[i], ca, sizeof ca);
            workload_config(b, ks[i], cb, sizeof cb);
            assert_string_equal(ca, cb);
        }
        workload_free(a);
        workload_free(b);
    }
}

static void test_synthetic_seeds_differ(void **state)
{
    workload *a = open_synth("synthetic:lognormal", 1);
    workload *b = open_synth("synthetic:lognormal", 2);
    int dt = 0, dm = 0;

    (void)state;
    for (uint32_t k = 0; k < 100; k++) {
        dt += workload_epoch_time(a, k, 1) != workload_epoch_time(b, k, 1);
        dm += workload_metric(a, k, 5) != workload_metric(b, k, 5);
    }
    assert_true(dt >= 99);
    assert_true(dm >= 99);
    /* Neighbouring trials differ too. */
    assert_true(workload_epoch_time(a, 0, 1) != workload_epoch_time(a, 1, 1));
    workload_free(a);
    workload_free(b);
}

static void test_synthetic_lognormal_mean(void **state)
{
    workload *w = open_synth("synthetic:lognormal:3:0.5", 7);
    double sum = 0;
    const uint32_t n = 20000;

    (void)state;
    for (uint32_t k = 0; k < n; k++) {
        double t = workload_epoch_time(w, k, 1);
        assert_true(t > 0 && isfinite(t));
        sum += t;
    }
    /* Standard error of the mean: 3 * 0.533 / sqrt(20000) = 0.0113 (0.38%);
     * 2% is more than five of them. */
    assert_close(sum / n, 3.0, 0.02, 0);
    workload_free(w);
}

static void test_synthetic_normal_positive(void **state)
{
    workload *w = open_synth("synthetic:normal:1:3", 3); /* mostly truncated */
    workload *d = open_synth("synthetic:normal:5", 3);   /* default SD = 2.5 */
    double sum = 0;
    const uint32_t n = 20000;

    (void)state;
    for (uint32_t k = 0; k < n; k++) {
        double t = workload_epoch_time(w, k, 1);
        assert_true(t > 0 && isfinite(t));
        t = workload_epoch_time(d, k, 1);
        assert_true(t > 0 && isfinite(t));
        sum += t;
    }
    /* Truncation at 0 raises the mean: 5 + 2.5 phi(2)/Phi(2) = 5.138. */
    assert_close(sum / n, 5.138, 0.02, 0);
    workload_free(w);
    workload_free(d);
}

static void test_synthetic_constant_and_zero_spread(void **state)
{
    workload *c = open_synth("synthetic:constant:2.5", 1);
    workload *n = open_synth("synthetic:normal:2.5:0", 1);
    workload *l = open_synth("synthetic:lognormal:2.5:0", 1);

    (void)state;
    for (uint32_t k = 0; k < 50; k++) {
        assert_true(workload_epoch_time(c, k, 1) == 2.5);
        assert_true(workload_epoch_time(n, k, 1) == 2.5);
        assert_close(workload_epoch_time(l, k, 1), 2.5, 1e-15, 0);
    }
    workload_free(c);
    workload_free(n);
    workload_free(l);
}

static void test_synthetic_curves_learn(void **state)
{
    workload *w = open_synth("synthetic", 5);
    double first = 0, late = 0;

    (void)state;
    for (uint32_t k = 0; k < 1000; k++) {
        first += workload_metric(w, k, 1);
        late += workload_metric(w, k, 20);
    }
    /* a ~ U(0.1, 0.4): the late mean is near 0.25, the first well above. */
    assert_true(first / 1000 > 0.45);
    assert_close(late / 1000, 0.25, 0, 0.02);
    workload_free(w);
}

/* Golden values of one seed: they change only when the model or the
 * generator changes, which breaks every saved result.  To update, print the
 * values with %.17g and paste them here. */
static void test_synthetic_golden(void **state)
{
    workload *w = open_synth("synthetic:lognormal:2:0.5", 12345);

    (void)state;
    assert_close(workload_epoch_time(w, 0, 1), 1.7967940078631177, 1e-12, 0);
    assert_close(workload_epoch_time(w, 7, 1), 1.9739652606500311, 1e-12, 0);
    assert_close(workload_metric(w, 0, 1), 0.70988139329649502, 1e-12, 0);
    assert_close(workload_metric(w, 7, 10), 0.21700872252994033, 1e-12, 0);
    workload_free(w);
}

static void expect_spec_error(const char *spec, const char *field)
{
    workload *w = (workload *)(void *)&w;
    char err[512] = "";
    char want[64];

    assert_int_equal(workload_open(&w, spec, NULL, err, sizeof err), -EINVAL);
    assert_null(w);
    assert_contains(err, spec);
    if (field != NULL) {
        snprintf(want, sizeof want, "field '%s'", field);
        assert_contains(err, want);
    }
}

static void test_synthetic_bad_specs(void **state)
{
    (void)state;
    expect_spec_error("synthetic:weibull", "DIST");
    expect_spec_error("synthetic:", "DIST");
    expect_spec_error("synthetic:normal:abc", "MEAN");
    expect_spec_error("synthetic:normal:", "MEAN");
    expect_spec_error("synthetic:normal:1s", "MEAN");
    expect_spec_error("synthetic:normal:nan", "MEAN");
    expect_spec_error("synthetic:normal:inf", "MEAN");
    expect_spec_error("synthetic:normal:0", "MEAN");
    expect_spec_error("synthetic:lognormal:-2", "MEAN");
    expect_spec_error("synthetic:normal:1:-0.5", "SPREAD");
    expect_spec_error("synthetic:lognormal:1:x", "SPREAD");
    expect_spec_error("synthetic:lognormal:1:50", "SPREAD");
    expect_spec_error("synthetic:constant:1:0.5", "SPREAD");
    expect_spec_error("synthetic:normal:1:1:1", NULL);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figure_values),
        cmocka_unit_test(test_figure_rejects_argument),
        cmocka_unit_test(test_open_unknown_spec),
        cmocka_unit_test(test_kinds_table),
        cmocka_unit_test(test_synthetic_defaults),
        cmocka_unit_test(test_synthetic_order_free),
        cmocka_unit_test(test_synthetic_seeds_differ),
        cmocka_unit_test(test_synthetic_lognormal_mean),
        cmocka_unit_test(test_synthetic_normal_positive),
        cmocka_unit_test(test_synthetic_constant_and_zero_spread),
        cmocka_unit_test(test_synthetic_curves_learn),
        cmocka_unit_test(test_synthetic_golden),
        cmocka_unit_test(test_synthetic_bad_specs),
    };
    return cmocka_run_group_tests_name("workload", tests, NULL, NULL);
}
