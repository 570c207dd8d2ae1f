/*
 * tests/test_fuzz_regress.c -- replays the fuzz corpus and every input a
 * fuzzer once crashed on (tests/fuzz/{corpus,regress}/{table,options,
 * sweep_config,synetune,merge}/) through the table reader, the option
 * parser, the sweep config reader, the Syne Tune importer (whose tables the
 * table reader must accept) and merge.  Under `make check` the
 * sanitizers and valgrind watch these runs; here each must end in success
 * or a message.  Runs from the repository root, as `make test` does.
 */
#include "sim/cli/cli.h"
#include "tests/fuzz/argv_split.h"
#include "tests/fuzz/merge_one.h"
#include "tests/fuzz/synetune_one.h"
#include "tests/fuzz/sweep_config_one.h"
#include "tests/testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int replay_dir(const char *dir, int (*one)(const char *path))
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        count += one(path);
    }
    closedir(d);
    return count;
}

static int table_one(const char *path)
{
    char spec[4200], err[4096] = "";
    snprintf(spec, sizeof spec, "table:%s", path);
    workload *w = NULL;
    wl_params p = wl_default_params();
    int rc = workload_open(&w, spec, &p, err, sizeof err);
    if (rc == 0) {
        assert_true(workload_trials(w) > 0);
        workload_free(w);
    } else {
        assert_true(rc < 0);
        if (!strstr(err, path))
            fail_msg("%s: error message does not name the file: %s", path, err);
    }
    return 1;
}

static int options_one(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *argv[80];
    int argc = argv_split(buf, argv, 80);
    run_spec rs;
    run_cli o = { .silent = 1 };
    int rc = cli_run_parse(argc, argv, &rs, &o);
    assert_true(rc >= -1 && rc <= 1);
    if (rc == 0) {
        assert_true(rs.ep.workers >= 1);
        assert_true(rs.sp.eta >= 2);
    }
    return 1;
}

static int sweep_config_file(const char *path)
{
    /* the dry run prints its grid: keep the test's output readable */
    fflush(stdout);
    fflush(stderr);
    int out = dup(1), errfd = dup(2), null = open("/dev/null", O_WRONLY);
    assert_true(out >= 0 && errfd >= 0 && null >= 0);
    dup2(null, 1);
    dup2(null, 2);
    int st = sweep_config_one(path);
    fflush(stdout);
    fflush(stderr);
    dup2(out, 1);
    dup2(errfd, 2);
    close(out);
    close(errfd);
    close(null);
    if (st != 0 && st != 2)
        fail_msg("%s: sweep --config --dry-run exited %d", path, st);
    return 1;
}

static int synetune_file(const char *path)
{
    char err[4200];
    if (synetune_one(path, "/tmp/shsim-regress-import.csv", err, sizeof err) < 0)
        fail_msg("%s", err);
    return 1;
}

/* The merge replays: part 2 made once, in a scratch folder. */
static char merge_base[64];

static int merge_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (merge_one(merge_base, buf, n) < 0)
        fail_msg("%s: merge accepted a part without every run, or failed without a message", path);
    return 1;
}

static void test_tables(void **state)
{
    (void)state;
    int n = replay_dir("tests/fuzz/corpus/table", table_one) +
            replay_dir("tests/fuzz/regress/table", table_one);
    assert_true(n >= 3); /* the seed corpus is there */
}

static void test_options(void **state)
{
    (void)state;
    int n = replay_dir("tests/fuzz/corpus/options", options_one) +
            replay_dir("tests/fuzz/regress/options", options_one);
    assert_true(n >= 3);
}

static void test_sweep_config(void **state)
{
    (void)state;
    int n = replay_dir("tests/fuzz/corpus/sweep_config", sweep_config_file) +
            replay_dir("tests/fuzz/regress/sweep_config", sweep_config_file);
    assert_true(n >= 3);
}

static void test_synetune(void **state)
{
    (void)state;
    int n = replay_dir("tests/fuzz/corpus/synetune", synetune_file) +
            replay_dir("tests/fuzz/regress/synetune", synetune_file);
    assert_true(n >= 3);
}

static void test_merge(void **state)
{
    (void)state;
    snprintf(merge_base, sizeof merge_base, "/tmp/shsim-regress-merge-%ld", (long)getpid());
    assert_int_equal(merge_setup(merge_base), 0);
    int n = replay_dir("tests/fuzz/corpus/merge", merge_file) +
            replay_dir("tests/fuzz/regress/merge", merge_file);
    assert_true(n >= 3);
    merge_teardown(merge_base); /* leave /tmp as it was */
    struct stat st;
    assert_int_equal(stat(merge_base, &st), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_sweep_config),
        cmocka_unit_test(test_synetune),
        cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests_name("fuzz_regress", tests, NULL, NULL);
}
