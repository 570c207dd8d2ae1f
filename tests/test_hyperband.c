/*
 * tests/test_hyperband.c -- the Hyperband cores (core/hyperband.c,
 * core/async_hyperband.c) and the type table (core/sched.c).
 *
 * - With one bracket, synchronous Hyperband is SH and asynchronous Hyperband
 *   is ASHA, decision for decision, under a multi-worker driver.
 * - Synchronous Hyperband's bracket sizes are the JMLR paper's Table 1
 *   (R = 81, eta = 3): 81 27 9 3 1 | 34 11 3 1 | 15 5 1 | 8 2 | 5.
 * - Asynchronous Hyperband: a trial keeps its bracket, starts at the
 *   bracket's level, and brackets are drawn in proportion to Syne Tune's
 *   weights.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched.h"
#include "tests/testutil.h"

#define MAXW 8
#define MAXLOG 200000

typedef struct {
    sched_job j;
    sched_decision d; /* the decision that ended the job */
} logged;

/* A deterministic metric in (0, 1], better with epochs, ties included:
 * trials 4 apart share their curve. */
static double metric_of(uint32_t trial, uint32_t epoch)
{
    uint32_t h = (trial % 97) * 2654435761u;
    return (double)(h >> 22) / 1024.0 * (0.5 + 0.5 / epoch) + (trial % 4 == 0 ? 0 : 1e-9);
}

/* Seconds per epoch of a trial: 1..5. */
static double cost_of(uint32_t trial) { return 1.0 + (double)((trial * 7u) % 5u); }

/* Drive core s with w workers until DONE; every epoch reported; the job
 * that ends first (ties: lower worker) reports next.  Returns jobs logged. */
static size_t drive(sched *s, uint32_t w, logged *log, size_t cap)
{
    sched_job run[MAXW];
    double end[MAXW];
    uint32_t epoch[MAXW];
    int busy[MAXW] = { 0 };
    size_t row[MAXW], n = 0;
    double now = 0;
    for (;;) {
        for (uint32_t i = 0; i < w; i++) {
            if (busy[i])
                continue;
            sched_job j;
            if (sched_next(s, &j) != SCHED_RUN)
                break;
            assert_true(n < cap);
            run[i] = j;
            epoch[i] = j.from;
            end[i] = now + cost_of(j.trial);
            busy[i] = 1;
            row[i] = n;
            log[n++] = (logged){ .j = j, .d = SCHED_CONTINUE };
        }
        int k = -1;
        for (uint32_t i = 0; i < w; i++)
            if (busy[i] && (k < 0 || end[i] < end[k]))
                k = (int)i;
        if (k < 0)
            return n;
        now = end[k];
        uint32_t e = ++epoch[k];
        sched_decision d = sched_report(s, run[k].trial, e, metric_of(run[k].trial, e));
        if (d == SCHED_CONTINUE && e < run[k].to) {
            end[k] = now + cost_of(run[k].trial);
            continue;
        }
        log[row[k]].d = d;
        busy[k] = 0;
    }
}

static sched *make(const sched_type *t, sched_params p)
{
    sched *s = NULL;
    assert_int_equal(sched_alloc(&s, t, &p), 0);
    return s;
}

static sched_params params(uint32_t eta, uint32_t r_max, uint32_t trials)
{
    sched_params p = sched_default_params();
    p.eta = eta;
    p.r_min = 1;
    p.r_max = r_max;
    p.max_trials = trials;
    return p;
}

static void assert_same_log(const logged *a, size_t na, const logged *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        if (memcmp(&a[i].j, &b[i].j, sizeof a[i].j) != 0 || a[i].d != b[i].d)
            fail_msg("job %zu: trial %u %u->%u rung %u bracket %u %s vs trial %u %u->%u rung %u "
                     "bracket %u %s", i, a[i].j.trial, a[i].j.from, a[i].j.to, a[i].j.rung,
                     a[i].j.bracket, sched_decision_name(a[i].d), b[i].j.trial, b[i].j.from,
                     b[i].j.to, b[i].j.rung, b[i].j.bracket, sched_decision_name(b[i].d));
}

static logged *log_a, *log_b;

static int setup(void **state)
{
    (void)state;
    log_a = calloc(MAXLOG, sizeof *log_a);
    log_b = calloc(MAXLOG, sizeof *log_b);
    return log_a && log_b ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(log_a);
    free(log_b);
    return 0;
}

static void test_one_bracket_is_sh(void **state)
{
    (void)state;
    const uint32_t ws[] = { 1, 3, 7 };
    for (int barrier = 0; barrier < 2; barrier++)
        for (size_t i = 0; i < sizeof ws / sizeof *ws; i++) {
            sched_params p = params(2, 10, 300);
            p.sh.barrier = (sched_barrier)barrier;
            sched *sh = make(sched_sh, p);
            p.hyperband.brackets = 1;
            sched *hb = make(sched_hyperband, p);
            size_t na = drive(sh, ws[i], log_a, MAXLOG), nb = drive(hb, ws[i], log_b, MAXLOG);
            assert_true(na > 300);
            assert_same_log(log_a, na, log_b, nb);
            sched_free(sh);
            sched_free(hb);
        }
}

static void test_one_bracket_is_asha(void **state)
{
    (void)state;
    for (int type = 0; type < 2; type++)
        for (int rule = 0; rule < SCHED_NRULES; rule++) {
            if (type == SCHED_ASHA_PROMOTION && rule == SCHED_RULE_RAY)
                continue;
            for (uint32_t w = 1; w <= 5; w += 4) {
                sched_params p = params(3, 27, 500);
                p.asha.type = (sched_asha_type)type;
                p.asha.rule = (sched_rule)rule;
                sched *a = make(sched_asha, p);
                p.hyperband.brackets = 1;
                sched *h = make(sched_async_hyperband, p);
                size_t na = drive(a, w, log_a, MAXLOG), nb = drive(h, w, log_b, MAXLOG);
                assert_true(na >= 500);
                assert_same_log(log_a, na, log_b, nb);
                sched_free(a);
                sched_free(h);
            }
        }
}

/* Li et al., JMLR 2018, Table 1 (R = 81, eta = 3): n_i per bracket, most
 * exploratory first; our bracket s is the paper's s_max - s. */
static const uint32_t table1[5][5] = {
    { 81, 27, 9, 3, 1 }, { 0, 34, 11, 3, 1 }, { 0, 0, 15, 5, 1 }, { 0, 0, 0, 8, 2 }, { 0, 0, 0, 0, 5 },
};

static void test_sync_bracket_sizes(void **state)
{
    (void)state;
    for (int barrier = 0; barrier < 2; barrier++)
        for (uint32_t w = 1; w <= 6; w += 5) {
            sched_params p = params(3, 81, 2 * 143); /* two cycles */
            p.sh.barrier = (sched_barrier)barrier;
            sched *s = make(sched_hyperband, p);
            size_t n = drive(s, w, log_a, MAXLOG);
            uint32_t count[5][5] = { { 0 } };
            for (size_t i = 0; i < n; i++) {
                const sched_job *j = &log_a[i].j;
                assert_true(j->bracket <= j->rung && j->rung < 5);
                /* a trial's first job starts from scratch at its bracket's level */
                if (j->rung == j->bracket)
                    assert_int_equal(j->from, 0);
                count[j->bracket][j->rung]++;
            }
            for (int b = 0; b < 5; b++)
                for (int r = 0; r < 5; r++)
                    if (count[b][r] != 2 * table1[b][r])
                        fail_msg("barrier %d, W=%u: bracket %d rung %d: %u jobs, want %u", barrier,
                                 w, b, r, count[b][r], 2 * table1[b][r]);
            sched_free(s);
        }
}

static void test_sync_brackets_cycle(void **state)
{
    (void)state;
    /* docs/design.md: K = 3, eta = 2, bracket 1 runs 6, 3, 1 jobs at rungs
     * 1, 2, 3 (the paper's floor; Syne Tune's geometric() gives 6, 3, 2) */
    {
        sched_params q = params(2, 8, 8 + 6);
        sched *h = make(sched_hyperband, q);
        size_t n = drive(h, 2, log_a, MAXLOG);
        uint32_t per[4] = { 0 };
        for (size_t i = 0; i < n; i++)
            if (log_a[i].j.bracket == 1)
                per[log_a[i].j.rung]++;
        assert_int_equal(per[0], 0);
        assert_int_equal(per[1], 6);
        assert_int_equal(per[2], 3);
        assert_int_equal(per[3], 1);
        sched_free(h);
    }
    /* eta 2, r_max 4: sizes 4, 3, 3; strict on one worker opens them in
     * order 0, 1, 2, 0, ...: trials 0-3, 4-6, 7-9, 10-13 */
    sched_params p = params(2, 4, 14);
    sched *s = make(sched_hyperband, p);
    size_t n = drive(s, 1, log_a, MAXLOG);
    uint32_t want[14] = { 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0, 0 };
    for (size_t i = 0; i < n; i++)
        assert_int_equal(log_a[i].j.bracket, want[log_a[i].j.trial]);
    sched_free(s);
    /* two brackets of three */
    p.hyperband.brackets = 2;
    s = make(sched_hyperband, p);
    n = drive(s, 1, log_a, MAXLOG);
    uint32_t want2[14] = { 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1 };
    for (size_t i = 0; i < n; i++)
        assert_int_equal(log_a[i].j.bracket, want2[log_a[i].j.trial]);
    sched_free(s);
    p.hyperband.brackets = 4; /* more brackets than levels */
    sched *bad = NULL;
    assert_int_equal(sched_alloc(&bad, sched_hyperband, &p), -EINVAL);
    assert_int_equal(sched_alloc(&bad, sched_async_hyperband, &p), -EINVAL);
    assert_null(bad);
}

static void test_async_brackets(void **state)
{
    (void)state;
    /* eta 3, r_max 27: K = 3, Syne Tune's weights 4/(4-s) 3^(3-s):
     * 27, 12, 6, 4 of 49 */
    const double weight[4] = { 27.0 / 49, 12.0 / 49, 6.0 / 49, 4.0 / 49 };
    for (int type = 0; type < 2; type++) {
        sched_params p = params(3, 27, 40000);
        p.asha.type = (sched_asha_type)type;
        p.asha.rule = type ? SCHED_RULE_QUANTILE : SCHED_RULE_TOPK;
        sched *s = make(sched_async_hyperband, p);
        size_t n = drive(s, 4, log_a, MAXLOG);
        uint32_t *br = malloc(40000 * sizeof *br);
        assert_non_null(br);
        uint32_t started[4] = { 0 };
        for (uint32_t t = 0; t < 40000; t++)
            br[t] = UINT32_MAX;
        for (size_t i = 0; i < n; i++) {
            const sched_job *j = &log_a[i].j;
            assert_true(j->bracket < 4 && j->bracket <= j->rung);
            if (br[j->trial] == UINT32_MAX) { /* the trial's first job */
                br[j->trial] = j->bracket;
                started[j->bracket]++;
                assert_int_equal(j->from, 0);
                /* promotion: up to its bracket's first level; stopping: r_max */
                assert_int_equal(j->rung, type ? 3u : j->bracket);
            } else {
                assert_int_equal(j->bracket, br[j->trial]); /* a trial keeps its bracket */
            }
        }
        for (int b = 0; b < 4; b++)
            assert_close(started[b] / 40000.0, weight[b], 0, 0.01);
        free(br);
        sched_free(s);
    }
    /* the same command twice: the same brackets (a pure function of t) */
    sched_params p = params(3, 27, 2000);
    sched *a = make(sched_async_hyperband, p), *b = make(sched_async_hyperband, p);
    size_t na = drive(a, 3, log_a, MAXLOG), nb = drive(b, 3, log_b, MAXLOG);
    assert_same_log(log_a, na, log_b, nb);
    sched_free(a);
    sched_free(b);
}

static void test_type_table(void **state)
{
    (void)state;
    assert_int_equal(sched_ntypes(), 5);
    const char *names[] = { "sh", "asha", "random", "hyperband", "async-hyperband" };
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(sched_type_name(sched_type_at(i)), names[i]);
        assert_ptr_equal(sched_type_by_name(names[i]), sched_type_at(i));
        assert_true(strlen(sched_type_help(sched_type_at(i))) > 10);
    }
    assert_null(sched_type_at(5));
    assert_null(sched_type_by_name("hb"));
    assert_string_equal(sched_type_variants(sched_hyperband)[1], "fill");
    assert_string_equal(sched_type_variants(sched_async_hyperband)[1], "stopping");
    assert_null(sched_type_variants(sched_random)[0]);
    assert_true(sched_type_takes_rule(sched_async_hyperband) && !sched_type_takes_rule(sched_hyperband));
    assert_true(sched_type_takes_brackets(sched_hyperband) && !sched_type_takes_brackets(sched_sh));
    assert_ptr_equal(sched_type_base(sched_hyperband), sched_sh);
    assert_ptr_equal(sched_type_base(sched_async_hyperband), sched_asha);
    sched_params p = sched_default_params();
    sched_type_set_variant(sched_hyperband, &p, 1);
    assert_int_equal(p.sh.barrier, SCHED_BARRIER_FILL);
    sched_type_set_variant(sched_async_hyperband, &p, 1);
    assert_int_equal(p.asha.type, SCHED_ASHA_STOPPING);
    assert_int_equal(sched_type_variant(sched_asha, &p), 1);
    /* the ray rule has no promotion type, with brackets as without */
    p = params(2, 8, 10);
    p.asha.rule = SCHED_RULE_RAY;
    sched *bad = NULL;
    assert_int_equal(sched_alloc(&bad, sched_async_hyperband, &p), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_bracket_is_sh),   cmocka_unit_test(test_one_bracket_is_asha),
        cmocka_unit_test(test_sync_bracket_sizes),  cmocka_unit_test(test_sync_brackets_cycle),
        cmocka_unit_test(test_async_brackets),      cmocka_unit_test(test_type_table),
    };
    return cmocka_run_group_tests_name("hyperband", tests, setup, teardown);
}
