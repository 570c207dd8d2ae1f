/*
 * tests/test_replay.c -- `shsim replay`'s logic (sim/replay.c) on small
 * hand-made traces with known decisions, and on the d2l book's ASHA run;
 * and reading many interleaved trials (traces/synetune.c's id lookup).
 *
 * tests/data/replay_small.csv, eta 2, rungs 1 and 2 (r_max 4), quantile
 * level 1/2 at both.  In time order, with the rung's values when judged:
 *   t1 A@1 0.5   {0.5}                 n<2: continue      real: continue
 *   t2 B@1 0.7   {.5 .7} cut 0.6       stop               real: stop
 *   t3 A@2 0.4   {0.4}                 continue           real: continue
 *   t4 C@1 0.3   {.3 .5 .7} cut 0.5    continue           real: continue
 *   t5 C@2 0.45  {.4 .45} cut 0.425    stop               real: stop
 *   t6 D@1 0.6   {.3 .5 .6 .7} 0.55    stop               real: continue  <- differ
 *   t7 D@2 0.35  {.35 .4 .45} 0.4      continue           real: continue
 *   t8 E@1 0.58 and F@1 0.1, one stamp: in file order (E first) E sees
 *      {.3 .5 .58 .6 .7}, cut 0.58, and continues, but it was stopped; in
 *      the order F, E, F sees five values (cut 0.5: continue, as real) and
 *      E six (cut 0.54: stop, as real): that order reproduces both.
 *   t9 F@2 0.2   {.2 .35 .4 .45} 0.375 continue           real: continue
 * topk (best floor(n/2) continue; n < 2 no judgement): stops B, C@2, D@1,
 * E in file order, which reproduces t8; rank (stop iff better * 2 > n):
 * stops nobody, and no order of t8 stops E.  ray (Ray Tune: stop iff
 * -v < the median of the negated values recorded before): stops B (-.7 <
 * -.5), C@2, D@1 (-.6 < -.5) and E in file order (-.58 < -.55).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/replay.h"
#include "tests/testutil.h"

#define SMALL "tests/data/replay_small.csv"
#define BOOK "tests/data/d2l_asha_19.5_trace.csv"

#define END "tests/data/replay_end.csv"

static void replay_ok_h(const char *file, uint32_t r_min, uint32_t eta, uint32_t r_max, double horizon,
                        wl_results *r, replay_result *out)
{
    char err[512];
    replay_params p = { .r_min = r_min, .eta = eta, .r_max = r_max, .horizon = horizon,
                        .rule = SCHED_RULE_QUANTILE };
    if (wl_results_read(r, file, NULL, err, sizeof err) != 0)
        fail_msg("%s", err);
    if (replay_run(r, &p, out, err, sizeof err) != 0)
        fail_msg("%s", err);
}

static void replay_ok(const char *file, uint32_t r_min, uint32_t eta, uint32_t r_max, wl_results *r,
                      replay_result *out)
{
    replay_ok_h(file, r_min, eta, r_max, (double)INFINITY, r, out);
}

static void check_counts(const replay_result *rep, sched_rule rule, uint32_t agree, uint32_t judged, uint32_t tie,
                         uint32_t ended)
{
    if (rep->agree[rule] != agree || rep->judged[rule] != judged || rep->tie[rule] != tie ||
        rep->ended[rule] != ended)
        fail_msg("%s: %u of %u, %u tie, %u ended; want %u of %u, %u tie, %u ended", sched_rule_name(rule),
                 rep->agree[rule], rep->judged[rule], rep->tie[rule], rep->ended[rule], agree, judged, tie, ended);
}

static void test_replay_small(void **state)
{
    (void)state;
    static const struct {
        const char *trial;
        uint32_t level, n;
        double cutoff;
        int real, quantile, topk, rank, ray, tie;
    } want[] = {
        { "A", 1, 1, (double)NAN, 0, 0, 0, 0, 0, 0 }, { "B", 1, 2, 0.6, 1, 1, 1, 0, 1, 0 },
        { "A", 2, 1, (double)NAN, 0, 0, 0, 0, 0, 0 }, { "C", 1, 3, 0.5, 0, 0, 0, 0, 0, 0 },
        { "C", 2, 2, 0.425, 1, 1, 1, 0, 1, 0 },       { "D", 1, 4, 0.55, 0, 1, 1, 0, 1, 0 },
        { "D", 2, 3, 0.4, 0, 0, 0, 0, 0, 0 },         { "E", 1, 6, 0.54, 1, 1, 1, 0, 1, 1 },
        { "F", 1, 5, 0.5, 0, 0, 0, 0, 0, 1 },         { "F", 2, 4, 0.375, 0, 0, 0, 0, 0, 0 },
    };
    wl_results r;
    replay_result rep;
    replay_ok(SMALL, 1, 2, 4, &r, &rep);
    assert_int_equal(rep.nlevels, 3);
    assert_int_equal(rep.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < rep.n; i++) {
        const replay_row *w = &rep.row[i];
        assert_string_equal(r.trial_id[w->trial], want[i].trial);
        assert_int_equal(w->level, want[i].level);
        assert_int_equal(w->n, want[i].n);
        if (isnan(want[i].cutoff))
            assert_true(isnan(w->cutoff));
        else
            assert_close(w->cutoff, want[i].cutoff, 0, 1e-12);
        assert_int_equal(w->real_stop, want[i].real);
        assert_int_equal(w->stop[SCHED_RULE_QUANTILE], want[i].quantile);
        assert_int_equal(w->stop[SCHED_RULE_TOPK], want[i].topk);
        assert_int_equal(w->stop[SCHED_RULE_RANK], want[i].rank);
        assert_int_equal(w->stop[SCHED_RULE_RAY], want[i].ray);
        assert_int_equal(w->tie[SCHED_RULE_QUANTILE], want[i].tie);
        assert_int_equal(w->tie[SCHED_RULE_TOPK], 0);
    }
    check_counts(&rep, SCHED_RULE_QUANTILE, 9, 10, 2, 0);
    check_counts(&rep, SCHED_RULE_TOPK, 9, 10, 0, 0);
    check_counts(&rep, SCHED_RULE_RANK, 7, 10, 0, 0);
    check_counts(&rep, SCHED_RULE_RAY, 9, 10, 0, 0);
    /* the one order printed: quantile's F, E at 8 s, rung 1 */
    assert_int_equal(rep.norder, 1);
    assert_int_equal(rep.order[0].rule, SCHED_RULE_QUANTILE);
    assert_double_exact(rep.order[0].time, 8);
    assert_int_equal(rep.order[0].level, 1);
    assert_int_equal(rep.order[0].n, 2);
    assert_string_equal(r.trial_id[rep.row[rep.order_row[rep.order[0].first]].trial], "F");
    assert_string_equal(r.trial_id[rep.row[rep.order_row[rep.order[0].first + 1]].trial], "E");
    replay_free(&rep);
    wl_results_free(&r);
}

/* Same-stamp reports in the other file order (F's rows before E's): file
 * order now reproduces t8, so the same 9 of 10 agree with no tie order. */
static void test_replay_ties_either_file_order(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/shsim_replay_XXXXXX", line[256];
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w"), *in = fopen(SMALL, "r");
    assert_non_null(out);
    assert_non_null(in);
    char erows[4][256];
    int ne = 0;
    while (fgets(line, sizeof line, in)) {
        if (line[0] == 'E' && ne < 4)
            snprintf(erows[ne++], sizeof erows[0], "%s", line);
        else
            fputs(line, out);
    }
    for (int i = 0; i < ne; i++) /* E's rows after F's */
        fputs(erows[i], out);
    fclose(in);
    fclose(out);

    wl_results r;
    replay_result rep;
    replay_ok(tmpl, 1, 2, 4, &r, &rep);
    int seen = 0;
    for (size_t i = 0; i < rep.n; i++)
        if (strcmp(r.trial_id[rep.row[i].trial], "E") == 0) {
            assert_int_equal(rep.row[i].n, 6);
            assert_int_equal(rep.row[i].stop[SCHED_RULE_QUANTILE], 1);
            assert_int_equal(rep.row[i].tie[SCHED_RULE_QUANTILE], 0);
            seen = 1;
        }
    assert_true(seen);
    check_counts(&rep, SCHED_RULE_QUANTILE, 9, 10, 0, 0);
    assert_int_equal(rep.norder, 0);
    replay_free(&rep);
    wl_results_free(&r);
    remove(tmpl);
}

/* The book's run: 58 decisions at rungs 2, 4, 8, every one reproduced by
 * the quantile rule; trials 0 and 1 reported epoch 4 with one stamp (35.304
 * s) and the real run took trial 1's first (see traces/README.md).  The
 * other rules, and the poll interval of its ~5 s polls. */
static void test_replay_book_run(void **state)
{
    (void)state;
    wl_results r;
    replay_result rep;
    replay_ok_h(BOOK, 2, 2, 10, 720, &r, &rep);
    assert_int_equal(r.ntrial, 31);
    assert_int_equal(rep.n, 58);
    check_counts(&rep, SCHED_RULE_QUANTILE, 58, 58, 2, 0);
    check_counts(&rep, SCHED_RULE_TOPK, 54, 58, 2, 0);
    check_counts(&rep, SCHED_RULE_RANK, 54, 58, 0, 0);
    check_counts(&rep, SCHED_RULE_RAY, 55, 58, 2, 0);
    assert_close(rep.poll, 5.03, 0, 0.005);
    assert_int_equal(rep.poll_gaps, 80);
    int quantile_orders = 0;
    for (size_t o = 0; o < rep.norder; o++) {
        if (rep.order[o].rule != SCHED_RULE_QUANTILE)
            continue;
        quantile_orders++;
        assert_close(rep.order[o].time, 35.304, 0, 1e-9);
        assert_int_equal(rep.order[o].level, 4);
        assert_string_equal(r.trial_id[rep.row[rep.order_row[rep.order[o].first]].trial], "1");
        assert_string_equal(r.trial_id[rep.row[rep.order_row[rep.order[o].first + 1]].trial], "0");
    }
    assert_int_equal(quantile_orders, 1);
    for (size_t i = 0; i < rep.n; i++) {
        const replay_row *w = &rep.row[i];
        assert_int_equal(w->stop[SCHED_RULE_QUANTILE], w->real_stop);
        if (strcmp(r.trial_id[w->trial], "0") == 0 && w->level == 4) {
            assert_int_equal(w->n, 2); /* judged after trial 1's 0.288756 */
            assert_close(w->cutoff, 0.359667, 0, 5e-7);
        }
    }
    replay_free(&rep);
    wl_results_free(&r);
}

/* Where the other rules part from the book's run (traces/README.md, "How
 * the rules differ on real data"), and ray's cutoff for trial 4 at rung 2:
 * the median of the four values recorded before it. */
static void test_replay_book_rules_differ(void **state)
{
    (void)state;
    static const struct {
        sched_rule rule;
        const char *where; /* "trial@rung ..." where the rule disagrees */
    } want[] = {
        { SCHED_RULE_QUANTILE, "" },
        { SCHED_RULE_TOPK, "3@4 4@2 29@8 28@8 " },
        { SCHED_RULE_RANK, "0@4 3@8 9@2 29@8 " },
        { SCHED_RULE_RAY, "4@2 29@8 28@8 " },
    };
    wl_results r;
    replay_result rep;
    char err[512];
    assert_int_equal(wl_results_read(&r, BOOK, NULL, err, sizeof err), 0);
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        replay_params p = { .r_min = 2, .eta = 2, .r_max = 10, .horizon = 720, .rule = want[k].rule };
        assert_int_equal(replay_run(&r, &p, &rep, err, sizeof err), 0);
        char got[256] = "";
        for (size_t i = 0; i < rep.n; i++) {
            const replay_row *w = &rep.row[i];
            if (w->stop[want[k].rule] != w->real_stop)
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s@%u ", r.trial_id[w->trial], w->level);
            if (want[k].rule == SCHED_RULE_RAY && strcmp(r.trial_id[w->trial], "4") == 0 && w->level == 2) {
                assert_int_equal(w->n, 4);
                assert_close(w->cutoff, (0.84884 + 0.900415) / 2, 0, 1e-6);
            }
        }
        assert_string_equal(got, want[k].where);
        replay_free(&rep);
    }
    /* the two trials running at 720 s: trial 28 at epoch 9, trial 30 at 1 */
    uint32_t last28 = 0, last30 = 0;
    for (size_t i = 0; i < r.nrow; i++) {
        if (strcmp(r.trial_id[r.row[i].trial], "28") == 0)
            last28 = r.row[i].epoch;
        if (strcmp(r.trial_id[r.row[i].trial], "30") == 0)
            last30 = r.row[i].epoch;
    }
    assert_int_equal(last28, 9);
    assert_int_equal(last30, 1);
    wl_results_free(&r);
}

/* The tie of trials 0 and 1 the other way round (trial 1's rows first in
 * the file): now epoch 2 (20.280 s) needs the other order and epoch 4
 * does not -- still 58 of 58, 2 under a tie order. */
static void test_replay_book_run_ties_reversed(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/shsim_book_XXXXXX", line[256];
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w");
    assert_non_null(out);
    for (int pass = 0; pass < 3; pass++) { /* header; trial 1; everything else */
        FILE *in = fopen(BOOK, "r");
        assert_non_null(in);
        int header = 1;
        while (fgets(line, sizeof line, in)) {
            if (line[0] == '#')
                continue;
            int is1 = strncmp(line, "1,", 2) == 0;
            if ((pass == 0 && header) || (pass == 1 && !header && is1) || (pass == 2 && !header && !is1))
                fputs(line, out);
            header = 0;
        }
        fclose(in);
    }
    fclose(out);
    wl_results r;
    replay_result rep;
    replay_ok(tmpl, 2, 2, 10, &r, &rep);
    assert_int_equal(rep.n, 58);
    check_counts(&rep, SCHED_RULE_QUANTILE, 58, 58, 2, 0);
    for (size_t o = 0; o < rep.norder; o++)
        if (rep.order[o].rule == SCHED_RULE_QUANTILE) {
            assert_close(rep.order[o].time, 20.280, 0, 1e-9);
            assert_string_equal(r.trial_id[rep.row[rep.order_row[rep.order[o].first]].trial], "0");
        }
    replay_free(&rep);
    wl_results_free(&r);
    remove(tmpl);
}

/* tests/data/replay_end.csv, rung 1 only (r_max 2), q 1/2: D's last result
 * (40 s, 0.4) was recorded as a stop the rule would not make (cut 0.45).
 * Its epoch time: one result, so the median of A's and B's (5 s); the poll:
 * stamps 5, 10, 15, 20, 25, 40 s, gaps 5 5 5 5 15, one poll 5 s.  40 + 5 + 5
 * = 50: with a limit of 45 s the run's end explains the stop (not judged);
 * with 50 s the next epoch could have ended in time: a disagreement. */
static void test_replay_end_of_run(void **state)
{
    (void)state;
    wl_results r;
    replay_result rep;
    replay_ok_h(END, 1, 2, 2, 45, &r, &rep);
    assert_double_exact(rep.poll, 5);
    assert_int_equal(rep.poll_gaps, 4);
    assert_int_equal(rep.n, 4);
    for (int c = 0; c < REPLAY_NRULES; c++)
        check_counts(&rep, (sched_rule)c, 3, 3, 0, 1);
    assert_int_equal(rep.row[3].ended[SCHED_RULE_QUANTILE], 1);
    assert_int_equal(rep.row[2].ended[SCHED_RULE_QUANTILE], 0); /* C: stopped by the rule, judged */
    replay_free(&rep);
    wl_results_free(&r);
    replay_ok_h(END, 1, 2, 2, 50, &r, &rep);
    for (int c = 0; c < REPLAY_NRULES; c++)
        check_counts(&rep, (sched_rule)c, 3, 4, 0, 0);
    replay_free(&rep);
    wl_results_free(&r);
    replay_ok(END, 1, 2, 2, &r, &rep); /* no limit */
    check_counts(&rep, SCHED_RULE_QUANTILE, 3, 4, 0, 0);
    replay_free(&rep);
    wl_results_free(&r);
}

static void test_poll_interval(void **state)
{
    (void)state;
    size_t used;
    /* gaps 0.01 4.99 0.002 5.098 10 4.9: the near-ties (ms) split from the
     * polls at the ratio 4.9/0.01; one poll: 4.9, 4.99, 5.098 (not 10, two
     * polls), median 4.99 */
    const double a[] = { 0, 0.01, 5, 5.002, 10.1, 20.1, 25.0 };
    assert_close(replay_poll_interval(a, 7, &used), 4.99, 0, 1e-9);
    assert_int_equal(used, 3);
    const double b[] = { 1, 3, 6, 10, 12.5 }; /* gaps 2 3 4 2.5: no split; one poll: < 3 */
    assert_close(replay_poll_interval(b, 5, &used), 2.25, 0, 1e-12);
    assert_int_equal(used, 2);
    assert_double_exact(replay_poll_interval(b, 1, &used), 0);
    assert_int_equal(used, 0);
}

/* Many interleaved trials (the case a linear id search was quadratic on):
 * 5000 trials, epochs 1..3 in rounds, so no two rows in a row share a trial.
 * Every row is mapped to its trial's index (order of first appearance), and
 * the table written from them holds each trial's epochs in order. */
static void test_many_interleaved_trials(void **state)
{
    (void)state;
    enum { T = 5000, E = 3 };
    char tmpl[] = "/tmp/shsim_many_XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "trial_id,epoch,elapsed_time,validation_error\n");
    for (int e = 1; e <= E; e++)
        for (int k = 0; k < T; k++) /* ids that share long prefixes and suffixes */
            fprintf(f, "run-%d-x,%d,%d,%g\n", (k * 7919) % T, e, 10 * e + k % 3, 0.9 - 0.1 * e);
    fclose(f);
    wl_results r;
    char err[512];
    if (wl_results_read(&r, tmpl, NULL, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(r.ntrial, T);
    assert_int_equal(r.nrow, T * E);
    for (size_t i = 0; i < r.nrow; i++) {
        char want[32];
        snprintf(want, sizeof want, "run-%d-x", (int)(((i % T) * 7919) % T));
        assert_int_equal(r.row[i].trial, i % T); /* first appearance: the first round */
        assert_string_equal(r.trial_id[r.row[i].trial], want);
        assert_int_equal(r.row[i].epoch, i / T + 1);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    wl_import_stats st;
    assert_int_equal(wl_results_write_table(&r, m, NULL, &st, err, sizeof err), 0);
    fclose(m);
    assert_int_equal(st.kept, T);
    /* trial 1 (id run-7919%5000 = run-2919-x): epochs 1..3, 10 + 1 % 3 = 11 s
     * for epoch 1 (trial clock), then 10 s each */
    assert_non_null(strstr(buf, "\nrun-2919-x,1,11,0.8\nrun-2919-x,2,10,0.7\nrun-2919-x,3,10,0.6"));
    free(buf);
    wl_results_free(&r);
    remove(tmpl);
}

/* More than REPLAY_MAX_TIE reports with one stamp at one rung: judged in
 * file order, counted as unsearched, decisions as the core gives them. */
static void test_replay_big_group_file_order(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/shsim_big_XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "trial_id,epoch,st_tuner_time,validation_error\n");
    for (int k = 0; k < REPLAY_MAX_TIE + 2; k++) /* errors 0.9, 0.8, ...: each later one is better */
        fprintf(f, "%d,1,5,%g\n", k, 0.9 - 0.05 * k);
    for (int k = 0; k < REPLAY_MAX_TIE + 2; k++)
        fprintf(f, "%d,2,10,0.5\n", k);
    fclose(f);
    wl_results r;
    replay_result rep;
    replay_ok(tmpl, 1, 2, 2, &r, &rep);
    assert_int_equal(rep.n, REPLAY_MAX_TIE + 2);
    for (int c = 0; c < REPLAY_NRULES; c++) {
        assert_int_equal(rep.unsearched[c], 1);
        assert_int_equal(rep.tie[c], 0);
    }
    /* file order, quantile at q 1/2: each value is the best so far, all continue */
    check_counts(&rep, SCHED_RULE_QUANTILE, REPLAY_MAX_TIE + 2, REPLAY_MAX_TIE + 2, 0, 0);
    assert_int_equal(rep.row[0].n, 1);
    assert_int_equal(rep.row[REPLAY_MAX_TIE + 1].n, REPLAY_MAX_TIE + 2);
    replay_free(&rep);
    wl_results_free(&r);
    remove(tmpl);
}

/* Time order needs one clock for all trials.  Trial A runs first (tuner
 * time 10, 20), B starts when A ends (its epoch 1 at tuner time 25, 5 s
 * into B).  On the tuner's clock (st_tuner_time, or the wall clock
 * st_worker_timestamp) the quantile rule at rung 1 judges B against {0.5,
 * 0.7}, cut 0.6, and stops it, as the run did.  Ordered by elapsed_time
 * (each trial's own clock) B's epoch would come first and no rule could
 * judge it: replay refuses that column, naming file, header line and
 * column, instead of ordering by it (it did until this test). */
static void test_replay_needs_one_clock(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/shsim_clock_XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "trial_id,epoch,st_tuner_time,st_worker_timestamp,st_worker_time,elapsed_time,validation_error\n"
               "A,1,10,1700000010,10,10,0.5\n"
               "A,2,20,1700000020,20,20,0.4\n"
               "B,1,25,1700000025,5,5,0.7\n");
    fclose(f);
    static const char *const shared[] = { "st_tuner_time", "st_worker_timestamp" };
    static const char *const own[] = { "elapsed_time", "st_worker_time" };
    replay_params p = { .r_min = 1, .eta = 2, .r_max = 2, .horizon = (double)INFINITY,
                        .rule = SCHED_RULE_QUANTILE };
    wl_results_params rp = wl_results_default_params();
    wl_results r;
    replay_result rep;
    char err[1024];
    for (int k = 0; k < 2; k++) {
        rp.time_col = shared[k];
        if (wl_results_read(&r, tmpl, &rp, err, sizeof err) != 0)
            fail_msg("%s", err);
        assert_int_equal(r.trial_clock, 0);
        if (replay_run(&r, &p, &rep, err, sizeof err) != 0)
            fail_msg("%s", err);
        assert_int_equal(rep.n, 2); /* A@1, then B@1 */
        assert_string_equal(r.trial_id[rep.row[1].trial], "B");
        assert_int_equal(rep.row[1].stop[SCHED_RULE_QUANTILE], 1);
        check_counts(&rep, SCHED_RULE_QUANTILE, 2, 2, 0, 0);
        replay_free(&rep);
        wl_results_free(&r);
    }
    for (int k = 0; k < 2; k++) {
        rp.time_col = own[k];
        if (wl_results_read(&r, tmpl, &rp, err, sizeof err) != 0)
            fail_msg("%s", err);
        assert_int_equal(r.trial_clock, 1);
        assert_int_equal(replay_run(&r, &p, &rep, err, sizeof err), -EINVAL);
        char want[256];
        snprintf(want, sizeof want, "%s:1: field '%s': counts from each trial's start", tmpl, own[k]);
        if (strstr(err, want) == NULL)
            fail_msg("error '%s' lacks '%s'", err, want);
        /* it names the columns it would take (wl_shared_clocks) */
        assert_non_null(strstr(err, "all trials: st_tuner_time, st_tuner_time_s, st_tuner_timestamp or "
                                    "st_worker_timestamp (name it with --time)"));
        assert_int_equal(rep.n, 0);
        wl_results_free(&r);
    }
    remove(tmpl);
}

static void test_replay_errors(void **state)
{
    (void)state;
    wl_results r;
    replay_result rep;
    char err[512];
    replay_params p = { .r_min = 1, .eta = 2, .r_max = 3, .horizon = (double)INFINITY,
                        .rule = SCHED_RULE_QUANTILE };
    assert_int_equal(wl_results_read(&r, SMALL, NULL, err, sizeof err), 0);
    assert_int_equal(replay_run(&r, &p, &rep, err, sizeof err), -EINVAL); /* epoch 4 > r_max */
    assert_non_null(strstr(err, "field 'epoch': 4 is past --r-max 3"));
    p.r_max = 4;
    p.eta = 1;
    assert_int_equal(replay_run(&r, &p, &rep, err, sizeof err), -EINVAL); /* eta 1 */
    wl_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_small),
        cmocka_unit_test(test_replay_ties_either_file_order),
        cmocka_unit_test(test_replay_book_run),
        cmocka_unit_test(test_replay_book_rules_differ),
        cmocka_unit_test(test_replay_book_run_ties_reversed),
        cmocka_unit_test(test_replay_end_of_run),
        cmocka_unit_test(test_poll_interval),
        cmocka_unit_test(test_many_interleaved_trials),
        cmocka_unit_test(test_replay_big_group_file_order),
        cmocka_unit_test(test_replay_needs_one_clock),
        cmocka_unit_test(test_replay_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
