/*
 * tests/test_tables.c -- the recorded LeNet tables and the Syne Tune import.
 *
 * The tables (traces/data/, compiled into the binary as workloads lenet and
 * lenet-cpu31) are checked against rows verified by hand from the recorded
 * files under ../shared -- the numbers below were computed on paper from
 * them, so the test needs no ../shared:
 *   lenet k=0   19.3 run 2022-12-14 trial 0: worker-time 63.009588 s, stamps
 *               20.364, 25.383, 35.393, ..., 75.463 s -> epoch 1 =
 *               63.009588 - (75.463 - 20.364) = 7.910588, epoch 2 = 5.019,
 *               epoch 3 = 10.01; error after epoch 10 0.2859968;
 *   lenet k=15  19.2 run 2022-12-14 trial 0: runtime 56.613 s / 10 = 5.6613,
 *               error 1 - 0.09958 = 0.90042 after epoch 1, 1 - 0.7323 after 10;
 *   lenet k=98  19.2 run 2023-08-18b trial 4: 62.852 / 10, no config recorded;
 *   lenet-cpu31 k=5: V100 worker-time 113.171314 s over 10 epochs, CPU error
 *               0.1325 after epoch 10; k=28: 104.303746 s over 9 epochs;
 *               k=30: 10.070776 s for its 1 epoch.
 * The import is checked on tests/data/synetune_small.csv, whose expected
 * table is worked out in the comments of test_import_*.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/testutil.h"
#include "traces/wl_impl.h"
#include "traces/workload.h"

#define SMALL "tests/data/synetune_small.csv"

static workload *open_ok(const char *spec)
{
    char err[512];
    workload *w = NULL;
    int rc = workload_open(&w, spec, NULL, err, sizeof err);
    if (rc != 0)
        fail_msg("%s: %s", spec, err);
    return w;
}

static void assert_config(const workload *w, uint32_t k, const char *want)
{
    char buf[256];
    workload_config(w, k, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_lenet_rs_hand_rows(void **state)
{
    (void)state;
    workload *w = open_ok("lenet");
    assert_string_equal(workload_name(w), "lenet");
    assert_int_equal(workload_trials(w), 99);
    assert_int_equal(workload_epochs(w), 10);
    assert_string_equal(workload_config_header(w), "config_id,learning_rate,batch_size,source");

    /* 19.3 2022-12-14 trial 0 */
    assert_config(w, 0, "0,0.100000,128,19.3/2022-12-14/0");
    assert_close(workload_epoch_time(w, 0, 1), 7.910588, 0, 1e-9);
    assert_close(workload_epoch_time(w, 0, 2), 5.019, 0, 1e-9);
    assert_close(workload_epoch_time(w, 0, 3), 10.01, 0, 1e-9);
    assert_close(workload_metric(w, 0, 1), 0.89903086, 0, 1e-12);
    assert_close(workload_metric(w, 0, 10), 0.2859968, 0, 1e-12);
    double sum = 0;
    for (uint32_t e = 1; e <= 10; e++)
        sum += workload_epoch_time(w, 0, e);
    assert_close(sum, 63.009588, 0, 1e-9); /* exactly its worker-time */

    /* 19.2 2022-12-14 trial 0: the book's initial config, equal epochs */
    assert_config(w, 15, "15,0.100000,128,19.2/2022-12-14/0");
    for (uint32_t e = 1; e <= 10; e++)
        assert_close(workload_epoch_time(w, 15, e), 5.6613, 0, 1e-12);
    assert_close(workload_metric(w, 15, 1), 0.90042, 0, 1e-12);
    assert_close(workload_metric(w, 15, 10), 0.2677, 0, 1e-12);

    /* the last trial: 19.2 2023-08-18b trial 4, config not recorded */
    assert_config(w, 98, "98,,,19.2/2023-08-18b/4");
    assert_close(workload_epoch_time(w, 98, 7), 6.2852, 0, 1e-12);
    assert_close(workload_metric(w, 98, 10), 0.90001, 0, 1e-12);

    /* every epoch takes time and every error is a fraction */
    for (uint32_t k = 0; k < workload_trials(w); k++)
        for (uint32_t e = 1; e <= 10; e++) {
            assert_true(workload_epoch_time(w, k, e) > 0);
            assert_true(workload_metric(w, k, e) >= 0 && workload_metric(w, k, e) <= 1);
        }
    workload_free(w);
}

static void test_lenet_cpu31_hand_rows(void **state)
{
    (void)state;
    workload *w = open_ok("lenet-cpu31");
    assert_int_equal(workload_trials(w), 31);
    assert_int_equal(workload_epochs(w), 10);
    assert_string_equal(workload_config_header(w), "config_id,learning_rate,batch_size,v100_epochs,source");
    assert_config(w, 5, "5,0.488018,41,10,19.5/2023-08-18b/5");
    assert_close(workload_epoch_time(w, 5, 1), 113.171314 / 10, 0, 1e-6);
    assert_close(workload_metric(w, 5, 10), 0.1325, 0, 1e-12);
    assert_config(w, 28, "28,0.080567,36,9,19.5/2023-08-18b/28");
    assert_close(workload_epoch_time(w, 28, 10), 104.303746 / 9, 0, 1e-6);
    assert_close(workload_metric(w, 28, 9), 0.1988, 0, 1e-12);
    assert_close(workload_epoch_time(w, 30, 4), 10.070776, 0, 1e-12);
    assert_close(workload_metric(w, 0, 1), 0.9, 0, 1e-12);
    for (uint32_t e = 2; e <= 10; e++) /* the same seconds every epoch */
        assert_true(workload_epoch_time(w, 12, e) == workload_epoch_time(w, 12, 1));
    workload_free(w);
}

/* The embedded tables are the committed files, byte for byte in effect:
 * reading traces/data/ from disk gives the same workload. */
static void test_embedded_equals_file(void **state)
{
    (void)state;
    const char *pairs[][2] = {{"lenet", "table:traces/data/lenet_rs.csv"},
                              {"lenet-cpu31", "table:traces/data/lenet_cpu31.csv"}};
    for (size_t i = 0; i < 2; i++) {
        workload *a = open_ok(pairs[i][0]), *b = open_ok(pairs[i][1]);
        assert_int_equal(workload_trials(a), workload_trials(b));
        assert_int_equal(workload_epochs(a), workload_epochs(b));
        for (uint32_t k = 0; k < workload_trials(a); k++) {
            char ca[256], cb[256];
            workload_config(a, k, ca, sizeof ca);
            workload_config(b, k, cb, sizeof cb);
            assert_string_equal(ca, cb);
            for (uint32_t e = 1; e <= workload_epochs(a); e++) {
                assert_double_exact(workload_epoch_time(a, k, e), workload_epoch_time(b, k, e));
                assert_double_exact(workload_metric(a, k, e), workload_metric(b, k, e));
            }
        }
        workload_free(a);
        workload_free(b);
    }
}

static void test_lenet_bad_specs(void **state)
{
    (void)state;
    char err[512];
    workload *w = NULL;
    assert_int_equal(workload_open(&w, "lenet:foo", NULL, err, sizeof err), -EINVAL);
    assert_null(w);
    assert_non_null(strstr(err, "takes no argument"));
    assert_int_equal(workload_open(&w, "lenet-cpu", NULL, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "unknown workload"));
}

/* A table read from memory (how the embedded tables are read): comments,
 * no NUL at the end (only len bytes count), and errors that name the
 * logical file with line and field. */
static void test_table_from_memory(void **state)
{
    (void)state;
    static const char good[] = "# comment\nconfig_id,epoch,epoch_time,error,lr\n7,1,2.5,0.5,0.1\n7,2,2.5,0.4,0.1\n"
                               "GARBAGE";
    static const char bad[] = "# comment\nconfig_id,epoch,epoch_time,error\n0,1,2.5,0.5\n0,2,abc,0.4\n";
    char err[256], cfg[64];
    workload w;

    memset(&w, 0, sizeof w);
    w.name = (char *)"lenet";
    assert_int_equal(wl_table_open_mem(&w, "lenet_rs.csv", good, sizeof good - 1 - strlen("GARBAGE"), err,
                                       sizeof err),
                     0);
    assert_int_equal(w.trials, 1);
    assert_int_equal(w.epochs, 2);
    wl_table_type.config(w.state, 0, cfg, sizeof cfg);
    assert_string_equal(cfg, "7,0.1");
    assert_close(wl_table_type.metric(w.state, 0, 2), 0.4, 0, 0);
    wl_table_type.free(w.state);

    memset(&w, 0, sizeof w);
    w.name = (char *)"lenet";
    assert_int_equal(wl_table_open_mem(&w, "lenet_rs.csv", bad, sizeof bad - 1, err, sizeof err), -EINVAL);
    assert_string_equal(err, "lenet_rs.csv:4: field 'epoch_time': 'abc' is not a number");
    assert_null(w.state);
}

/* Import the small results file to a string. */
static int import_str(const char *file, const wl_results_params *p, char **out, wl_import_stats *st, char *err,
                      size_t errlen)
{
    wl_results r;
    size_t len;
    int rc = wl_results_read(&r, file, p, err, errlen);
    if (rc < 0)
        return rc;
    FILE *f = open_memstream(out, &len);
    assert_non_null(f);
    rc = wl_results_write_table(&r, f, NULL, st, err, errlen);
    fclose(f);
    wl_results_free(&r);
    return rc;
}

/* Tuner clock (st_tuner_time, the default).  Trial 0: stamps 10, 12, 15 ->
 * epochs 2 and 3 take 2 and 3 s, epoch 1 the trial's mean later epoch
 * (15 - 10) / 2 = 2.5.  Trial 1: stamps 11, 14, 14 -> epochs 2 and 3 were
 * reported at once and share 14 - 11 = 3 s; epoch 1 (14 - 11) / 2 = 1.5.
 * Trial 2 has 1 of 3 epochs: dropped.  Line 8 (no epoch) is skipped. */
static void test_import_tuner_clock(void **state)
{
    (void)state;
    char err[512], *out = NULL;
    wl_import_stats st;
    wl_results_params p = wl_results_default_params();
    int rc = import_str(SMALL, &p, &out, &st, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_string_equal(out, "config_id,epoch,epoch_time,error,learning_rate,batch_size\n"
                             "0,1,2.5,0.9,0.1,128\n"
                             "0,2,2,0.5,0.1,128\n"
                             "0,3,3,0.4,0.1,128\n"
                             "1,1,1.5,0.8,0.2,64\n"
                             "1,2,1.5,0.6,0.2,64\n"
                             "1,3,1.5,0.55,0.2,64\n");
    assert_int_equal(st.trials, 3);
    assert_int_equal(st.kept, 2);
    assert_int_equal(st.epochs, 3);
    free(out);
}

/* Trial clock (st_worker_time counts from the trial's start): epoch 1 is the
 * first stamp itself.  Trial 0: 1.5, 3.0, 4.5 -> 1.5 s each; trial 1: 2, 4,
 * 6 -> 2 s each. */
static void test_import_trial_clock(void **state)
{
    (void)state;
    char err[512], *out = NULL;
    wl_import_stats st;
    wl_results_params p = wl_results_default_params();
    p.time_col = "st_worker_time";
    int rc = import_str(SMALL, &p, &out, &st, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_string_equal(out, "config_id,epoch,epoch_time,error,learning_rate,batch_size\n"
                             "0,1,1.5,0.9,0.1,128\n"
                             "0,2,1.5,0.5,0.1,128\n"
                             "0,3,1.5,0.4,0.1,128\n"
                             "1,1,2,0.8,0.2,64\n"
                             "1,2,2,0.6,0.2,64\n"
                             "1,3,2,0.55,0.2,64\n");
    free(out);
}

/* st_worker_timestamp is the workers' wall clock (Syne Tune's report.py,
 * time()), one clock for all trials like st_tuner_time: epoch 1 takes the
 * trial's mean later epoch, (15 - 10) / 2 = 2.5 s, not the stamp itself. */
static void test_import_wall_clock(void **state)
{
    (void)state;
    char err[512], *out = NULL, tmpl[] = "/tmp/shsim_wall_XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("trial_id,epoch,st_worker_timestamp,validation_error\n"
          "0,1,1700000010,0.9\n0,2,1700000012,0.5\n0,3,1700000015,0.4\n",
          f);
    fclose(f);
    wl_import_stats st;
    wl_results_params p = wl_results_default_params();
    p.time_col = "st_worker_timestamp";
    int rc = import_str(tmpl, &p, &out, &st, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_string_equal(out, "config_id,epoch,epoch_time,error\n"
                             "0,1,2.5,0.9\n"
                             "0,2,2,0.5\n"
                             "0,3,3,0.4\n");
    free(out);
    remove(tmpl);
}

/* The imported table is a workload: written to a file, table: reads it. */
static void test_import_roundtrip(void **state)
{
    (void)state;
    char err[512], tmpl[] = "/tmp/shsim_import_XXXXXX", spec[600];
    wl_results r;
    wl_import_stats st;
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_int_equal(wl_results_read(&r, SMALL, NULL, err, sizeof err), 0);
    assert_int_equal(wl_results_write_table(&r, f, "from a test\nsecond line", &st, err, sizeof err), 0);
    fclose(f);
    wl_results_free(&r);
    snprintf(spec, sizeof spec, "table:%s", tmpl);
    workload *w = open_ok(spec);
    assert_int_equal(workload_trials(w), 2);
    assert_close(workload_epoch_time(w, 0, 1), 2.5, 0, 0);
    assert_close(workload_metric(w, 1, 3), 0.55, 0, 0);
    workload_free(w);
    remove(tmpl);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Errors name FILE:LINE: field 'NAME'. */
static void test_import_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *metric, *want;
    } cases[] = {
        {"trial_id,epoch,st_tuner_time,accuracy\n0,1,1,0.5\n", NULL,
         ":1: field 'validation_error': column missing"},
        {"trial_id,epoch,validation_error\n0,1,0.5\n", NULL, ":1: field 'st_tuner_time': no time column"},
        {"trial_id,epoch,st_tuner_time,validation_error\n0,1,1,0.5\n0,3,2,0.4\n", NULL,
         ":3: field 'epoch': trial '0' reports epoch 3 after epoch 1"},
        {"trial_id,epoch,st_tuner_time,validation_error\n0,1,1,0.5\n0,2,2,abc\n", NULL,
         ":3: field 'validation_error': 'abc' is not a number"},
        {"trial_id,epoch,st_tuner_time,validation_error\n0,1,5,0.5\n0,2,4,0.4\n", NULL,
         ":3: field 'st_tuner_time': trial '0' goes back in time"},
        {"trial_id,epoch,st_tuner_time,loss\n0,1.5,5,0.5\n", "loss", ":2: field 'epoch': '1.5' is not a positive"},
        {"trial_id,epoch,st_tuner_time,validation_error\n0,1,5\n", NULL, ":2: field"},
    };
    char tmpl[] = "/tmp/shsim_imperr_XXXXXX", err[512];
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    close(fd);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wl_results r;
        wl_results_params p = wl_results_default_params();
        if (cases[i].metric)
            p.metric_col = cases[i].metric;
        write_file(tmpl, cases[i].text);
        int rc = wl_results_read(&r, tmpl, &p, err, sizeof err);
        assert_int_equal(rc, -EINVAL);
        if (strstr(err, tmpl) != err || strstr(err, cases[i].want) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].want);
        wl_results_free(&r); /* safe after a failed read */
    }
    /* a tuner clock cannot time a 1-epoch table */
    write_file(tmpl, "trial_id,epoch,st_tuner_time,validation_error\n0,1,5,0.5\n1,1,6,0.4\n");
    wl_results r;
    wl_import_stats st;
    char *out = NULL;
    size_t len;
    assert_int_equal(wl_results_read(&r, tmpl, NULL, err, sizeof err), 0);
    FILE *f = open_memstream(&out, &len);
    assert_int_equal(wl_results_write_table(&r, f, NULL, &st, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, ":2: field 'st_tuner_time': a trial of one epoch"));
    fclose(f);
    free(out);
    wl_results_free(&r);
    remove(tmpl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lenet_rs_hand_rows),   cmocka_unit_test(test_lenet_cpu31_hand_rows),
        cmocka_unit_test(test_embedded_equals_file), cmocka_unit_test(test_lenet_bad_specs),
        cmocka_unit_test(test_table_from_memory),
        cmocka_unit_test(test_import_tuner_clock),   cmocka_unit_test(test_import_trial_clock), cmocka_unit_test(test_import_wall_clock),
        cmocka_unit_test(test_import_roundtrip),     cmocka_unit_test(test_import_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
