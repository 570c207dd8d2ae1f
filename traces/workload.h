/*
 * traces/workload.h -- the face of traces/: what trial k costs and scores.
 *
 * A workload answers, for trial k (0,1,2,... in the order the core asks for
 * new configurations) and epoch e (1..workload_epochs()):
 *   workload_epoch_time(w, k, e)  seconds that epoch e of trial k takes;
 *   workload_metric(w, k, e)      validation error after epoch e (lower is
 *                                 better);
 *   workload_config(w, k, ...)    its hyperparameters as CSV fields, in the
 *                                 order of workload_config_header().
 * Trial k's data is a pure function of (workload spec, seed, k): common random
 * numbers, so every scheduler sees the same trials.  A recorded table is
 * finite (workload_trials() rows); a model is unbounded (WL_UNBOUNDED).
 *
 * Specs understood by workload_open():
 *   lenet                  recorded LeNet runs (d2l random search, V100):
 *                          traces/data/lenet_rs.csv, compiled in
 *   lenet-cpu31            the 31 configurations of the book's ASHA run, full
 *                          curves: traces/data/lenet_cpu31.csv, compiled in
 *   figure                 the integer model of d2l Fig. 19.5.1/19.5.2
 *   table:FILE             CSV: config_id, epoch, epoch_time, error[, hyper...]
 *   synthetic[:DIST[:MEAN[:SPREAD]]]
 *                          DIST constant|normal|lognormal seconds per epoch
 *                          (drawn once per trial), a seeded error-curve family
 *
 * Ownership: workload_open() allocates, workload_free() releases
 * (workload_free(NULL) does nothing).  Errors: workload_open() returns 0 or a
 * negative errno code and writes a message naming file, line and field into
 * err (it never prints).  The per-epoch queries cannot fail: callers keep k
 * below workload_trials() and e within 1..workload_epochs().
 */
#ifndef SHSIM_TRACES_WORKLOAD_H
#define SHSIM_TRACES_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#define WL_UNBOUNDED UINT32_MAX

typedef struct workload workload;

typedef struct {
    uint64_t seed; /* seeds every random draw of a model workload */
} wl_params;

wl_params wl_default_params(void);

int workload_open(workload **out, const char *spec, const wl_params *p, char *err, size_t errlen);
void workload_free(workload *w);

const char *workload_name(const workload *w);  /* the spec it was opened with */
uint32_t workload_trials(const workload *w);   /* WL_UNBOUNDED for a model */
uint32_t workload_epochs(const workload *w);   /* epochs known per trial */
double workload_epoch_time(const workload *w, uint32_t k, uint32_t e);
double workload_metric(const workload *w, uint32_t k, uint32_t e);
/* Column names of the hyperparameters, comma separated ("" when none). */
const char *workload_config_header(const workload *w);
/* Trial k's hyperparameters as CSV fields (quoted where needed). */
void workload_config(const workload *w, uint32_t k, char *buf, size_t n);

#endif
