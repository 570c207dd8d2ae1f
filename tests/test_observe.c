/*
 * tests/test_observe.c -- the engine's observers (sim/engine.h, sim/observe.h):
 * events come in time order with the numbers the recorded rows hold, a mask
 * selects kinds, an observer's error ends the run, the narrator tells the
 * book's synchronous SH figure line for line, retries are told from the
 * engine's own state and agree with the recorded rows; and the engine's
 * checks of the core's contract (core/sched.h) with cores broken on
 * purpose: an internal error (-EPROTO), or -ENOMEM when the core runs out
 * of memory -- never -EINVAL, which the command line reports as bad input.
 */
#include "core/sched_impl.h"
#include "sim/engine.h"
#include "sim/observe.h"
#include "sim/run_spec.h"
#include "tests/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void run_ok(run_spec *rs, run_result *res)
{
    char err[4608];
    int rc = run_spec_execute(rs, res, NULL, err, sizeof err);
    if (rc != 0)
        fail_msg("run failed: %s", err);
}

/* Counts events per kind and checks their order. */
typedef struct {
    unsigned long n[8];
    double last_time;
    uint32_t next_job;
    int fail_at; /* return -ENOMEM at this event (1-based); 0: never */
    unsigned long seen;
} counter;

static int kind_index(obs_kind k)
{
    int i = 0;
    while (!((unsigned)k & 1u << i))
        i++;
    return i;
}

static int count_observe(void *ctx, const obs_event *ev)
{
    counter *c = ctx;
    c->seen++;
    if (c->fail_at && c->seen == (unsigned long)c->fail_at)
        return -ENOMEM;
    c->n[kind_index(ev->kind)]++;
    if (ev->kind != OBS_IDLE) { /* idle rows are told at their end, which may be earlier */
        if (ev->time < c->last_time)
            fail_msg("event kind %d at t=%g after t=%g", (int)ev->kind, ev->time, c->last_time);
        c->last_time = ev->time;
    }
    if (ev->kind == OBS_JOB_START) {
        assert_int_equal(ev->u.job_start.id, c->next_job);
        c->next_job++;
    }
    return 0;
}

static run_spec drops_spec(void)
{
    run_spec rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "synthetic");
    rs.trials = 60;
    rs.ep.workers = 5;
    rs.sp.r_max = 8;
    rs.r_max_given = 1;
    rs.ep.horizon = 400;
    rs.ep.strag.drop = 0.3;
    rs.ep.strag.drop_retry = 1;
    return rs;
}

/* Every kind is told as often as the trace has rows of it, in time order;
 * the summary is the same with or without observers. */
static void test_events_match_rows(void **state)
{
    (void)state;
    for (int sc = 0; sc < 3; sc++) {
        run_spec rs = drops_spec();
        rs.type = sc == 0 ? sched_sh : sc == 1 ? sched_asha : sched_random;
        counter c;
        memset(&c, 0, sizeof c);
        engine_observer o = { OBS_ALL, count_observe, &c };
        rs.ep.observers = &o;
        rs.ep.n_observers = 1;
        run_result r, bare;
        run_ok(&rs, &r);
        assert_int_equal(c.n[kind_index(OBS_RUN)], 1);
        assert_int_equal(c.n[kind_index(OBS_JOB_START)], r.n_jobs);
        assert_int_equal(c.n[kind_index(OBS_JOB_END)], r.n_jobs); /* every job ends: cut at worst */
        assert_int_equal(c.n[kind_index(OBS_RESULT)], r.n_results);
        assert_int_equal(c.n[kind_index(OBS_IDLE)], r.n_idle);
        assert_int_equal(c.n[kind_index(OBS_BEST)], r.n_best);
        assert_true(r.sum.jobs_dropped > 0);
        rs.ep.observers = NULL;
        rs.ep.n_observers = 0;
        rs.ep.record = 0;
        run_ok(&rs, &bare);
        assert_memory_equal(&r.sum, &bare.sum, sizeof r.sum);
        run_result_free(&r);
        run_result_free(&bare);
    }
}

/* A mask selects: an observer of results only sees results. */
static void test_mask_selects(void **state)
{
    (void)state;
    run_spec rs = run_spec_figure(sched_asha);
    counter c;
    memset(&c, 0, sizeof c);
    engine_observer o = { OBS_RESULT, count_observe, &c };
    rs.ep.observers = &o;
    rs.ep.n_observers = 1;
    run_result r;
    run_ok(&rs, &r);
    assert_int_equal(c.seen, r.sum.results);
    assert_int_equal(c.n[kind_index(OBS_RESULT)], r.sum.results);
    run_result_free(&r);
}

/* An observer's error ends the run with it, and the rows are released. */
static void test_observer_error_ends_run(void **state)
{
    (void)state;
    for (int at = 1; at < 40; at += 7) {
        run_spec rs = run_spec_figure(sched_sh);
        counter c;
        memset(&c, 0, sizeof c);
        c.fail_at = at;
        engine_observer o = { OBS_ALL, count_observe, &c };
        rs.ep.observers = &o;
        rs.ep.n_observers = 1;
        run_result r;
        char err[512];
        assert_int_equal(run_spec_execute(&rs, &r, NULL, err, sizeof err), -ENOMEM);
        assert_string_equal(err, "run failed: Cannot allocate memory");
        assert_null(r.jobs);
        assert_int_equal(c.seen, at); /* nothing after the error */
    }
}

/* The narrator's words for the book's Fig. 19.5.1 (docs/commands.md's --explain
 * example). */
typedef struct {
    char text[8192];
    size_t len;
} lines;

static void keep_line(void *ctx, const char *line)
{
    lines *l = ctx;
    int k = snprintf(l->text + l->len, sizeof l->text - l->len, "%s\n", line);
    assert_true(k > 0 && (size_t)k < sizeof l->text - l->len);
    l->len += (size_t)k;
}

static void test_narrator_figure(void **state)
{
    (void)state;
    run_spec rs = run_spec_figure(sched_sh);
    lines l = { .len = 0 };
    rs.ep.narrate = keep_line;
    rs.ep.narrate_ctx = &l;
    run_result r;
    run_ok(&rs, &r);
    const char *want =
        "t=0 worker 0 starts trial 0: epoch 1 for rung 0, 4 s\n"
        "t=0 worker 1 starts trial 1: epoch 1 for rung 0, 7 s\n"
        "t=4 trial 0 reached epoch 1 (rung 0, error 0.5): pauses (it may be promoted later)\n"
        "t=4 worker 0 starts trial 2: epoch 1 for rung 0, 15 s\n"
        "t=7 trial 1 reached epoch 1 (rung 0, error 0.625): pauses (it may be promoted later)\n"
        "t=7 worker 1 starts trial 3: epoch 1 for rung 0, 5 s\n"
        "t=12 trial 3 reached epoch 1 (rung 0, error 0.5625): pauses (it may be promoted later)\n"
        "t=12 worker 1 waits: rung 0 of bracket 0 still runs trial 2 (3 of 4 jobs reported)\n"
        "t=19 trial 2 reached epoch 1 (rung 0, error 0.8125): pauses (it may be promoted later)\n"
        "t=19 worker 0 promotes trial 0 to rung 1: epoch 2, 4 s\n"
        "t=19 worker 1 promotes trial 3 to rung 1: epoch 2, 5 s\n"
        "t=23 trial 0 reached epoch 2 (rung 1, error 0.375): pauses (it may be promoted later)\n"
        "t=23 worker 0 waits: rung 1 of bracket 0 still runs trial 3 (1 of 2 jobs reported)\n"
        "t=24 trial 3 reached epoch 2 (rung 1, error 0.4375): pauses (it may be promoted later)\n"
        "t=24 worker 0 promotes trial 0 to rung 2: epochs 3-4, 8 s\n"
        "t=24 worker 1 starts trial 4: epoch 1 for rung 0, 7 s\n"
        "t=31 trial 4 reached epoch 1 (rung 0, error 0.6875): pauses (it may be promoted later)\n"
        "t=31 worker 1 starts trial 5: epoch 1 for rung 0, 8 s\n"
        "t=32 trial 0 reached epoch 4 (rung 2, error 0.25): done: it reached r_max\n"
        "t=32 horizon: worker 1's job (trial 5, epoch 1) is cut\n";
    assert_string_equal(l.text, want);
    run_result_free(&r);
}

/* Retries: the engine's own record (job_start.retried) says exactly what
 * the recorded rows say -- the trial's previous job was dropped -- and the
 * narrator's "retries dropped trial" lines are those jobs. */
typedef struct {
    uint32_t retried[4096];
    size_t n;
} retry_log;

static int retry_observe(void *ctx, const obs_event *ev)
{
    retry_log *g = ctx;
    if (ev->u.job_start.retried) {
        assert_true(g->n < 4096);
        g->retried[g->n++] = ev->u.job_start.id;
    }
    return 0;
}

static void count_retry_lines(void *ctx, const char *line)
{
    if (strstr(line, " retries dropped trial "))
        ++*(size_t *)ctx;
}

static void test_retries_from_engine_state(void **state)
{
    (void)state;
    for (int sc = 0; sc < 2; sc++) {
        run_spec rs = drops_spec();
        rs.type = sc ? sched_sh : sched_asha;
        retry_log g = { .n = 0 };
        size_t told = 0;
        engine_observer o = { OBS_JOB_START, retry_observe, &g };
        rs.ep.observers = &o;
        rs.ep.n_observers = 1;
        rs.ep.narrate = count_retry_lines;
        rs.ep.narrate_ctx = &told;
        run_result r;
        run_ok(&rs, &r);
        /* from the rows: a job whose trial's previous job was dropped */
        size_t k = 0;
        for (size_t i = 0; i < r.n_jobs; i++) {
            size_t prev = i;
            while (prev-- > 0 && r.jobs[prev].trial != r.jobs[i].trial) {
            }
            int from_rows = prev < i && r.jobs[prev].trial == r.jobs[i].trial &&
                            r.jobs[prev].outcome == OUT_DROPPED;
            int from_engine = k < g.n && g.retried[k] == i;
            assert_int_equal(from_engine, from_rows);
            k += (size_t)from_engine;
        }
        assert_int_equal(k, g.n);
        assert_true(g.n > 0);
        assert_int_equal(told, g.n);
        run_result_free(&r);
    }
}

/* ---- cores broken on purpose ---- */

typedef struct {
    sched_common c;
    uint32_t next_trial;
    int mode; /* set by the test through the params' eta (2, 3, 4) */
} bad_state;

static int bad_init(void *st, const sched_common *c)
{
    bad_state *s = st;
    s->c = *c;
    s->mode = (int)c->p.eta;
    return 0;
}
static void bad_destroy(void *st) { (void)st; }

static sched_answer bad_next(void *st, sched_job *job)
{
    bad_state *s = st;
    if (s->next_trial == 3)
        return SCHED_END;
    uint32_t r_max = s->c.p.r_max;
    /* mode 2: a job past r_max, the workload lacks it */
    *job = (sched_job){ .trial = s->next_trial++, .from = 0, .to = s->mode == 2 ? r_max + 1 : r_max,
                        .rung = 0 };
    return SCHED_RUN;
}

static sched_decision bad_report(void *st, uint32_t trial, uint32_t epoch, double metric)
{
    bad_state *s = st;
    (void)trial;
    (void)metric;
    if (s->mode == 4 && epoch == 2) {
        sched_fail(&s->c, -ENOMEM); /* as a core that could not record the value */
        return SCHED_DECISION_ERROR;
    }
    return SCHED_CONTINUE; /* mode 3: also at the job's last epoch */
}

static void bad_fail(void *st, const sched_job *job)
{
    (void)st;
    (void)job;
}

static const sched_type bad_type = {
    .name = "broken", .size = sizeof(bad_state), .init = bad_init, .destroy = bad_destroy,
    .next = bad_next, .report = bad_report, .fail = bad_fail, .explain = NULL,
};

static int run_bad(int mode, char *err, size_t n)
{
    run_spec rs = run_spec_default();
    rs.type = &bad_type;
    snprintf(rs.workload, sizeof rs.workload, "synthetic");
    rs.trials = 3;
    rs.sp.eta = (uint32_t)mode;
    rs.sp.r_max = 4;
    rs.r_max_given = 1;
    run_result r;
    int rc = run_spec_execute(&rs, &r, NULL, err, n);
    assert_null(r.jobs); /* released on error */
    return rc;
}

/* A core bug is an internal error (-EPROTO, exit status 1), never -EINVAL
 * (bad input, status 2); the engine does not turn a CONTINUE at a job's end
 * into PAUSE/DONE for the core any more. */
static void test_core_bug_is_internal_error(void **state)
{
    (void)state;
    char err[512];
    for (int mode = 2; mode <= 3; mode++) {
        assert_int_equal(run_bad(mode, err, sizeof err), -EPROTO);
        assert_non_null(strstr(err, "internal error, please report it: the broken core broke its contract"));
    }
}

/* A core out of memory ends the run with -ENOMEM (status 1). */
static void test_core_out_of_memory_ends_run(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(run_bad(4, err, sizeof err), -ENOMEM);
    assert_string_equal(err, "run failed: Cannot allocate memory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_match_rows),
        cmocka_unit_test(test_mask_selects),
        cmocka_unit_test(test_observer_error_ends_run),
        cmocka_unit_test(test_narrator_figure),
        cmocka_unit_test(test_retries_from_engine_state),
        cmocka_unit_test(test_core_bug_is_internal_error),
        cmocka_unit_test(test_core_out_of_memory_ends_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
