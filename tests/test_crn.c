/*
 * tests/test_crn.c -- cmocka tests of the counter-based generator
 * (traces/crn.h): SplitMix64's known values, the key hash pinned (every
 * seeded result depends on it), and the inline draws equal to GSL's, bit for
 * bit, using up the same outputs.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "tests/testutil.h"
#include "traces/crn_gsl.h"

/* ---- the generator --------------------------------------------------- */

static void test_crn_splitmix64_known_values(void **state)
{
    /* Vigna's splitmix64.c, seeded with 1234567. */
    static const uint64_t want[5] = {UINT64_C(6457827717110365317), UINT64_C(3203168211198807973),
                                     UINT64_C(9817491932198370423), UINT64_C(4593380528125082431),
                                     UINT64_C(16408922859458223821)};
    crn_state s = {UINT64_C(1234567)};
    gsl_rng r;
    crn_state st;

    (void)state;
    for (int i = 0; i < 5; i++)
        assert_true(crn_next(&s) == want[i]);
    /* Through GSL: 32-bit get() is the high half, uniform() in [0, 1). */
    crn_rng_init(&r, &st, UINT64_C(1234567));
    assert_string_equal(gsl_rng_name(&r), "shsim_splitmix64");
    assert_true(gsl_rng_get(&r) == (unsigned long)(want[0] >> 32));
    assert_true(gsl_rng_uniform(&r) == (double)(want[1] >> 11) * 0x1.0p-53);
}

static void test_crn_gsl_alloc_and_keys(void **state)
{
    gsl_rng *r = gsl_rng_alloc(crn_splitmix64);
    gsl_rng s;
    crn_state ss;

    (void)state;
    assert_non_null(r);
    gsl_rng_set(r, 99);
    crn_rng_init(&s, &ss, 99);
    for (int i = 0; i < 10; i++)
        assert_true(gsl_rng_uniform(r) == gsl_rng_uniform(&s));
    gsl_rng_free(r);
    /* Every word of the key matters, and its position too. */
    assert_true(crn_key(1, 2, 3, 4) == crn_key(1, 2, 3, 4));
    assert_true(crn_key(1, 2, 3, 4) != crn_key(2, 1, 3, 4));
    assert_true(crn_key(1, 2, 3, 4) != crn_key(1, 2, 4, 3));
    assert_true(crn_key(0, 0, 0, 0) != crn_key(0, 0, 0, 1));
    assert_true(crn_key(0, 0, 0, 0) != crn_key(0, 1, 0, 0));
}

/* The key hash's values, pinned (every seeded result depends on them), and
 * its split into a per-trial prefix and a per-epoch end. */
static void test_crn_key_known_values_and_split(void **state)
{
    (void)state;
    assert_true(crn_key(1, 2, 3, 4) == UINT64_C(12935136426019565823));
    assert_true(crn_key(0, 0, 0, 0) == UINT64_C(6297309135099018088));
    assert_true(crn_key(UINT64_MAX, 4000000000u, 81, 0x104) == UINT64_C(11256072217780561334));
    for (uint64_t k = 0; k < 1000; k++)
        for (uint64_t e = 0; e < 20; e += 3)
            assert_true(crn_key(7, k * 7919, e, 3) == crn_key_at(crn_key_trial(7, k * 7919), e, 3));
}

/* The same bits (0 and -0 differ). */
static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* crn.h's inline draws are GSL's, bit for bit, and use up the same outputs:
 * on many keys (the polar method's rejections included), for several
 * parameters.  Fails if a GSL release changes these algorithms. */
static void test_crn_draws_match_gsl(void **state)
{
    static const double sigma[] = {1.0, 0.01, 0.5, 3.25};
    static const double zeta[] = {0.0, 0.6931471805599453, -0.125, 5.0};

    (void)state;
    for (uint64_t i = 0; i < 200000; i++) {
        uint64_t key = crn_key(i % 7, i, i % 11, 9);
        size_t j = i % 4;
        gsl_rng r;
        crn_state g, c = {key};

        crn_rng_init(&r, &g, key);
        assert_true(same_bits(crn_uniform(&c), gsl_rng_uniform(&r)));
        assert_true(same_bits(crn_uniform_pos(&c), gsl_rng_uniform_pos(&r)));
        assert_true(same_bits(crn_gaussian(&c, sigma[j]), gsl_ran_gaussian(&r, sigma[j])));
        assert_true(same_bits(crn_gaussian(&c, 1.0), gsl_ran_ugaussian(&r)));
        assert_true(same_bits(crn_lognormal(&c, zeta[j], sigma[j]), gsl_ran_lognormal(&r, zeta[j], sigma[j])));
        assert_true(c.x == g.x);
    }
    /* The draws the straggler noise, the synthetic and the model workloads
     * make (sim/straggler.c, traces/wl_synthetic.c, traces/wl_model.c):
     * tails below and above GSL's switch at a / sigma = 1, Pareto shapes,
     * integer ranges up to the 32-bit limit. */
    static const double tail_a[] = {-1.0, -3.0, 0.0, 0.5, 1.0, 2.5, 7.0};
    static const double tail_s[] = {0.5, 1.0, 1.3, 0.01, 2.0, 1.0, 3.5};
    static const double pareto_a[] = {1.01, 2.5, 3.0, 1e6};
    static const unsigned long int_n[] = {1, 2, 7, 125, 4096, 1000003, 4294967295ul};
    for (uint64_t i = 0; i < 200000; i++) {
        uint64_t key = crn_key(i % 5, i, i % 13, 17);
        size_t j = i % 7, q = i % 4;
        gsl_rng r;
        crn_state g, c = {key};

        crn_rng_init(&r, &g, key);
        assert_true(same_bits(crn_gaussian_tail(&c, tail_a[j], tail_s[j]),
                              gsl_ran_gaussian_tail(&r, tail_a[j], tail_s[j])));
        assert_true(same_bits(crn_exponential(&c, sigma[q]), gsl_ran_exponential(&r, sigma[q])));
        assert_true(same_bits(crn_pareto(&c, pareto_a[q], (pareto_a[q] - 1) / pareto_a[q]),
                              gsl_ran_pareto(&r, pareto_a[q], (pareto_a[q] - 1) / pareto_a[q])));
        assert_true(crn_uniform_int(&c, (uint32_t)int_n[j]) == gsl_rng_uniform_int(&r, int_n[j]));
        assert_true(c.x == g.x);
    }
    /* uniform_pos skips an exact 0: the key whose first output is 0 */
    {
        gsl_rng r;
        crn_state g, c = {0};
        uint64_t key = 0;
        /* mix is a bijection with mix(0) = 0, so x = -gamma outputs 0 first */
        key -= UINT64_C(0x9e3779b97f4a7c15);
        c.x = key;
        crn_rng_init(&r, &g, key);
        assert_true(crn_uniform(&c) == 0);
        c.x = key;
        assert_true(same_bits(crn_uniform_pos(&c), gsl_rng_uniform_pos(&r)));
        assert_true(c.x == g.x && c.x == key + 2 * UINT64_C(0x9e3779b97f4a7c15));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crn_splitmix64_known_values),
        cmocka_unit_test(test_crn_gsl_alloc_and_keys),
        cmocka_unit_test(test_crn_key_known_values_and_split),
        cmocka_unit_test(test_crn_draws_match_gsl),
    };
    return cmocka_run_group_tests_name("crn", tests, NULL, NULL);
}
