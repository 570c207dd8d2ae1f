/*
 * tests/test_run_spec.c -- the run spec (sim/run_spec.h): the defaults, the book
 * figures' spec, run_spec_prepare's checks and their messages,
 * run_spec_execute's errors (bad input -EINVAL/-ENOENT, exit status 2; a
 * failed run anything else, status 1), and the summary row: as many fields as
 * the header, the book's Fig. 19.5.1 numbers under their column names.
 */
#include "sim/record.h"
#include "tests/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void test_defaults(void **state)
{
    (void)state;
    run_spec rs = run_spec_default();
    assert_ptr_equal(rs.type, sched_asha);
    assert_string_equal(rs.workload, "lenet");
    assert_int_equal(rs.seed, 1);
    assert_int_equal(rs.trials, SCHED_UNBOUNDED);
    assert_int_equal(rs.order, WL_ORDER_AUTO);
    assert_int_equal(rs.ep.max_events, RUN_MAX_EVENTS);
    assert_int_equal(rs.ep.record, 1);
    assert_null(rs.ep.narrate);
    assert_null(rs.ep.observers);
    assert_int_equal(rs.r_max_given, 0);
    assert_true(isinf(rs.ep.horizon));

    rs = run_spec_figure(sched_sh);
    assert_ptr_equal(rs.type, sched_sh);
    assert_string_equal(rs.workload, "figure");
    assert_int_equal(rs.ep.workers, 2);
    assert_double_exact(rs.ep.horizon, 32);
    assert_int_equal(rs.sp.eta, 2);
    assert_int_equal(rs.sp.r_min, 1);
    assert_int_equal(rs.sp.r_max, 4);
    assert_int_equal(rs.r_max_given, 1);
    assert_int_equal(rs.sp.sh.barrier, SCHED_BARRIER_STRICT);
    assert_int_equal(rs.order, WL_ORDER_FILE);
}

static workload *open_wl(const char *spec)
{
    workload *wl = NULL;
    wl_params wp = wl_default_params();
    char err[512];
    if (workload_open(&wl, spec, &wp, err, sizeof err) < 0)
        fail_msg("%s: %s", spec, err);
    return wl;
}

/* What prepare completes and what it refuses, with the option named. */
static void test_prepare(void **state)
{
    (void)state;
    char err[512];
    workload *lenet = open_wl("lenet"), *model = open_wl("lenet-model"), *syn = open_wl("synthetic");

    run_spec rs = run_spec_default();
    assert_int_equal(run_spec_prepare(&rs, lenet, err, sizeof err), 0);
    assert_int_equal(rs.sp.r_max, workload_epochs(lenet)); /* 10 */
    assert_int_equal(rs.sp.max_trials, workload_trials(lenet));
    rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "synthetic");
    rs.trials = 7;
    assert_int_equal(run_spec_prepare(&rs, syn, err, sizeof err), 0);
    assert_int_equal(rs.sp.r_max, 81); /* at most 81 of its 1000 epochs */
    assert_int_equal(rs.sp.max_trials, 7);
    rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "lenet-model");
    rs.ep.horizon = 100; /* unbounded trials, bounded time */
    assert_int_equal(run_spec_prepare(&rs, model, err, sizeof err), 0);
    assert_int_equal(rs.sp.max_trials, SCHED_UNBOUNDED);

    rs = run_spec_default();
    rs.sp.r_max = 99;
    rs.r_max_given = 1;
    assert_int_equal(run_spec_prepare(&rs, lenet, err, sizeof err), -EINVAL);
    assert_string_equal(err, "--r-max 99: workload 'lenet' has only 10 epochs per trial");

    rs = run_spec_default();
    rs.sp.r_min = 5;
    rs.sp.r_max = 4;
    rs.r_max_given = 1;
    assert_int_equal(run_spec_prepare(&rs, lenet, err, sizeof err), -EINVAL);
    assert_string_equal(err, "--r-min 5 is larger than --r-max 4");

    rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "synthetic");
    assert_int_equal(run_spec_prepare(&rs, syn, err, sizeof err), -EINVAL);
    assert_string_equal(err, "workload 'synthetic' is unbounded: give --trials N or --horizon T");

    rs = run_spec_default();
    rs.ep.workers = 2;
    rs.ep.strag.slow_k = 3;
    rs.ep.strag.slow_factor = 2;
    assert_int_equal(run_spec_prepare(&rs, lenet, err, sizeof err), -EINVAL);
    assert_string_equal(err, "--slow-workers 3: only 2 workers");

    rs = run_spec_default();
    rs.seed = 42;
    assert_int_equal(run_spec_prepare(&rs, lenet, err, sizeof err), 0);
    assert_int_equal(rs.ep.strag.seed, 42); /* straggler draws follow the run's seed */

    workload_free(lenet);
    workload_free(model);
    workload_free(syn);
}

/* execute: bad input is -EINVAL or -ENOENT (status 2), with a message and
 * no result rows. */
static void test_execute_errors(void **state)
{
    (void)state;
    char err[4608];
    run_result r;
    run_spec rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "no-such-workload");
    int rc = run_spec_execute(&rs, &r, NULL, err, sizeof err);
    assert_true(rc == -EINVAL || rc == -ENOENT);
    assert_non_null(strstr(err, "no-such-workload"));
    assert_null(r.jobs);

    rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "table:/nonexistent/shsim.csv");
    rc = run_spec_execute(&rs, &r, NULL, err, sizeof err);
    assert_int_equal(rc, -ENOENT);
    assert_non_null(strstr(err, "/nonexistent/shsim.csv"));

    /* Ray's rule has no promotion type: the core refuses it */
    rs = run_spec_default();
    rs.sp.asha.type = SCHED_ASHA_PROMOTION;
    rs.sp.asha.rule = SCHED_RULE_RAY;
    rc = run_spec_execute(&rs, &r, NULL, err, sizeof err);
    assert_int_equal(rc, -EINVAL);
    assert_non_null(strstr(err, "cannot make the asha core"));

    /* a run past --max-events is a failed run (status 1), not bad input */
    rs = run_spec_default();
    rs.ep.max_events = 10;
    rc = run_spec_execute(&rs, &r, NULL, err, sizeof err);
    assert_int_equal(rc, -E2BIG);
    assert_non_null(strstr(err, "run stopped at 10 events (--max-events 10)"));
    assert_null(r.jobs);
}

/* Split a CSV line without quotes into fields; returns their number. */
static int split(char *line, char **f, int cap)
{
    int n = 0;
    line[strcspn(line, "\n")] = '\0';
    for (char *p = line;; p++) {
        if (n < cap)
            f[n] = p;
        n++;
        p = strchr(p, ',');
        if (!p)
            break;
        *p = '\0';
    }
    return n;
}

static const char *field(char **names, char **vals, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return vals[i];
    fail_msg("no column %s", name);
    return NULL;
}

/* The summary row of the book's Fig. 19.5.1: 6 trials started, 1 at r_max,
 * 9 jobs, one cut at the horizon, 8 of 64 worker-seconds idle. */
static void test_summary_row(void **state)
{
    (void)state;
    run_spec rs = run_spec_figure(sched_sh);
    run_result r;
    char err[4608];
    assert_int_equal(run_spec_execute(&rs, &r, NULL, err, sizeof err), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    summary_header(f);
    summary_row(f, &rs, &r.sum);
    assert_int_equal(fclose(f), 0);
    char *row = strchr(buf, '\n');
    assert_non_null(row);
    *row++ = '\0';
    char *names[128], *vals[128];
    int nn = split(buf, names, 128), nv = split(row, vals, 128);
    assert_int_equal(nn, nv);
    assert_true(nn <= 128);
    static const char *const want[][2] = {
        { "scheduler", "sh" }, { "variant", "strict" }, { "rule", "-" }, { "workers", "2" },
        { "eta", "2" }, { "r_max", "4" }, { "workload", "figure" }, { "horizon", "32" },
        { "target", "" }, { "order", "file" }, { "trials_started", "6" }, { "trials_rmax", "1" },
        { "jobs", "9" }, { "epochs_trained", "9" }, { "jobs_cut", "1" }, { "end_time", "32" },
        { "busy", "56" }, { "idle", "8" }, { "idle_fraction", "0.125" }, { "best", "0.25" },
        { "time_first_rmax", "32" }, { "time_to_target", "" },
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_string_equal(field(names, vals, nn, want[i][0]), want[i][1]);
    free(buf);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_execute_errors),
        cmocka_unit_test(test_summary_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
