/*
 * core/sched.h -- the face of core/: scheduler cores as pure decision logic.
 *
 * A core never sees time, does no I/O and draws no random numbers.  The
 * engine asks it two things:
 *   sched_next():   "a worker is free: what should it run?"  -> a job
 *                   (trial, epochs from+1..to), WAIT or END (no job now or ever);
 *   sched_report(): "trial t reached epoch e with metric m"   -> CONTINUE,
 *                   PAUSE (job over, trial may be promoted later), STOP
 *                   (trial ended by the rule) or DONE (epoch r_max).
 * and tells it one thing: sched_lost() (a job was dropped).
 *
 * The contract the engine checks (a breach is a core bug, reported as an
 * internal error): a job lies within the workload and the levels (from <
 * to <= r_max), and the report of a job's last epoch `to` is never CONTINUE
 * -- the core ends every job it hands out (PAUSE, STOP or DONE), so the
 * engine never decides for it.
 * A core that runs out of memory says so (SCHED_ERROR, SCHED_DECISION_ERROR,
 * -ENOMEM from sched_lost) instead of changing the schedule; the error is
 * kept (sched_error) and the run must end.
 *
 * Variants are data, not copies (GSL's type-object habit): one SH type with a
 * barrier switch, one ASHA type with a promotion/stopping switch and a rule,
 * one random-search type, and the two Hyperband types, which run SH's and
 * ASHA's machinery with several brackets.  Each type describes itself (name,
 * variants, rule, brackets, help, the defaults of the sched_params part it
 * owns) and SCHED_TYPE_MAP lists them: the command line, sweeps, bench and
 * the run spec are generated from that table.  Trials are numbered 0, 1,
 * 2, ... in the order the core asks for new configurations; the engine maps
 * trial k to workload row k.
 *
 * Ownership: sched_alloc() copies the parameters; the caller owns the sched
 * and frees it with sched_free() (sched_free(NULL) does nothing).
 * Errors: functions return 0 or a negative errno code (-EINVAL, -ENOMEM).
 */
#ifndef SHSIM_CORE_SCHED_H
#define SHSIM_CORE_SCHED_H

#include <stddef.h>
#include <stdint.h>

#define SCHED_UNBOUNDED UINT32_MAX
#define SCHED_MAX_LEVELS 64

/* The rung rules (docs/design.md, semantics 4): topk (Li et al.), quantile
 * (Syne Tune <= 0.13), rank (Syne Tune >= 0.14), ray (Ray Tune's
 * AsyncHyperBandScheduler; stopping type only). */
typedef enum { SCHED_RULE_TOPK, SCHED_RULE_QUANTILE, SCHED_RULE_RANK, SCHED_RULE_RAY } sched_rule;
#define SCHED_NRULES 4
typedef enum { SCHED_BARRIER_STRICT, SCHED_BARRIER_FILL } sched_barrier;
typedef enum { SCHED_ASHA_PROMOTION, SCHED_ASHA_STOPPING } sched_asha_type;

/* Each type's own parameters, in a struct of their own.  A type reads only
 * the parts it names (core/<type>.c); the others keep their defaults. */
typedef struct {
    sched_barrier barrier;     /* strict (d2l Fig. 19.5.1) or fill (BOHB) */
} sched_sh_params;             /* sh, hyperband */
typedef struct {
    sched_asha_type type;      /* pause-and-promote or start-and-stop */
    sched_rule rule;           /* the rung rule */
} sched_asha_params;           /* asha, async-hyperband */
typedef struct {
    /* the number of brackets, 1..levels; 0 = all of them (one per level).
     * SH and ASHA are Hyperband with one. */
    uint32_t brackets;
} sched_hyperband_params;      /* hyperband, async-hyperband */

typedef struct {
    /* what every type takes */
    uint32_t eta;        /* reduction factor, >= 2 */
    uint32_t r_min;      /* first rung level (epochs), >= 1 */
    uint32_t r_max;      /* last level, >= r_min */
    uint32_t max_trials; /* configurations available; SCHED_UNBOUNDED for none */
    /* what some types take */
    sched_sh_params sh;
    sched_asha_params asha;
    sched_hyperband_params hyperband;
} sched_params;

/* SCHED_ERROR: the core failed (out of memory, see sched_error()). */
typedef enum { SCHED_RUN, SCHED_WAIT, SCHED_END, SCHED_ERROR } sched_answer;

/* A job trains trial `trial` through epochs from+1..to; `rung` is the index of
 * the level the job aims at (levels[rung] == to), for the outputs; `bracket`
 * is the Hyperband bracket s of the trial (it starts at level s; 0 for SH,
 * ASHA and random). */
typedef struct {
    uint32_t trial, from, to, rung, bracket;
} sched_job;

/* SCHED_DECISION_ERROR: the core failed (out of memory, see sched_error())
 * and decided nothing; never in a run's outputs. */
typedef enum {
    SCHED_CONTINUE, SCHED_PAUSE, SCHED_STOP, SCHED_DONE, SCHED_DECISION_ERROR
} sched_decision;

typedef struct sched_type sched_type;
typedef struct sched sched;

/* The table of scheduler types: one line per type, X(id) for the type
 * object `const sched_type *const sched_<id>` that core/<id>.c defines, in
 * the order the command line lists them (libuv's X-macro habit).  Adding a
 * scheduler is a file in core/, a line here and its test (docs/design.md,
 * "Adding a scheduler"). */
#define SCHED_TYPE_MAP(X)                                                                      \
    X(sh)              /* synchronous successive halving, core/sh.c */                          \
    X(asha)            /* asynchronous successive halving, core/asha.c */                       \
    X(random)          /* random search, core/random.c */                                       \
    X(hyperband)       /* synchronous Hyperband (Li et al. 2018), core/hyperband.c */           \
    X(async_hyperband) /* asynchronous Hyperband (Li et al. 2020), core/async_hyperband.c */

#define SCHED_TYPE_EXTERN(id) extern const sched_type *const sched_##id;
SCHED_TYPE_MAP(SCHED_TYPE_EXTERN)
#undef SCHED_TYPE_EXTERN

/* The table: sched_type_at(i) for i < sched_ntypes().  Each type describes itself
 * (name, variants, whether it takes a rule, help text), so the command line,
 * sweeps, bench and the run spec are generated from this table. */
size_t sched_ntypes(void);
const sched_type *sched_type_at(size_t i);
/* The variant names of a type ("strict", "fill" / "promotion", "stopping"),
 * NULL-terminated; an empty list for a type without variants. */
const char *const *sched_type_variants(const sched_type *t);
/* The type's variant index in p, and p set to variant v. */
int sched_type_variant(const sched_type *t, const sched_params *p);
void sched_type_set_variant(const sched_type *t, sched_params *p, int v);
/* Whether the type takes a rung rule, and the number of brackets (Hyperband). */
int sched_type_takes_rule(const sched_type *t);
int sched_type_takes_brackets(const sched_type *t);
/* One line for --help. */
const char *sched_type_help(const sched_type *t);
/* The type whose machinery t runs with its own number of brackets
 * (hyperband: sh; async-hyperband: asha); NULL for a type of its own. */
const sched_type *sched_type_base(const sched_type *t);

/* The defaults: eta 2, r_min 1, r_max 1 (callers set the levels), unbounded
 * trials, and each type's own part as that type sets it (core/<type>.c:
 * strict barrier; promotion type, topk rule; all brackets). */
sched_params sched_default_params(void);
/* The rung rule ASHA takes when none is named: topk (Li et al.) for the
 * promotion type, quantile (Syne Tune's stopping rule) for stopping. */
sched_rule sched_asha_default_rule(sched_asha_type type);

/* Rung levels r_k = r_min*eta^k for every k with r_min*eta^k < r_max, then
 * r_max.  Writes at most `cap` levels; returns their number, or -EINVAL for
 * impossible parameters (eta < 2, r_min < 1, r_min > r_max, > cap levels). */
int sched_levels(uint32_t r_min, uint32_t eta, uint32_t r_max, uint32_t *out, int cap);

/* -EINVAL also for ASHA promotion type with the ray rule: Ray Tune's rule
 * is a stopping rule and has no promotion counterpart. */
int sched_alloc(sched **out, const sched_type *type, const sched_params *p);
void sched_free(sched *s);
const char *sched_name(const sched *s);
const char *sched_type_name(const sched_type *t);
/* The type of the table with this name; NULL for another name. */
const sched_type *sched_type_by_name(const char *name);
const sched_params *sched_get_params(const sched *s);
/* The rung levels of this core and their number. */
const uint32_t *sched_get_levels(const sched *s, int *n);

sched_answer sched_next(sched *s, sched_job *job);
sched_decision sched_report(sched *s, uint32_t trial, uint32_t epoch, double metric);
/* A dropped job.  retry != 0: the job goes back to the front of the queue;
 * retry == 0: the trial failed and counts as worst at the job's rung.
 * 0, or -ENOMEM when the core could not record it (kept, see below). */
int sched_lost(sched *s, const sched_job *job, int retry);
/* 0, or the negative errno code of the core's first failure (-ENOMEM): once
 * set, sched_next answers SCHED_ERROR and sched_lost returns it.  A report
 * that fails answers SCHED_DECISION_ERROR (a later one is judged on the
 * books as they were: a failing type changes nothing), and the caller must
 * end the run. */
int sched_error(const sched *s);
/* One line in plain words on why the last sched_next() answered WAIT or
 * END ("rung 0 of bracket 0 still runs trial 2"); "" when not known. */
void sched_explain(const sched *s, char *buf, size_t n);

/* Names for the outputs. */
const char *sched_decision_name(sched_decision d);
const char *sched_rule_name(sched_rule r);
/* The rule names in sched_rule's order, NULL-terminated. */
const char *const *sched_rule_names(void);
/* The rule named "topk", "quantile", "rank" or "ray"; -1 for another name. */
int sched_rule_by_name(const char *name);

#endif
