/*
 * tests/test_web.c -- the browser page's C face (web/shsim_web.h), built
 * natively: the page's runs are `shsim run`'s, its tables the engine's rows,
 * its errors the CLI's exit statuses.  (web/test/web_test.mjs checks the
 * WebAssembly build of the same file in a browser.)
 */
#include "sim/cli/cli.h"
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

/* Run rs into *res (the caller frees it) and check that the page's last
 * run is it: the summary byte for byte, every job column for column. */
static void expect_page_is(const run_spec *rs, run_result *res)
{
    char err[4608];
    run_spec spec = *rs;
    assert_int_equal(run_spec_execute(&spec, res, NULL, err, sizeof err), 0);
    char *want = summary_of(&spec, &res->sum);
    assert_string_equal(shsim_web_summary_csv(), want);
    free(want);
    int n;
    const double *j = shsim_web_table(0, &n);
    assert_int_equal(n, (int)res->n_jobs);
    for (size_t i = 0; i < res->n_jobs; i++, j += 9) {
        const job_row *r = &res->jobs[i];
        assert_true(j[0] == r->worker && j[1] == r->trial && j[2] == r->rung && j[3] == r->epoch_from &&
                    j[4] == r->epoch_to && j[5] == r->start && j[6] == r->end && j[7] == r->outcome &&
                    j[8] == r->bracket);
    }
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
    expect_page_is(&rs, &res);
    int n;
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

/* A Hyperband run through the page is the run spec's: every job with its
 * bracket (several brackets, so the column carries something). */
static void test_hyperband_jobs(void **state)
{
    (void)state;
    const char *args = "--scheduler\nhyperband\n--barrier\nfill\n--brackets\n2\n--workload\nlenet\n"
                       "--workers\n4\n--seed\n5";
    assert_int_equal(shsim_web_run(args, 1), 0);
    run_spec rs = run_spec_default();
    rs.ep.workers = 4;
    rs.seed = 5;
    snprintf(rs.workload, sizeof rs.workload, "lenet");
    int rule_given = 0;
    assert_int_equal(cli_scheduler_variant("hyperband:fill:brackets=2", &rs, &rule_given), 0);
    cli_spec_finish(&rs, rule_given);
    run_result res;
    expect_page_is(&rs, &res);
    int brackets = 0;
    for (size_t i = 0; i < res.n_jobs; i++)
        brackets |= 1 << res.jobs[i].bracket;
    assert_int_equal(brackets, 3); /* brackets 0 and 1 */
    run_result_free(&res);
}

/* The catalog names every scheduler type of core/'s table with the run
 * option that picks its variants (which picks them: applied through the
 * CLI's parser, variant k is variant k), and every summary column with its
 * label. */
static void test_catalog(void **state)
{
    (void)state;
    const char *cat = shsim_web_catalog();
    assert_true(cat[0] == '{' && cat[strlen(cat) - 1] == '}');
    assert_ptr_equal(shsim_web_catalog(), cat); /* made once */
    char want[512];
    for (size_t i = 0; i < sched_ntypes(); i++) {
        const sched_type *t = sched_type_at(i);
        const char *const *v = sched_type_variants(t);
        const char *option;
        int opt = cli_variant_option(t, &option);
        snprintf(want, sizeof want, "{\"name\":\"%s\",\"variants\":[", sched_type_name(t));
        assert_non_null(strstr(cat, want));
        if (!v[0]) {
            assert_int_equal(opt, 0);
            assert_null(option);
            continue;
        }
        assert_non_null(option);
        snprintf(want, sizeof want, "\"option\":\"%s\",\"rule\":%s", option,
                 sched_type_takes_rule(t) ? "true" : "false");
        assert_non_null(strstr(cat, want));
        for (int k = 0; v[k]; k++) {
            run_spec rs = run_spec_default();
            int rule_given = 0;
            rs.type = t;
            assert_int_equal(cli_spec_option(opt, v[k], &rs, &rule_given), 1);
            assert_int_equal(sched_type_variant(t, &rs.sp), k);
        }
    }
    assert_non_null(strstr(cat, "\"name\":\"hyperband\""));
    assert_non_null(strstr(cat, "\"name\":\"async-hyperband\""));
    for (size_t i = 0; i < SUMMARY_NCOLUMNS; i++) {
        snprintf(want, sizeof want, "{\"name\":\"%s\",\"label\":\"%s\",", summary_columns[i].name,
                 summary_columns[i].label);
        assert_non_null(strstr(cat, want));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_book_figure_equals_run_spec),
        cmocka_unit_test(test_narration_and_no_trace),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_hyperband_jobs),
        cmocka_unit_test(test_catalog),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
