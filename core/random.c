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
} random_state;

static int random_init(void *st, const sched_common *c)
{
    random_state *s = st;
    s->c = *c;
    return 0;
}

static void random_destroy(void *st) { (void)st; }

static sched_answer random_next(void *st, sched_job *job)
{
    random_state *s = st;
    if (s->c.p.max_trials != SCHED_UNBOUNDED && s->next_trial >= s->c.p.max_trials)
        return s->running ? SCHED_WAIT : SCHED_END;
    *job = (sched_job){ .trial = s->next_trial++, .from = 0, .to = s->c.p.r_max,
                        .rung = (uint32_t)s->c.nlevels - 1 };
    s->running++;
    return SCHED_RUN;
}

static sched_decision random_report(void *st, uint32_t trial, uint32_t epoch, double metric)
{
    random_state *s = st;
    (void)trial;
    (void)metric;
    if (epoch < s->c.p.r_max)
        return SCHED_CONTINUE;
    s->running--;
    return SCHED_DONE;
}

static void random_fail(void *st, const sched_job *job)
{
    (void)job;
    ((random_state *)st)->running--;
}

static void random_explain(const void *st, char *buf, size_t n)
{
    const random_state *s = st;
    snprintf(buf, n, "all configurations started; %llu still run", (unsigned long long)s->running);
}

static const sched_type random_type = {
    .name = "random", .help = "random search: every trial trained to r_max",
    .size = sizeof(random_state), .init = random_init, .destroy = random_destroy,
    .next = random_next, .report = random_report, .fail = random_fail, .explain = random_explain,
};
const sched_type *const sched_random = &random_type;
