/*
 * tests/fuzz/fuzz_synetune.c -- libFuzzer harness for the Syne Tune
 * importer (traces/synetune.c; `shsim import synetune`, `shsim replay`):
 * any bytes, read as a results.csv and written back as a table, must give
 * a table that `run` accepts or a message naming the file, never a crash,
 * a leak or undefined behaviour (tests/fuzz/synetune_one.h).  Built and run
 * by `make fuzz`; the corpus and regressions are replayed by
 * tests/test_fuzz_regress.c.
 */
#include "tests/fuzz/synetune_one.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64], table[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/shsim-fuzz-%ld.results.csv", (long)getpid());
        snprintf(table, sizeof table, "/tmp/shsim-fuzz-%ld.table.csv", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    char why[4400];
    if (synetune_one(path, table, why, sizeof why) < 0) {
        fprintf(stderr, "%s\n", why);
        abort();
    }
    return 0;
}
