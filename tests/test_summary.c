/*
 * tests/test_summary.c -- the summary columns (sim/summary.h, sim/summary.c):
 * the header they generate, pinned byte for byte; a run's row has a field
 * per header column and each metric field is summary_value() of that
 * column; the start values; the derived column's known value; the counts
 * the journal and the sweep files size themselves by; compare's table rows
 * are columns of the list.
 */
#include "sim/cli/cli_compare.h"
#include "sim/output.h"
#include "sim/record.h"
#include "tests/testutil.h"

#include <stdlib.h>
#include <string.h>

/* The whole of what f wrote through a memstream, NUL-terminated. */
typedef struct {
    FILE *f;
    char *buf;
    size_t len;
} mem;

static void mem_open(mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    assert_non_null(m->f);
}

static char *mem_close(mem *m)
{
    assert_int_equal(fclose(m->f), 0);
    return m->buf;
}

/* Split line (no quotes in it) at commas in place, the newline dropped. */
static size_t split(char *line, char **field, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\n")] = '\0';
    for (char *p = line;; p++) {
        assert_true(n < max);
        field[n++] = p;
        if (!(p = strchr(p, ',')))
            return n;
        *p = '\0';
    }
}

/* The header, byte for byte: every file that repeats these columns
 * (summary.csv, sweep.csv, sweep_agg.csv, sweep_curves.csv) depends on it. */
static void test_header_pinned(void **state)
{
    (void)state;
    mem m;
    mem_open(&m);
    summary_header(m.f);
    char *h = mem_close(&m);
    assert_string_equal(
        h, "scheduler,variant,rule,resume,workers,eta,r_min,r_max,workload,seed,horizon,target,"
           "noise,worker_speed,slow_workers,drop,on_drop,order,brackets,trials_started,trials_rmax,jobs,"
           "epochs_trained,epochs_replayed,jobs_cut,jobs_dropped,end_time,busy,idle,"
           "idle_fraction,best,best_rmax,time_to_target,time_first_rmax,time_to_target_rmax\n");
    free(h);
    mem_open(&m);
    summary_spec_header(m.f);
    h = mem_close(&m);
    assert_string_equal(h, "scheduler,variant,rule,resume,workers,eta,r_min,r_max,workload,"
                           "seed,horizon,target,noise,worker_speed,slow_workers,drop,on_drop,"
                           "order,brackets");
    free(h);
}

/* The counts the journal and sweep_agg.csv size themselves by. */
static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(SUMMARY_NCOLUMNS, 16);
    assert_int_equal(SUMMARY_NCOUNTS, 7);
    assert_int_equal(SUMMARY_NSTORED_DOUBLES, 8); /* idle_fraction is derived */
    size_t may_miss = 0;
    for (size_t i = 0; i < SUMMARY_NCOLUMNS; i++)
        may_miss += summary_columns[i].may_miss != 0;
    assert_int_equal(may_miss, 5);
    assert_string_equal(summary_columns[10].name, "idle_fraction");
    /* the files of a run, as `shsim run --help` lists them */
    static const char *const files[] = { "jobs.csv", "results.csv", "idle.csv", "best.csv",
                                         "trials.csv", "summary.csv" };
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(record_file_name(i), files[i]);
    assert_null(record_file_name(6));
}

/* A real run's row: one field per header column, the describing ones as
 * the spec says, each metric field summary_value() in shortest form. */
static void test_row_matches_values(void **state)
{
    (void)state;
    run_spec rs = run_spec_figure(sched_asha); /* d2l Fig. 19.5.2 */
    rs.ep.target = 0.25;
    run_result r;
    char err[4608];
    if (run_spec_execute(&rs, &r, NULL, err, sizeof err) != 0)
        fail_msg("%s", err);
    mem m;
    mem_open(&m);
    summary_header(m.f);
    char *h = mem_close(&m);
    mem_open(&m);
    summary_row(m.f, &rs, &r.sum);
    char *row = mem_close(&m);
    assert_int_equal(row[strlen(row) - 1], '\n');
    char *hf[64], *rf[64];
    size_t nh = split(h, hf, 64), nr = split(row, rf, 64);
    assert_int_equal(nh, nr);
    assert_int_equal(nh, 19 + SUMMARY_NCOLUMNS);
    assert_string_equal(rf[0], "asha");
    assert_string_equal(rf[1], "promotion");
    assert_string_equal(rf[2], "topk");
    assert_string_equal(rf[8], "figure");
    assert_string_equal(rf[17], "file");
    assert_string_equal(rf[18], "1");
    for (size_t i = 0; i < SUMMARY_NCOLUMNS; i++) {
        char want[64];
        base_fmt_double(want, sizeof want, summary_value(&r.sum, i));
        assert_string_equal(hf[19 + i], summary_columns[i].name);
        if (strcmp(rf[19 + i], want) != 0)
            fail_msg("column %s: row has '%s', summary_value '%s'", summary_columns[i].name,
                     rf[19 + i], want);
    }
    /* the figure run: 2 workers busy to the horizon 32, nothing idle */
    assert_double_exact(r.sum.end_time, 32);
    assert_double_exact(summary_value(&r.sum, 10), 0.0);
    free(h);
    free(row);
    run_result_free(&r);
}

static void test_init_and_derived(void **state)
{
    (void)state;
    run_summary s;
    summary_init(&s);
    for (size_t i = 0; i < SUMMARY_NCOLUMNS; i++) {
        double v = summary_value(&s, i);
        if (summary_columns[i].may_miss)
            assert_true(isnan(v));
        else
            assert_double_exact(v, 0.0);
    }
    s.workers = 4;
    s.end_time = 10;
    s.idle = 5;
    assert_double_exact(summary_idle_fraction(&s), 0.125);
    s.trials_started = 7;
    assert_double_exact(summary_value(&s, 0), 7.0);
    assert_true(isnan(summary_value(&s, SUMMARY_NCOLUMNS))); /* past the end */
}

/* Each column's label is one fact of the list: every column has one, no
 * two share one, counts print as integers; `shsim compare`'s table shows
 * its rows with the list's labels (pinned: the table's text). */
static void test_labels(void **state)
{
    (void)state;
    for (size_t i = 0; i < SUMMARY_NCOLUMNS; i++) {
        const summary_column *c = &summary_columns[i];
        assert_true(c->label && *c->label);
        assert_true(c->scale > 0 && c->decimals >= 0 && c->decimals <= 6);
        if (i < SUMMARY_NCOUNTS)
            assert_true(c->scale == 1 && c->decimals == 0);
        for (size_t k = 0; k < i; k++)
            if (strcmp(summary_columns[k].label, c->label) == 0)
                fail_msg("columns %s and %s share the label '%s'", summary_columns[k].name, c->name,
                         c->label);
    }
    assert_int_equal(SUMMARY_COL_idle_fraction, 10);
    static const char *const rows[] = { "idle % of worker time", "trials at r_max", "epochs trained",
                                        "best error", "best error at r_max", "time to target (s)",
                                        "target at r_max (s)", "first at r_max (s)" };
    assert_int_equal(compare_nmetrics, 8);
    for (size_t m = 0; m < compare_nmetrics; m++) {
        assert_true(compare_metrics[m] >= 0 && compare_metrics[m] < SUMMARY_NCOLUMNS);
        assert_string_equal(summary_columns[compare_metrics[m]].label, rows[m]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_pinned),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_row_matches_values),
        cmocka_unit_test(test_init_and_derived),
        cmocka_unit_test(test_labels),
    };
    return cmocka_run_group_tests_name("summary", tests, NULL, NULL);
}
