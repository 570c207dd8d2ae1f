/*
 * tests/test_sweep.c -- sweeps: lists and ranges, statistics against known
 * values, the engine's sampled best-so-far against its own trace, sweep rows
 * against single runs, byte-identical files whatever the thread count,
 * shards merged back into exactly the unsharded files, failed runs recorded
 * while the sweep goes on, and interrupted sweeps resumed into exactly the
 * files of an uninterrupted one (torn and corrupt journal lines, another
 * grid's journal, an existing journal without --resume).
 */
#include "sim/output.h"
#include "sim/sweep/sweep.h"
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
    snprintf(path, sizeof path, "%s/%s", dir, SWEEP_JOURNAL);
    unlink(path);
    rmdir(dir);
}

static int exists(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
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
    sweep_report rep;
    int rc = sweep_run(p, dir, &rep, err, sizeof err);
    if (rc != 0)
        fail_msg("sweep_run: %s", err);
    assert_int_equal(rep.failed, 0);
    assert_int_equal(rep.done, rep.runs);
    assert_false(exists(dir, SWEEP_JOURNAL)); /* removed once complete */
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
    const char *bad[] = { "", "1,,2", "5..1", "1..x", "1..10*1", "0..10*2", "1..10+0", " , ",
                          "1..600000,1..600000" };
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
    double x[] = { 1, 2, (double)NAN, 3, 4, 5 };
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
    double z[] = { (double)NAN, (double)NAN };
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
    size_t found = 0, earlier = 0; /* cells with a time_to_target_rmax; of them, ttt earlier */
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
            double best = (double)NAN, best_rmax = (double)NAN;
            for (size_t r = 0; r < res.n_results; r++) {
                const result_row *x = &res.results[r];
                if (x->time <= times[i] && !(x->metric >= best))
                    best = x->metric;
                if (x->time <= times[i] && x->decision == SCHED_FINISH &&
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
            if (isnan(tttr) && x->decision == SCHED_FINISH && x->metric <= rs.ep.target)
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
    tmp_dir(dir, sizeof dir, "rows");
    sweep_plan p = test_plan();
    p.threads = 3;
    run_ok(&p, dir);
    size_t len;
    char *text = slurp(dir, "sweep.csv", &len);
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
            test_cell(NULL, c, &rs);
            rs.seed = test_seeds[s];
            rs.ep.trace = 0;
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
    tmp_dir(dir, sizeof dir, "bad");
    tmp_dir(good, sizeof good, "good");
    sweep_plan p = test_plan();
    run_ok(&p, good);
    /* cell 5 cannot run (r_min 20 > r_max 9): its rows say why, the rest
     * are exactly the rows of the sweep without it */
    p.cell_ctx = (void *)1;
    p.threads = 3;
    sweep_report rep;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), 0);
    assert_int_equal(rep.failed, 3);
    assert_int_equal(rep.done, 48);
    size_t la, lb;
    char *a = slurp(dir, "sweep.csv", &la), *b = slurp(good, "sweep.csv", &lb);
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
    char *agg = slurp(dir, "sweep_agg.csv", &la);
    assert_non_null(strstr(agg, ",runs,runs_ok,"));
    char *row5 = strstr(agg, "\n5,");
    assert_non_null(row5);
    assert_non_null(strstr(row5, ",3,0,,,,,")); /* runs 3, runs_ok 0, no statistics */
    free(agg);
    rm_dir(dir);
    rm_dir(good);
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
    int flaky, tried[64];
    size_t calls;
} faults;

static int inject(void *ctx, size_t r, char *why, size_t n)
{
    faults *f = ctx;
    f->calls++;
    if ((r != 7 && r != 11) || (f->flaky && f->tried[r]++))
        return 0;
    snprintf(why, n, r == 7 ? "internal error: invariant violated: \"test\", injected"
                            : "run failed: out of memory");
    return r == 7 ? -EPROTO : -ENOMEM;
}

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
    tmp_dir(d1, sizeof d1, "f1");
    tmp_dir(d4, sizeof d4, "f4");
    faults f = { 0 };
    failed_log log = { "" };
    sweep_plan p = test_plan();
    p.inject = inject;
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
    same_files(d1, d4);
    size_t len;
    char *text = slurp(d1, "sweep.csv", &len);
    assert_non_null(strstr(text, ",\"internal error: invariant violated: \"\"test\"\", injected\"\n"));
    assert_non_null(strstr(text, ",run failed: out of memory\n"));
    free(text);
    char *agg = slurp(d1, "sweep_agg.csv", &len);
    assert_non_null(strstr(agg, "\n2,"));
    assert_non_null(strstr(strstr(agg, "\n2,"), ",3,2,")); /* runs 3, runs_ok 2 */
    assert_non_null(strstr(strstr(agg, "\n4,"), ",3,3,"));
    free(agg);
    rm_dir(d1);
    rm_dir(d4);
}

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
    tmp_dir(whole, sizeof whole, "uninterrupted");
    tmp_dir(dir, sizeof dir, "resumed");
    sweep_plan p = test_plan();
    p.threads = 2;
    run_ok(&p, whole);

    /* stop after 7 runs, as an interruption would */
    sweep_report rep;
    p.threads = 3;
    p.max_runs = 7;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINTR);
    assert_int_equal(rep.done, 7);
    assert_int_equal(rep.runs, 48);
    assert_non_null(strstr(err, "interrupted: 7 of 48 runs done; resume with --resume"));
    assert_true(exists(dir, SWEEP_JOURNAL));
    assert_false(exists(dir, "sweep.csv"));
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
    assert_false(exists(dir, SWEEP_JOURNAL));
    same_files(whole, dir);
    /* resuming a complete sweep runs nothing */
    faults f = { 0 };
    p.inject = inject;
    p.inject_ctx = &f;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), 0);
    assert_true(rep.complete);
    assert_int_equal(f.calls, 0);
    same_files(whole, dir);
    rm_dir(dir);

    /* failed runs are journaled and tried again on resume: a passing
     * failure (out of memory) then succeeds */
    f.flaky = 1;
    p.resume = 0;
    sweep_report r1;
    assert_int_equal(sweep_run(&p, dir, &r1, err, sizeof err), 0);
    assert_int_equal(r1.failed, 2);
    rm_dir(dir);
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
    same_files(whole, dir);
    rm_dir(dir);
    rm_dir(whole);
}

static void test_resume_refused(void **state)
{
    (void)state;
    char dir[128], err[4096];
    tmp_dir(dir, sizeof dir, "stopped");
    sweep_plan p = test_plan();
    sweep_report rep;
    /* stopped before any run (a signal at once): a journal with only its
     * header, which a resume of another grid refuses */
    atomic_int stop = 2;
    p.stop = &stop;
    assert_int_equal(sweep_run(&p, dir, &rep, err, sizeof err), -EINTR);
    assert_int_equal(rep.done, 0);
    assert_true(exists(dir, SWEEP_JOURNAL));
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
    rm_dir(dir);
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
        cmocka_unit_test(test_failed_runs),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_resume_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
