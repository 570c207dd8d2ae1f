/*
 * traces/workload.c -- open a workload by spec, dispatch queries to its type,
 * free it; plus the helpers every type shares (error text, strdup); the
 * growable array and CSV quoting are core/base.h's.
 *
 * A spec is "NAME" or "NAME:ARG"; NAME picks the type object (wl_impl.h) and
 * ARG is the type's business.  The per-epoch queries check their API
 * preconditions (k < trials, 1 <= e <= epochs) always, NDEBUG or not: an
 * out-of-range query is a caller bug that would otherwise read past a table,
 * and two compares cost nothing next to a query.  A violated precondition
 * aborts -- the library never prints.
 *
 * The order of a recorded workload lives here, not in the types: a type
 * answers for its rows, and in seeded order trial k is row perm[k].  The
 * permutation is Durstenfeld's Fisher-Yates shuffle driven by one SplitMix64
 * stream keyed by the seed (crn.h), with unbiased bounded draws (rejection),
 * so it depends on (seed, rows) alone: every scheduler run with one seed
 * sees the same order.  O(rows) once at open; a query costs one load more.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/crn.h"
#include "traces/wl_impl.h"
#include "traces/workload.h"

static const wl_type *const wl_types[] = {
#define WL_KIND_ENTRY_(kind) &wl_##kind##_type,
    WL_KIND_MAP(WL_KIND_ENTRY_)
#undef WL_KIND_ENTRY_
};
#define WL_NTYPES (sizeof wl_types / sizeof wl_types[0])

#define WL_REQUIRE(cond) \
    do {                 \
        if (!(cond))     \
            abort();     \
    } while (0)

static const wl_type *wl_type_of(const char *spec, const char **arg);

const char *workload_spec_file(const char *spec)
{
    const char *arg = NULL;
    const wl_type *type = wl_type_of(spec, &arg);
    return type != NULL && type->arg_is_file ? arg : NULL;
}

const char *workload_kind(size_t i, int *recorded, wl_order *default_order)
{
    if (i >= WL_NTYPES)
        return NULL;
    if (recorded != NULL)
        *recorded = wl_types[i]->recorded;
    if (default_order != NULL)
        *default_order = wl_types[i]->default_order;
    return wl_types[i]->syntax;
}

size_t workload_kinds_list(char *buf, size_t n, const char *sep, const char *last)
{
    const char *syntax[WL_NTYPES];
    for (size_t i = 0; i < WL_NTYPES; i++)
        syntax[i] = wl_types[i]->syntax;
    return base_join(buf, n, syntax, WL_NTYPES, sep, last);
}

void wl_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

wl_params wl_default_params(void)
{
    wl_params p = {.seed = 1, .order = WL_ORDER_FILE};
    return p;
}

/* The type a spec names, and where its argument starts (NULL: none). */
static const wl_type *wl_type_of(const char *spec, const char **arg)
{
    for (size_t i = 0; i < WL_NTYPES; i++) {
        size_t len = strlen(wl_types[i]->name);
        if (strncmp(spec, wl_types[i]->name, len) != 0)
            continue;
        if (spec[len] == '\0' || spec[len] == ':') {
            *arg = spec[len] == ':' ? spec + len + 1 : NULL;
            return wl_types[i];
        }
    }
    return NULL;
}

int workload_spec_order(const char *spec, wl_order asked)
{
    const char *arg;
    const wl_type *type = spec != NULL ? wl_type_of(spec, &arg) : NULL;
    if (type == NULL || !type->recorded)
        return -1;
    return (int)(asked == WL_ORDER_AUTO ? type->default_order : asked);
}

const char *wl_order_name(int order)
{
    return order == WL_ORDER_FILE ? "file" : order == WL_ORDER_SEEDED ? "seeded" : "-";
}

/* The stream of the order's draws: (seed, k, e) = (seed, 0, 0) under a
 * stream number no model uses ("order" in ASCII). */
#define WL_ORDER_STREAM UINT64_C(0x6f72646572)

/* Fill perm[0..n) with the seeded permutation of 0..n-1. */
static void wl_permutation(uint32_t *perm, uint32_t n, uint64_t seed)
{
    crn_state st = {crn_key(seed, 0, 0, WL_ORDER_STREAM)};
    for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
    for (uint32_t i = n; i > 1; i--) {
        /* j uniform in 0..i-1: reject the 2^64 mod i lowest outputs */
        uint64_t bound = i, low = (0 - bound) % bound, x;
        do
            x = crn_next(&st);
        while (x < low);
        uint32_t j = (uint32_t)(x % bound), t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
}

int workload_open(workload **out, const char *spec, const wl_params *p, char *err, size_t errlen)
{
    wl_params defaults = wl_default_params();
    const wl_type *type = NULL;
    const char *arg = NULL;
    workload *w;
    int rc;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (out == NULL || spec == NULL) {
        wl_errf(err, errlen, "workload: no spec given");
        return -EINVAL;
    }
    *out = NULL;
    if (p == NULL)
        p = &defaults;

    type = wl_type_of(spec, &arg);
    if (type == NULL) {
        char kinds[512];
        workload_kinds_list(kinds, sizeof kinds, ", ", " or ");
        wl_errf(err, errlen, "%s: unknown workload (expected %s)", spec, kinds);
        return -EINVAL;
    }

    w = calloc(1, sizeof *w);
    if (w == NULL)
        goto nomem;
    w->name = malloc(strlen(spec) + 1);
    if (w->name == NULL)
        goto nomem;
    strcpy(w->name, spec);
    w->type = type;
    rc = type->open(w, arg, p, err, errlen);
    if (rc < 0) {
        free(w->name);
        free(w);
        return rc;
    }
    if (workload_spec_order(spec, p->order) == WL_ORDER_SEEDED && w->trials > 1) {
        w->perm = malloc((size_t)w->trials * sizeof *w->perm);
        if (w->perm == NULL) {
            workload_free(w);
            wl_errf(err, errlen, "%s: out of memory", spec);
            return -ENOMEM;
        }
        wl_permutation(w->perm, w->trials, p->seed);
    }
    *out = w;
    return 0;

nomem:
    if (w != NULL)
        free(w->name);
    free(w);
    wl_errf(err, errlen, "%s: out of memory", spec);
    return -ENOMEM;
}

void workload_free(workload *w)
{
    if (w == NULL)
        return;
    w->type->free(w->state);
    free(w->perm);
    free(w->name);
    free(w);
}

/* The type's index of trial k: its row in seeded order. */
static inline uint32_t wl_row(const workload *w, uint32_t k)
{
    return w->perm != NULL ? w->perm[k] : k;
}

const char *workload_name(const workload *w)
{
    return w->name;
}

uint32_t workload_trials(const workload *w)
{
    return w->trials;
}

uint32_t workload_epochs(const workload *w)
{
    return w->epochs;
}

double workload_epoch_time(const workload *w, uint32_t k, uint32_t e)
{
    WL_REQUIRE(k < w->trials && e >= 1 && e <= w->epochs);
    return w->type->epoch_time(w->state, wl_row(w, k), e);
}

double workload_metric(const workload *w, uint32_t k, uint32_t e)
{
    WL_REQUIRE(k < w->trials && e >= 1 && e <= w->epochs);
    return w->type->metric(w->state, wl_row(w, k), e);
}

void workload_trial(const workload *w, uint32_t k, wl_trial *h)
{
    WL_REQUIRE(k < w->trials);
    h->time = NULL;
    h->metric = NULL;
    h->time_fn = NULL;
    h->metric_fn = NULL;
    h->state = w->state;
    h->key = 0;
    h->k = wl_row(w, k);
    h->epochs = w->epochs;
    w->type->trial(w->state, h->k, h);
}

void wl_trial_bad_epoch(const wl_trial *h, uint32_t e)
{
    (void)h;
    (void)e;
    abort();
}

const char *workload_config_header(const workload *w)
{
    return w->config_header;
}

void workload_config(const workload *w, uint32_t k, char *buf, size_t n)
{
    WL_REQUIRE(k < w->trials);
    if (buf == NULL || n == 0)
        return;
    w->type->config(w->state, wl_row(w, k), buf, n);
}

char *wl_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}
