/*
 * tests/test_sweep_list_stats.c -- the values of a sweep: lists and ranges
 * (sweep_list) and statistics against known values (sweep_stat_of).
 */
#include "sim/sweep/sweep.h"
#include "tests/testutil.h"

#include <errno.h>
#include <string.h>

/* ---- lists ------------------------------------------------------------- */

static void check_list(const char *text, int ranges, const char *want)
{
    sweep_strv sv = { 0 };
    char err[256], got[1024] = "";
    int rc = sweep_list(text, ranges, &sv, err, sizeof err);
    if (rc != 0)
        fail_msg("sweep_list(%s): %s", text, err);
    for (size_t i = 0; i < sv.n; i++) {
        strcat(got, i ? " " : "");
        strcat(got, sv.v[i]);
    }
    if (strcmp(got, want) != 0)
        fail_msg("sweep_list(%s) = '%s', want '%s'", text, got, want);
    sweep_strv_free(&sv);
}

static void test_lists(void **state)
{
    (void)state;
    check_list("1..256*2", 1, "1 2 4 8 16 32 64 128 256");
    check_list("1..5", 1, "1 2 3 4 5");
    check_list("1..10+3", 1, "1 4 7 10");
    check_list("3..100*3, 7", 1, "3 9 27 81 7");
    check_list("0.5..2+0.5", 1, "0.5 1 1.5 2");
    check_list("0.1..0.3+0.1", 1, "0.1 0.2 0.3");
    check_list("18446744073709551614..18446744073709551615", 1,
               "18446744073709551614 18446744073709551615");
    check_list("1e-3..1e-1*10", 1, "0.001 0.01 0.1");
    check_list("sh:strict, asha:stopping:rank ,random", 0, "sh:strict asha:stopping:rank random");
    check_list("a..b", 0, "a..b");
    const char *bad[] = { "", "1,,2", "5..1", "1..x", "1..10*1", "0..10*2", "1..10+0", " , ",
                          "1..600000,1..600000" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sweep_strv sv = { 0 };
        char err[256] = "";
        if (sweep_list(bad[i], 1, &sv, err, sizeof err) != -EINVAL)
            fail_msg("sweep_list('%s') accepted", bad[i]);
        assert_true(strlen(err) > 0);
        sweep_strv_free(&sv);
    }
}

/* ---- statistics: known values ----------------------------------------- */

static void test_stats(void **state)
{
    (void)state;
    double x[] = { 1, 2, (double)NAN, 3, 4, 5 };
    sweep_stat s = sweep_stat_of(x, 6);
    assert_int_equal(s.n, 5);
    assert_close(s.mean, 3.0, 1e-15, 0);
    assert_close(s.sd, sqrt(2.5), 1e-15, 0);
    /* t(0.975, 4) = 2.7764451051977987 */
    double h = 2.7764451051977987 * sqrt(2.5) / sqrt(5.0);
    assert_close(s.lo, 3.0 - h, 1e-12, 0);
    assert_close(s.hi, 3.0 + h, 1e-12, 0);
    double y[] = { 7 };
    s = sweep_stat_of(y, 1);
    assert_int_equal(s.n, 1);
    assert_double_exact(s.mean, 7.0);
    assert_true(isnan(s.sd) && isnan(s.lo) && isnan(s.hi));
    double z[] = { (double)NAN, (double)NAN };
    s = sweep_stat_of(z, 2);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean));
    double w[] = { 0.25, 0.25, 0.25 };
    s = sweep_stat_of(w, 3);
    assert_double_exact(s.sd, 0.0);
    assert_double_exact(s.lo, s.mean);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_stats),
    };
    return cmocka_run_group_tests_name("sweep_list_stats", tests, NULL, NULL);
}
