/*
 * tests/sweep_fixture.h -- what the sweep tests (test_sweep.c,
 * test_sweep_journal.c) share: a small grid of 16 cells x 3 seeds on a
 * synthetic workload, a temporary folder per test binary, reading and
 * comparing a sweep's four files, and a fault injector.
 */
#ifndef SHSIM_TESTS_SWEEP_FIXTURE_H
#define SHSIM_TESTS_SWEEP_FIXTURE_H

#include "sim/sweep/sweep.h"
#include "tests/testutil.h"

#define SF_NFILES 4
extern const char *const sf_files[SF_NFILES]; /* the four files of a sweep */

/* DIR/NAME whole (fails the test when it cannot be read); *len its bytes. */
char *sf_slurp(const char *dir, const char *name, size_t *len);
/* The four files of a and b are byte-identical (else the test fails). */
void sf_same_files(const char *a, const char *b);
/* Remove a sweep folder: its four files, its journal, itself. */
void sf_rm_dir(const char *dir);
int sf_exists(const char *dir, const char *name);
/* out = the temporary root (made by sf_setup) / name. */
void sf_tmp_dir(char *out, size_t n, const char *name);
/* cmocka group setup and teardown: make / remove the temporary root. */
int sf_setup(void **state);
int sf_teardown(void **state);
/* The small grid: 4 scheduler variants x workers {1, 5} x eta {2, 3}
 * (ctx non-NULL: cell 5 is impossible, r_min beyond r_max). */
void sf_test_cell(void *ctx, size_t c, run_spec *rs);
/* The plan of that grid: 16 cells, the seeds sf_seeds, 8 curve points. */
extern const uint64_t sf_seeds[3]; /* 1, 2, 3 */
sweep_plan sf_test_plan(void);
/* Run p into dir; the test fails unless every run succeeded and the
 * journal was removed. */
void sf_run_ok(const sweep_plan *p, const char *dir);

/* A fault injector (sweep_plan.inject): runs 7 (-EPROTO) and 11 (-ENOMEM)
 * fail; flaky: only on their first try. */
typedef struct {
    int flaky, tried[64];
    size_t calls;
} faults;
int sf_inject(void *ctx, size_t r, char *why, size_t n);

#endif
