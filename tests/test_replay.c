/*
 * tests/test_replay.c -- `shsim replay`'s logic (sim/replay.c) on a small
 * hand-made trace with known decisions, and on the d2l book's ASHA run.
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
 *   t8 E@1 0.58  {.3 .5 .58 .6 .7} 0.58  continue (<=)    real: stop      <- differ
 *   t8 F@1 0.1   six values, cut 0.54  continue           real: continue
 *   t9 F@2 0.2   {.2 .35 .4 .45} 0.375 continue           real: continue
 * E and F report at the same time; file order puts E first.  With F first,
 * E sees six values (cut 0.54) and is stopped, as it really was.
 * topk (best floor(n/2) continue; n < 2 no judgement): stops B, C@2, D@1,
 * E; rank (stop iff better * 2 > n): stops nobody.
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

static void replay_ok(const char *file, uint32_t r_min, uint32_t eta, uint32_t r_max, wl_results *r,
                      replay_result *out)
{
    char err[512];
    if (wl_results_read(r, file, NULL, err, sizeof err) != 0)
        fail_msg("%s", err);
    if (replay_run(r, r_min, eta, r_max, out, err, sizeof err) != 0)
        fail_msg("%s", err);
}

static void test_replay_small(void **state)
{
    (void)state;
    static const struct {
        const char *trial;
        uint32_t level, n;
        double cutoff;
        int real, quantile, topk, rank;
    } want[] = {
        {"A", 1, 1, (double)NAN, 0, 0, 0, 0},   {"B", 1, 2, 0.6, 1, 1, 1, 0},   {"A", 2, 1, (double)NAN, 0, 0, 0, 0},
        {"C", 1, 3, 0.5, 0, 0, 0, 0},   {"C", 2, 2, 0.425, 1, 1, 1, 0}, {"D", 1, 4, 0.55, 0, 1, 1, 0},
        {"D", 2, 3, 0.4, 0, 0, 0, 0},   {"E", 1, 5, 0.58, 1, 0, 1, 0},  {"F", 1, 6, 0.54, 0, 0, 0, 0},
        {"F", 2, 4, 0.375, 0, 0, 0, 0},
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
    }
    assert_int_equal(rep.agree[SCHED_RULE_QUANTILE], 8);
    assert_int_equal(rep.agree[SCHED_RULE_TOPK], 9);
    assert_int_equal(rep.agree[SCHED_RULE_RANK], 7);
    replay_free(&rep);
    wl_results_free(&r);
}

/* Same-time reports keep file order: move F's rows before E's and E is
 * judged against six values, and stopped. */
static void test_replay_ties_follow_file_order(void **state)
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
            seen = 1;
        }
    assert_true(seen);
    assert_int_equal(rep.agree[SCHED_RULE_QUANTILE], 9);
    replay_free(&rep);
    wl_results_free(&r);
    remove(tmpl);
}

/* The book's run: 58 decisions at rungs 2, 4, 8; the quantile core agrees
 * on all but trial 0 at rung 4, whose epoch-4 report carries the same
 * stamp (35.304 s) as trial 1's (see traces/README.md). */
static void test_replay_book_run(void **state)
{
    (void)state;
    wl_results r;
    replay_result rep;
    replay_ok(BOOK, 2, 2, 10, &r, &rep);
    assert_int_equal(r.ntrial, 31);
    assert_int_equal(rep.n, 58);
    assert_int_equal(rep.agree[SCHED_RULE_QUANTILE], 57);
    assert_int_equal(rep.agree[SCHED_RULE_TOPK], 53);
    assert_int_equal(rep.agree[SCHED_RULE_RANK], 54);
    for (size_t i = 0; i < rep.n; i++) {
        const replay_row *w = &rep.row[i];
        if (w->stop[SCHED_RULE_QUANTILE] != w->real_stop) {
            assert_string_equal(r.trial_id[w->trial], "0");
            assert_int_equal(w->level, 4);
            assert_close(w->time, 35.304, 0, 1e-9);
            assert_int_equal(w->n, 1);
        }
    }
    replay_free(&rep);
    wl_results_free(&r);
}

/* The tie of trials 0 and 1 the other way round (trial 1's rows first in
 * the file): trial 0 is stopped at rung 4, as it really was, but now also
 * at rung 2, where it really continued -- still 57 of 58. */
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
    assert_int_equal(rep.agree[SCHED_RULE_QUANTILE], 57);
    for (size_t i = 0; i < rep.n; i++) {
        const replay_row *w = &rep.row[i];
        if (strcmp(r.trial_id[w->trial], "0") == 0 && w->level <= 4) {
            assert_int_equal(w->stop[SCHED_RULE_QUANTILE], 1);
            assert_int_equal(w->n, 2);
        } else {
            assert_int_equal(w->stop[SCHED_RULE_QUANTILE], w->real_stop);
        }
    }
    replay_free(&rep);
    wl_results_free(&r);
    remove(tmpl);
}

static void test_replay_errors(void **state)
{
    (void)state;
    wl_results r;
    replay_result rep;
    char err[512];
    assert_int_equal(wl_results_read(&r, SMALL, NULL, err, sizeof err), 0);
    assert_int_equal(replay_run(&r, 1, 2, 3, &rep, err, sizeof err), -EINVAL); /* epoch 4 > r_max */
    assert_non_null(strstr(err, "field 'epoch': 4 is past --r-max 3"));
    assert_int_equal(replay_run(&r, 1, 1, 4, &rep, err, sizeof err), -EINVAL); /* eta 1 */
    wl_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_small),
        cmocka_unit_test(test_replay_ties_follow_file_order),
        cmocka_unit_test(test_replay_book_run),
        cmocka_unit_test(test_replay_book_run_ties_reversed),
        cmocka_unit_test(test_replay_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
