/*
 * tests/test_web.c -- the browser page's C face (web/shsim_web.h), built
 * natively: the page's runs are `shsim run`'s, its tables the engine's rows,
 * its errors the CLI's exit statuses.  (web/test/web_test.mjs checks the
 * WebAssembly build of the same file in a browser.)
 */
#include "sim/record.h"
#include "tests/testutil.h"
#include "web/shsim_web.h"

#include <stdlib.h>
#include <string.h>

/* The summary.csv of a run spec, as record_write() writes it. */
static char *summary_of(const run_spec *rs, const run_summary *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    summary_header(f);
    summary_row(f, rs, s);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* The book's Fig. 19.5.1 through the page equals run_spec_figure's run:
 * the summary byte for byte, every job, idle interval and best row. */
static void test_book_figure_equals_run_spec(void **state)
{
    (void)state;
    const char *args = "--scheduler\nsh\n--barrier\nstrict\n--workload\nfigure\n--workers\n2\n--eta\n2\n"
                       "--r-min\n1\n--r-max\n4\n--horizon\n32\n--seed\n1";
    assert_int_equal(shsim_web_run(args, 1), 0);

    run_spec rs = run_spec_figure(sched_sh);
    run_result res;
    char err[4608];
    assert_int_equal(run_spec_execute(&rs, &res, NULL, err, sizeof err), 0);
    char *want = summary_of(&rs, &res.sum);
    assert_string_equal(shsim_web_summary_csv(), want);
    free(want);

    int n;
    const double *j = shsim_web_table(0, &n);
    assert_int_equal(n, (int)res.n_jobs);
    for (size_t i = 0; i < res.n_jobs; i++, j += 8) {
        const job_row *r = &res.jobs[i];
        assert_true(j[0] == r->worker && j[1] == r->trial && j[2] == r->rung && j[3] == r->epoch_from &&
                    j[4] == r->epoch_to && j[5] == r->start && j[6] == r->end && j[7] == r->outcome);
    }
    const double *idle = shsim_web_table(1, &n);
    assert_int_equal(n, (int)res.n_idle);
    assert_int_equal(n, 2); /* worker 1 at 12-19 s, worker 0 at 23-24 s */
    for (size_t i = 0; i < res.n_idle; i++)
        assert_true(idle[3 * i] == res.idle[i].worker && idle[3 * i + 1] == res.idle[i].start &&
                    idle[3 * i + 2] == res.idle[i].end);
    const double *best = shsim_web_table(2, &n);
    assert_int_equal(n, (int)res.n_best);
    for (size_t i = 0; i < res.n_best; i++)
        assert_true(best[6 * i] == res.best[i].time && best[6 * i + 4] == res.best[i].best);
    assert_string_equal(shsim_web_narration(), ""); /* not asked for */
    run_result_free(&res);
}

/* --explain fills the narration (the engine's lines); trace 0 leaves the
 * tables empty but the summary the same. */
static void test_narration_and_no_trace(void **state)
{
    (void)state;
    const char *args = "--scheduler\nasha\n--workload\nlenet-model\n--workers\n8\n--horizon\n600\n--seed\n3\n"
                       "--noise\nlognormal:0.5\n--drop\n0.1";
    assert_int_equal(shsim_web_run(args, 1), 0);
    char *with = strdup(shsim_web_summary_csv());
    int jobs;
    assert_non_null(shsim_web_table(0, &jobs));
    assert_true(jobs > 8);

    char buf[512];
    snprintf(buf, sizeof buf, "%s\n--explain", args);
    assert_int_equal(shsim_web_run(buf, 1), 0);
    const char *narr = shsim_web_narration();
    assert_true(strncmp(narr, "t=0 worker 0 starts trial 0", 27) == 0);
    assert_true(strstr(narr, "horizon") != NULL); /* jobs cut at 600 s */
    assert_string_equal(shsim_web_summary_csv(), with);

    assert_int_equal(shsim_web_run(args, 0), 0);
    int n = -1;
    shsim_web_table(0, &n);
    assert_int_equal(n, 0);
    assert_string_equal(shsim_web_summary_csv(), with);
    free(with);
}

/* Bad input: exit status 2 as on the command line, nothing to read. */
static void test_bad_input(void **state)
{
    (void)state;
    int n = -1;
    assert_int_equal(shsim_web_run("--eta\n1", 1), 2);
    assert_string_equal(shsim_web_summary_csv(), "");
    assert_null(shsim_web_table(0, &n));
    assert_int_equal(n, 0);
    assert_int_equal(shsim_web_run("--workload\nnope", 1), 2);
    assert_int_equal(shsim_web_run("--bogus", 1), 2);
    assert_int_equal(shsim_web_run("--workload\nlenet-model", 1), 2); /* unbounded, no horizon */
    /* a table index out of range */
    assert_int_equal(shsim_web_run("--workload\nfigure\n--r-max\n4", 1), 0);
    assert_null(shsim_web_table(3, &n));
    assert_null(shsim_web_table(-1, &n));
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_book_figure_equals_run_spec),
        cmocka_unit_test(test_narration_and_no_trace),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
