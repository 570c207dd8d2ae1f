/*
 * tests/test_engine.c -- whole runs through the engine and the cores:
 * the two book figures bar by bar, closed forms for strict SH with constant
 * epochs, ASHA keeping workers busy, time conservation, restart mode.
 */
#include "sim/engine.h"
#include "sim/run_spec.h"
#include "tests/testutil.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t worker, trial, rung;
    double start, end;
    job_outcome outcome;
} bar;

static void run_ok(run_spec *rs, run_result *res)
{
    char err[4608];
    int rc = run_spec_execute(rs, res, NULL, err, sizeof err);
    if (rc != 0)
        fail_msg("run failed: %s", err);
}

/* exactly what `shsim figure` runs */
#define figure_spec run_spec_figure

static void check_bars(const run_result *r, const bar *want, size_t n)
{
    assert_int_equal(r->n_jobs, n);
    for (size_t i = 0; i < n; i++) {
        const job_row *j = &r->jobs[i];
        if (j->worker != want[i].worker || j->trial != want[i].trial || j->rung != want[i].rung ||
            j->start != want[i].start || j->end != want[i].end || j->outcome != want[i].outcome)
            fail_msg("job %zu: worker %u trial %u rung %u %g-%g %s; want worker %u trial %u "
                     "rung %u %g-%g %s",
                     i, j->worker, j->trial, j->rung, j->start, j->end,
                     job_outcome_name(j->outcome), want[i].worker, want[i].trial, want[i].rung,
                     want[i].start, want[i].end, job_outcome_name(want[i].outcome));
    }
}

/* d2l Fig. 19.5.1: the integer model of fig_sync_sh_bars.csv, in dispatch
 * order, plus trial 5 cut by the horizon. */
static void test_figure_sync_sh(void **state)
{
    (void)state;
    run_spec rs = figure_spec(sched_sh);
    run_result r;
    run_ok(&rs, &r);
    const bar want[] = {
        { 0, 0, 0, 0, 4, OUT_PROMOTED },   { 1, 1, 0, 0, 7, OUT_PAUSED },
        { 0, 2, 0, 4, 19, OUT_PAUSED },    { 1, 3, 0, 7, 12, OUT_PROMOTED },
        { 0, 0, 1, 19, 23, OUT_PROMOTED }, { 1, 3, 1, 19, 24, OUT_PAUSED },
        { 0, 0, 2, 24, 32, OUT_COMPLETED }, { 1, 4, 0, 24, 31, OUT_PAUSED },
        { 1, 5, 0, 31, 32, OUT_CUT },
    };
    check_bars(&r, want, sizeof want / sizeof *want);
    /* W1 idle 12-19, W0 idle 23-24, nothing else */
    assert_int_equal(r.n_idle, 2);
    assert_int_equal(r.idle[0].worker, 1);
    assert_double_exact(r.idle[0].start, 12);
    assert_double_exact(r.idle[0].end, 19);
    assert_int_equal(r.idle[1].worker, 0);
    assert_double_exact(r.idle[1].start, 23);
    assert_double_exact(r.idle[1].end, 24);
    /* T0 reaches rung 2 (epoch 4) at t = 32 */
    const result_row *last = &r.results[r.n_results - 1];
    assert_int_equal(last->trial, 0);
    assert_int_equal(last->epoch, 4);
    assert_double_exact(last->time, 32);
    assert_int_equal(last->decision, SCHED_DONE);
    assert_double_exact(r.sum.idle, 8);
    assert_double_exact(r.sum.busy, 56);
    run_result_free(&r);
}

/* d2l Fig. 19.5.2: ASHA (promotion, topk) never idles. */
static void test_figure_asha(void **state)
{
    (void)state;
    run_spec rs = figure_spec(sched_asha);
    run_result r;
    run_ok(&rs, &r);
    const bar want[] = {
        { 0, 0, 0, 0, 4, OUT_PROMOTED },   { 1, 1, 0, 0, 7, OUT_PROMOTED },
        { 0, 2, 0, 4, 19, OUT_PAUSED },    { 1, 0, 1, 7, 11, OUT_PROMOTED },
        { 1, 3, 0, 11, 16, OUT_PROMOTED }, { 1, 4, 0, 16, 23, OUT_PAUSED },
        { 0, 3, 1, 19, 24, OUT_PAUSED },   { 1, 5, 0, 23, 31, OUT_PAUSED },
        { 0, 0, 2, 24, 32, OUT_COMPLETED }, { 1, 1, 1, 31, 32, OUT_CUT },
    };
    check_bars(&r, want, sizeof want / sizeof *want);
    assert_int_equal(r.n_idle, 0);
    assert_double_exact(r.sum.idle, 0);
    const result_row *last = &r.results[r.n_results - 1];
    assert_int_equal(last->trial, 0);
    assert_int_equal(last->epoch, 4);
    assert_double_exact(last->time, 32);
    run_result_free(&r);
}

/* time_to_target counts any result, time_to_target_rmax only a trial's r_max
 * result (a configuration found).  Fig. 19.5.2's run: trial 0 reports 0.375
 * at epoch 2 (t = 11, then paused) and 0.25 at epoch 4 = r_max (t = 32). */
static void test_time_to_target_rmax(void **state)
{
    (void)state;
    run_spec rs = figure_spec(sched_asha);
    rs.ep.target = 0.4;
    run_result r;
    run_ok(&rs, &r);
    assert_double_exact(r.sum.time_to_target, 11);
    assert_double_exact(r.sum.time_to_target_rmax, 32);
    run_result_free(&r);
    /* cut at 31: a paused trial "reached" 0.4, but no trial reached r_max */
    rs.ep.horizon = 31;
    run_ok(&rs, &r);
    assert_double_exact(r.sum.time_to_target, 11);
    assert_true(isnan(r.sum.time_to_target_rmax));
    assert_true(isnan(r.sum.best_rmax));
    run_result_free(&r);
    /* a target below every r_max result: neither */
    rs = figure_spec(sched_asha);
    rs.ep.target = 0.2;
    run_ok(&rs, &r);
    assert_true(isnan(r.sum.time_to_target) && isnan(r.sum.time_to_target_rmax));
    run_result_free(&r);
    /* no target: both NAN */
    rs = figure_spec(sched_asha);
    run_ok(&rs, &r);
    assert_true(isnan(r.sum.time_to_target) && isnan(r.sum.time_to_target_rmax));
    run_result_free(&r);
}

static double strict_makespan(uint32_t eta, uint32_t rmax, uint32_t w, int restart)
{
    uint32_t lv[SCHED_MAX_LEVELS];
    int nl = sched_levels(1, eta, rmax, lv, SCHED_MAX_LEVELS);
    double total = 0;
    uint32_t n = 1;
    for (int k = 1; k < nl; k++)
        n *= eta;
    for (int k = 0; k < nl; k++) {
        uint32_t delta = restart ? lv[k] : lv[k] - (k ? lv[k - 1] : 0);
        total += (double)((n + w - 1) / w) * delta;
        n = n / eta ? n / eta : 1;
    }
    return total;
}

/* Strict SH, one bracket, constant 1 s epochs: makespan = sum_k ceil(n_k/W) * delta_k. */
static void test_strict_sh_makespan(void **state)
{
    (void)state;
    const struct {
        uint32_t eta, rmax, trials;
    } cases[] = { { 3, 81, 81 }, { 2, 16, 16 }, { 4, 64, 64 }, { 2, 8, 8 } };
    const uint32_t workers[] = { 1, 2, 3, 5, 7, 16, 81, 100 };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
        for (size_t wi = 0; wi < sizeof workers / sizeof *workers; wi++)
            for (int restart = 0; restart < 2; restart++) {
                run_spec rs = run_spec_default();
                snprintf(rs.workload, sizeof rs.workload, "synthetic:constant:1");
                rs.type = sched_sh;
                rs.sp.eta = cases[c].eta;
                rs.sp.r_min = 1;
                rs.sp.r_max = cases[c].rmax;
                rs.r_max_given = 1;
                rs.trials = cases[c].trials;
                rs.ep.workers = workers[wi];
                rs.ep.restart = restart;
                run_result r;
                run_ok(&rs, &r);
                double want = strict_makespan(cases[c].eta, cases[c].rmax, workers[wi], restart);
                if (r.sum.end_time != want)
                    fail_msg("eta %u r_max %u W %u restart %d: makespan %g, want %g",
                             cases[c].eta, cases[c].rmax, workers[wi], restart, r.sum.end_time,
                             want);
                assert_int_equal(r.sum.trials_rmax, 1);
                run_result_free(&r);
            }
}

/* Per worker, busy + idle = end time; intervals tile [0, end] without overlap. */
static void check_conservation(const run_result *r)
{
    for (uint32_t w = 0; w < r->sum.workers; w++) {
        double busy = 0, idle = 0;
        for (size_t i = 0; i < r->n_jobs; i++)
            if (r->jobs[i].worker == w)
                busy += r->jobs[i].end - r->jobs[i].start;
        for (size_t i = 0; i < r->n_idle; i++)
            if (r->idle[i].worker == w)
                idle += r->idle[i].end - r->idle[i].start;
        assert_close(busy + idle, r->sum.end_time, 1e-12, 1e-9);
    }
    assert_close(r->sum.busy + r->sum.idle, r->sum.workers * r->sum.end_time, 1e-12, 1e-9);
}

static run_spec synth_spec(const sched_type *type, uint32_t workers, uint32_t trials)
{
    run_spec rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "synthetic:lognormal:1:0.7");
    rs.type = type;
    rs.sp.eta = 3;
    rs.sp.r_min = 1;
    rs.sp.r_max = 27;
    rs.r_max_given = 1;
    rs.trials = trials;
    rs.ep.workers = workers;
    rs.seed = 42;
    return rs;
}

/* ASHA never leaves a worker idle while new configurations remain: every
 * idle interval starts after the last configuration was started. */
static void test_asha_no_idle_while_configs_remain(void **state)
{
    (void)state;
    for (int type = 0; type < 2; type++)
        for (uint32_t w = 1; w <= 16; w *= 2) {
            run_spec rs = synth_spec(sched_asha, w, 300);
            rs.sp.asha.type = (sched_asha_type)type;
            rs.sp.asha.rule = type ? SCHED_RULE_QUANTILE : SCHED_RULE_TOPK;
            run_result r;
            run_ok(&rs, &r);
            assert_int_equal(r.sum.trials_started, 300);
            double last_new = 0;
            for (size_t i = 0; i < r.n_jobs; i++)
                if (r.jobs[i].trial == 299 && r.jobs[i].epoch_from == 1)
                    last_new = r.jobs[i].start;
            for (size_t i = 0; i < r.n_idle; i++)
                if (r.idle[i].start < last_new)
                    fail_msg("type %d W %u: worker %u idle from %g while configs remained "
                             "(last started at %g)",
                             type, w, r.idle[i].worker, r.idle[i].start, last_new);
            check_conservation(&r);
            run_result_free(&r);
        }
}

static void test_time_conservation_all(void **state)
{
    (void)state;
    const sched_type *types[] = { sched_sh, sched_sh, sched_asha, sched_asha, sched_random };
    for (int t = 0; t < 5; t++)
        for (uint32_t w = 1; w <= 32; w *= 4)
            for (int restart = 0; restart < 2; restart++) {
                run_spec rs = synth_spec(types[t], w, 200);
                rs.sp.sh.barrier = t == 1 ? SCHED_BARRIER_FILL : SCHED_BARRIER_STRICT;
                rs.sp.asha.type = t == 3 ? SCHED_ASHA_STOPPING : SCHED_ASHA_PROMOTION;
                rs.ep.restart = restart;
                rs.ep.horizon = 60; /* some runs are cut */
                run_result r;
                run_ok(&rs, &r);
                check_conservation(&r);
                /* results come in time order, each trial's epochs contiguous */
                uint32_t *next = calloc(r.sum.trials_started + 1, sizeof *next);
                assert_non_null(next);
                for (size_t i = 0; i < r.n_results; i++) {
                    if (i)
                        assert_true(r.results[i].time >= r.results[i - 1].time);
                    assert_int_equal(r.results[i].epoch, next[r.results[i].trial] + 1);
                    next[r.results[i].trial] = r.results[i].epoch;
                }
                free(next);
                run_result_free(&r);
            }
}

/* Restart mode: a promoted trial retrains from epoch 1; only new epochs report. */
static void test_restart_replays(void **state)
{
    (void)state;
    run_spec rs = figure_spec(sched_sh);
    rs.ep.restart = 1;
    rs.ep.horizon = (double)INFINITY;
    run_result r;
    run_ok(&rs, &r);
    /* T0's rung-1 job retrains epoch 1 (4 s) then trains epoch 2 (4 s) */
    const job_row *j = &r.jobs[4];
    assert_int_equal(j->trial, 0);
    assert_int_equal(j->rung, 1);
    assert_int_equal(j->epoch_from, 1);
    assert_int_equal(j->epoch_to, 2);
    assert_double_exact(j->end - j->start, 8);
    assert_true(r.sum.epochs_replayed > 0);
    for (size_t i = 0; i < r.n_results; i++)
        for (size_t k = 0; k < i; k++)
            assert_false(r.results[k].trial == r.results[i].trial &&
                         r.results[k].epoch == r.results[i].epoch);
    run_result_free(&r);
}

/* Fill barrier: a free worker opens a new bracket instead of waiting. */
static void test_fill_never_waits_while_configs_remain(void **state)
{
    (void)state;
    run_spec rs = figure_spec(sched_sh);
    rs.sp.sh.barrier = SCHED_BARRIER_FILL;
    run_result r;
    run_ok(&rs, &r);
    /* at t = 12 W1 starts trial 4 (a new bracket) instead of idling */
    assert_int_equal(r.jobs[4].worker, 1);
    assert_int_equal(r.jobs[4].trial, 4);
    assert_double_exact(r.jobs[4].start, 12);
    check_conservation(&r);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figure_sync_sh),
        cmocka_unit_test(test_figure_asha),
        cmocka_unit_test(test_time_to_target_rmax),
        cmocka_unit_test(test_strict_sh_makespan),
        cmocka_unit_test(test_asha_no_idle_while_configs_remain),
        cmocka_unit_test(test_time_conservation_all),
        cmocka_unit_test(test_restart_replays),
        cmocka_unit_test(test_fill_never_waits_while_configs_remain),
    };
    return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
