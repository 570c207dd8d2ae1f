/*
 * core/random.c -- random search, the baseline: every free worker starts a
 * new configuration and trains it to r_max; nothing is ever stopped.
 */
#include "core/sched_impl.h"

#include <stdio.h>

typedef struct {
    sched_common c;
    uint32_t next_trial;
    uint64_t running;
} rs_state;

static int rs_init(void *st, const sched_common *c)
{
    rs_state *s = st;
    s->c = *c;
    return 0;
}

static void rs_destroy(void *st) { (void)st; }

static sched_answer rs_next(void *st, sched_job *job)
{
    rs_state *s = st;
    if (s->c.p.max_trials != SCHED_UNBOUNDED && s->next_trial >= s->c.p.max_trials)
        return s->running ? SCHED_WAIT : SCHED_DONE;
    *job = (sched_job){ .trial = s->next_trial++, .from = 0, .to = s->c.p.r_max,
                        .rung = (uint32_t)s->c.nlevels - 1 };
    s->running++;
    return SCHED_RUN;
}

static sched_decision rs_report(void *st, uint32_t trial, uint32_t epoch, double metric)
{
    rs_state *s = st;
    (void)trial;
    (void)metric;
    if (epoch < s->c.p.r_max)
        return SCHED_CONTINUE;
    s->running--;
    return SCHED_FINISH;
}

static void rs_fail(void *st, const sched_job *job)
{
    (void)job;
    ((rs_state *)st)->running--;
}

static void rs_explain(const void *st, char *buf, size_t n)
{
    const rs_state *s = st;
    snprintf(buf, n, "all configurations started; %llu still run", (unsigned long long)s->running);
}

static const sched_type rs_type = {
    .name = "random", .help = "random search: every trial trained to r_max",
    .size = sizeof(rs_state), .init = rs_init, .destroy = rs_destroy,
    .next = rs_next, .report = rs_report, .fail = rs_fail, .explain = rs_explain,
};
const sched_type *const sched_random = &rs_type;
