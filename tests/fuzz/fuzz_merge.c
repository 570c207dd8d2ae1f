/*
 * tests/fuzz/fuzz_merge.c -- libFuzzer harness for `shsim merge`
 * (sim/sweep/sweep_merge.c): any bytes as one part of a small grid must
 * merge into every run of the grid or be refused with a message, never a
 * crash, a leak or undefined behaviour (tests/fuzz/merge_one.h).  Built and
 * run by `make fuzz`; the corpus and regressions are replayed by
 * tests/test_fuzz_regress.c.
 */
#include "tests/fuzz/merge_one.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[64];

/* libFuzzer ends a run of -max_total_time or -runs with exit(): the scratch
 * folder goes with it.  A finding removes it before abort() (the input is
 * what libFuzzer keeps); only a kill (SIGINT/SIGTERM: libFuzzer _Exit()s)
 * can leave it behind. */
static void teardown(void)
{
    merge_teardown(base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!base[0]) {
        snprintf(base, sizeof base, "/tmp/shsim-fuzz-merge-%ld", (long)getpid());
        if (atexit(teardown) != 0 || merge_setup(base) < 0) {
            merge_teardown(base);
            abort();
        }
    }
    if (merge_one(base, data, size) < 0) {
        merge_teardown(base);
        abort();
    }
    return 0;
}
