/*
 * core/sh.c -- synchronous successive halving (docs/design.md, semantics 5).
 *
 * A bracket starts eta^K configurations at r_min (K = levels - 1; fewer when
 * the workload runs out) and hands its current rung's jobs out in slot order.
 * When every job of a rung has reported, its best max(1, floor(n/eta))
 * finite values (ties to the lower slot) form the next rung, best first.
 * Barrier `strict` keeps one current bracket and opens the next only once the
 * current one's last job is handed out (d2l Fig. 19.5.1); `fill` gives a free
 * worker the next job of the oldest bracket that has one and opens a bracket
 * only when none has (BOHB, the ASHA paper's synchronous SHA, Syne Tune).
 *
 * The same machinery runs synchronous Hyperband (core/hyperband.c): with B
 * brackets, the i-th bracket opened is Hyperband's bracket s = i mod B
 * (Li et al., JMLR 2018, Alg. 1's outer loop, repeated), which starts at
 * level s with n_s configurations (sched_bracket_size); its rungs are levels
 * s..K.  SH is the case B = 1: n_0 = eta^K at level 0.
 *
 * Trials of one bracket have consecutive ids (a bracket's first rung is
 * handed out completely before another bracket opens, in both modes), and
 * every bracket but the last has n_s of them, so trial t lives in bracket
 * (t / C) B + j, C = n_0 + ... + n_{B-1}, j the bracket whose prefix sums
 * hold t mod C: O(1) for SH, O(B) for Hyperband.  Rung completion sorts the rung once,
 * O(n log n) per rung, O(log n) amortised per job.  `fill` finds the oldest
 * bracket with a job in a heap of bracket indices, O(log B) per decision
 * (a scan from the oldest unfinished bracket grew with the run: one
 * straggler in an old bracket kept every newer one in the scan).
 */
#include "core/base.h"
#include "core/sched_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

struct rank_item {
    double metric;
    uint32_t slot;
};

typedef struct {
    uint32_t first, n0;     /* trial ids first..first+n0-1 */
    uint32_t start;         /* Hyperband bracket s: its first rung index */
    int in_ready;           /* fill: in sh_state.ready */
    uint32_t rung;          /* current rung index */
    uint32_t n, next, done; /* slots at this rung, handed out, reported */
    uint32_t *slot_trial;   /* [n0] */
    double *slot_metric;    /* [n0]; NAN = not yet reported, INFINITY = failed */
    uint32_t *pos;          /* [n0] slot of trial first+i at this rung, or NONE */
    struct rank_item *order; /* [n0] scratch for ranking a completed rung */
} bracket;

typedef struct {
    sched_common c;
    uint32_t nkinds;      /* Hyperband brackets B (1 for SH) */
    uint32_t size[SCHED_MAX_LEVELS]; /* n_s: configurations of bracket s */
    uint64_t cycle;       /* n_0 + ... + n_{B-1} */
    uint32_t next_trial;
    bracket **br;         /* every bracket opened; NULL once finished */
    uint32_t nbr, capbr, oldest;
    /* fill: min-heap of bracket indices holding every bracket that has an
     * unassigned job (and some that no longer do, dropped when met), so
     * "the oldest bracket with a job" is O(log B), not a scan of the
     * brackets opened since the oldest unfinished one */
    uint32_t *ready, nready;
    int wait_bracket;     /* for sched_explain: bracket that made us wait */
} sh_state;

int sh_init_brackets(void *st, const sched_common *c, int nbrackets)
{
    sh_state *s = st;
    s->c = *c;
    if (nbrackets < 1 || nbrackets > c->nlevels)
        return -EINVAL;
    s->nkinds = (uint32_t)nbrackets;
    for (int k = 0; k < nbrackets; k++) {
        s->size[k] = sched_bracket_size(c, k);
        if (s->size[k] == 0)
            return -EINVAL; /* a bracket this large cannot be held */
        s->cycle += s->size[k];
    }
    s->wait_bracket = -1;
    return 0;
}

static int sh_init(void *st, const sched_common *c) { return sh_init_brackets(st, c, 1); }

static void bracket_free(bracket *b)
{
    if (!b)
        return;
    free(b->slot_trial);
    free(b->slot_metric);
    free(b->pos);
    free(b->order);
    free(b);
}

static void sh_destroy(void *st)
{
    sh_state *s = st;
    for (uint32_t i = 0; i < s->nbr; i++)
        bracket_free(s->br[i]);
    free(s->br);
    free(s->ready);
}

/* Enter bracket i into the ready heap (fill only); the heap has room. */
static void ready_push(sh_state *s, uint32_t i)
{
    bracket *b = s->br[i];
    if (s->c.p.sh.barrier != SCHED_BARRIER_FILL || b->in_ready)
        return;
    b->in_ready = 1;
    base_u32heap_push(s->ready, &s->nready, i);
}

static void ready_pop(sh_state *s)
{
    (void)base_u32heap_pop(s->ready, &s->nready);
}

static int trials_left(const sh_state *s)
{
    return s->c.p.max_trials == SCHED_UNBOUNDED || s->next_trial < s->c.p.max_trials;
}

static bracket *bracket_open(sh_state *s)
{
    uint32_t kind = s->nbr % s->nkinds, n0 = s->size[kind];
    if (s->c.p.max_trials != SCHED_UNBOUNDED && s->c.p.max_trials - s->next_trial < n0)
        n0 = s->c.p.max_trials - s->next_trial;
    if (s->nbr == s->capbr) {
        uint32_t cap = s->capbr ? 2 * s->capbr : 16;
        /* a bracket is in the ready heap at most once: capbr bounds it */
        uint32_t *r = realloc(s->ready, (size_t)cap * sizeof *r);
        if (!r)
            return NULL;
        s->ready = r;
        bracket **p = realloc(s->br, (size_t)cap * sizeof *p);
        if (!p)
            return NULL;
        s->br = p;
        s->capbr = cap;
    }
    bracket *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->slot_trial = malloc((size_t)n0 * sizeof *b->slot_trial);
    b->slot_metric = malloc((size_t)n0 * sizeof *b->slot_metric);
    b->pos = malloc((size_t)n0 * sizeof *b->pos);
    b->order = malloc((size_t)n0 * sizeof *b->order);
    if (!b->slot_trial || !b->slot_metric || !b->pos || !b->order) {
        bracket_free(b);
        return NULL;
    }
    b->first = s->next_trial;
    b->n0 = b->n = n0;
    b->start = b->rung = kind;
    for (uint32_t i = 0; i < n0; i++) {
        b->slot_trial[i] = b->first + i;
        b->slot_metric[i] = (double)NAN;
        b->pos[i] = i;
    }
    s->next_trial += n0;
    s->br[s->nbr++] = b;
    ready_push(s, s->nbr - 1);
    return b;
}

static void hand_out(const sh_state *s, bracket *b, sched_job *job)
{
    job->trial = b->slot_trial[b->next++];
    job->from = b->rung > b->start ? s->c.levels[b->rung - 1] : 0;
    job->to = s->c.levels[b->rung];
    job->rung = b->rung;
    job->bracket = b->start;
}

/* Has bracket i handed out its last job (or finished)? */
static int last_handed(const sh_state *s, uint32_t i)
{
    const bracket *b = s->br[i];
    return !b || ((int)b->rung == s->c.nlevels - 1 && b->next == b->n);
}

static sched_answer sh_next(void *st, sched_job *job)
{
    sh_state *s = st;
    s->wait_bracket = -1;
    if (s->c.p.sh.barrier == SCHED_BARRIER_FILL) {
        while (s->nready) {
            bracket *b = s->br[s->ready[0]];
            if (b && b->next < b->n) {
                hand_out(s, b, job);
                return SCHED_RUN;
            }
            if (b)
                b->in_ready = 0;
            ready_pop(s);
        }
    } else if (s->nbr) {
        bracket *b = s->br[s->nbr - 1];
        if (b && b->next < b->n) {
            hand_out(s, b, job);
            return SCHED_RUN;
        }
        if (!last_handed(s, s->nbr - 1)) {
            s->wait_bracket = (int)s->nbr - 1;
            return SCHED_WAIT;
        }
    }
    if (trials_left(s)) {
        bracket *b = bracket_open(s);
        if (!b) { /* out of memory: an error that ends the run, not a smaller schedule */
            sched_fail(&s->c, -ENOMEM);
            return SCHED_ERROR;
        }
        hand_out(s, b, job);
        return SCHED_RUN;
    }
    if (s->oldest < s->nbr) {
        s->wait_bracket = (int)s->oldest;
        return SCHED_WAIT;
    }
    return SCHED_END;
}

/* (metric, slot) ascending: NaN never occurs here, INFINITY (failed) last */
static int cmp_items(const void *x, const void *y)
{
    const struct rank_item *a = x, *b = y;
    if (a->metric != b->metric)
        return a->metric < b->metric ? -1 : 1;
    return (a->slot > b->slot) - (a->slot < b->slot);
}

/* Every job of the rung has reported: promote or finish the bracket. */
static void rung_complete(sh_state *s, uint64_t bi)
{
    bracket *b = s->br[bi];
    if ((int)b->rung == s->c.nlevels - 1) {
        bracket_free(b);
        s->br[bi] = NULL;
        while (s->oldest < s->nbr && !s->br[s->oldest])
            s->oldest++;
        return;
    }
    uint32_t n = b->n, finite = 0;
    for (uint32_t i = 0; i < n; i++) {
        b->order[i] = (struct rank_item){ b->slot_metric[i], i };
        finite += isfinite(b->slot_metric[i]) != 0;
    }
    qsort(b->order, n, sizeof *b->order, cmp_items);
    uint32_t k = n / s->c.p.eta;
    if (k < 1)
        k = 1;
    if (k > finite)
        k = finite;
    /* the promoted trials, best first, become slots 0..k-1 */
    for (uint32_t i = 0; i < k; i++)
        b->order[i].slot = b->slot_trial[b->order[i].slot];
    for (uint32_t i = 0; i < b->n0; i++)
        b->pos[i] = NONE;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t t = b->order[i].slot;
        b->slot_trial[i] = t;
        b->slot_metric[i] = (double)NAN;
        b->pos[t - b->first] = i;
    }
    b->rung++;
    b->n = k;
    b->next = b->done = 0;
    if (k == 0) { /* every trial failed: the bracket ends here */
        bracket_free(b);
        s->br[bi] = NULL;
        while (s->oldest < s->nbr && !s->br[s->oldest])
            s->oldest++;
    } else {
        ready_push(s, (uint32_t)bi);
    }
}

/* The index among the brackets opened of the bracket holding `trial`. */
static uint64_t bracket_of(const sh_state *s, uint32_t trial)
{
    if (s->nkinds == 1)
        return trial / s->size[0];
    uint64_t off = trial % s->cycle, j = 0;
    while (off >= s->size[j])
        off -= s->size[j++];
    return trial / s->cycle * s->nkinds + j;
}

static sched_decision record(sh_state *s, uint32_t trial, uint32_t epoch, double metric)
{
    uint64_t bi = bracket_of(s, trial);
    bracket *b = bi < s->nbr ? s->br[bi] : NULL;
    if (!b)
        return SCHED_STOP;
    uint32_t slot = b->pos[trial - b->first];
    if (slot == NONE || epoch < s->c.levels[b->rung])
        return SCHED_CONTINUE;
    b->slot_metric[slot] = metric;
    sched_decision d = (int)b->rung == s->c.nlevels - 1 ? SCHED_DONE : SCHED_PAUSE;
    if (++b->done == b->n)
        rung_complete(s, bi);
    return d;
}

static sched_decision sh_report(void *st, uint32_t trial, uint32_t epoch, double metric)
{
    return record(st, trial, epoch, metric);
}

static void sh_fail(void *st, const sched_job *job)
{
    sh_state *s = st;
    record(s, job->trial, s->c.levels[job->rung], (double)INFINITY);
}

static void sh_explain(const void *st, char *buf, size_t n)
{
    const sh_state *s = st;
    if (s->wait_bracket < 0) {
        snprintf(buf, n, "no configurations left and no bracket open");
        return;
    }
    const bracket *b = s->br[s->wait_bracket];
    uint32_t running = NONE;
    for (uint32_t i = 0; i < b->next && running == NONE; i++)
        if (isnan(b->slot_metric[i]))
            running = b->slot_trial[i];
    if (running == NONE)
        snprintf(buf, n, "bracket %d waits at rung %u", s->wait_bracket, b->rung);
    else
        snprintf(buf, n, "rung %u of bracket %d still runs trial %u (%u of %u jobs reported)",
                 b->rung, s->wait_bracket, running, b->done, b->n);
}

static const char *const sh_variants[] = { "strict", "fill", NULL };

static void sh_defaults(sched_params *p) { p->sh.barrier = SCHED_BARRIER_STRICT; }

const sched_type sh_type_object = {
    .name = "sh", .variants = sh_variants, .variant_of = SCHED_VARIANT_BARRIER,
    .help = "synchronous successive halving (strict: d2l Fig. 19.5.1; fill: BOHB)",
    .defaults = sh_defaults,
    .size = sizeof(sh_state), .init = sh_init, .destroy = sh_destroy,
    .next = sh_next, .report = sh_report, .fail = sh_fail, .explain = sh_explain,
};
const sched_type *const sched_sh = &sh_type_object;
