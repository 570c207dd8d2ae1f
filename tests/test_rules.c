/*
 * tests/test_rules.c -- rung levels, the rung book against a sorting
 * reference, and each rule on hand-made rungs (ties, n < eta).
 */
#include "core/rules.h"
#include "core/rungbook.h"
#include "core/sched.h"
#include "tests/testutil.h"

#include <errno.h>
#include <stdlib.h>

static void check_levels(uint32_t rmin, uint32_t eta, uint32_t rmax, const uint32_t *want, int n)
{
    uint32_t got[SCHED_MAX_LEVELS];
    int k = sched_levels(rmin, eta, rmax, got, SCHED_MAX_LEVELS);
    assert_int_equal(k, n);
    for (int i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
}

static void test_levels(void **state)
{
    (void)state;
    check_levels(2, 2, 10, (const uint32_t[]){ 2, 4, 8, 10 }, 4);
    check_levels(1, 3, 27, (const uint32_t[]){ 1, 3, 9, 27 }, 4);
    check_levels(1, 2, 4, (const uint32_t[]){ 1, 2, 4 }, 3);
    check_levels(1, 3, 81, (const uint32_t[]){ 1, 3, 9, 27, 81 }, 5);
    check_levels(5, 2, 5, (const uint32_t[]){ 5 }, 1);
    check_levels(1, 4, 256, (const uint32_t[]){ 1, 4, 16, 64, 256 }, 5);
    uint32_t out[4];
    assert_int_equal(sched_levels(1, 1, 10, out, 4), -EINVAL);
    assert_int_equal(sched_levels(0, 2, 10, out, 4), -EINVAL);
    assert_int_equal(sched_levels(11, 2, 10, out, 4), -EINVAL);
    assert_int_equal(sched_levels(1, 2, 1000, out, 4), -EINVAL); /* too many levels */
}

static rungbook book_of(const double *v, int n)
{
    rungbook rb;
    rungbook_init(&rb);
    for (int i = 0; i < n; i++)
        assert_true(rungbook_insert(&rb, (uint32_t)(100 + i), v[i], 1) == i);
    return rb;
}

static void test_topk(void **state)
{
    (void)state;
    double v[] = { 0.5, 0.3, 0.3, 0.9 };
    rungbook rb = book_of(v, 4); /* n 4, eta 2: best 2 are seq 1 and 2 (tie: earlier first) */
    assert_int_equal(rule_judge(SCHED_RULE_TOPK, &rb, 0.3, 1, 2, 0.5), RULE_ADMIT);
    assert_int_equal(rule_judge(SCHED_RULE_TOPK, &rb, 0.3, 2, 2, 0.5), RULE_ADMIT);
    assert_int_equal(rule_judge(SCHED_RULE_TOPK, &rb, 0.5, 0, 2, 0.5), RULE_REJECT);
    assert_int_equal(rule_judge(SCHED_RULE_TOPK, &rb, 0.9, 3, 2, 0.5), RULE_REJECT);
    /* eta 3: floor(4/3) = 1, only seq 1; the later-recorded tie loses */
    assert_int_equal(rule_judge(SCHED_RULE_TOPK, &rb, 0.3, 1, 3, 0.5), RULE_ADMIT);
    assert_int_equal(rule_judge(SCHED_RULE_TOPK, &rb, 0.3, 2, 3, 0.5), RULE_REJECT);
    /* n < eta: no judgement */
    assert_int_equal(rule_judge(SCHED_RULE_TOPK, &rb, 0.3, 1, 5, 0.5), RULE_NO_JUDGEMENT);
    rungbook_destroy(&rb);
}

static void test_quantile(void **state)
{
    (void)state;
    /* expected values follow numpy's "linear" method to the last bit */
    double a[] = { 0.1, 0.2, 0.4 };
    rungbook rb = book_of(a, 3);
    assert_double_exact(rule_quantile(&rb, 0.8), 0.32000000000000006);
    assert_int_equal(rule_judge(SCHED_RULE_QUANTILE, &rb, 0.2, 1, 2, 0.8), RULE_ADMIT);
    assert_int_equal(rule_judge(SCHED_RULE_QUANTILE, &rb, 0.4, 2, 2, 0.8), RULE_REJECT);
    rungbook_destroy(&rb);
    double b[] = { 0.3, 0.1, 0.7, 0.2 };
    rb = book_of(b, 4);
    assert_double_exact(rule_quantile(&rb, 0.8), 0.46000000000000013);
    assert_double_exact(rule_quantile(&rb, 0.25), 0.17500000000000002);
    assert_double_exact(rule_quantile(&rb, 0.5), 0.25);
    /* v equal to the quantile continues (<=) */
    assert_int_equal(rule_judge(SCHED_RULE_QUANTILE, &rb, 0.2, 3, 2, 0.5), RULE_ADMIT);
    assert_int_equal(rule_judge(SCHED_RULE_QUANTILE, &rb, 0.3, 0, 2, 0.5), RULE_REJECT);
    rungbook_destroy(&rb);
    double c[] = { 0.9, 0.35, 0.41, 0.2, 0.7 };
    rb = book_of(c, 5);
    assert_double_exact(rule_quantile(&rb, 0.5), 0.41);
    assert_int_equal(rule_judge(SCHED_RULE_QUANTILE, &rb, 0.41, 2, 2, 0.5), RULE_ADMIT);
    rungbook_destroy(&rb);
    /* n < 2: continue */
    double d[] = { 0.95 };
    rb = book_of(d, 1);
    assert_int_equal(rule_judge(SCHED_RULE_QUANTILE, &rb, 0.95, 0, 2, 0.5), RULE_ADMIT);
    rungbook_destroy(&rb);
}

static void test_rank(void **state)
{
    (void)state;
    double v[] = { 0.5, 0.3, 0.3, 0.9, 0.1 };
    rungbook rb = book_of(v, 5);
    /* eta 2: stop iff better/n > 1/2 */
    assert_int_equal(rule_judge(SCHED_RULE_RANK, &rb, 0.1, 4, 2, 0.5), RULE_ADMIT);  /* 0/5 */
    assert_int_equal(rule_judge(SCHED_RULE_RANK, &rb, 0.3, 2, 2, 0.5), RULE_ADMIT);  /* 1/5: ties are not better */
    assert_int_equal(rule_judge(SCHED_RULE_RANK, &rb, 0.5, 0, 2, 0.5), RULE_REJECT); /* 3/5 */
    assert_int_equal(rule_judge(SCHED_RULE_RANK, &rb, 0.9, 3, 2, 0.5), RULE_REJECT); /* 4/5 */
    rungbook_destroy(&rb);
    /* exactly 1/eta is not more than 1/eta: 2 better of 4 with eta 2 continues */
    double w[] = { 0.1, 0.2, 0.3, 0.4 };
    rb = book_of(w, 4);
    assert_int_equal(rule_judge(SCHED_RULE_RANK, &rb, 0.3, 2, 2, 0.5), RULE_ADMIT);
    assert_int_equal(rule_judge(SCHED_RULE_RANK, &rb, 0.4, 3, 2, 0.5), RULE_REJECT);
    rungbook_destroy(&rb);
    /* first value of a rung continues */
    double one[] = { 0.99 };
    rb = book_of(one, 1);
    assert_int_equal(rule_judge(SCHED_RULE_RANK, &rb, 0.99, 0, 2, 0.5), RULE_ADMIT);
    rungbook_destroy(&rb);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Property: every answer of the book equals the obvious answer by sorting. */
static void test_rungbook_against_sort(void **state)
{
    (void)state;
    enum { N = 3000 };
    static double v[N], s[N];
    rungbook rb;
    rungbook_init(&rb);
    srand(11);
    for (int i = 0; i < N; i++) {
        v[i] = (double)(rand() % 200) / 8.0; /* ties */
        assert_true(rungbook_insert(&rb, (uint32_t)i, v[i], i % 3 != 0) == i);
        if (i % 97 != 0 && i != N - 1)
            continue;
        int n = i + 1;
        for (int j = 0; j < n; j++)
            s[j] = v[j];
        qsort(s, (size_t)n, sizeof *s, cmp_d);
        for (int k = 0; k < n; k += 7)
            assert_double_exact(rungbook_select(&rb, (uint32_t)k), s[k]);
        for (int j = 0; j < n; j += 5) {
            uint32_t pos = 0, better = 0;
            for (int m = 0; m < n; m++) {
                pos += v[m] < v[j] || (v[m] == v[j] && m < j);
                better += v[m] < v[j];
            }
            assert_int_equal(rungbook_position(&rb, v[j], (uint32_t)j), pos);
            assert_int_equal(rungbook_count_better(&rb, v[j]), better);
        }
    }
    /* pending entries come out best first, ties by seq */
    double last = -1;
    uint32_t last_seq = 0, count = 0;
    uint32_t t, seq;
    double m;
    while (rungbook_best_pending(&rb, &t, &m, &seq)) {
        assert_true(seq % 3 != 0);
        assert_true(m > last || (m == last && seq > last_seq));
        assert_int_equal(t, seq);
        last = m;
        last_seq = seq;
        rungbook_pop_pending(&rb);
        count++;
    }
    assert_int_equal(count, N - (N + 2) / 3);
    rungbook_destroy(&rb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_topk),
        cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_rank),
        cmocka_unit_test(test_rungbook_against_sort),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
