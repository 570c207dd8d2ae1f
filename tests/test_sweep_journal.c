/*
 * tests/test_sweep_journal.c -- interrupted sweeps resumed into exactly the
 * files of an uninterrupted one (torn and corrupt journal lines, another
 * grid's journal, an existing journal without --resume).
 */
#include "sim/output.h"
#include "sim/sweep/sweep.h"
#include "tests/sweep_fixture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- interruption and resumption --------------------------------------- */

static void append(const char *dir, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, SWEEP_JOURNAL);
    FILE *f = fopen(path, "ab");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Append a journal line with a valid hash (FNV-1a 64 of the body). */
static void append_hashed(const char *dir, const char *body)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *q = body; *q; q++) {
        h ^= (unsigned char)*q;
        h *= 0x100000001b3ull;
    }
    char line[512];
    snprintf(line, sizeof line, "%s,%016llx\n", body, (unsigned long long)h);
    append(dir, line);
}

static void test_resume(void **state)
{
    (void)state;
    char whole[128], dir[128], err[4096];
    sf_tmp_dir(whole, sizeof whole, "uninterrupted");
    sf_tmp_dir(dir, sizeof dir, "resumed");
    sweep_plan p = sf_test_plan();
    p.threads = 2;
    sf_run_ok(&p, whole);

    /* stop after 7 runs, as an interruption would */
    sweep_report rep;
    p.threads = 3;
    p.max_runs = 7;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINTR);
    assert_int_equal(rep.done, 7);
    assert_int_equal(rep.runs, 48);
    assert_non_null(strstr(err, "interrupted: 7 of 48 runs done; resume with --resume"));
    assert_true(sf_exists(dir, SWEEP_JOURNAL));
    assert_false(sf_exists(dir, "sweep.csv"));
    /* without resume, the journal is refused, and left alone */
    p.max_runs = 0;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EEXIST);
    assert_non_null(strstr(err, "7 of 48 runs done"));
    /* a run killed mid-write leaves a torn line */
    append(dir, "8,ok,18,1,26,37,0,1,0,1,40,40,0,0.11");
    p.resume = 1;
    p.max_runs = 5;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINTR);
    assert_int_equal(rep.resumed, 7);
    assert_int_equal(rep.done, 12);
    /* a corrupt line (its hash fails) and valid lines that are no record of
     * this grid are ignored; a failed run (run 3) is done again */
    append(dir, "9,fail,no,0000000000000000\n");
    append_hashed(dir, "4800,fail,no");
    append_hashed(dir, "2,ok,1,2,3");
    append_hashed(dir, "3,fail,out of memory%2C once");
    /* the rest, on another thread count, in two goes */
    p.threads = 2;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINTR);
    assert_int_equal(rep.resumed, 11); /* run 3 now counts as failed */
    assert_int_equal(rep.done, 16);    /* it is run first, then 4 more */
    p.max_runs = 0;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), 0);
    assert_int_equal(rep.resumed, 16);
    assert_int_equal(rep.done, 48);
    assert_false(sf_exists(dir, SWEEP_JOURNAL));
    sf_same_files(whole, dir);
    /* resuming a complete sweep runs nothing */
    faults f = { 0 };
    p.inject = sf_inject;
    p.inject_ctx = &f;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), 0);
    assert_true(rep.complete);
    assert_int_equal(f.calls, 0);
    sf_same_files(whole, dir);
    sf_rm_dir(dir);

    /* failed runs are journaled and tried again on resume: a passing
     * failure (out of memory) then succeeds */
    f.flaky = 1;
    p.resume = 0;
    sweep_report r1;
    assert_int_equal(sweep_run(&p, dir, &r1, err, sizeof err), 0);
    assert_int_equal(r1.failed, 2);
    sf_rm_dir(dir);
    memset(&f, 0, sizeof f);
    f.flaky = 1;
    p.max_runs = 20;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINTR);
    assert_int_equal(rep.failed, 2);
    p.resume = 1;
    p.max_runs = 0;
    f.calls = 0;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), 0);
    assert_int_equal(rep.failed, 0);
    assert_int_equal(f.calls, 48 - 18);
    sf_same_files(whole, dir);
    sf_rm_dir(dir);
    sf_rm_dir(whole);
}

static void test_resume_refused(void **state)
{
    (void)state;
    char dir[128], err[4096];
    sf_tmp_dir(dir, sizeof dir, "stopped");
    sweep_plan p = sf_test_plan();
    sweep_report rep;
    /* stopped before any run (a signal at once): a journal with only its
     * header, which a resume of another grid refuses */
    atomic_int stop = 2;
    p.stop = &stop;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINTR);
    assert_int_equal(rep.done, 0);
    assert_true(sf_exists(dir, SWEEP_JOURNAL));
    p.stop = NULL;
    p.resume = 1;
    p.curve_points = 7;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "the journal of another sweep"));
    p.curve_points = 8;
    p.shards = 2;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "shard 1/1"));
    p.resume = 0;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EEXIST);
    assert_non_null(strstr(err, "another grid"));
    p.shards = 1;
    p.resume = 1;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), 0);
    assert_int_equal(rep.done, 48);
    /* not a journal at all */
    append(dir, "hello\n");
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "not a journal"));
    sf_rm_dir(dir);
}
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_resume_refused),
    };
    return cmocka_run_group_tests_name("sweep_journal", tests, sf_setup, sf_teardown);
}
