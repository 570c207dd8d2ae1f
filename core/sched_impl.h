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
    /* where a type records its first failure (-ENOMEM): the sched's
     * error, shared by every copy of this struct (the types keep one) */
    int *err;
} sched_common;

/* Which field of sched_params a type's variants set. */
typedef enum { SCHED_VARIANT_NONE, SCHED_VARIANT_BARRIER, SCHED_VARIANT_ASHA_TYPE } sched_variant_of;

/* A type object.  A type may borrow its machinery from another (`base`):
 * then only its name, help, `takes_brackets`, `defaults` and `init` are its
 * own; every other operation, the state's size, the variants (and the
 * parameter they set) and whether it takes a rule are the base's (Hyperband
 * borrows SH's, asynchronous Hyperband ASHA's, each with its own number of
 * brackets).
 * A type that runs out of memory records it with sched_fail(), leaves its
 * books as they were, and answers SCHED_ERROR (next) or
 * SCHED_DECISION_ERROR (report); a failing fail() only records it. */
struct sched_type {
    const char *name;
    const char *const *variants; /* NULL-terminated; NULL: none */
    sched_variant_of variant_of;
    int takes_rule, takes_brackets;
    const char *help;            /* one line for --help */
    /* sets the part of sched_params the type owns to its defaults (sh:
     * .sh, asha: .asha, hyperband: .hyperband); NULL for a type that owns
     * no part (random; async-hyperband takes asha's and hyperband's) */
    void (*defaults)(sched_params *p);
    const sched_type *base;
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
    int err;          /* kept: 0 or the first failure (sched_error) */
    void *state;
};

/* Record a failure in the sched's sticky error (the first one wins). */
static inline void sched_fail(const sched_common *c, int err)
{
    if (!*c->err)
        *c->err = err;
}

/* Index of `epoch` among the levels, or -1 when it is not a level. */
int sched_level_index(const sched_common *c, uint32_t epoch);

/* The number of brackets a Hyperband type runs: p.brackets, 0 meaning all
 * (one per level); -EINVAL beyond the number of levels. */
int sched_brackets(const sched_common *c);

/* Hyperband's bracket sizes (Li et al., JMLR 2018, Alg. 1): bracket s starts
 * at level s with n_s = ceil((K+1) eta^(K-s) / (K-s+1)) configurations,
 * K = levels - 1.  n_0 = eta^K: SH's bracket.  0 when n_s > 2^30. */
uint32_t sched_bracket_size(const sched_common *c, int s);

/* The machinery the Hyperband types borrow (core/sh.c, core/asha.c): init
 * with a given number of brackets; SH and ASHA are the one-bracket case. */
extern const sched_type sh_type_object, asha_type_object;
int sh_init_brackets(void *st, const sched_common *c, int nbrackets);
int asha_init_brackets(void *st, const sched_common *c, int nbrackets);

#endif
