/*
 * tests/test_workload.c -- cmocka tests of traces/: the figure model's known
 * values, the table reader (a good file and one file per validation error),
 * the synthetic model's common random numbers, and the counter-based
 * generator (its key hash pinned, its inline draws equal to GSL's).
 *
 * Needs no external files: every table is written by the test into a
 * mkdtemp() directory under /tmp, read back and removed.  Binary fractions
 * are compared with ==; other doubles with assert_close() (cmocka 1.1.5's
 * assert_float_equal compares as float).
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
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "traces/crn_gsl.h"
#include "traces/workload.h"

static char tmpdir[64];
static char path[128];

/* |a - b| <= max(abs_tol, rel * max(|a|, |b|)), on doubles. */
#define assert_close(a, b, rel, abs_tol)                                                      \
    do {                                                                                      \
        double a_ = (a), b_ = (b);                                                            \
        if (!(fabs(a_ - b_) <= fmax((abs_tol), (rel) * fmax(fabs(a_), fabs(b_))))) {           \
            print_error("assert_close: %.17g vs %.17g (%s vs %s)\n", a_, b_, #a, #b);         \
            fail();                                                                           \
        }                                                                                     \
    } while (0)

#define assert_contains(hay, needle)                                                              \
    do {                                                                                          \
        if (strstr((hay), (needle)) == NULL)                                                      \
            print_error("'%s' does not contain '%s'\n", (hay), (needle));                         \
        assert_non_null(strstr((hay), (needle)));                                                 \
    } while (0)

static int group_setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/shsim_wl_XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/t.csv", tmpdir);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(path);
    return rmdir(tmpdir);
}

static void write_file(const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Write text as the table file and open it; the file is removed again. */
static int open_table(const char *text, size_t len, workload **w, char *err, size_t errlen)
{
    char spec[160];
    int rc;

    write_file(text, len);
    snprintf(spec, sizeof spec, "table:%s", path);
    rc = workload_open(w, spec, NULL, err, errlen);
    unlink(path);
    return rc;
}

/* The table must be refused with -EINVAL and a message naming the file, the
 * line (0: none, "FILE: ...") and the field, and containing what. */
static void expect_table_error(const char *text, unsigned line, const char *field, const char *what)
{
    workload *w = (workload *)(void *)&w; /* open must set it to NULL */
    char err[512] = "";
    char where[200];

    assert_int_equal(open_table(text, strlen(text), &w, err, sizeof err), -EINVAL);
    assert_null(w);
    if (line > 0)
        snprintf(where, sizeof where, "%s:%u: ", path, line);
    else
        snprintf(where, sizeof where, "%s: ", path);
    assert_contains(err, where);
    if (field != NULL) {
        char quoted[64];
        snprintf(quoted, sizeof quoted, "field '%s'", field);
        assert_contains(err, quoted);
    }
    if (what != NULL)
        assert_contains(err, what);
}

#define HDR "config_id,epoch,epoch_time,error\n"

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

/* ---- table: a good file ---------------------------------------------- */

static void test_table_read_back(void **state)
{
    /* BOM, CRLF, comments, columns in any order, quoted fields with a comma,
     * doubled quotes and a newline, a column name that needs quoting. */
    static const char text[] =
        "\xEF\xBB\xBF# provenance: written by test_table_read_back\r\n"
        "# second comment, with \"quotes\"\r\n"
        "error,config_id,lr,epoch,note,epoch_time,\"my,param\"\r\n"
        "0.5,cfgA,0.1,1,\"a, b\",2.5,x\r\n"
        "0.25,cfgA,0.1,2,\"a, b\",3,x\r\n"
        "\r\n"
        "0.75,\"id \"\"q\"\"\",1e-3,1,\"say \"\"hi\"\"\",4,\" pad \"\r\n"
        "0.125,\"id \"\"q\"\"\",1e-3,2,\"multi\r\nline\",4.5,\" pad \"\r\n";
    workload *w;
    char err[512] = "", buf[128], spec[160];

    (void)state;
    assert_int_equal(open_table(text, sizeof text - 1, &w, err, sizeof err), 0);
    snprintf(spec, sizeof spec, "table:%s", path);
    assert_string_equal(workload_name(w), spec);
    assert_int_equal(workload_trials(w), 2);
    assert_int_equal(workload_epochs(w), 2);
    assert_string_equal(workload_config_header(w), "config_id,lr,note,\"my,param\"");
    assert_true(workload_epoch_time(w, 0, 1) == 2.5);
    assert_true(workload_epoch_time(w, 0, 2) == 3);
    assert_true(workload_epoch_time(w, 1, 1) == 4);
    assert_true(workload_epoch_time(w, 1, 2) == 4.5);
    assert_true(workload_metric(w, 0, 1) == 0.5);
    assert_true(workload_metric(w, 0, 2) == 0.25);
    assert_true(workload_metric(w, 1, 1) == 0.75);
    assert_true(workload_metric(w, 1, 2) == 0.125);
    workload_config(w, 0, buf, sizeof buf);
    assert_string_equal(buf, "cfgA,0.1,\"a, b\",x");
    /* Hyperparameters come verbatim from the config's first row. */
    workload_config(w, 1, buf, sizeof buf);
    assert_string_equal(buf, "\"id \"\"q\"\"\",1e-3,\"say \"\"hi\"\"\",\" pad \"");
    /* A short buffer gets a truncated, terminated string. */
    workload_config(w, 0, buf, 5);
    assert_string_equal(buf, "cfgA");
    workload_free(w);
}

static void test_table_no_hyperparameters(void **state)
{
    static const char text[] = "epoch,error,epoch_time,config_id\n1,0.5,1,7\n2,0.5,1,7\n3,0.5,1,7\n"
                               "1,0.5,2,8\n2,0.5,2,8\n3,0.5,2,8";
    workload *w;
    char err[512] = "", buf[64];

    (void)state;
    assert_int_equal(open_table(text, sizeof text - 1, &w, err, sizeof err), 0);
    assert_int_equal(workload_trials(w), 2);
    assert_int_equal(workload_epochs(w), 3);
    assert_string_equal(workload_config_header(w), "config_id");
    workload_config(w, 1, buf, sizeof buf);
    assert_string_equal(buf, "8");
    assert_true(workload_epoch_time(w, 1, 3) == 2);
    workload_free(w);
}

/* ---- table: validation, one error per test ---------------------------- */

static void test_table_missing_file(void **state)
{
    workload *w;
    char err[512], spec[200], want[200];

    (void)state;
    snprintf(spec, sizeof spec, "table:%s/nothere.csv", tmpdir);
    assert_int_equal(workload_open(&w, spec, NULL, err, sizeof err), -ENOENT);
    assert_null(w);
    snprintf(want, sizeof want, "%s/nothere.csv: No such file or directory", tmpdir);
    assert_string_equal(err, want);
}

static void test_table_missing_column(void **state)
{
    (void)state;
    expect_table_error("# c\nconfig_id,epoch,error\nA,1,0.5\n", 2, "epoch_time", "missing");
}

static void test_table_duplicate_column(void **state)
{
    (void)state;
    expect_table_error("config_id,epoch,lr,epoch_time,error,lr\nA,1,1,1,0.5,1\n", 1, "lr", "duplicate");
}

static void test_table_empty_column_name(void **state)
{
    (void)state;
    expect_table_error("config_id,epoch,,epoch_time,error\nA,1,1,1,0.5\n", 1, "#3", "empty column name");
}

static void test_table_extra_fields(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,2,0.5\nA,2,2,0.5,9\n", 3, "error", "extra fields");
}

static void test_table_too_few_fields(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,2,0.5\nA,2,2\n", 3, "error", "missing");
}

static void test_table_non_numeric(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,abc,0.5\n", 2, "epoch_time", "not a number");
    expect_table_error(HDR "A,1,2,0.5x\n", 2, "error", "not a number");
    expect_table_error(HDR "A,one,2,0.5\n", 2, "epoch", "not a number");
    expect_table_error(HDR "A,1,,0.5\n", 2, "epoch_time", "empty");
}

static void test_table_nan_inf(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,2,nan\n", 2, "error", "not finite");
    expect_table_error(HDR "A,1,inf,0.5\n", 2, "epoch_time", "not finite");
    expect_table_error(HDR "A,1,2,-inf\n", 2, "error", "not finite");
    expect_table_error(HDR "A,1,2,1e999\n", 2, "error", "not finite");
}

static void test_table_epoch_not_integer(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1.5,2,0.5\n", 2, "epoch", "not a positive integer");
    expect_table_error(HDR "A,0,2,0.5\n", 2, "epoch", "not a positive integer");
}

static void test_table_epoch_gap(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,2,0.5\nA,3,2,0.5\n", 3, "epoch", "expected 2");
}

static void test_table_first_epoch_not_one(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,2,0.5\nA,2,2,0.5\nB,2,2,0.5\n", 4, "epoch", "expected 1");
}

static void test_table_duplicate_epoch(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,2,0.5\nA,2,2,0.5\nA,2,2,0.4\n", 4, "epoch", "duplicate (config_id, epoch)");
}

static void test_table_epoch_time_not_positive(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,0,0.5\n", 2, "epoch_time", "not > 0");
    expect_table_error(HDR "A,1,-1.5,0.5\n", 2, "epoch_time", "not > 0");
}

static void test_table_not_contiguous(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,2,0.5\nA,2,2,0.5\nB,1,2,0.5\nB,2,2,0.5\nA,1,2,0.5\n", 6, "config_id",
                       "appears again");
}

static void test_table_epoch_counts_differ(void **state)
{
    (void)state;
    /* Fewer, with another config after it: reported at its last row. */
    expect_table_error(HDR "A,1,2,0.5\nA,2,2,0.5\nB,1,2,0.5\nC,1,2,0.5\n", 4, "epoch", "ends at epoch 1");
    /* Fewer, at the end of the file. */
    expect_table_error(HDR "A,1,2,0.5\nA,2,2,0.5\nB,1,2,0.5\n", 4, "epoch", "ends at epoch 1");
    /* More. */
    expect_table_error(HDR "A,1,2,0.5\nA,2,2,0.5\nB,1,2,0.5\nB,2,2,0.5\nB,3,2,0.5\n", 6, "epoch",
                       "goes past epoch 2");
}

static void test_table_empty_config_id(void **state)
{
    (void)state;
    expect_table_error(HDR ",1,2,0.5\n", 2, "config_id", "empty");
}

static void test_table_empty_file(void **state)
{
    (void)state;
    expect_table_error("", 0, NULL, "empty file");
    expect_table_error("\xEF\xBB\xBF# only a comment\r\n\r\n", 0, NULL, "empty file");
}

static void test_table_header_only(void **state)
{
    (void)state;
    expect_table_error(HDR, 0, NULL, "no data rows");
    expect_table_error("# c\r\n" HDR "\r\n", 0, NULL, "no data rows");
}

static void test_table_malformed_quoting(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,2,\"0.5\"x\n", 2, "error", "malformed quoting");
}

static void test_table_unterminated_quote(void **state)
{
    (void)state;
    expect_table_error(HDR "A,1,2,0.5\n\"B,1,2,0.5\n", 3, "config_id", "not closed");
}

static void test_table_line_too_long(void **state)
{
    size_t n = ((size_t)1 << 20) + 100;
    char *text = malloc(n + 64);
    size_t at;

    (void)state;
    assert_non_null(text);
    at = (size_t)sprintf(text, HDR "A,1,2,0.5\nA,2,2,");
    memset(text + at, '1', n);
    strcpy(text + at + n, "\n");
    expect_table_error(text, 3, NULL, "longer than 1 MiB");
    free(text);
}

static void test_table_line_numbers_after_multiline_field(void **state)
{
    /* Lines: 1-2 comments, 3 header, 4-6 one record (quoted newlines), 7
     * blank, 8 the bad row. */
    static const char text[] = "# a\n# b\nconfig_id,note,epoch,epoch_time,error\n"
                               "A,\"x\ny\nz\",1,2,0.5\n\nA,w,2,-2,0.5\n";
    (void)state;
    expect_table_error(text, 8, "epoch_time", "not > 0");
}

static void test_table_error_line_in_multiline_record(void **state)
{
    /* The record starts on line 3: that is the line a row error names. */
    static const char text[] = HDR "A,1,2,0.5\nA,2,\"2\n\",0.5\n";
    (void)state;
    expect_table_error(text, 3, "epoch_time", "not a number");
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

/* ---- the generator --------------------------------------------------- */

static void test_crn_splitmix64_known_values(void **state)
{
    /* Vigna's splitmix64.c, seeded with 1234567. */
    static const uint64_t want[5] = {UINT64_C(6457827717110365317), UINT64_C(3203168211198807973),
                                     UINT64_C(9817491932198370423), UINT64_C(4593380528125082431),
                                     UINT64_C(16408922859458223821)};
    crn_state s = {UINT64_C(1234567)};
    gsl_rng r;
    crn_state rs;

    (void)state;
    for (int i = 0; i < 5; i++)
        assert_true(crn_next(&s) == want[i]);
    /* Through GSL: 32-bit get() is the high half, uniform() in [0, 1). */
    crn_rng_init(&r, &rs, UINT64_C(1234567));
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
        cmocka_unit_test(test_figure_values),
        cmocka_unit_test(test_figure_rejects_argument),
        cmocka_unit_test(test_open_unknown_spec),
        cmocka_unit_test(test_table_read_back),
        cmocka_unit_test(test_table_no_hyperparameters),
        cmocka_unit_test(test_table_missing_file),
        cmocka_unit_test(test_table_missing_column),
        cmocka_unit_test(test_table_duplicate_column),
        cmocka_unit_test(test_table_empty_column_name),
        cmocka_unit_test(test_table_extra_fields),
        cmocka_unit_test(test_table_too_few_fields),
        cmocka_unit_test(test_table_non_numeric),
        cmocka_unit_test(test_table_nan_inf),
        cmocka_unit_test(test_table_epoch_not_integer),
        cmocka_unit_test(test_table_epoch_gap),
        cmocka_unit_test(test_table_first_epoch_not_one),
        cmocka_unit_test(test_table_duplicate_epoch),
        cmocka_unit_test(test_table_epoch_time_not_positive),
        cmocka_unit_test(test_table_not_contiguous),
        cmocka_unit_test(test_table_epoch_counts_differ),
        cmocka_unit_test(test_table_empty_config_id),
        cmocka_unit_test(test_table_empty_file),
        cmocka_unit_test(test_table_header_only),
        cmocka_unit_test(test_table_malformed_quoting),
        cmocka_unit_test(test_table_unterminated_quote),
        cmocka_unit_test(test_table_line_too_long),
        cmocka_unit_test(test_table_line_numbers_after_multiline_field),
        cmocka_unit_test(test_table_error_line_in_multiline_record),
        cmocka_unit_test(test_synthetic_defaults),
        cmocka_unit_test(test_synthetic_order_free),
        cmocka_unit_test(test_synthetic_seeds_differ),
        cmocka_unit_test(test_synthetic_lognormal_mean),
        cmocka_unit_test(test_synthetic_normal_positive),
        cmocka_unit_test(test_synthetic_constant_and_zero_spread),
        cmocka_unit_test(test_synthetic_curves_learn),
        cmocka_unit_test(test_synthetic_golden),
        cmocka_unit_test(test_synthetic_bad_specs),
        cmocka_unit_test(test_crn_splitmix64_known_values),
        cmocka_unit_test(test_crn_gsl_alloc_and_keys),
        cmocka_unit_test(test_crn_key_known_values_and_split),
        cmocka_unit_test(test_crn_draws_match_gsl),
    };
    return cmocka_run_group_tests_name("workload", tests, group_setup, group_teardown);
}
