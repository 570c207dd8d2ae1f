/*
 * sim/evq.h -- the event queue: a binary min-heap of events by value in one
 * growing array, keyed (time, seq).  seq is a counter the queue assigns at
 * push, so events with equal times pop in the order they were pushed, never
 * by address (libuv's timer habit).  push/pop O(log n); no malloc per event.
 */
#ifndef SHSIM_SIM_EVQ_H
#define SHSIM_SIM_EVQ_H

#include <stddef.h>
#include <stdint.h>

typedef enum { EV_EPOCH_END = 0, EV_DROP = 1 } ev_kind;

typedef struct {
    double time;
    uint64_t seq;
    uint32_t worker;
    uint32_t kind;
} event;

typedef struct {
    event *ev;
    size_t n, cap;
    uint64_t next_seq;
} evq;

void evq_init(evq *q);
void evq_destroy(evq *q);
/* 0, or -ENOMEM (the queue is unchanged). */
int evq_push(evq *q, double time, uint32_t worker, uint32_t kind);
static inline size_t evq_size(const evq *q) { return q->n; }
static inline const event *evq_top(const evq *q) { return q->n ? &q->ev[0] : NULL; }
/* Remove the smallest event into *out; the queue must not be empty. */
void evq_pop(evq *q, event *out);
/* Remove every event of `worker` (a cut or dropped job): O(n), rare. */
void evq_remove_worker(evq *q, uint32_t worker);

#endif
