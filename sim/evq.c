/*
 * sim/evq.c -- binary min-heap on (time, seq); see evq.h.
 * Invariant: ev[i] <= ev[2i+1], ev[2i+2] in (time, seq) order.
 *
 * A pop sifts the last event down from the root choosing the smaller child
 * without a branch (which child is a coin flip in the hold model, a branch
 * mispredicts it half the time) and stops with a branch (predictable: it
 * goes on until near the bottom).  Measured with `shsim bench` against the
 * all-branches version and against Floyd's bottom-up pop (hole to a leaf,
 * then the last event up): this is the fastest of the three for SH, ASHA and
 * random search alike; bottom-up made SH 5% slower.  The pop was a fifth of
 * an ASHA run's time (docs/speed.md).
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

/* ev_less as 0 or 1 without a branch */
static inline size_t ev_less_bit(const event *a, const event *b)
{
    return (size_t)((a->time < b->time) | ((a->time == b->time) & (a->seq < b->seq)));
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
        if (c + 1 < n)
            c += ev_less_bit(&q->ev[c + 1], &q->ev[c]);
        if (!ev_less(&q->ev[c], &e))
            break;
        q->ev[i] = q->ev[c];
        i = c;
    }
    q->ev[i] = e;
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
    event last = q->ev[--q->n];
    if (q->n)
        sift_down(q, 0, last);
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
