/*
 * tests/test_evq.c -- the event heap: order, ties by push order, removal;
 * property tests against sorting and, with pushes and pops interleaved as
 * the engine does them, against a scan for the minimum.
 */
#include "sim/evq.h"
#include "tests/testutil.h"

#include <stdlib.h>

static void test_order_and_ties(void **state)
{
    (void)state;
    evq q;
    evq_init(&q);
    /* times with ties: ties must come out in push order (worker = push index) */
    double t[] = { 3, 1, 2, 1, 3, 0.5, 1 };
    for (uint32_t i = 0; i < 7; i++)
        assert_int_equal(evq_push(&q, t[i], i, EV_EPOCH_END), 0);
    uint32_t expect[] = { 5, 1, 3, 6, 2, 0, 4 };
    for (int i = 0; i < 7; i++) {
        event e;
        evq_pop(&q, &e);
        assert_int_equal(e.worker, expect[i]);
    }
    assert_int_equal(evq_size(&q), 0);
    evq_destroy(&q);
}

typedef struct {
    double t;
    uint32_t id;
} ref;

static int cmp_ref(const void *a, const void *b)
{
    const ref *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static void test_against_sort(void **state)
{
    (void)state;
    enum { N = 5000 };
    static ref r[N];
    evq q;
    evq_init(&q);
    srand(7);
    for (uint32_t i = 0; i < N; i++) {
        r[i].t = (double)(rand() % 50); /* many ties */
        r[i].id = i;
        assert_int_equal(evq_push(&q, r[i].t, i, EV_EPOCH_END), 0);
    }
    qsort(r, N, sizeof *r, cmp_ref);
    for (uint32_t i = 0; i < N; i++) {
        event e;
        evq_pop(&q, &e);
        assert_double_exact(e.time, r[i].t);
        assert_int_equal(e.worker, r[i].id);
    }
    evq_destroy(&q);
}

/* The hold model: pops and pushes interleaved at every size from 0 up
 * (the pop's bottom-up walk ends at a parent with one child on even sizes),
 * checked against the smallest (time, push index) found by a scan. */
static void test_hold_against_scan(void **state)
{
    (void)state;
    enum { CAP = 300, OPS = 20000 };
    static ref live[CAP];
    uint32_t n = 0, pushed = 0;
    uint64_t x = 99;
    evq q;
    evq_init(&q);
    for (int op = 0; op < OPS; op++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        int grow = n < CAP && (n == 0 || (x >> 62) != 0 || op < 200);
        if (op > OPS / 2)
            grow = n < CAP && (x >> 62) == 0; /* then drain, mostly */
        if (grow) {
            double t = (double)((x >> 33) % 64); /* ties between pushes too */
            live[n++] = (ref){ t, pushed };
            assert_int_equal(evq_push(&q, t, pushed++, EV_EPOCH_END), 0);
        } else if (n) {
            uint32_t m = 0;
            for (uint32_t i = 1; i < n; i++)
                if (cmp_ref(&live[i], &live[m]) < 0)
                    m = i;
            event e;
            evq_pop(&q, &e);
            assert_double_exact(e.time, live[m].t);
            assert_int_equal(e.worker, live[m].id);
            live[m] = live[--n];
        }
        assert_int_equal(evq_size(&q), n);
    }
    evq_destroy(&q);
}

static void test_remove_worker(void **state)
{
    (void)state;
    evq q;
    evq_init(&q);
    for (uint32_t i = 0; i < 100; i++)
        assert_int_equal(evq_push(&q, (double)((i * 37) % 100), i % 4, EV_EPOCH_END), 0);
    evq_remove_worker(&q, 2);
    assert_int_equal(evq_size(&q), 75);
    double last = -1;
    while (evq_size(&q)) {
        event e;
        evq_pop(&q, &e);
        assert_int_not_equal(e.worker, 2);
        assert_true(e.time >= last);
        last = e.time;
    }
    evq_destroy(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_ties),
        cmocka_unit_test(test_against_sort),
        cmocka_unit_test(test_hold_against_scan),
        cmocka_unit_test(test_remove_worker),
    };
    return cmocka_run_group_tests_name("evq", tests, NULL, NULL);
}
