/*
 * tests/test_record.c -- what a run writes (sim/record.h): every file of
 * record_file_name() appears, with one row per recorded job and result
 * under its header, folders are created as needed, and a folder that
 * cannot be made fails with a message naming it and leaves nothing behind.
 */
#include "sim/record.h"
#include "tests/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Lines in path, or -1 when it cannot be opened. */
static long count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long n = 0;
    for (int c; (c = fgetc(f)) != EOF;)
        n += c == '\n';
    fclose(f);
    return n;
}

static void path_of(char *buf, size_t n, const char *dir, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

/* The book's strict SH run (Fig. 19.5.1) written into a folder that does
 * not exist yet, two levels deep. */
static void test_writes_every_file(void **state)
{
    (void)state;
    char tmp[] = "/tmp/shsim-test-record-XXXXXX";
    assert_non_null(mkdtemp(tmp));
    char dir[256], path[512], err[256] = "";
    snprintf(dir, sizeof dir, "%s/a/b", tmp);

    run_spec rs = run_spec_figure(sched_sh);
    run_result res;
    workload *wl = NULL;
    assert_int_equal(run_spec_execute(&rs, &res, &wl, err, sizeof err), 0);
    assert_int_equal(record_write(dir, &rs, &res, wl, err, sizeof err), 0);

    size_t nfiles = 0;
    for (const char *name; (name = record_file_name(nfiles)) != NULL; nfiles++) {
        path_of(path, sizeof path, dir, name);
        assert_true(count_lines(path) >= 2); /* a header and a row at least */
    }
    assert_int_equal(nfiles, 6);
    path_of(path, sizeof path, dir, "jobs.csv");
    assert_int_equal(count_lines(path), (long)res.n_jobs + 1);
    path_of(path, sizeof path, dir, "results.csv");
    assert_int_equal(count_lines(path), (long)res.n_results + 1);
    path_of(path, sizeof path, dir, "summary.csv");
    assert_int_equal(count_lines(path), 2);

    /* writing again replaces the files: the same line counts */
    assert_int_equal(record_write(dir, &rs, &res, wl, err, sizeof err), 0);
    path_of(path, sizeof path, dir, "jobs.csv");
    assert_int_equal(count_lines(path), (long)res.n_jobs + 1);

    for (size_t i = 0; i < nfiles; i++) {
        path_of(path, sizeof path, dir, record_file_name(i));
        assert_int_equal(unlink(path), 0);
    }
    assert_int_equal(rmdir(dir), 0);
    snprintf(dir, sizeof dir, "%s/a", tmp);
    assert_int_equal(rmdir(dir), 0);
    assert_int_equal(rmdir(tmp), 0);
    run_result_free(&res);
    workload_free(wl);
}

/* A folder below a regular file cannot be made: the error names the path,
 * and no file and no folder is left behind. */
static void test_unwritable_folder(void **state)
{
    (void)state;
    char tmp[] = "/tmp/shsim-test-record-XXXXXX";
    assert_non_null(mkdtemp(tmp));
    char file[256], dir[300], err[512] = "";
    snprintf(file, sizeof file, "%s/plain", tmp);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(dir, sizeof dir, "%s/out", file);

    run_spec rs = run_spec_figure(sched_asha);
    run_result res;
    workload *wl = NULL;
    assert_int_equal(run_spec_execute(&rs, &res, &wl, err, sizeof err), 0);
    int rc = record_write(dir, &rs, &res, wl, err, sizeof err);
    assert_true(rc < 0);
    assert_contains(err, file);

    /* the temporary folder holds only the plain file */
    struct stat st;
    assert_int_equal(stat(dir, &st), -1);
    assert_int_equal(unlink(file), 0);
    assert_int_equal(rmdir(tmp), 0); /* fails when anything else is there */
    run_result_free(&res);
    workload_free(wl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_every_file),
        cmocka_unit_test(test_unwritable_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
