/*
 * traces/wl_impl.h -- inside traces/ only: the workload type object.
 *
 * A family of workloads is a type object (GSL's gsl_rng_type habit): a name
 * and the functions that open, free and query one instance.  struct workload
 * points to its type and to the state that type's open() made.
 *
 * Invariants, once open() returned 0:
 *   - state, trials, epochs and config_header are set and never change, so
 *     every query is a pure function of (state, k, e) and a workload may be
 *     queried from several threads at once (no type keeps mutable state);
 *   - config_header stays valid until the type's free() runs;
 *   - queries are only called with k < trials and 1 <= e <= epochs
 *     (workload.c checks that before dispatching).
 * On failure open() has released whatever it allocated, left w->state NULL
 * and written a message into err.
 */
#ifndef SHSIM_TRACES_WL_IMPL_H
#define SHSIM_TRACES_WL_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "core/base.h" /* base_grow, base_csv_field */
#include "traces/workload.h"

typedef struct wl_type {
    const char *name;   /* the spec word: "figure", "table", "synthetic" */
    const char *syntax; /* the spec as help texts and messages show it:
                           "table:FILE", "synthetic[:DIST[:MEAN[:SPREAD]]]" */
    int arg_is_file;    /* "name:ARG" reads the file ARG (a sweep checksums it) */
    /* arg is the text after "name:", or NULL when the spec is just name. */
    int (*open)(workload *w, const char *arg, const wl_params *p, char *err, size_t errlen);
    void (*free)(void *state);
    double (*epoch_time)(const void *state, uint32_t k, uint32_t e);
    double (*metric)(const void *state, uint32_t k, uint32_t e);
    /* Fill h for trial k: workload.c has set h->state, k, epochs, and time,
     * metric, time_fn and metric_fn to NULL; the type sets what it needs,
     * so that h's queries equal epoch_time() and metric() bit for bit (those
     * stay the slow, obvious reference the tests compare against). */
    void (*trial)(const void *state, uint32_t k, wl_trial *h);
    void (*config)(const void *state, uint32_t k, char *buf, size_t n);
    /* A recorded workload (a finite table of configurations) and the order
     * it gets by default (WL_ORDER_FILE or WL_ORDER_SEEDED); 0 and unused
     * for a generated one.  workload.c applies the order: the type's
     * queries always take the row. */
    int recorded;
    wl_order default_order;
} wl_type;

struct workload {
    const wl_type *type;
    void *state;
    char *name;                /* the spec, owned */
    uint32_t trials;           /* WL_UNBOUNDED for a model */
    uint32_t epochs;
    const char *config_header; /* owned by the type (static or in state) */
    uint32_t *perm;            /* seeded order: trial k is row perm[k]; NULL:
                                  file order (or a generated workload) */
};

/* The kinds of workload, one line each, in the order help texts and
 * messages list them (workload_kind()): X(NAME) declares wl_NAME_type,
 * defined in its own file (lenet and lenet_cpu31: wl_lenet.c; model, the
 * lenet-model: wl_model.c; the others wl_NAME.c), and puts it into
 * workload.c's table.  A new kind is its file and one line here. */
#define WL_KIND_MAP(X) X(lenet) X(lenet_cpu31) X(model) X(figure) X(table) X(synthetic)

#define WL_KIND_DECLARE_(kind) extern const wl_type wl_##kind##_type;
WL_KIND_MAP(WL_KIND_DECLARE_)
#undef WL_KIND_DECLARE_

/* Open w as a `table:` workload read from len bytes at data (a table
 * embedded into the binary); messages name `name` as the file.  Queries then
 * go through wl_table_type's functions. */
int wl_table_open_mem(workload *w, const char *name, const char *data, size_t len, char *err, size_t errlen);

/* Bounds on the values a file may give, so that no sum along a run can
 * overflow: a run adds at most --max-events epoch times, each scaled by
 * straggler factors below 1e30 (noise below 1e16, slow-down at most 1e12:
 * sim/straggler.c), and a sweep squares
 * metrics for their sd.  1e12 s is 31 700 years. */
#define WL_MAX_SECONDS 1e12
#define WL_MAX_METRIC 1e100

#if defined(__GNUC__)
#define WL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define WL_PRINTF(f, a)
#endif

/* snprintf into err (nothing when err is NULL or errlen is 0). */
void wl_errf(char *err, size_t errlen, const char *fmt, ...) WL_PRINTF(3, 4);
/* strdup (not in C11); NULL when memory is out. */
char *wl_strdup(const char *s);

#endif
