/*
 * tests/test_check.c -- the closed-form checks (sim/check.h): the E[max]
 * integral against known values, then every check of `shsim check` with a
 * modest replication.  The seeds are fixed, so the Monte-Carlo checks are
 * deterministic; their tolerance is 4 standard errors, so a correct
 * simulator would fail one with probability about 6e-5 per seed set.
 */
#include "sim/check.h"
#include "tests/testutil.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

static void test_harmonic(void **state)
{
    (void)state;
    assert_double_exact(check_harmonic(1), 1);
    assert_double_exact(check_harmonic(2), 1.5);
    assert_close(check_harmonic(4), 25.0 / 12, 1e-15, 0);
    /* H_n - ln n -> Euler's gamma */
    assert_close(check_harmonic(1u << 20) - log((double)(1u << 20)), M_EULER, 0, 1e-6);
}

/* E[max of w] by integration against closed forms. */
static void test_emax_known(void **state)
{
    (void)state;
    double v, err;
    for (uint32_t w = 1; w <= 256; w++) {
        assert_int_equal(check_emax(STRAG_NOISE_EXPONENTIAL, 0, w, &v, &err), 0);
        assert_close(v, check_harmonic(w), 1e-9, 1e-9);
    }
    /* normal with negligible truncation: E[max of 2] = mu + s/sqrt(pi),
     * E[max of 3] = mu + 3 s / (2 sqrt(pi)) */
    assert_int_equal(check_emax(STRAG_NOISE_NORMAL, 0.1, 2, &v, &err), 0);
    assert_close(v, 1 + 0.1 / sqrt(M_PI), 1e-9, 0);
    assert_int_equal(check_emax(STRAG_NOISE_NORMAL, 0.1, 3, &v, &err), 0);
    assert_close(v, 1 + 0.3 / (2 * sqrt(M_PI)), 1e-9, 0);
    /* w = 1 is the mean of each family (normal: the truncated mean) */
    const struct {
        strag_noise k;
        double p;
    } fam[] = { { STRAG_NOISE_LOGNORMAL, 0.5 }, { STRAG_NOISE_LOGNORMAL, 1.2 },
                { STRAG_NOISE_NORMAL, 0.5 },    { STRAG_NOISE_NORMAL, 1.3 },
                { STRAG_NOISE_PARETO, 2.5 },    { STRAG_NOISE_EXPONENTIAL, 0 },
                { STRAG_NOISE_HALFNORMAL, 0.5 }, { STRAG_NOISE_HALFNORMAL, 1.67 } };
    for (size_t i = 0; i < sizeof fam / sizeof *fam; i++) {
        assert_int_equal(check_emax(fam[i].k, fam[i].p, 1, &v, &err), 0);
        assert_close(v, straggler_noise_mean(fam[i].k, fam[i].p), 1e-8, 0);
    }
    /* more workers, longer maximum */
    double prev = 0;
    for (uint32_t w = 1; w <= 256; w *= 2) {
        assert_int_equal(check_emax(STRAG_NOISE_LOGNORMAL, 0.5, w, &v, &err), 0);
        assert_true(v > prev);
        prev = v;
    }
    /* halfnormal, 1 + |z| with z ~ N(0, s^2): for a, b iid |N(0, 1)|,
     * E max(a, b) = int_0^inf 1 - (2 Phi - 1)^2 = 4 int_0^inf Phi (1 - Phi)
     * = 2 int_R Phi (1 - Phi) = E|z1 - z2| = 2 / sqrt(pi), so
     * E[max of 2] = 1 + 2 s / sqrt(pi); the mean (w = 1) is checked above. */
    assert_int_equal(check_emax(STRAG_NOISE_HALFNORMAL, 0.5, 2, &v, &err), 0);
    assert_close(v, 1 + 2 * 0.5 / sqrt(M_PI), 1e-9, 0);
    assert_int_equal(check_emax(STRAG_NOISE_HALFNORMAL, 0, 64, &v, &err), 0);
    assert_double_exact(v, 1);
    /* a constant has no spread: E[max] = 1 */
    assert_int_equal(check_emax(STRAG_NOISE_NORMAL, 0, 64, &v, &err), 0);
    assert_double_exact(v, 1);
}

static void test_rung_idle(void **state)
{
    (void)state;
    const struct {
        strag_noise k;
        double p;
    } fam[] = { { STRAG_NOISE_EXPONENTIAL, 0 }, { STRAG_NOISE_NORMAL, 0.5 },
                { STRAG_NOISE_LOGNORMAL, 0.5 }, { STRAG_NOISE_HALFNORMAL, 0.5 } };
    const uint32_t ws[] = { 2, 16, 256 };
    char err[512];
    for (size_t i = 0; i < sizeof fam / sizeof *fam; i++)
        for (size_t j = 0; j < sizeof ws / sizeof *ws; j++) {
            check_result r;
            assert_int_equal(check_rung_idle(fam[i].k, fam[i].p, ws[j], 600, 1000, &r, err,
                                             sizeof err), 0);
            if (!r.ok)
                fail_msg("%s: simulated %g, exact %g, tolerance %g", r.name, r.simulated,
                         r.exact, r.tol);
            assert_true(r.tol < 0.2 * r.exact); /* a test with teeth */
        }
}

static void test_strict_and_asha_exact(void **state)
{
    (void)state;
    char err[512];
    check_result r[2];
    const uint32_t ws[] = { 1, 2, 5, 9, 27, 64 };
    for (size_t i = 0; i < sizeof ws / sizeof *ws; i++)
        for (int restart = 0; restart < 2; restart++) {
            assert_int_equal(check_strict_sh(3, 27, ws[i], restart, 0.75, r, err, sizeof err), 0);
            for (int k = 0; k < 2; k++)
                if (!r[k].ok)
                    fail_msg("%s: %.17g, want %.17g", r[k].name, r[k].simulated, r[k].exact);
        }
    /* eta 2, r_max 4, W 2, checkpoint: rungs 4 x 1, 2 x 1, 1 x 2 epochs:
     * makespan 2 + 1 + 2 = 5, busy 4 + 2 + 2 = 8 of 10 */
    assert_int_equal(check_strict_sh(2, 4, 2, 0, 1, r, err, sizeof err), 0);
    assert_double_exact(r[0].exact, 5);
    assert_double_exact(r[1].exact, 0.8);
    for (int type = 0; type < 2; type++) {
        assert_int_equal(check_asha_busy(2, 16, 5, type, 123.5, r, err, sizeof err), 0);
        assert_true(r[0].ok);
    }
}

/* eta 2, r_max 4: levels 1, 2, 4, K = 2; brackets of 4 at level 0, 3 at
 * level 1, 3 at level 2 (ceil(3 * 4 / 3), ceil(3 * 2 / 2), ceil(3 / 1)).
 * One worker, checkpoint, 1 s an epoch: bracket 0 runs 4 x 1 + 2 x 1 + 1 x 2
 * = 8 s, bracket 1 3 x 2 + 1 x 2 = 8 s, bracket 2 3 x 4 = 12 s: 28 s.
 * Ten workers: bracket 0's rungs take 1, 1, 2 s and bracket 1 opens at 2 s
 * when bracket 0's last rung starts; bracket 1 (2, 2 s) ends at 6 s and
 * bracket 2 opens at 4 s, ends at 8 s. */
static void test_strict_hyperband_exact(void **state)
{
    (void)state;
    char err[512];
    check_result r;
    assert_int_equal(check_strict_hyperband(2, 4, 1, 0, 1, &r, err, sizeof err), 0);
    assert_double_exact(r.exact, 28);
    assert_true(r.ok);
    assert_int_equal(check_strict_hyperband(2, 4, 10, 0, 1, &r, err, sizeof err), 0);
    assert_double_exact(r.exact, 8);
    assert_true(r.ok);
    /* restart, ten workers: rungs cost r_k: bracket 0 opens bracket 1 at
     * 1 + 2 = 3 s and ends at 7 s; bracket 1 (2, 4 s) opens bracket 2 at
     * 5 s and ends at 9 s; bracket 2 ends at 5 + 4 = 9 s */
    assert_int_equal(check_strict_hyperband(2, 4, 10, 1, 1, &r, err, sizeof err), 0);
    assert_double_exact(r.exact, 9);
    assert_true(r.ok);
    const uint32_t ws[] = { 1, 143, 200 };
    for (size_t i = 0; i < sizeof ws / sizeof *ws; i++)
        for (int restart = 0; restart < 2; restart++) {
            assert_int_equal(check_strict_hyperband(3, 81, ws[i], restart, 0.75, &r, err,
                                                    sizeof err), 0);
            if (!r.ok)
                fail_msg("%s: %.17g, want %.17g", r.name, r.simulated, r.exact);
        }
    /* between 1 and the cycle's trials there is no closed form */
    assert_int_equal(check_strict_hyperband(2, 4, 3, 0, 1, &r, err, sizeof err), -EINVAL);
}

static void test_all_hold(void **state)
{
    (void)state;
    check_result r[128];
    char err[512];
    int n = check_all(100, 7, r, 128, err, sizeof err);
    if (n < 0)
        fail_msg("%s", err);
    assert_int_equal(n, 60); /* docs/commands.md: "60 checks" */
    for (int i = 0; i < n; i++)
        if (!r[i].ok)
            fail_msg("%s: simulated %.17g, exact %.17g, tolerance %g", r[i].name, r[i].simulated,
                     r[i].exact, r[i].tol);
    assert_int_equal(check_all(100, 7, r, 10, err, sizeof err), -ENOSPC);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_harmonic),
        cmocka_unit_test(test_emax_known),
        cmocka_unit_test(test_rung_idle),
        cmocka_unit_test(test_strict_and_asha_exact),
        cmocka_unit_test(test_strict_hyperband_exact),
        cmocka_unit_test(test_all_hold),
    };
    return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
