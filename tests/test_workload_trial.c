/*
 * tests/test_workload_trial.c -- cmocka tests of the per-trial query handle
 * (traces/workload.h: workload_trial, wl_trial_epoch_time, wl_trial_metric)
 * against the slow, obvious reference: the plain queries, which derive the
 * trial from scratch each time.  For every workload type, several seeds and
 * specs, many (k, e): the same bits.  Also: a handle is a value (copies and
 * any query order give the same bits), and an epoch out of range aborts, as
 * for the plain queries.
 *
 * The one table file is written into a mkdtemp() directory under /tmp and
 * removed again.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"
#include "traces/workload.h"

static char tmpdir[64];
static char table_spec[160];
static char table_path[128];

static int group_setup(void **state)
{
    static const char text[] = "config_id,epoch,epoch_time,error,lr\n"
                               "a,1,2.5,0.9,0.1\n"
                               "a,2,3.25,0.5,0.1\n"
                               "a,3,3.125,0.375,0.1\n"
                               "b,1,4,0.875,0.2\n"
                               "b,2,4.5,0.8,0.2\n"
                               "b,3,4.75,0.25,0.2\n"
                               "c,1,1e-3,0.1,0.3\n"
                               "c,2,7,-0.5,0.3\n"
                               "c,3,8,12,0.3\n";
    FILE *f;

    (void)state;
    strcpy(tmpdir, "/tmp/shsim_wlt_XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(table_path, sizeof table_path, "%s/t.csv", tmpdir);
    snprintf(table_spec, sizeof table_spec, "table:%s", table_path);
    f = fopen(table_path, "wb");
    if (f == NULL)
        return -1;
    if (fwrite(text, 1, sizeof text - 1, f) != sizeof text - 1) {
        fclose(f);
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(table_path);
    return rmdir(tmpdir);
}

static workload *open_wl(const char *spec, uint64_t seed)
{
    workload *w = NULL;
    wl_params p = wl_default_params();
    char err[4608] = "";

    p.seed = seed;
    if (workload_open(&w, spec, &p, err, sizeof err) < 0)
        fail_msg("%s: %s", spec, err);
    return w;
}

/* The same bits (not just ==: 0 and -0 differ, and so would NaNs). */
#define assert_same_bits(a, b, spec, k, e)                                                           \
    do {                                                                                             \
        double x_ = (a), y_ = (b);                                                                   \
        if (memcmp(&x_, &y_, sizeof x_) != 0)                                                        \
            fail_msg("%s k=%u e=%u: %s = %.17g but %s = %.17g", (spec), (unsigned)(k), (unsigned)(e), \
                     #a, x_, #b, y_);                                                                \
    } while (0)

/* Every epoch of trial k through a fresh handle against the plain queries;
 * epochs step by estep (the last epoch always). */
static void check_trial(const workload *w, uint32_t k, uint32_t estep)
{
    const char *spec = workload_name(w);
    uint32_t E = workload_epochs(w);
    wl_trial h;

    workload_trial(w, k, &h);
    for (uint32_t e = 1; e <= E; e = e == E ? E + 1 : e + estep > E ? E : e + estep) {
        assert_same_bits(wl_trial_epoch_time(&h, e), workload_epoch_time(w, k, e), spec, k, e);
        assert_same_bits(wl_trial_metric(&h, e), workload_metric(w, k, e), spec, k, e);
    }
}

static void check_workload(const char *spec, uint64_t seed)
{
    workload *w = open_wl(spec, seed);
    uint32_t n = workload_trials(w);

    if (n != WL_UNBOUNDED) {
        for (uint32_t k = 0; k < n; k++)
            check_trial(w, k, 1);
    } else {
        /* small k (trial 0 is special in lenet-model), then spread out to
         * the largest */
        uint32_t estep = workload_epochs(w) > 100 ? 7 : 1;
        for (uint32_t k = 0; k < 300; k++)
            check_trial(w, k, estep);
        for (uint64_t k = 300; k < UINT32_MAX; k = k * 3 + 1)
            check_trial(w, (uint32_t)k, estep);
        check_trial(w, UINT32_MAX - 1, estep);
    }
    workload_free(w);
}

static void test_handle_matches_plain(void **state)
{
    static const char *const specs[] = {
        "figure",
        "lenet",
        "lenet-cpu31",
        "lenet-model",
        "synthetic",
        "synthetic:constant:2.5",
        "synthetic:normal",
        "synthetic:normal:2:0",
        "synthetic:normal:1:3",
        "synthetic:lognormal",
        "synthetic:lognormal:1:0.5",
        "synthetic:lognormal:300:2",
    };
    static const uint64_t seeds[] = {1, 2, 12345, UINT64_MAX};

    (void)state;
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++)
        for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++)
            check_workload(specs[i], seeds[s]);
    check_workload(table_spec, 1);
}

/* Handles are values: filled for many trials at once, copied, queried in
 * scrambled order, they still answer for their own trial. */
static void test_handle_is_a_value(void **state)
{
    static const char *const specs[] = {"lenet-model", "synthetic:lognormal:1:0.5", "lenet", "figure"};
    enum { NH = 6 };

    (void)state;
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        workload *w = open_wl(specs[i], 7);
        uint32_t n = workload_trials(w), E = workload_epochs(w) < 10 ? workload_epochs(w) : 10;
        uint32_t ks[NH];
        wl_trial h[NH], copy[NH];
        uint64_t x = 88172645463325252u;

        for (int j = 0; j < NH; j++) {
            ks[j] = (uint32_t)((uint32_t)(j * 37 + 5) % (n < 1000 ? n : 1000));
            workload_trial(w, ks[j], &h[j]);
        }
        for (int j = 0; j < NH; j++)
            copy[NH - 1 - j] = h[j];
        for (int q = 0; q < 500; q++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            int j = (int)(x % NH);
            uint32_t e = 1 + (uint32_t)((x >> 20) % E);
            const wl_trial *c = &copy[NH - 1 - j];
            assert_same_bits(wl_trial_metric(c, e), workload_metric(w, ks[j], e), specs[i], ks[j], e);
            assert_same_bits(wl_trial_epoch_time(&h[j], e), workload_epoch_time(w, ks[j], e), specs[i], ks[j],
                             e);
        }
        /* refilling a handle for another trial leaves no trace of the first */
        workload_trial(w, ks[0], &h[1]);
        for (uint32_t e = 1; e <= E; e++)
            assert_same_bits(wl_trial_metric(&h[1], e), wl_trial_metric(&h[0], e), specs[i], ks[0], e);
        workload_free(w);
    }
}

/* Run f in a child; it must die of SIGABRT. */
static void expect_abort(void (*f)(const workload *), const workload *w)
{
    pid_t pid;
    int st;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        f(w);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
}

static volatile double sink;

static void query_epoch0(const workload *w)
{
    wl_trial h;
    workload_trial(w, 1, &h);
    sink = wl_trial_metric(&h, 0);
}

static void query_past_last(const workload *w)
{
    wl_trial h;
    workload_trial(w, 1, &h);
    sink = wl_trial_epoch_time(&h, workload_epochs(w) + 1);
}

static void fill_past_trials(const workload *w)
{
    wl_trial h;
    workload_trial(w, workload_trials(w), &h);
    sink = wl_trial_epoch_time(&h, 1);
}

static void test_handle_preconditions(void **state)
{
    workload *w = open_wl("lenet", 1);
    workload *s = open_wl("synthetic", 1);

    (void)state;
    expect_abort(query_epoch0, w);
    expect_abort(query_past_last, w);
    expect_abort(fill_past_trials, w);
    expect_abort(query_epoch0, s);
    expect_abort(query_past_last, s);
    workload_free(w);
    workload_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handle_matches_plain),
        cmocka_unit_test(test_handle_is_a_value),
        cmocka_unit_test(test_handle_preconditions),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
