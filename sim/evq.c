/*
 * sim/evq.c -- binary min-heap on (time, seq); see evq.h.  A pop walks the
 * hole down without branches and lets the last event rise (pop_root): the
 * engine pops once per event, and this pop was a fifth of an ASHA run's
 * time (docs/speed.md).
 * Invariant: ev[i] <= ev[2i+1], ev[2i+2] in (time, seq) order.
 */
#include "sim/evq.h"
#include "core/base.h"

#include <errno.h>
#include <stdlib.h>

static inline int ev_less(const event *a, const event *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void evq_init(evq *q) { *q = (evq){ 0 }; }

void evq_destroy(evq *q)
{
    free(q->ev);
    *q = (evq){ 0 };
}

static void sift_up(evq *q, size_t i, event e)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_less(&e, &q->ev[p]))
            break;
        q->ev[i] = q->ev[p];
        i = p;
    }
    q->ev[i] = e;
}

static void sift_down(evq *q, size_t i, event e)
{
    size_t n = q->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_less(&q->ev[c + 1], &q->ev[c]))
            c++;
        if (!ev_less(&q->ev[c], &e))
            break;
        q->ev[i] = q->ev[c];
        i = c;
    }
    q->ev[i] = e;
}

/* 1 when a < b, computed without a branch: the child to follow is the
 * coin-flip of a random heap, which a branch would mispredict half the time. */
static inline size_t ev_less_bit(const event *a, const event *b)
{
    return (size_t)((a->time < b->time) | ((a->time == b->time) & (a->seq < b->seq)));
}

/* Remove the root: the hole at the root follows the smaller child down to a
 * leaf (one comparison a level, not two), then the last event fills it and
 * sifts up -- it came from the bottom, so it rarely rises far (Floyd's
 * bottom-up heapsort; Wegener 1993).  The heap's shape after a pop differs
 * from the textbook sift-down's, but keys are distinct (seq), so which event
 * pops next is the same. */
static void pop_root(evq *q)
{
    size_t n = --q->n, i = 0, c;
    event *ev = q->ev, last = ev[n];
    if (!n)
        return;
    while ((c = 2 * i + 2) < n) { /* both children present */
        c -= ev_less_bit(&ev[c - 1], &ev[c]);
        ev[i] = ev[c];
        i = c;
    }
    if (c == n) { /* the one child of the last parent */
        ev[i] = ev[c - 1];
        i = c - 1;
    }
    sift_up(q, i, last);
}

int evq_push(evq *q, double time, uint32_t worker, uint32_t kind)
{
    if (q->n == q->cap) {
        event *p = base_grow(q->ev, &q->cap, q->n + 1, sizeof *p, 64);
        if (!p)
            return -ENOMEM;
        q->ev = p;
    }
    event e = { .time = time, .seq = q->next_seq++, .worker = worker, .kind = kind };
    sift_up(q, q->n++, e);
    return 0;
}

void evq_pop(evq *q, event *out)
{
    *out = q->ev[0];
    pop_root(q);
}

void evq_remove_worker(evq *q, uint32_t worker)
{
    size_t j = 0;
    for (size_t i = 0; i < q->n; i++)
        if (q->ev[i].worker != worker)
            q->ev[j++] = q->ev[i];
    q->n = j;
    /* rebuild: O(n) Floyd heapify */
    for (size_t i = q->n / 2; i-- > 0;)
        sift_down(q, i, q->ev[i]);
}
