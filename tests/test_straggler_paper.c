/*
 * tests/test_straggler_paper.c -- the two straggler laws of the ASHA paper's
 * Appendix A.1 (sim/straggler.h): halfnormal noise, a job's time times
 * 1 + |z| with z ~ N(0, sigma^2), and the per-time drop hazard, a job of d
 * time units surviving with probability (1 - P)^d.  Distribution checks on
 * fixed seeds (5 standard errors), the pinned values of the draws, parsing
 * and printing, and the engine under the hazard: the share of whole jobs it
 * loses, and a run that gives both laws of loss refused.
 */
#include "sim/engine.h"
#include "sim/run_spec.h"
#include "sim/straggler.h"
#include "tests/testutil.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <string.h>

static straggler_params law(const char *noise, double rate, uint64_t seed)
{
    straggler_params p = straggler_default_params();
    char err[256];
    if (straggler_parse_noise(&p, noise, err, sizeof err) < 0)
        fail_msg("%s: %s", noise, err);
    p.drop_rate = rate;
    p.seed = seed;
    return p;
}

/* Is |got - want| within 5 standard errors se? */
static void near(const char *what, double got, double want, double se)
{
    if (!(fabs(got - want) <= 5 * se))
        fail_msg("%s: %.6g, want %.6g (standard error %.3g)", what, got, want, se);
}

static void test_halfnormal_distribution(void **state)
{
    (void)state;
    const double sigmas[] = { 0.1, 0.33, 1, 1.67 };
    const uint32_t n = 40000;
    for (size_t i = 0; i < sizeof sigmas / sizeof *sigmas; i++) {
        char spec[64];
        snprintf(spec, sizeof spec, "halfnormal:%g", sigmas[i]);
        straggler_params p = law(spec, 0, 13);
        double s = sigmas[i], mean = 0, m2 = 0, min = (double)INFINITY;
        uint32_t above = 0; /* draws with |z| > sigma */
        for (uint32_t k = 0; k < n; k++) {
            double f = straggler_noise(&p, k / 5, k % 5), d = f - mean;
            mean += d / (k + 1);
            m2 += d * (f - mean);
            min = fmin(min, f);
            above += f - 1 > s;
        }
        /* only slower, never faster */
        assert_true(min >= 1);
        /* E[1 + |z|] = 1 + sigma sqrt(2/pi), Var = sigma^2 (1 - 2/pi) */
        double want = 1 + s * sqrt(2 / M_PI);
        assert_close(straggler_noise_mean(STRAG_NOISE_HALFNORMAL, s), want, 1e-15, 0);
        near("halfnormal mean", mean, want, sqrt(m2 / (n - 1) / n));
        near("halfnormal variance", m2 / (n - 1), s * s * (1 - 2 / M_PI),
             s * s * 0.6 / sqrt((double)n)); /* sd of the sample variance: below 0.6 s^2/sqrt(n) */
        /* P(|z| > sigma) = 2 Q(1) = 0.3173 */
        double q = 2 * gsl_cdf_ugaussian_Q(1.0);
        near("halfnormal P(|z| > sigma)", (double)above / n, q, sqrt(q * (1 - q) / n));
    }
    /* sigma 0 is the constant 1 */
    straggler_params p0 = law("halfnormal:0", 0, 1);
    assert_double_exact(straggler_noise(&p0, 9, 2), 1.0);
    assert_double_exact(straggler_noise_mean(STRAG_NOISE_HALFNORMAL, 0), 1.0);
}

/* The draws are a function of (seed, trial, job): pinned values, asked in
 * another order than computed. */
static void test_halfnormal_known_values(void **state)
{
    (void)state;
    straggler_params p = law("halfnormal:1", 0, 7);
    const double v[3] = { 1.5253026221109125, 1.1369151807155453, 2.1616154370054126 };
    assert_close(straggler_noise(&p, 123456, 3), v[2], 1e-14, 0);
    assert_close(straggler_noise(&p, 5, 1), v[1], 1e-14, 0);
    assert_close(straggler_noise(&p, 0, 0), v[0], 1e-14, 0);
    /* the same key scaled: 1 + |z| at sigma 0.5 is 1 + (F(1) - 1) / 2 */
    straggler_params h = law("halfnormal:0.5", 0, 7);
    assert_close(straggler_noise(&h, 5, 1), 1 + (v[1] - 1) / 2, 1e-14, 0);
}

static void test_drop_rate_survival(void **state)
{
    (void)state;
    const double rates[] = { 1e-4, 3.2e-3, 0.01, 0.2 };
    const double durations[] = { 0.5, 1, 16, 256 };
    const uint32_t n = 40000;
    for (size_t i = 0; i < sizeof rates / sizeof *rates; i++)
        for (size_t j = 0; j < sizeof durations / sizeof *durations; j++) {
            straggler_params p = law("none", rates[i], 21);
            double d = durations[j];
            uint32_t lost = 0, early = 0;
            for (uint32_t k = 0; k < n; k++) {
                double u = -1;
                if (!straggler_drop_rate(&p, k, k % 3, d, &u))
                    continue;
                lost++;
                assert_true(u >= 0 && u < 1);
                early += u * d < d / 2;
            }
            /* survival (1 - P)^d */
            double s = pow(1 - rates[i], d);
            char what[96];
            snprintf(what, sizeof what, "survival at P %g, d %g", rates[i], d);
            near(what, 1 - (double)lost / n, s, sqrt(s * (1 - s) / n));
            /* lost in the first half of the run: P(D < d/2 | D < d)
             * = (1 - (1-P)^(d/2)) / (1 - (1-P)^d) = 1 / (1 + (1-P)^(d/2)) */
            if (lost > 200) {
                double h = 1 / (1 + pow(1 - rates[i], d / 2));
                snprintf(what, sizeof what, "first-half losses at P %g, d %g", rates[i], d);
                near(what, (double)early / lost, h, sqrt(h * (1 - h) / lost));
            }
        }
}

/* One time to loss per job: a longer run of the same job is lost at the same
 * time, and the per-job --drop draws are untouched by a rate. */
static void test_drop_rate_pairing(void **state)
{
    (void)state;
    straggler_params p = law("none", 0.01, 4);
    uint32_t both = 0;
    for (uint32_t k = 0; k < 2000; k++) {
        double u1, u2;
        int a = straggler_drop_rate(&p, k, 0, 50, &u1), b = straggler_drop_rate(&p, k, 0, 200, &u2);
        assert_true(!a || b); /* lost within 50 implies lost within 200 */
        if (a) {
            assert_close(u1 * 50, u2 * 200, 1e-12, 0);
            both++;
        }
    }
    assert_true(both > 500); /* 1 - 0.99^50 = 0.39 of 2000 */
    straggler_params off = law("none", 0, 4);
    double u;
    assert_int_equal(straggler_drop_rate(&off, 3, 0, 1e9, &u), 0);
    assert_int_equal(straggler_drop_rate(&p, 3, 0, 0, &u), 0);
    assert_true(straggler_draws(&p));
    assert_false(straggler_draws(&off));
    /* the per-job law draws as before when a rate is set beside it */
    straggler_params a = straggler_default_params(), b = a;
    a.drop = b.drop = 0.5;
    b.drop_rate = 0.3;
    for (uint32_t k = 0; k < 50; k++) {
        double ua = -1, ub = -1;
        assert_int_equal(straggler_drop(&a, k, 1, &ua), straggler_drop(&b, k, 1, &ub));
        assert_double_exact(ua, ub);
    }
}

static void test_parse_print(void **state)
{
    (void)state;
    char err[256], buf[128];
    straggler_params p = straggler_default_params();
    assert_int_equal(straggler_parse_noise(&p, "halfnormal:1.33", err, sizeof err), 0);
    assert_int_equal(p.noise, STRAG_NOISE_HALFNORMAL);
    straggler_noise_str(&p, buf, sizeof buf);
    assert_string_equal(buf, "halfnormal:1.33");
    const char *bad[] = { "halfnormal", "halfnormal:", "halfnormal:-0.1", "halfnormal:11",
                          "halfnormal:x", "half:1" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (straggler_parse_noise(&p, bad[i], err, sizeof err) != -EINVAL)
            fail_msg("noise '%s' accepted", bad[i]);
    /* the drop column: a number per job, rate:P per unit of time */
    straggler_params d = straggler_default_params();
    straggler_drop_str(&d, buf, sizeof buf);
    assert_string_equal(buf, "0");
    d.drop = 0.01;
    straggler_drop_str(&d, buf, sizeof buf);
    assert_string_equal(buf, "0.01");
    d.drop = 0;
    d.drop_rate = 0.0032;
    straggler_drop_str(&d, buf, sizeof buf);
    assert_string_equal(buf, "rate:0.0032");
}

static run_spec paper_spec(const sched_type *type, double rate)
{
    run_spec rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "synthetic:constant:1");
    rs.type = type;
    rs.ep.workers = 8;
    rs.sp.eta = 4;
    rs.sp.r_min = 1;
    rs.sp.r_max = 50;
    rs.r_max_given = 1;
    rs.trials = 3000;
    rs.ep.strag.drop_rate = rate;
    rs.ep.strag.drop_retry = 0;
    rs.seed = 9;
    return rs;
}

/* Random search trains every trial in one job of 50 time units: the engine
 * loses the share 1 - (1 - P)^50 of them.  run_spec_execute also checks the
 * end-of-run invariants (time tiling, contiguous epochs, counts). */
static void test_engine_hazard(void **state)
{
    (void)state;
    char err[4608];
    run_result res;
    run_spec rs = paper_spec(sched_random, 0.01);
    int rc = run_spec_execute(&rs, &res, NULL, err, sizeof err);
    if (rc != 0)
        fail_msg("run failed: %s", err);
    assert_int_equal(res.sum.jobs, 3000);
    double want = 1 - pow(0.99, 50), got = (double)res.sum.jobs_dropped / (double)res.sum.jobs;
    near("share of 50-unit jobs lost", got, want, sqrt(want * (1 - want) / 3000));
    assert_int_equal(res.sum.trials_rmax, res.sum.jobs - res.sum.jobs_dropped);
    run_result_free(&res);
    /* with retry and restart every lost job is run again from epoch 1 */
    rs = paper_spec(sched_asha, 0.003);
    rs.ep.restart = 1;
    rs.ep.strag.drop_retry = 1;
    rs.ep.strag.noise = STRAG_NOISE_HALFNORMAL;
    rs.ep.strag.noise_param = 0.5;
    rs.trials = 400;
    if (run_spec_execute(&rs, &res, NULL, err, sizeof err) != 0)
        fail_msg("run failed: %s", err);
    assert_true(res.sum.jobs_dropped > 0);
    run_result_free(&res);
    /* both laws of loss at once: refused */
    rs = paper_spec(sched_random, 0.01);
    rs.ep.strag.drop = 0.1;
    assert_int_equal(run_spec_execute(&rs, &res, NULL, err, sizeof err), -EINVAL);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_halfnormal_distribution),
        cmocka_unit_test(test_halfnormal_known_values),
        cmocka_unit_test(test_drop_rate_survival),
        cmocka_unit_test(test_drop_rate_pairing),
        cmocka_unit_test(test_parse_print),
        cmocka_unit_test(test_engine_hazard),
    };
    return cmocka_run_group_tests_name("straggler_paper", tests, NULL, NULL);
}
