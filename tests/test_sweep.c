/*
 * tests/test_sweep.c -- sweeps: lists and ranges, statistics against known
 * values, the engine's sampled best-so-far against its own trace, sweep rows
 * against single runs, byte-identical files whatever the thread count, and
 * shards merged back into exactly the unsharded files.
 */
#include "sim/output.h"
#include "sim/sweep.h"
#include "tests/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const files[] = { "sweep.csv", "sweep_agg.csv", "sweep_curves.csv",
                                     "sweep_info.csv" };
#define NFILES (sizeof files / sizeof *files)

/* ---- helpers ----------------------------------------------------------- */

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    assert_non_null(buf);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void same_files(const char *a, const char *b)
{
    for (size_t i = 0; i < NFILES; i++) {
        size_t la, lb;
        char *x = slurp(a, files[i], &la), *y = slurp(b, files[i], &lb);
        if (la != lb || memcmp(x, y, la) != 0)
            fail_msg("%s differs between %s and %s", files[i], a, b);
        free(x);
        free(y);
    }
}

static void rm_dir(const char *dir)
{
    char path[512];
    for (size_t i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static char tmp_root[64];

static void tmp_dir(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmp_root, name);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmp_root, sizeof tmp_root, "/tmp/shsim_test_sweep.XXXXXX");
    return mkdtemp(tmp_root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmp_root);
}

/* A small grid: 4 scheduler variants x workers {1, 5} x eta {2, 3}. */
static void test_cell(void *ctx, size_t c, run_spec *rs)
{
    int bad = ctx != NULL; /* a grid with an impossible cell */
    *rs = run_spec_default();
    snprintf(rs->workload, sizeof rs->workload, "synthetic:lognormal:1:0.5");
    rs->ep.workers = c % 2 ? 5 : 1;
    rs->sp.eta = (c / 2) % 2 ? 3 : 2;
    rs->sp.r_min = 1;
    rs->sp.r_max = 9;
    rs->r_max_given = 1;
    rs->ep.horizon = 40;
    rs->ep.target = 0.2;
    switch (c / 4) {
    case 0: rs->type = sched_sh; rs->sp.barrier = SCHED_BARRIER_STRICT; break;
    case 1: rs->type = sched_sh; rs->sp.barrier = SCHED_BARRIER_FILL; break;
    case 2: rs->type = sched_asha; rs->sp.type = SCHED_ASHA_PROMOTION; break;
    default:
        rs->type = sched_asha;
        rs->sp.type = SCHED_ASHA_STOPPING;
        rs->sp.rule = SCHED_RULE_QUANTILE;
        break;
    }
    if (bad && c == 5)
        rs->sp.r_min = 20;
}

static const uint64_t test_seeds[] = { 1, 2, 3 };

static sweep_plan test_plan(void)
{
    sweep_plan p = sweep_default_plan();
    p.ncells = 16;
    p.cell = test_cell;
    p.seeds = test_seeds;
    p.nseeds = 3;
    p.curve_points = 8;
    return p;
}

static void run_ok(const sweep_plan *p, const char *dir)
{
    char err[4096];
    int rc = sweep_run(p, dir, err, sizeof err);
    if (rc != 0)
        fail_msg("sweep_run: %s", err);
}

/* ---- lists ------------------------------------------------------------- */

static void check_list(const char *text, int ranges, const char *want)
{
    sweep_strv sv = { 0 };
    char err[256], got[1024] = "";
    int rc = sweep_list(text, ranges, &sv, err, sizeof err);
    if (rc != 0)
        fail_msg("sweep_list(%s): %s", text, err);
    for (size_t i = 0; i < sv.n; i++) {
        strcat(got, i ? " " : "");
        strcat(got, sv.v[i]);
    }
    if (strcmp(got, want) != 0)
        fail_msg("sweep_list(%s) = '%s', want '%s'", text, got, want);
    sweep_strv_free(&sv);
}

static void test_lists(void **state)
{
    (void)state;
    check_list("1..256*2", 1, "1 2 4 8 16 32 64 128 256");
    check_list("1..5", 1, "1 2 3 4 5");
    check_list("1..10+3", 1, "1 4 7 10");
    check_list("3..100*3, 7", 1, "3 9 27 81 7");
    check_list("0.5..2+0.5", 1, "0.5 1 1.5 2");
    check_list("0.1..0.3+0.1", 1, "0.1 0.2 0.3");
    check_list("18446744073709551614..18446744073709551615", 1,
               "18446744073709551614 18446744073709551615");
    check_list("1e-3..1e-1*10", 1, "0.001 0.01 0.1");
    check_list("sh:strict, asha:stopping:rank ,random", 0, "sh:strict asha:stopping:rank random");
    check_list("a..b", 0, "a..b");
    const char *bad[] = { "", "1,,2", "5..1", "1..x", "1..10*1", "0..10*2", "1..10+0", " , " };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sweep_strv sv = { 0 };
        char err[256] = "";
        if (sweep_list(bad[i], 1, &sv, err, sizeof err) != -EINVAL)
            fail_msg("sweep_list('%s') accepted", bad[i]);
        assert_true(strlen(err) > 0);
        sweep_strv_free(&sv);
    }
}

/* ---- statistics: known values ----------------------------------------- */

static void test_stats(void **state)
{
    (void)state;
    double x[] = { 1, 2, NAN, 3, 4, 5 };
    sweep_stat s = sweep_stat_of(x, 6);
    assert_int_equal(s.n, 5);
    assert_close(s.mean, 3.0, 1e-15, 0);
    assert_close(s.sd, sqrt(2.5), 1e-15, 0);
    /* t(0.975, 4) = 2.7764451051977987 */
    double h = 2.7764451051977987 * sqrt(2.5) / sqrt(5.0);
    assert_close(s.lo, 3.0 - h, 1e-12, 0);
    assert_close(s.hi, 3.0 + h, 1e-12, 0);
    double y[] = { 7 };
    s = sweep_stat_of(y, 1);
    assert_int_equal(s.n, 1);
    assert_double_exact(s.mean, 7.0);
    assert_true(isnan(s.sd) && isnan(s.lo) && isnan(s.hi));
    double z[] = { NAN, NAN };
    s = sweep_stat_of(z, 2);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean));
    double w[] = { 0.25, 0.25, 0.25 };
    s = sweep_stat_of(w, 3);
    assert_double_exact(s.sd, 0.0);
    assert_double_exact(s.lo, s.mean);
}

/* ---- the engine's samples against its own trace ------------------------ */

static void test_samples_match_trace(void **state)
{
    (void)state;
    for (size_t c = 0; c < 16; c++) {
        run_spec rs;
        test_cell(NULL, c, &rs);
        double times[] = { 0, 0.5, 1, 2.75, 5, 10, 20, 39.999, 40, 1000 };
        size_t nt = sizeof times / sizeof *times;
        rs.ep.trace = 1;
        rs.ep.sample_times = times;
        rs.ep.n_samples = nt;
        run_result res;
        char err[1024];
        if (run_spec_execute(&rs, &res, NULL, err, sizeof err) != 0)
            fail_msg("%s", err);
        assert_non_null(res.samples);
        for (size_t i = 0; i < nt; i++) {
            double best = NAN;
            for (size_t r = 0; r < res.n_results; r++)
                if (res.results[r].time <= times[i] && !(res.results[r].metric >= best))
                    best = res.results[r].metric;
            if (!(best == res.samples[i] || (isnan(best) && isnan(res.samples[i]))))
                fail_msg("cell %zu, time %g: sample %g, trace %g", c, times[i], res.samples[i],
                         best);
        }
        run_result_free(&res);
    }
}

/* ---- sweep rows are the single runs' summaries ------------------------- */

static void test_rows_match_runs(void **state)
{
    (void)state;
    char dir[128];
    tmp_dir(dir, sizeof dir, "rows");
    sweep_plan p = test_plan();
    p.threads = 3;
    run_ok(&p, dir);
    size_t len;
    char *text = slurp(dir, "sweep.csv", &len);
    char *want = NULL;
    size_t wlen = 0;
    FILE *m = open_memstream(&want, &wlen);
    fputs("cell,", m);
    summary_header(m);
    for (size_t c = 0; c < p.ncells; c++)
        for (size_t s = 0; s < p.nseeds; s++) {
            run_spec rs;
            test_cell(NULL, c, &rs);
            rs.seed = test_seeds[s];
            rs.ep.trace = 0;
            run_result res;
            char err[1024];
            if (run_spec_execute(&rs, &res, NULL, err, sizeof err) != 0)
                fail_msg("%s", err);
            fprintf(m, "%zu,", c);
            summary_row(m, &rs, &res.sum);
            run_result_free(&res);
        }
    fclose(m);
    assert_int_equal(len, wlen);
    assert_memory_equal(text, want, len);
    free(text);
    free(want);
    /* one agg row per cell, curves for every cell (finite horizon) */
    char *agg = slurp(dir, "sweep_agg.csv", &len), *cur = slurp(dir, "sweep_curves.csv", &wlen);
    size_t na = 0, nc = 0;
    for (size_t i = 0; agg[i]; i++)
        na += agg[i] == '\n';
    for (size_t i = 0; cur[i]; i++)
        nc += cur[i] == '\n';
    assert_int_equal(na, 1 + p.ncells);
    assert_int_equal(nc, 1 + p.ncells * p.curve_points);
    free(agg);
    free(cur);
    rm_dir(dir);
}

/* ---- determinism and shards -------------------------------------------- */

static void test_threads_identical(void **state)
{
    (void)state;
    char d1[128], d4[128];
    tmp_dir(d1, sizeof d1, "t1");
    tmp_dir(d4, sizeof d4, "t4");
    sweep_plan p = test_plan();
    p.threads = 1;
    run_ok(&p, d1);
    p.threads = 4;
    run_ok(&p, d4);
    same_files(d1, d4);
    rm_dir(d1);
    rm_dir(d4);
}

static void test_shards_merge(void **state)
{
    (void)state;
    char whole[128], part[3][128], merged[128], err[4096];
    tmp_dir(whole, sizeof whole, "whole");
    tmp_dir(merged, sizeof merged, "merged");
    sweep_plan p = test_plan();
    p.threads = 2;
    run_ok(&p, whole);
    for (uint32_t i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "part%u", i);
        tmp_dir(part[i], sizeof part[i], name);
        p.shard = i;
        p.shards = 3;
        run_ok(&p, part[i]);
    }
    const char *order[] = { part[2], part[0], part[1] };
    if (sweep_merge(order, 3, merged, err, sizeof err) != 0)
        fail_msg("merge: %s", err);
    same_files(whole, merged);
    /* a missing part, a part twice, a part of another grid */
    const char *missing[] = { part[0], part[1] };
    assert_int_equal(sweep_merge(missing, 2, merged, err, sizeof err), -EINVAL);
    const char *twice[] = { part[0], part[1], part[1] };
    assert_int_equal(sweep_merge(twice, 3, merged, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "both shard 2/3"));
    char other[128];
    tmp_dir(other, sizeof other, "other");
    p.shard = 1;
    p.curve_points = 7;
    run_ok(&p, other);
    const char *mixed[] = { part[0], other, part[2] };
    assert_int_equal(sweep_merge(mixed, 3, merged, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "different grids"));
    same_files(whole, merged); /* failed merges left the output alone */
    for (int i = 0; i < 3; i++)
        rm_dir(part[i]);
    rm_dir(other);
    rm_dir(whole);
    rm_dir(merged);
}

static void test_bad_cell(void **state)
{
    (void)state;
    char dir[128], err[4096];
    tmp_dir(dir, sizeof dir, "bad");
    sweep_plan p = test_plan();
    p.cell_ctx = (void *)1;
    assert_int_equal(sweep_run(&p, dir, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "cell 5"));
    assert_int_equal(access(dir, F_OK), -1); /* nothing written */
    p.cell_ctx = NULL;
    p.shards = 2;
    p.shard = 2;
    assert_int_equal(sweep_run(&p, dir, err, sizeof err), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_samples_match_trace),
        cmocka_unit_test(test_rows_match_runs),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_shards_merge),
        cmocka_unit_test(test_bad_cell),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
