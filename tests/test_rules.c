/*
 * tests/test_rules.c -- rung levels and the index of an epoch among them
 * (against a scan), each rule on hand-made rungs (ties,
 * n < eta), Ray Tune's docstring example and numpy's bits for the ray rule,
 * and the split rung against the rules computed by sorting.
 */
#include "core/rungsplit.h"
#include "core/sched.h"
#include "core/sched_impl.h"
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

/* The rules exactly as docs/design.md states them, by sorting: the reference. */
typedef struct {
    double m;
    uint32_t seq;
} kv;

static int cmp_kv(const void *a, const void *b)
{
    const kv *x = a, *y = b;
    if (x->m != y->m)
        return x->m < y->m ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static rule_verdict reference(sched_rule rule, const double *v, uint32_t n, uint32_t judged,
                              uint32_t eta, double q)
{
    kv *s = malloc(n * sizeof *s);
    assert_non_null(s);
    for (uint32_t i = 0; i < n; i++)
        s[i] = (kv){ v[i], i };
    qsort(s, n, sizeof *s, cmp_kv);
    rule_verdict out = RULE_ADMIT;
    if (rule == SCHED_RULE_TOPK) {
        uint32_t k = n / eta, pos = 0;
        while (s[pos].seq != judged)
            pos++;
        out = k == 0 ? RULE_NO_JUDGEMENT : pos < k ? RULE_ADMIT : RULE_REJECT;
    } else if (rule == SCHED_RULE_RANK) {
        uint64_t better = 0;
        for (uint32_t i = 0; i < n; i++)
            better += v[i] < v[judged];
        out = better * eta > n ? RULE_REJECT : RULE_ADMIT;
    } else if (n >= 2) {
        double x = (double)(n - 1) * q, lo = floor(x), g = x - lo;
        uint32_t l = (uint32_t)lo, h = l + 1 < n ? l + 1 : n - 1;
        double a = s[l].m, b = s[h].m, d = b - a;
        double qv = g >= 0.5 ? b - d * (1.0 - g) : a + d * g;
        out = v[judged] <= qv ? RULE_ADMIT : RULE_REJECT;
    }
    free(s);
    return out;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Ray Tune's rule as its code reads (async_hyperband.py, _Bracket.cutoff and
 * on_result), on rewards: w = -v of the n values recorded before x, sorted;
 * numpy's linear percentile at (1 - 1/rf) * 100; stop iff -x < cutoff. */
static double ray_reference_cutoff(const double *v, uint32_t n, uint32_t eta)
{
    double *w = malloc(n * sizeof *w);
    assert_non_null(w);
    for (uint32_t i = 0; i < n; i++)
        w[i] = -v[i];
    qsort(w, n, sizeof *w, cmp_double);
    double q = ((1.0 - 1.0 / eta) * 100.0) / 100.0, x = (double)(n - 1) * q, lo = floor(x), g = x - lo;
    uint32_t l = (uint32_t)lo, h = l + 1 < n ? l + 1 : n - 1;
    double a = w[l], b = w[h], d = b - a;
    free(w);
    return g >= 0.5 ? b - d * (1.0 - g) : a + d * g;
}

static rule_verdict ray_reference(const double *v, uint32_t n, double x, uint32_t eta)
{
    return n && -x < ray_reference_cutoff(v, n, eta) ? RULE_REJECT : RULE_ADMIT;
}

static rungsplit book_of(sched_rule rule, uint32_t eta, double q, const double *v, int n)
{
    rungsplit r;
    rungsplit_init(&r, rule, eta, q);
    for (int i = 0; i < n; i++)
        assert_true(rungsplit_insert(&r, (uint32_t)(100 + i), v[i], 1) == i);
    return r;
}

/* sched_level_index counts the levels below the epoch: every epoch from 0 to
 * past r_max, for ladders of 1 to 33 levels, against a scan for equality. */
static void test_level_index(void **state)
{
    (void)state;
    const uint32_t par[][3] = { { 1, 3, 81 }, { 2, 2, 10 }, { 5, 2, 5 }, { 1, 2, 1000 },
                                { 3, 4, 200 }, { 1, 2, 4294967295u } };
    for (size_t i = 0; i < sizeof par / sizeof *par; i++) {
        sched_common c = { .nlevels = 0 };
        c.nlevels = sched_levels(par[i][0], par[i][1], par[i][2], c.levels, SCHED_MAX_LEVELS);
        assert_true(c.nlevels >= 1);
        uint32_t top = par[i][2] < 3000 ? par[i][2] + 2 : 3000;
        for (uint32_t e = 0; e <= top; e++) {
            int want = -1;
            for (int k = 0; k < c.nlevels; k++)
                if (c.levels[k] == e)
                    want = k;
            assert_int_equal(sched_level_index(&c, e), want);
        }
        for (int k = 0; k < c.nlevels; k++) /* every level, the largest ones too */
            assert_int_equal(sched_level_index(&c, c.levels[k]), k);
        assert_int_equal(sched_level_index(&c, UINT32_MAX), c.levels[c.nlevels - 1] == UINT32_MAX
                                                                ? c.nlevels - 1 : -1);
    }
}

static void test_topk(void **state)
{
    (void)state;
    double v[] = { 0.5, 0.3, 0.3, 0.9 };
    /* n 4, eta 2: best 2 are seq 1 and 2 (tie: earlier first) */
    rungsplit r = book_of(SCHED_RULE_TOPK, 2, 0.5, v, 4);
    assert_int_equal(rungsplit_judge(&r, 0.3, 1), RULE_ADMIT);
    assert_int_equal(rungsplit_judge(&r, 0.3, 2), RULE_ADMIT);
    assert_int_equal(rungsplit_judge(&r, 0.5, 0), RULE_REJECT);
    assert_int_equal(rungsplit_judge(&r, 0.9, 3), RULE_REJECT);
    rungsplit_destroy(&r);
    /* eta 3: floor(4/3) = 1, only seq 1; the later-recorded tie loses */
    r = book_of(SCHED_RULE_TOPK, 3, 0.5, v, 4);
    assert_int_equal(rungsplit_judge(&r, 0.3, 1), RULE_ADMIT);
    assert_int_equal(rungsplit_judge(&r, 0.3, 2), RULE_REJECT);
    rungsplit_destroy(&r);
    /* n < eta: no judgement */
    r = book_of(SCHED_RULE_TOPK, 5, 0.5, v, 4);
    assert_int_equal(rungsplit_judge(&r, 0.3, 1), RULE_NO_JUDGEMENT);
    rungsplit_destroy(&r);
}

static void test_quantile(void **state)
{
    (void)state;
    /* expected values follow numpy's "linear" method to the last bit */
    double a[] = { 0.1, 0.2, 0.4 };
    rungsplit r = book_of(SCHED_RULE_QUANTILE, 2, 0.8, a, 3);
    assert_double_exact(rungsplit_quantile(&r), 0.32000000000000006);
    assert_int_equal(rungsplit_judge(&r, 0.2, 1), RULE_ADMIT);
    assert_int_equal(rungsplit_judge(&r, 0.4, 2), RULE_REJECT);
    rungsplit_destroy(&r);
    double b[] = { 0.3, 0.1, 0.7, 0.2 };
    r = book_of(SCHED_RULE_QUANTILE, 2, 0.8, b, 4);
    assert_double_exact(rungsplit_quantile(&r), 0.46000000000000013);
    rungsplit_destroy(&r);
    r = book_of(SCHED_RULE_QUANTILE, 2, 0.25, b, 4);
    assert_double_exact(rungsplit_quantile(&r), 0.17500000000000002);
    rungsplit_destroy(&r);
    r = book_of(SCHED_RULE_QUANTILE, 2, 0.5, b, 4);
    assert_double_exact(rungsplit_quantile(&r), 0.25);
    /* v equal to the quantile continues (<=) */
    assert_int_equal(rungsplit_judge(&r, 0.2, 3), RULE_ADMIT);
    assert_int_equal(rungsplit_judge(&r, 0.3, 0), RULE_REJECT);
    rungsplit_destroy(&r);
    double c[] = { 0.9, 0.35, 0.41, 0.2, 0.7 };
    r = book_of(SCHED_RULE_QUANTILE, 2, 0.5, c, 5);
    assert_double_exact(rungsplit_quantile(&r), 0.41);
    assert_int_equal(rungsplit_judge(&r, 0.41, 2), RULE_ADMIT);
    rungsplit_destroy(&r);
    /* n < 2: continue */
    double d[] = { 0.95 };
    r = book_of(SCHED_RULE_QUANTILE, 2, 0.5, d, 1);
    assert_int_equal(rungsplit_judge(&r, 0.95, 0), RULE_ADMIT);
    rungsplit_destroy(&r);
}

static void test_rank(void **state)
{
    (void)state;
    double v[] = { 0.5, 0.3, 0.3, 0.9, 0.1 };
    rungsplit r = book_of(SCHED_RULE_RANK, 2, 0.5, v, 5);
    /* eta 2: stop iff better/n > 1/2 */
    assert_int_equal(rungsplit_judge(&r, 0.1, 4), RULE_ADMIT);  /* 0/5 */
    assert_int_equal(rungsplit_judge(&r, 0.3, 2), RULE_ADMIT);  /* 1/5: ties are not better */
    assert_int_equal(rungsplit_judge(&r, 0.5, 0), RULE_REJECT); /* 3/5 */
    assert_int_equal(rungsplit_judge(&r, 0.9, 3), RULE_REJECT); /* 4/5 */
    rungsplit_destroy(&r);
    /* exactly 1/eta is not more than 1/eta: 2 better of 4 with eta 2 continues */
    double w[] = { 0.1, 0.2, 0.3, 0.4 };
    r = book_of(SCHED_RULE_RANK, 2, 0.5, w, 4);
    assert_int_equal(rungsplit_judge(&r, 0.3, 2), RULE_ADMIT);
    assert_int_equal(rungsplit_judge(&r, 0.4, 3), RULE_REJECT);
    rungsplit_destroy(&r);
    /* first value of a rung continues */
    double one[] = { 0.99 };
    r = book_of(SCHED_RULE_RANK, 2, 0.5, one, 1);
    assert_int_equal(rungsplit_judge(&r, 0.99, 0), RULE_ADMIT);
    rungsplit_destroy(&r);
}

/* Ray Tune's own example (async_hyperband.py, the _Bracket docstring):
 * rf 2, rewards 2 and 4 -> cutoff 3.0; a third trial with reward 1 stops, and
 * with 1 recorded the cutoff is 2.0.  Errors are negated rewards (mode
 * "min": metric_op -1). */
static void test_ray_docstring(void **state)
{
    (void)state;
    rungsplit r;
    rungsplit_init(&r, SCHED_RULE_RAY, 2, 0.123 /* ignored: ray uses 1 - 1/eta */);
    assert_true(isnan(rungsplit_ray_cutoff(&r)));
    assert_int_equal(rungsplit_judge(&r, -2.0, 0), RULE_ADMIT); /* empty rung: CONTINUE */
    assert_true(rungsplit_insert(&r, 1, -2.0, 0) == 0);
    assert_int_equal(rungsplit_judge(&r, -4.0, 0), RULE_ADMIT); /* 4 < 2 is false: CONTINUE */
    assert_true(rungsplit_insert(&r, 2, -4.0, 0) == 1);
    assert_double_exact(rungsplit_ray_cutoff(&r), 3.0);
    assert_int_equal(rungsplit_judge(&r, -1.0, 0), RULE_REJECT); /* 1 < 3: STOP */
    assert_int_equal(rungsplit_judge(&r, -3.0, 0), RULE_ADMIT);  /* 3 < 3 is false */
    assert_true(rungsplit_insert(&r, 3, -1.0, 0) == 2);
    assert_double_exact(rungsplit_ray_cutoff(&r), 2.0);
    rungsplit_destroy(&r);

    /* The same through the ASHA core: stopping type, rf 2, rungs 1, 2, 4, 8
     * below max_t 10 (Ray's MAX_RUNGS = int(log(10)/log(2) + 1) = 4). */
    sched_params p = sched_default_params();
    p.eta = 2;
    p.r_min = 1;
    p.r_max = 10;
    p.asha.type = SCHED_ASHA_STOPPING;
    p.asha.rule = SCHED_RULE_RAY;
    sched *s;
    assert_int_equal(sched_alloc(&s, sched_asha, &p), 0);
    sched_job j;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sched_next(s, &j), SCHED_RUN);
        assert_int_equal(j.trial, (uint32_t)i);
        assert_int_equal(j.to, 10);
    }
    assert_int_equal(sched_report(s, 0, 1, -2.0), SCHED_CONTINUE);
    assert_int_equal(sched_report(s, 1, 1, -4.0), SCHED_CONTINUE);
    assert_int_equal(sched_report(s, 2, 1, -1.0), SCHED_STOP);
    /* epoch 3 is no rung; epoch 2's rung is empty: continue */
    assert_int_equal(sched_report(s, 0, 2, -2.0), SCHED_CONTINUE);
    assert_int_equal(sched_report(s, 0, 3, -2.0), SCHED_CONTINUE);
    sched_free(s);

    /* Ray has no promotion type: refused */
    p.asha.type = SCHED_ASHA_PROMOTION;
    assert_int_equal(sched_alloc(&s, sched_asha, &p), -EINVAL);
    assert_null(s);
    assert_string_equal(sched_rule_name(SCHED_RULE_RAY), "ray");
    assert_int_equal(sched_rule_by_name("ray"), SCHED_RULE_RAY);
    assert_int_equal(sched_rule_by_name("rank"), SCHED_RULE_RANK);
    assert_int_equal(sched_rule_by_name("Ray"), -1);
}

/* ray against numpy's bits: each cutoff printed by numpy 1.24 as
 *   np.nanpercentile([-x for x in v[:n]], (1 - 1 / rf) * 100)
 * The first and fourth differ in the last bit from -np.quantile(v, 1/rf)
 * (-0.23333333333333334, -0.43333333333333335): the rule must negate as
 * Ray does, not use the mirrored quantile. */
static void test_ray_numpy_bits(void **state)
{
    (void)state;
    static const struct {
        uint32_t eta;
        double v[5];
        uint32_t n;
        double cutoff;
    } c[] = {
        { 3, { 0.1, 0.7, 0.3, 0, 0 }, 3, -0.23333333333333328 },
        { 3, { 0.1, 0.7, 0.3, 0.45, 0 }, 4, -0.3 },
        { 4, { 0.13, 0.29, 0.71, 0.37, 0.53 }, 5, -0.29 },
        { 3, { 0.9, 0.2, 0, 0, 0 }, 2, -0.43333333333333324 },
        { 4, { 0.11, 0.35, 0, 0, 0 }, 2, -0.16999999999999998 },
        { 3, { 0.2, 0.4, 0.9, 0.6, 0.5 }, 5, -0.43333333333333335 },
        { 2, { 0.3, 0.1, 0.7, 0, 0 }, 3, -0.3 },
        { 4, { 0.7, 0.1, 0.3, 0.2, 0 }, 4, -0.17500000000000002 },
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        rungsplit r;
        rungsplit_init(&r, SCHED_RULE_RAY, c[i].eta, 0);
        for (uint32_t k = 0; k < c[i].n; k++)
            assert_true(rungsplit_insert(&r, k, c[i].v[k], 0) == k);
        assert_double_exact(rungsplit_ray_cutoff(&r), c[i].cutoff);
        assert_double_exact(ray_reference_cutoff(c[i].v, c[i].n, c[i].eta), c[i].cutoff);
        rungsplit_destroy(&r);
    }
}

/* The best entry among v[0..n) not yet popped, by key (value, then seq);
 * n when every one is. */
static uint32_t best_waiting(const double *v, const unsigned char *popped, uint32_t n)
{
    uint32_t b = n;
    for (uint32_t j = 0; j < n; j++)
        if (!popped[j] && (b == n || v[j] < v[b]))
            b = j;
    return b;
}

/* Property: after every insert, the verdict on the new entry (stopping) and
 * on the best pending entry (promotion) equal the sorting reference, for
 * every rule, several eta and q, random / ascending / descending / tied
 * values.  rungsplit_best_pending gives the best entry not yet popped (by a
 * scan); under topk only when the rule admits it (none otherwise: topk
 * admits only the s best, and the rung keeps only those waiting). */
static void test_rungsplit_against_reference(void **state)
{
    (void)state;
    enum { N = 600 };
    static double v[N];
    static unsigned char popped[N];
    const sched_rule rules[] = { SCHED_RULE_TOPK, SCHED_RULE_QUANTILE, SCHED_RULE_RANK, SCHED_RULE_RAY };
    const struct {
        uint32_t eta;
        double q;
    } par[] = { { 2, 0.5 }, { 3, 1.0 / 3 }, { 4, 0.25 }, { 2, 0.8 } };
    for (int pattern = 0; pattern < 4; pattern++)
        for (size_t ri = 0; ri < sizeof rules / sizeof *rules; ri++)
            for (size_t pi = 0; pi < sizeof par / sizeof *par; pi++) {
                rungsplit r;
                rungsplit_init(&r, rules[ri], par[pi].eta, par[pi].q);
                srand((unsigned)(11 + pattern));
                memset(popped, 0, sizeof popped);
                uint32_t npopped = 0;
                for (uint32_t i = 0; i < N; i++) {
                    v[i] = pattern == 0   ? (double)(rand() % 40) / 8.0 /* many ties */
                           : pattern == 1 ? (double)i                 /* ascending */
                           : pattern == 2 ? (double)(N - i)           /* descending */
                                          : (double)rand() / RAND_MAX;
                    if (rules[ri] == SCHED_RULE_RAY) { /* judged before it is recorded */
                        assert_int_equal(rungsplit_judge(&r, v[i], i),
                                         ray_reference(v, i, v[i], par[pi].eta));
                        if (i)
                            assert_double_exact(rungsplit_ray_cutoff(&r),
                                                ray_reference_cutoff(v, i, par[pi].eta));
                    }
                    assert_true(rungsplit_insert(&r, i, v[i], 1) == i);
                    if (rules[ri] != SCHED_RULE_RAY)
                        assert_int_equal(rungsplit_judge(&r, v[i], i),
                                         reference(rules[ri], v, i + 1, i, par[pi].eta, par[pi].q));
                    if (rules[ri] == SCHED_RULE_RAY || i % 3 != 2)
                        continue;
                    uint32_t t, seq, want = best_waiting(v, popped, i + 1);
                    double m;
                    int got = rungsplit_best_pending(&r, &t, &m, &seq);
                    if (rules[ri] == SCHED_RULE_TOPK &&
                        (want > i || reference(rules[ri], v, i + 1, want, par[pi].eta, par[pi].q) !=
                                         RULE_ADMIT)) {
                        assert_int_equal(got, 0); /* topk: none of the s best waits */
                        continue;
                    }
                    assert_int_equal(got, want <= i);
                    if (!got)
                        continue;
                    assert_int_equal(seq, want);
                    assert_int_equal(t, seq);
                    assert_double_exact(m, v[seq]);
                    assert_int_equal(rungsplit_judge(&r, m, seq),
                                     reference(rules[ri], v, i + 1, seq, par[pi].eta, par[pi].q));
                    rungsplit_pop_pending(&r);
                    popped[seq] = 1;
                    npopped++;
                }
                /* drain: best first, each the best still waiting */
                uint32_t t, seq;
                double m;
                while (rules[ri] != SCHED_RULE_RAY && rungsplit_best_pending(&r, &t, &m, &seq)) {
                    assert_int_equal(seq, best_waiting(v, popped, N));
                    if (rules[ri] == SCHED_RULE_TOPK)
                        assert_int_equal(reference(rules[ri], v, N, seq, par[pi].eta, par[pi].q),
                                         RULE_ADMIT);
                    rungsplit_pop_pending(&r);
                    popped[seq] = 1;
                    npopped++;
                }
                if (rules[ri] == SCHED_RULE_TOPK) { /* what is left: none admitted */
                    uint32_t w = best_waiting(v, popped, N);
                    assert_true(w == N || reference(rules[ri], v, N, w, par[pi].eta, par[pi].q) !=
                                              RULE_ADMIT);
                } else if (rules[ri] != SCHED_RULE_RAY) {
                    assert_int_equal(npopped, N);
                }
                rungsplit_destroy(&r);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_level_index),
        cmocka_unit_test(test_topk),
        cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_rank),
        cmocka_unit_test(test_ray_docstring),
        cmocka_unit_test(test_ray_numpy_bits),
        cmocka_unit_test(test_rungsplit_against_reference),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
