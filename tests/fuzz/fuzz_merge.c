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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char base[64];
    if (!base[0]) {
        snprintf(base, sizeof base, "/tmp/shsim-fuzz-merge-%ld", (long)getpid());
        if (merge_setup(base) < 0)
            abort();
    }
    if (merge_one(base, data, size) < 0)
        abort();
    return 0;
}
