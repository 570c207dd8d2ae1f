/*
 * tests/sweep_fixture.c -- the small grid and the file helpers the sweep
 * tests share (sweep_fixture.h).
 */
#include "tests/sweep_fixture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const sf_files[SF_NFILES] = { "sweep.csv", "sweep_agg.csv", "sweep_curves.csv",
                                          "sweep_info.csv" };

char *sf_slurp(const char *dir, const char *name, size_t *len)
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

void sf_same_files(const char *a, const char *b)
{
    for (size_t i = 0; i < SF_NFILES; i++) {
        size_t la, lb;
        char *x = sf_slurp(a, sf_files[i], &la), *y = sf_slurp(b, sf_files[i], &lb);
        if (la != lb || memcmp(x, y, la) != 0)
            fail_msg("%s differs between %s and %s", sf_files[i], a, b);
        free(x);
        free(y);
    }
}

void sf_rm_dir(const char *dir)
{
    char path[512];
    for (size_t i = 0; i < SF_NFILES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, sf_files[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/%s", dir, SWEEP_JOURNAL);
    unlink(path);
    rmdir(dir);
}

int sf_exists(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static char tmp_root[64];

void sf_tmp_dir(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmp_root, name);
}

int sf_setup(void **state)
{
    (void)state;
    snprintf(tmp_root, sizeof tmp_root, "/tmp/shsim_test_sweep.XXXXXX");
    return mkdtemp(tmp_root) ? 0 : -1;
}

int sf_teardown(void **state)
{
    (void)state;
    return rmdir(tmp_root);
}

/* A small grid: 4 scheduler variants x workers {1, 5} x eta {2, 3}. */
void sf_test_cell(void *ctx, size_t c, run_spec *rs)
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
    case 0: rs->type = sched_sh; rs->sp.sh.barrier = SCHED_BARRIER_STRICT; break;
    case 1: rs->type = sched_sh; rs->sp.sh.barrier = SCHED_BARRIER_FILL; break;
    case 2: rs->type = sched_asha; rs->sp.asha.type = SCHED_ASHA_PROMOTION; break;
    default:
        rs->type = sched_asha;
        rs->sp.asha.type = SCHED_ASHA_STOPPING;
        rs->sp.asha.rule = SCHED_RULE_QUANTILE;
        break;
    }
    if (bad && c == 5)
        rs->sp.r_min = 20;
}

const uint64_t sf_seeds[3] = { 1, 2, 3 };

sweep_plan sf_test_plan(void)
{
    sweep_plan p = sweep_default_plan();
    p.ncells = 16;
    p.cell = sf_test_cell;
    p.seeds = sf_seeds;
    p.nseeds = 3;
    p.curve_points = 8;
    return p;
}

void sf_run_ok(const sweep_plan *p, const char *dir)
{
    char err[4096];
    sweep_report rep;
    int rc = sweep_run(p, dir, &rep, err, sizeof err);
    if (rc != 0)
        fail_msg("sweep_run: %s", err);
    assert_int_equal(rep.failed, 0);
    assert_int_equal(rep.done, rep.runs);
    assert_false(sf_exists(dir, SWEEP_JOURNAL)); /* removed once complete */
}

int sf_inject(void *ctx, size_t r, char *why, size_t n)
{
    faults *f = ctx;
    f->calls++;
    if ((r != 7 && r != 11) || (f->flaky && f->tried[r]++))
        return 0;
    snprintf(why, n, r == 7 ? "internal error: invariant violated: \"test\", injected"
                            : "run failed: out of memory");
    return r == 7 ? -EPROTO : -ENOMEM;
}
