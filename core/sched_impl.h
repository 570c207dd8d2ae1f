/*
 * core/sched_impl.h -- what the cores share inside core/ (not a face).
 * A sched is a type object plus the type's state; sched.c owns the parts all
 * types have: parameters, rung levels, and the front-of-queue of retried jobs.
 */
#ifndef SHSIM_CORE_SCHED_IMPL_H
#define SHSIM_CORE_SCHED_IMPL_H

#include "core/sched.h"

typedef struct {
    sched_params p;
    uint32_t levels[SCHED_MAX_LEVELS];
    int nlevels;
} sched_common;

struct sched_type {
    const char *name;
    size_t size; /* bytes of state */
    int (*init)(void *st, const sched_common *c);
    void (*destroy)(void *st);
    sched_answer (*next)(void *st, sched_job *job);
    sched_decision (*report)(void *st, uint32_t trial, uint32_t epoch, double metric);
    /* the job was lost for good: its trial counts as worst at job->rung */
    void (*fail)(void *st, const sched_job *job);
    void (*explain)(const void *st, char *buf, size_t n);
};

struct sched {
    const sched_type *type;
    sched_common c;
    sched_job *retry; /* FIFO served before anything else */
    size_t retry_head, retry_len, retry_cap;
    void *state;
};

/* Index of `epoch` among the levels, or -1 when it is not a level. */
int sched_level_index(const sched_common *c, uint32_t epoch);

#endif
