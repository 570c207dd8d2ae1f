/*
 * tests/test_wl_table.c -- cmocka tests of the `table:FILE` workload
 * (traces/wl_table.c, traces/table_read.c): a good file read back, and one
 * file per validation error, each refused with -EINVAL and a message naming
 * the file, the line and the field.
 *
 * Needs no external files: every table is written by the test into a
 * mkdtemp() directory under /tmp, read back and removed.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"
#include "traces/workload.h"

static char tmpdir[64];
static char path[128];

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

int main(void)
{
    const struct CMUnitTest tests[] = {
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
    };
    return cmocka_run_group_tests_name("wl_table", tests, group_setup, group_teardown);
}
