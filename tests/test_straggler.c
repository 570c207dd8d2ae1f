/*
 * tests/test_straggler.c -- the straggler models (sim/straggler.h) and the
 * engine under them: known values of the counter-based draws, their
 * distributions, parsing, slow workers, noise that scales every epoch of a
 * job alike and pairs schedulers, dropped jobs (retry resumes from the last
 * reported epoch, lose ends the trial and keeps rungs completing), and runs
 * with every effect off being bit for bit those of before.
 *
 * Every run goes through run_spec_execute(), which also checks the
 * end-of-run invariants (time tiling, contiguous epochs, counts).
 */
#include "sim/engine.h"
#include "sim/run_spec.h"
#include "sim/straggler.h"
#include "tests/testutil.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

static void run_ok(run_spec *rs, run_result *res)
{
    char err[4608];
    int rc = run_spec_execute(rs, res, NULL, err, sizeof err);
    if (rc != 0)
        fail_msg("run failed: %s", err);
}

static run_spec spec(const sched_type *type, const char *wl, uint32_t workers)
{
    run_spec rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "%s", wl);
    rs.type = type;
    rs.ep.workers = workers;
    rs.sp.eta = 3;
    rs.sp.r_min = 1;
    rs.sp.r_max = 9;
    rs.r_max_given = 1;
    rs.sp.sh.barrier = SCHED_BARRIER_STRICT;
    rs.sp.asha.type = SCHED_ASHA_PROMOTION;
    rs.sp.asha.rule = SCHED_RULE_TOPK;
    rs.seed = 3;
    return rs;
}

static straggler_params noise(const char *s, uint64_t seed)
{
    straggler_params p = straggler_default_params();
    char err[256];
    if (straggler_parse_noise(&p, s, err, sizeof err) < 0)
        fail_msg("%s: %s", s, err);
    p.seed = seed;
    return p;
}

/* ---- the draws ---------------------------------------------------------- */

static void test_known_values(void **state)
{
    (void)state;
    const struct {
        const char *spec;
        double v[3];
    } kv[] = {
        { "lognormal:0.5", { 0.56321620996882105, 0.92529971140754441, 0.38647340814867009 } },
        { "normal:0.5", { 0.73734868894454375, 1.0684575903577727, 1.5808077185027063 } },
        { "pareto:2.5", { 1.2167870186788423, 0.66184233173984652, 0.91061957225962564 } },
        { "exponential", { 0.18722459027659791, 1.5256179502160887, 0.43448177517799924 } },
    };
    for (size_t i = 0; i < sizeof kv / sizeof *kv; i++) {
        straggler_params p = noise(kv[i].spec, 7);
        /* asked in another order than computed: no sequential state */
        assert_close(straggler_noise(&p, 123456, 3), kv[i].v[2], 1e-14, 0);
        assert_close(straggler_noise(&p, 5, 1), kv[i].v[1], 1e-14, 0);
        assert_close(straggler_noise(&p, 0, 0), kv[i].v[0], 1e-14, 0);
        assert_close(straggler_noise(&p, 123456, 3), kv[i].v[2], 1e-14, 0);
    }
    straggler_params p = straggler_default_params();
    p.seed = 7;
    p.drop = 0.5;
    const double u[] = { 0.200462919190592, 0.39214685766382462, 0.64964870822938847, -1,
                         0.24118361498385965, 0.84910498656593203 };
    for (uint32_t k = 0; k < 6; k++) {
        double x = -1;
        int d = straggler_drop(&p, k, 0, &x);
        assert_int_equal(d, u[k] >= 0);
        if (d)
            assert_close(x, u[k], 1e-15, 0);
    }
    /* off: factor exactly 1, never a drop */
    straggler_params off = straggler_default_params();
    assert_double_exact(straggler_noise(&off, 3, 0), 1.0);
    double x;
    assert_int_equal(straggler_drop(&off, 3, 0, &x), 0);
    assert_false(straggler_active(&off));
    /* normal:0 is the constant 1 */
    straggler_params n0 = noise("normal:0", 1);
    assert_double_exact(straggler_noise(&n0, 9, 2), 1.0);
}

/* Mean of n draws within 5 standard errors of the family's mean. */
static void test_noise_means(void **state)
{
    (void)state;
    const char *specs[] = { "lognormal:0.5", "lognormal:1", "normal:0.3", "normal:1",
                            "pareto:3", "exponential" };
    const uint32_t n = 20000;
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        straggler_params p = noise(specs[i], 11);
        double mean = 0, m2 = 0, min = (double)INFINITY;
        for (uint32_t k = 0; k < n; k++) {
            double f = straggler_noise(&p, k / 4, k % 4), d = f - mean;
            mean += d / (k + 1);
            m2 += d * (f - mean);
            min = fmin(min, f);
        }
        double se = sqrt(m2 / (n - 1) / n), want = straggler_noise_mean(p.noise, p.noise_param);
        if (!(fabs(mean - want) <= 5 * se))
            fail_msg("%s: mean %g, want %g (se %g)", specs[i], mean, want, se);
        assert_true(min > 0);
    }
    /* the truncated normal's mean */
    assert_close(straggler_noise_mean(STRAG_NOISE_NORMAL, 1), 1.2875999709391783, 1e-12, 0);
    assert_double_exact(straggler_noise_mean(STRAG_NOISE_LOGNORMAL, 0.7), 1.0);
}

static void test_drop_rate(void **state)
{
    (void)state;
    straggler_params p = straggler_default_params();
    p.drop = 0.1;
    p.seed = 5;
    const uint32_t n = 40000;
    uint32_t hits = 0;
    double usum = 0;
    for (uint32_t k = 0; k < n; k++) {
        double u;
        if (straggler_drop(&p, k, 0, &u)) {
            hits++;
            usum += u;
            assert_true(u > 0 && u < 1);
        }
    }
    double rate = (double)hits / n, se = sqrt(0.1 * 0.9 / n);
    if (!(fabs(rate - 0.1) <= 5 * se))
        fail_msg("drop rate %g, want 0.1 (se %g)", rate, se);
    /* u uniform: mean 1/2, sd 1/sqrt(12) */
    assert_close(usum / hits, 0.5, 0, 5 / sqrt(12.0 * hits));
}

static void test_parse(void **state)
{
    (void)state;
    char err[256], buf[512];
    straggler_params p = straggler_default_params();
    assert_int_equal(straggler_parse_noise(&p, "pareto:1.5", err, sizeof err), 0);
    straggler_noise_str(&p, buf, sizeof buf);
    assert_string_equal(buf, "pareto:1.5");
    assert_int_equal(straggler_parse_noise(&p, "exponential", err, sizeof err), 0);
    straggler_noise_str(&p, buf, sizeof buf);
    assert_string_equal(buf, "exponential");
    const char *bad[] = { "pareto:1", "pareto:0.5", "normal", "normal:", "normal:-1",
                          "lognormal:x", "lognormal:11", "gamma:2", "exponential:1", "",
                          "normal:nan", "normal:1e999" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (straggler_parse_noise(&p, bad[i], err, sizeof err) != -EINVAL)
            fail_msg("noise '%s' accepted", bad[i]);

    assert_int_equal(straggler_parse_speeds(&p, "1,1,1,0.33", err, sizeof err), 0);
    assert_int_equal(p.n_speed, 4);
    straggler_speeds_str(&p, buf, sizeof buf);
    assert_string_equal(buf, "1,1,1,0.33");
    const char *badsp[] = { "", "1,,2", "1,0", "-1", "1,x", "1,", "1e9" };
    for (size_t i = 0; i < sizeof badsp / sizeof *badsp; i++)
        if (straggler_parse_speeds(&p, badsp[i], err, sizeof err) != -EINVAL)
            fail_msg("speeds '%s' accepted", badsp[i]);

    assert_int_equal(straggler_parse_slow(&p, "2:3.5", err, sizeof err), 0);
    assert_int_equal(p.slow_k, 2);
    assert_double_exact(p.slow_factor, 3.5);
    straggler_slow_str(&p, buf, sizeof buf);
    assert_string_equal(buf, "2:3.5");
    const char *badsl[] = { "2", ":3", "2:", "2:0", "-1:2", "a:2", "2:3:4", " 2:3" };
    for (size_t i = 0; i < sizeof badsl / sizeof *badsl; i++)
        if (straggler_parse_slow(&p, badsl[i], err, sizeof err) != -EINVAL)
            fail_msg("slow workers '%s' accepted", badsl[i]);

    assert_int_equal(straggler_parse_on_drop(&p, "lose", err, sizeof err), 0);
    assert_int_equal(p.drop_retry, 0);
    assert_string_equal(straggler_on_drop_str(&p), "lose");
    assert_int_equal(straggler_parse_on_drop(&p, "again", err, sizeof err), -EINVAL);
}

static void test_slowdown(void **state)
{
    (void)state;
    straggler_params p = straggler_default_params();
    char err[256];
    assert_int_equal(straggler_parse_speeds(&p, "1,0.5,2", err, sizeof err), 0);
    assert_double_exact(straggler_slowdown(&p, 0, 4), 1);
    assert_double_exact(straggler_slowdown(&p, 1, 4), 2);
    assert_double_exact(straggler_slowdown(&p, 2, 4), 0.5);
    assert_double_exact(straggler_slowdown(&p, 3, 4), 1);
    p = straggler_default_params();
    assert_int_equal(straggler_parse_slow(&p, "2:3", err, sizeof err), 0);
    assert_double_exact(straggler_slowdown(&p, 0, 5), 1);
    assert_double_exact(straggler_slowdown(&p, 2, 5), 1);
    assert_double_exact(straggler_slowdown(&p, 3, 5), 3);
    assert_double_exact(straggler_slowdown(&p, 4, 5), 3);
    assert_int_equal(straggler_check(&p, 1, err, sizeof err), -EINVAL);
    assert_int_equal(straggler_check(&p, 2, err, sizeof err), 0);
}

/* ---- the engine --------------------------------------------------------- */

/* Random search, constant 1 s epochs, r_max 3: every job takes 3 s times its
 * worker's slowdown. */
static void test_slow_workers_exact(void **state)
{
    (void)state;
    char err[256];
    for (int form = 0; form < 2; form++) {
        run_spec rs = spec(sched_random, "synthetic:constant:1", 3);
        rs.sp.r_max = 3;
        rs.trials = 12;
        if (form == 0)
            assert_int_equal(straggler_parse_speeds(&rs.ep.strag, "1,0.5", err, sizeof err), 0);
        else
            assert_int_equal(straggler_parse_slow(&rs.ep.strag, "1:2", err, sizeof err), 0);
        uint32_t slow = form == 0 ? 1 : 2;
        run_result r;
        run_ok(&rs, &r);
        assert_int_equal(r.n_jobs, 12);
        for (size_t i = 0; i < r.n_jobs; i++)
            assert_double_exact(r.jobs[i].end - r.jobs[i].start, r.jobs[i].worker == slow ? 6 : 3);
        run_result_free(&r);
    }
}

/* With noise every epoch of a job takes F seconds (constant 1 s workload):
 * results inside a job are F apart, and F is the draw for (trial, job j). */
static void test_noise_scales_every_epoch(void **state)
{
    (void)state;
    run_spec rs = spec(sched_asha, "synthetic:constant:1", 4);
    rs.sp.asha.type = SCHED_ASHA_STOPPING;
    rs.sp.asha.rule = SCHED_RULE_QUANTILE;
    rs.trials = 40;
    rs.ep.strag = noise("lognormal:0.8", 0);
    run_result r;
    run_ok(&rs, &r);
    uint32_t *nj = calloc(rs.trials, sizeof *nj);
    assert_non_null(nj);
    for (size_t i = 0; i < r.n_jobs; i++) {
        const job_row *j = &r.jobs[i];
        double f = straggler_noise(&rs.ep.strag, j->trial, nj[j->trial]++);
        uint32_t last = 0;
        double prev = j->start;
        for (size_t k = 0; k < r.n_results; k++) {
            const result_row *x = &r.results[k];
            if (x->trial != j->trial || x->epoch < j->epoch_from || x->epoch > j->epoch_to)
                continue;
            assert_close(x->time - prev, f, 1e-12, 1e-12);
            prev = x->time;
            last = x->epoch;
        }
        assert_close(j->end - j->start, (last - j->epoch_from + 1) * f, 1e-12, 1e-12);
    }
    free(nj);
    run_result_free(&r);
}

/* SH and ASHA see the same noise for the j-th job of trial k: their first
 * jobs (rung 0, one epoch each) take the same time. */
static void test_noise_pairs_schedulers(void **state)
{
    (void)state;
    run_spec a = spec(sched_sh, "synthetic:constant:1", 5), b = spec(sched_asha, "synthetic:constant:1", 3);
    a.trials = b.trials = 27;
    a.ep.strag = b.ep.strag = noise("pareto:2", 0);
    run_result ra, rb;
    run_ok(&a, &ra);
    run_ok(&b, &rb);
    double da[27], db[27];
    for (int k = 0; k < 27; k++)
        da[k] = db[k] = (double)NAN;
    for (size_t i = 0; i < ra.n_jobs; i++)
        if (ra.jobs[i].epoch_from == 1)
            da[ra.jobs[i].trial] = ra.jobs[i].end - ra.jobs[i].start;
    for (size_t i = 0; i < rb.n_jobs; i++)
        if (rb.jobs[i].epoch_from == 1)
            db[rb.jobs[i].trial] = rb.jobs[i].end - rb.jobs[i].start;
    for (int k = 0; k < 27; k++) {
        assert_false(isnan(da[k]));
        assert_close(da[k], db[k], 1e-12, 0);
    }
    run_result_free(&ra);
    run_result_free(&rb);
}

/* Rows equal field by field (memcmp would compare padding). */
static void assert_same_rows(const run_result *a, const run_result *b)
{
    assert_int_equal(a->n_jobs, b->n_jobs);
    assert_int_equal(a->n_results, b->n_results);
    for (size_t i = 0; i < a->n_jobs; i++) {
        const job_row *x = &a->jobs[i], *y = &b->jobs[i];
        assert_true(x->job == y->job && x->worker == y->worker && x->trial == y->trial &&
                    x->rung == y->rung && x->epoch_from == y->epoch_from &&
                    x->epoch_to == y->epoch_to && x->outcome == y->outcome);
        assert_double_exact(x->start, y->start);
        assert_double_exact(x->end, y->end);
    }
    for (size_t i = 0; i < a->n_results; i++) {
        const result_row *x = &a->results[i], *y = &b->results[i];
        assert_true(x->worker == y->worker && x->trial == y->trial && x->epoch == y->epoch &&
                    x->decision == y->decision);
        assert_double_exact(x->time, y->time);
        assert_double_exact(x->metric, y->metric);
    }
}

/* Every effect switched on but neutral: the run is bit for bit the plain one. */
static void test_neutral_is_identical(void **state)
{
    (void)state;
    for (int restart = 0; restart < 2; restart++) {
        run_spec a = spec(sched_asha, "synthetic:lognormal:1:0.6", 4), b;
        a.trials = 60;
        a.ep.restart = restart;
        b = a;
        char err[256];
        assert_int_equal(straggler_parse_noise(&b.ep.strag, "normal:0", err, sizeof err), 0);
        assert_int_equal(straggler_parse_speeds(&b.ep.strag, "1,1,1,1", err, sizeof err), 0);
        run_result ra, rb;
        run_ok(&a, &ra);
        run_ok(&b, &rb);
        assert_same_rows(&ra, &rb);
        run_result_free(&ra);
        run_result_free(&rb);
    }
}

/* The last epoch of `trial` reported at or before time t. */
static uint32_t reported_by(const run_result *r, uint32_t trial, double t)
{
    uint32_t e = 0;
    for (size_t i = 0; i < r->n_results; i++)
        if (r->results[i].trial == trial && r->results[i].time <= t)
            e = r->results[i].epoch;
    return e;
}

/* Retry: the rest of a dropped job starts at once (front of the queue) from
 * the trial's last reported epoch; SH's bracket still completes. */
static void test_drop_retry_resumes(void **state)
{
    (void)state;
    const sched_type *types[] = { sched_sh, sched_asha, sched_asha, sched_random };
    for (int t = 0; t < 4; t++)
        for (int restart = 0; restart < 2; restart++) {
            run_spec rs = spec(types[t], "synthetic:lognormal:1:0.5", 4);
            rs.sp.asha.type = t == 2 ? SCHED_ASHA_STOPPING : SCHED_ASHA_PROMOTION;
            rs.sp.asha.rule = t == 2 ? SCHED_RULE_QUANTILE : SCHED_RULE_TOPK;
            rs.ep.restart = restart;
            rs.trials = 81;
            rs.ep.strag.drop = 0.3;
            run_result r;
            run_ok(&rs, &r);
            assert_true(r.sum.jobs_dropped > 5);
            for (size_t i = 0; i < r.n_jobs; i++) {
                const job_row *j = &r.jobs[i];
                if (j->outcome != OUT_DROPPED)
                    continue;
                size_t k = i + 1;
                while (k < r.n_jobs && r.jobs[k].trial != j->trial)
                    k++;
                assert_true(k < r.n_jobs); /* retried */
                assert_double_exact(r.jobs[k].start, j->end);
                assert_int_equal(r.jobs[k].rung, j->rung);
                uint32_t rep = reported_by(&r, j->trial, j->end);
                assert_int_equal(r.jobs[k].epoch_from, restart ? 1 : rep + 1);
            }
            if (t == 0) /* nine brackets of 9, 3, 1: each brings one to r_max */
                assert_int_equal(r.sum.trials_rmax, 9);
            if (t == 3)
                assert_int_equal(r.sum.trials_rmax, 81);
            run_result_free(&r);
        }
}

/* Lose: a dropped trial never runs again, and runs still end (every rung of
 * SH completes, ASHA reaches DONE). */
static void test_drop_lose(void **state)
{
    (void)state;
    const sched_type *types[] = { sched_sh, sched_asha, sched_asha, sched_random };
    for (int t = 0; t < 4; t++) {
        run_spec rs = spec(types[t], "synthetic:lognormal:1:0.5", 4);
        rs.sp.asha.type = t == 2 ? SCHED_ASHA_STOPPING : SCHED_ASHA_PROMOTION;
        rs.sp.asha.rule = t == 2 ? SCHED_RULE_QUANTILE : SCHED_RULE_TOPK;
        rs.trials = 81;
        rs.ep.strag.drop = 0.3;
        rs.ep.strag.drop_retry = 0;
        run_result r;
        run_ok(&rs, &r);
        assert_true(r.sum.jobs_dropped > 5);
        for (size_t i = 0; i < r.n_jobs; i++)
            if (r.jobs[i].outcome == OUT_DROPPED)
                for (size_t k = i + 1; k < r.n_jobs; k++)
                    if (r.jobs[k].trial == r.jobs[i].trial)
                        fail_msg("type %d: trial %u runs again after its drop", t, r.jobs[i].trial);
        assert_int_equal(r.sum.trials_started, 81);
        assert_int_equal(r.sum.jobs_cut, 0);
        run_result_free(&r);
    }
}

/* SH, lose: a rung whose every job is lost ends its bracket; a rung with a
 * lost job promotes only finite values.  drop 0.9 makes both happen. */
static void test_drop_lose_sh_rungs(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        run_spec rs = spec(sched_sh, "synthetic:constant:1", 3);
        rs.trials = 27;
        rs.seed = seed;
        rs.ep.strag.drop = 0.6;
        rs.ep.strag.drop_retry = 0;
        run_result r;
        run_ok(&rs, &r);
        /* a promoted (rung > 0) job never belongs to a trial whose job dropped */
        for (size_t i = 0; i < r.n_jobs; i++)
            if (r.jobs[i].rung > 0)
                for (size_t k = 0; k < i; k++)
                    assert_false(r.jobs[k].trial == r.jobs[i].trial &&
                                 r.jobs[k].outcome == OUT_DROPPED);
        assert_true(r.sum.trials_rmax <= 3); /* three brackets of 9 */
        run_result_free(&r);
    }
}

/* Drop points are uniform over the planned run: random search on 1 s epochs,
 * r_max 10, no noise: first attempts are lost with probability p at
 * (end - start) / 10 ~ U(0, 1). */
static void test_drop_point_uniform(void **state)
{
    (void)state;
    run_spec rs = spec(sched_random, "synthetic:constant:1", 8);
    rs.sp.r_max = 10;
    rs.trials = 4000;
    rs.ep.strag.drop = 0.3;
    rs.ep.strag.drop_retry = 0;
    run_result r;
    run_ok(&rs, &r);
    double sum = 0;
    uint32_t n = 0;
    for (size_t i = 0; i < r.n_jobs; i++)
        if (r.jobs[i].outcome == OUT_DROPPED) {
            double f = (r.jobs[i].end - r.jobs[i].start) / 10;
            assert_true(f > 0 && f <= 1 + 1e-12);
            sum += f;
            n++;
        }
    assert_int_equal(r.n_jobs, 4000);
    double se = sqrt(0.3 * 0.7 / 4000);
    assert_close((double)n / 4000, 0.3, 0, 5 * se);
    assert_close(sum / n, 0.5, 0, 5 / sqrt(12.0 * n));
    /* a lost job reported exactly the epochs that ended before the drop */
    for (size_t i = 0; i < r.n_jobs; i++)
        if (r.jobs[i].outcome == OUT_DROPPED)
            assert_int_equal(reported_by(&r, r.jobs[i].trial, (double)INFINITY),
                             (uint32_t)ceil(r.jobs[i].end - r.jobs[i].start) - 1);
    run_result_free(&r);
}

/* Drops and a horizon: ASHA never idles, so all four workers are cut there. */
static void test_drops_with_horizon(void **state)
{
    (void)state;
    run_spec rs = spec(sched_asha, "synthetic:constant:1", 4);
    rs.ep.horizon = 7.5;
    rs.ep.strag.drop = 0.5;
    run_result r;
    run_ok(&rs, &r);
    assert_double_exact(r.sum.end_time, 7.5);
    for (size_t i = 0; i < r.n_jobs; i++)
        assert_true(r.jobs[i].end <= 7.5);
    assert_int_equal(r.sum.jobs_cut, 4);
    run_result_free(&r);
}

/* The same spec twice: identical rows (the draws keep no state). */
static void test_deterministic(void **state)
{
    (void)state;
    run_spec a = spec(sched_sh, "synthetic:normal:1:0.3", 6), b;
    a.sp.sh.barrier = SCHED_BARRIER_FILL;
    a.ep.horizon = 80;
    a.ep.strag = noise("lognormal:0.7", 0);
    a.ep.strag.drop = 0.05;
    char err[256];
    assert_int_equal(straggler_parse_slow(&a.ep.strag, "2:3", err, sizeof err), 0);
    b = a;
    run_result ra, rb;
    run_ok(&a, &ra);
    run_ok(&b, &rb);
    assert_same_rows(&ra, &rb);
    assert_true(ra.sum.jobs_dropped > 0);
    run_result_free(&ra);
    run_result_free(&rb);
}

/* time_first_rmax: the time of the first DONE result. */
static void test_time_first_rmax(void **state)
{
    (void)state;
    run_spec rs = spec(sched_asha, "figure", 2);
    rs.sp.eta = 2;
    rs.sp.r_max = 4;
    rs.ep.horizon = 32;
    run_result r;
    run_ok(&rs, &r);
    assert_double_exact(r.sum.time_first_rmax, 32);
    run_result_free(&r);
    rs.ep.horizon = 31;
    run_ok(&rs, &r);
    assert_true(isnan(r.sum.time_first_rmax));
    run_result_free(&r);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_noise_means),
        cmocka_unit_test(test_drop_rate),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_slowdown),
        cmocka_unit_test(test_slow_workers_exact),
        cmocka_unit_test(test_noise_scales_every_epoch),
        cmocka_unit_test(test_noise_pairs_schedulers),
        cmocka_unit_test(test_neutral_is_identical),
        cmocka_unit_test(test_drop_retry_resumes),
        cmocka_unit_test(test_drop_lose),
        cmocka_unit_test(test_drop_lose_sh_rungs),
        cmocka_unit_test(test_drop_point_uniform),
        cmocka_unit_test(test_drops_with_horizon),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_time_first_rmax),
    };
    return cmocka_run_group_tests_name("straggler", tests, NULL, NULL);
}
