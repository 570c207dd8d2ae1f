/*
 * tests/test_sweep.c -- sweeps: the engine's sampled best-so-far against its
 * own trace, sweep rows against single runs, byte-identical files whatever
 * the thread count, shards merged back into exactly the unsharded files,
 * failed runs recorded while the sweep goes on.  Lists and statistics:
 * test_sweep_list_stats.c; the journal: test_sweep_journal.c.
 */
#include "sim/output.h"
#include "sim/sweep/sweep.h"
#include "tests/sweep_fixture.h"
#include "sim/record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the engine's samples against its own trace ------------------------ */

static void test_samples_match_trace(void **state)
{
    (void)state;
    size_t found = 0, earlier = 0; /* cells with a time_to_target_rmax; of them, ttt earlier */
    for (size_t c = 0; c < 16; c++) {
        run_spec rs;
        sf_test_cell(NULL, c, &rs);
        double times[] = { 0, 0.5, 1, 2.75, 5, 10, 20, 39.999, 40, 1000 };
        size_t nt = sizeof times / sizeof *times;
        rs.ep.record = 1;
        rs.ep.sample_times = times;
        rs.ep.n_samples = nt;
        run_result res;
        char err[1024];
        if (run_spec_execute(&rs, &res, NULL, err, sizeof err) != 0)
            fail_msg("%s", err);
        assert_non_null(res.samples);
        for (size_t i = 0; i < nt; i++) {
            double best = (double)NAN, best_rmax = (double)NAN;
            for (size_t r = 0; r < res.n_results; r++) {
                const result_row *x = &res.results[r];
                if (x->time <= times[i] && !(x->metric >= best))
                    best = x->metric;
                if (x->time <= times[i] && x->decision == SCHED_DONE &&
                    !(x->metric >= best_rmax))
                    best_rmax = x->metric;
            }
            if (!(best == res.samples[i] || (isnan(best) && isnan(res.samples[i]))))
                fail_msg("cell %zu, time %g: sample %g, trace %g", c, times[i], res.samples[i],
                         best);
            double sr = res.samples[nt + i];
            if (!(best_rmax == sr || (isnan(best_rmax) && isnan(sr))))
                fail_msg("cell %zu, time %g: best_rmax sample %g, trace %g", c, times[i], sr,
                         best_rmax);
        }
        /* the two times to target against the trace: any result, an r_max result */
        double ttt = (double)NAN, tttr = (double)NAN;
        for (size_t r = 0; r < res.n_results; r++) {
            const result_row *x = &res.results[r];
            if (isnan(ttt) && x->metric <= rs.ep.target)
                ttt = x->time;
            if (isnan(tttr) && x->decision == SCHED_DONE && x->metric <= rs.ep.target)
                tttr = x->time;
        }
        assert_true(ttt == res.sum.time_to_target || (isnan(ttt) && isnan(res.sum.time_to_target)));
        assert_true(tttr == res.sum.time_to_target_rmax ||
                    (isnan(tttr) && isnan(res.sum.time_to_target_rmax)));
        found += !isnan(tttr);
        earlier += ttt < tttr;
        run_result_free(&res);
    }
    assert_true(found > 0 && earlier > 0); /* the checks above were not vacuous */
}

/* ---- sweep rows are the single runs' summaries ------------------------- */

static void test_rows_match_runs(void **state)
{
    (void)state;
    char dir[128];
    sf_tmp_dir(dir, sizeof dir, "rows");
    sweep_plan p = sf_test_plan();
    p.threads = 3;
    sf_run_ok(&p, dir);
    size_t len;
    char *text = sf_slurp(dir, "sweep.csv", &len);
    char *want = NULL;
    size_t wlen = 0;
    FILE *m = open_memstream(&want, &wlen);
    char *hb = NULL;
    size_t hl = 0;
    FILE *h = open_memstream(&hb, &hl);
    summary_header(h);
    fclose(h);
    fprintf(m, "cell,%.*s,status\n", (int)hl - 1, hb);
    free(hb);
    char *rb = NULL;
    size_t rl = 0;
    for (size_t c = 0; c < p.ncells; c++)
        for (size_t s = 0; s < p.nseeds; s++) {
            run_spec rs;
            sf_test_cell(NULL, c, &rs);
            rs.seed = sf_seeds[s];
            rs.ep.record = 0;
            run_result res;
            char err[1024];
            if (run_spec_execute(&rs, &res, NULL, err, sizeof err) != 0)
                fail_msg("%s", err);
            FILE *r = open_memstream(&rb, &rl);
            summary_row(r, &rs, &res.sum);
            fclose(r);
            fprintf(m, "%zu,%.*s,ok\n", c, (int)rl - 1, rb);
            free(rb);
            run_result_free(&res);
        }
    fclose(m);
    assert_int_equal(len, wlen);
    assert_memory_equal(text, want, len);
    free(text);
    free(want);
    /* one agg row per cell, curves for every cell (finite horizon) */
    char *agg = sf_slurp(dir, "sweep_agg.csv", &len), *cur = sf_slurp(dir, "sweep_curves.csv", &wlen);
    size_t na = 0, nc = 0;
    for (size_t i = 0; agg[i]; i++)
        na += agg[i] == '\n';
    for (size_t i = 0; cur[i]; i++)
        nc += cur[i] == '\n';
    assert_int_equal(na, 1 + p.ncells);
    assert_int_equal(nc, 1 + p.ncells * p.curve_points);
    free(agg);
    free(cur);
    sf_rm_dir(dir);
}

/* ---- determinism and shards -------------------------------------------- */

static void test_threads_identical(void **state)
{
    (void)state;
    char d1[128], d4[128];
    sf_tmp_dir(d1, sizeof d1, "t1");
    sf_tmp_dir(d4, sizeof d4, "t4");
    sweep_plan p = sf_test_plan();
    p.threads = 1;
    sf_run_ok(&p, d1);
    p.threads = 4;
    sf_run_ok(&p, d4);
    sf_same_files(d1, d4);
    sf_rm_dir(d1);
    sf_rm_dir(d4);
}

static void test_shards_merge(void **state)
{
    (void)state;
    char whole[128], part[3][128], merged[128], err[4096];
    sf_tmp_dir(whole, sizeof whole, "whole");
    sf_tmp_dir(merged, sizeof merged, "merged");
    sweep_plan p = sf_test_plan();
    p.threads = 2;
    sf_run_ok(&p, whole);
    for (uint32_t i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "part%u", i);
        sf_tmp_dir(part[i], sizeof part[i], name);
        p.shard = i;
        p.shards = 3;
        sf_run_ok(&p, part[i]);
    }
    const char *order[] = { part[2], part[0], part[1] };
    if (sweep_merge(order, 3, merged, err, sizeof err) != 0)
        fail_msg("merge: %s", err);
    sf_same_files(whole, merged);
    /* a missing part, a part twice, a part of another grid */
    const char *missing[] = { part[0], part[1] };
    assert_int_equal(sweep_merge(missing, 2, merged, err, sizeof err), -EINVAL);
    const char *twice[] = { part[0], part[1], part[1] };
    assert_int_equal(sweep_merge(twice, 3, merged, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "both shard 2/3"));
    char other[128];
    sf_tmp_dir(other, sizeof other, "other");
    p.shard = 1;
    p.curve_points = 7;
    sf_run_ok(&p, other);
    const char *mixed[] = { part[0], other, part[2] };
    assert_int_equal(sweep_merge(mixed, 3, merged, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "different grids"));
    sf_same_files(whole, merged); /* failed merges left the output alone */
    for (int i = 0; i < 3; i++)
        sf_rm_dir(part[i]);
    sf_rm_dir(other);
    sf_rm_dir(whole);
    sf_rm_dir(merged);
}
/* ---- failed runs ------------------------------------------------------- */

/* The text of the rows of sweep.csv whose cell is c, in order. */
static char *rows_of(const char *text, size_t c)
{
    size_t cap = strlen(text) + 1, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    for (const char *q = strchr(text, '\n') + 1; *q;) {
        const char *eol = strchr(q, '\n');
        if (strtoul(q, NULL, 10) == c) {
            memcpy(out + len, q, (size_t)(eol - q) + 1);
            len += (size_t)(eol - q) + 1;
        }
        q = eol + 1;
    }
    out[len] = '\0';
    return out;
}

static void test_bad_cell(void **state)
{
    (void)state;
    char dir[128], good[128], err[4096];
    sf_tmp_dir(dir, sizeof dir, "bad");
    sf_tmp_dir(good, sizeof good, "good");
    sweep_plan p = sf_test_plan();
    sf_run_ok(&p, good);
    /* cell 5 cannot run (r_min 20 > r_max 9): its rows say why, the rest
     * are exactly the rows of the sweep without it */
    p.cell_ctx = (void *)1;
    p.threads = 3;
    sweep_report rep;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), 0);
    assert_int_equal(rep.failed, 3);
    assert_int_equal(rep.done, 48);
    size_t la, lb;
    char *a = sf_slurp(dir, "sweep.csv", &la), *b = sf_slurp(good, "sweep.csv", &lb);
    for (size_t c = 0; c < p.ncells; c++) {
        char *x = rows_of(a, c), *y = rows_of(b, c);
        if (c != 5)
            assert_string_equal(x, y);
        else
            for (char *q = x; *q; q = strchr(q, '\n') + 1)
                assert_non_null(strstr(q, ",,,,,,,,,,,,,,,--r-min 20 is larger than --r-max 9\n"));
        free(x);
        free(y);
    }
    free(a);
    free(b);
    char *agg = sf_slurp(dir, "sweep_agg.csv", &la);
    assert_non_null(strstr(agg, ",runs,runs_ok,"));
    char *row5 = strstr(agg, "\n5,");
    assert_non_null(row5);
    assert_non_null(strstr(row5, ",3,0,,,,,")); /* runs 3, runs_ok 0, no statistics */
    free(agg);
    sf_rm_dir(dir);
    sf_rm_dir(good);
    /* a grid where no cell can run is bad input: nothing written */
    sweep_plan q = p;
    q.ncells = 6;
    q.shards = 6;
    q.shard = 5; /* only cell 5 */
    assert_int_equal(sweep_run(&q, dir, &rep, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "cell 5"));
    assert_int_equal(access(dir, F_OK), -1);
    p.cell_ctx = NULL;
    p.shards = 2;
    p.shard = 2;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINVAL);
}

/* Faults injected by run index: 7 an invariant violation, 11 out of memory
 * -- always, or (flaky) only the first time each is tried. */
typedef struct {
    char seen[1024];
} failed_log;

static void on_failed(void *ctx, size_t cell, uint64_t seed, const char *why)
{
    failed_log *l = ctx;
    size_t len = strlen(l->seen);
    snprintf(l->seen + len, sizeof l->seen - len, "%zu/%llu:%.12s;", cell,
             (unsigned long long)seed, why);
}

static void test_failed_runs(void **state)
{
    (void)state;
    char d1[128], d4[128], err[4096];
    sf_tmp_dir(d1, sizeof d1, "f1");
    sf_tmp_dir(d4, sizeof d4, "f4");
    faults f = { 0 };
    failed_log log = { "" };
    sweep_plan p = sf_test_plan();
    p.inject = sf_inject;
    p.inject_ctx = &f;
    p.failed = on_failed;
    p.failed_ctx = &log;
    sweep_report rep;
    assert_int_equal(sweep_run(&p, d1, &rep, err, sizeof err), 0);
    assert_int_equal(rep.failed, 2);
    /* run 7 is cell 2, seed 2 (index 1); run 11 is cell 3, seed 3 */
    assert_string_equal(log.seen, "2/2:internal err;3/3:run failed: ;");
    p.threads = 4;
    p.failed = NULL;
    assert_int_equal(sweep_run(&p, d4, &rep, err, sizeof err), 0);
    sf_same_files(d1, d4);
    size_t len;
    char *text = sf_slurp(d1, "sweep.csv", &len);
    assert_non_null(strstr(text, ",\"internal error: invariant violated: \"\"test\"\", injected\"\n"));
    assert_non_null(strstr(text, ",run failed: out of memory\n"));
    free(text);
    char *agg = sf_slurp(d1, "sweep_agg.csv", &len);
    assert_non_null(strstr(agg, "\n2,"));
    assert_non_null(strstr(strstr(agg, "\n2,"), ",3,2,")); /* runs 3, runs_ok 2 */
    assert_non_null(strstr(strstr(agg, "\n4,"), ",3,3,"));
    free(agg);
    sf_rm_dir(d1);
    sf_rm_dir(d4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_match_trace),
        cmocka_unit_test(test_rows_match_runs),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_shards_merge),
        cmocka_unit_test(test_bad_cell),
        cmocka_unit_test(test_failed_runs),
    };
    return cmocka_run_group_tests_name("sweep", tests, sf_setup, sf_teardown);
}
