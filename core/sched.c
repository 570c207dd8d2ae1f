/*
 * core/sched.c -- the generic half of every core: parameters, rung levels,
 * dispatch through the type object, and retried jobs (which go back to the
 * front of the queue whatever the scheduler, so no type handles them).
 */
#include "core/sched_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sched_params sched_default_params(void)
{
    sched_params p = { .eta = 2, .r_min = 1, .r_max = 1, .max_trials = SCHED_UNBOUNDED };
    for (size_t i = 0; i < sched_ntypes(); i++)
        if (sched_type_at(i)->defaults)
            sched_type_at(i)->defaults(&p);
    return p;
}

int sched_levels(uint32_t r_min, uint32_t eta, uint32_t r_max, uint32_t *out, int cap)
{
    if (eta < 2 || r_min < 1 || r_min > r_max || cap < 1)
        return -EINVAL;
    int n = 0;
    /* r_min*eta^k in 64 bits: r < r_max <= 2^32 keeps r*eta below 2^64 */
    for (uint64_t r = r_min; r < r_max; r *= eta) {
        if (n == cap - 1)
            return -EINVAL;
        out[n++] = (uint32_t)r;
    }
    out[n++] = r_max;
    return n;
}

int sched_level_index(const sched_common *c, uint32_t epoch)
{
    /* k = the number of levels below epoch, counted without a branch: the
     * levels are few (at most 33), and a binary search's turns depend on
     * the epoch, which a branch predictor cannot guess (ASHA asks this on
     * every report) */
    int k = 0;
    for (int i = 0; i < c->nlevels; i++)
        k += c->levels[i] < epoch;
    return k < c->nlevels && c->levels[k] == epoch ? k : -1;
}

int sched_brackets(const sched_common *c)
{
    if (c->p.hyperband.brackets == 0)
        return c->nlevels;
    return c->p.hyperband.brackets > (uint32_t)c->nlevels ? -EINVAL : (int)c->p.hyperband.brackets;
}

uint32_t sched_bracket_size(const sched_common *c, int s)
{
    uint64_t K = (uint64_t)c->nlevels - 1, m = K - (uint64_t)s, pw = 1;
    for (uint64_t k = 0; k < m; k++)
        if ((pw *= c->p.eta) > (1u << 30))
            return 0;
    /* ceil((K+1) eta^m / (m+1)) in integers: exact, no rounding of logs */
    uint64_t n = ((K + 1) * pw + m) / (m + 1);
    return n > (1u << 30) ? 0 : (uint32_t)n;
}

/* The type whose operations and state run a sched of type t. */
static const sched_type *impl_of(const sched_type *t) { return t->base ? t->base : t; }

int sched_alloc(sched **out, const sched_type *type, const sched_params *p)
{
    *out = NULL;
    if (!type || !p || p->max_trials == 0)
        return -EINVAL;
    sched *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    s->type = type;
    s->c.p = *p;
    int n = sched_levels(p->r_min, p->eta, p->r_max, s->c.levels, SCHED_MAX_LEVELS);
    int rc = n;
    if (n < 0)
        goto err;
    s->c.nlevels = n;
    s->c.err = &s->err;
    rc = -ENOMEM;
    s->state = calloc(1, impl_of(type)->size);
    if (!s->state)
        goto err;
    rc = type->init(s->state, &s->c);
    if (rc < 0) {
        free(s->state);
        s->state = NULL;
        goto err;
    }
    *out = s;
    return 0;
err:
    free(s);
    return rc;
}

void sched_free(sched *s)
{
    if (!s)
        return;
    if (s->state)
        impl_of(s->type)->destroy(s->state);
    free(s->state);
    free(s->retry);
    free(s);
}

const char *sched_name(const sched *s) { return s->type->name; }
const char *sched_type_name(const sched_type *t) { return t->name; }

/* The table of scheduler types, SCHED_TYPE_MAP (core/sched.h).  Built in
 * a function, not a file-scope array: the types' pointers are objects of
 * other files, not constant expressions. */
const sched_type *sched_type_at(size_t i)
{
#define SCHED_TYPE_ELEM(id) sched_##id,
    const sched_type *const all[] = { SCHED_TYPE_MAP(SCHED_TYPE_ELEM) };
#undef SCHED_TYPE_ELEM
    return i < sizeof all / sizeof *all ? all[i] : NULL;
}

size_t sched_ntypes(void)
{
    size_t n = 0;
    while (sched_type_at(n))
        n++;
    return n;
}

const sched_type *sched_type_by_name(const char *name)
{
    for (size_t i = 0; sched_type_at(i); i++)
        if (strcmp(sched_type_at(i)->name, name) == 0)
            return sched_type_at(i);
    return NULL;
}

const char *const *sched_type_variants(const sched_type *t)
{
    static const char *const none[] = { NULL };
    return impl_of(t)->variants ? impl_of(t)->variants : none;
}

int sched_type_variant(const sched_type *t, const sched_params *p)
{
    switch (impl_of(t)->variant_of) {
    case SCHED_VARIANT_BARRIER: return (int)p->sh.barrier;
    case SCHED_VARIANT_ASHA_TYPE: return (int)p->asha.type;
    case SCHED_VARIANT_NONE: break;
    }
    return 0;
}

void sched_type_set_variant(const sched_type *t, sched_params *p, int v)
{
    sched_variant_of of = impl_of(t)->variant_of;
    if (of == SCHED_VARIANT_BARRIER)
        p->sh.barrier = (sched_barrier)v;
    else if (of == SCHED_VARIANT_ASHA_TYPE)
        p->asha.type = (sched_asha_type)v;
}

int sched_type_takes_rule(const sched_type *t) { return impl_of(t)->takes_rule; }
int sched_type_takes_brackets(const sched_type *t) { return t->takes_brackets; }
const char *sched_type_help(const sched_type *t) { return t->help ? t->help : ""; }
const sched_type *sched_type_base(const sched_type *t) { return t->base; }

const sched_params *sched_get_params(const sched *s) { return &s->c.p; }

const uint32_t *sched_get_levels(const sched *s, int *n)
{
    *n = s->c.nlevels;
    return s->c.levels;
}

sched_answer sched_next(sched *s, sched_job *job)
{
    if (s->err)
        return SCHED_ERROR;
    if (s->retry_len) {
        *job = s->retry[s->retry_head];
        s->retry_head = (s->retry_head + 1) % s->retry_cap;
        s->retry_len--;
        return SCHED_RUN;
    }
    return impl_of(s->type)->next(s->state, job); /* a type that fails answers SCHED_ERROR itself */
}

/* A tail call: the hot path's one call per result.  A type that fails here
 * answers SCHED_DECISION_ERROR itself (and records the error, sched_fail). */
sched_decision sched_report(sched *s, uint32_t trial, uint32_t epoch, double metric)
{
    return impl_of(s->type)->report(s->state, trial, epoch, metric);
}

int sched_error(const sched *s) { return s->err; }

static int retry_push(sched *s, const sched_job *job)
{
    if (s->retry_len == s->retry_cap) {
        size_t cap = s->retry_cap ? 2 * s->retry_cap : 8;
        sched_job *q = malloc(cap * sizeof *q);
        if (!q)
            return -ENOMEM;
        for (size_t i = 0; i < s->retry_len; i++)
            q[i] = s->retry[(s->retry_head + i) % s->retry_cap];
        free(s->retry);
        s->retry = q;
        s->retry_head = 0;
        s->retry_cap = cap;
    }
    s->retry[(s->retry_head + s->retry_len++) % s->retry_cap] = *job;
    return 0;
}

int sched_lost(sched *s, const sched_job *job, int retry)
{
    if (s->err)
        return s->err;
    if (retry) {
        if (retry_push(s, job) < 0)
            s->err = -ENOMEM;
    } else {
        impl_of(s->type)->fail(s->state, job);
    }
    return s->err;
}

void sched_explain(const sched *s, char *buf, size_t n)
{
    if (n)
        buf[0] = '\0';
    if (impl_of(s->type)->explain)
        impl_of(s->type)->explain(s->state, buf, n);
}

const char *sched_decision_name(sched_decision d)
{
    switch (d) {
    case SCHED_CONTINUE: return "CONTINUE";
    case SCHED_PAUSE: return "PAUSE";
    case SCHED_STOP: return "STOP";
    case SCHED_DONE: return "DONE";
    case SCHED_DECISION_ERROR: return "ERROR";
    }
    return "?";
}

/* in sched_rule's order */
static const char *const rule_names[SCHED_NRULES + 1] = { "topk", "quantile", "rank", "ray", NULL };

const char *sched_rule_name(sched_rule r)
{
    return (unsigned)r < SCHED_NRULES ? rule_names[r] : "?";
}

const char *const *sched_rule_names(void) { return rule_names; }

int sched_rule_by_name(const char *name)
{
    for (int r = 0; r < SCHED_NRULES; r++)
        if (strcmp(sched_rule_name((sched_rule)r), name) == 0)
            return r;
    return -1;
}
