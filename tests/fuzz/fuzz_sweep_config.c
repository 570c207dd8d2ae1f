/*
 * tests/fuzz/fuzz_sweep_config.c -- libFuzzer harness for the config files
 * of `shsim sweep` (libinih plus sim/cli/cli_sweep.c's reader, keys and value
 * checks): any bytes, read as `shsim sweep --config FILE --dry-run`, must
 * give the grid's size (status 0) or a message (status 2), never a crash, a
 * leak or undefined behaviour.  Built and run by `make fuzz`; the corpus
 * and regressions are replayed by tests/test_fuzz_regress.c.
 */
#include "tests/fuzz/sweep_config_one.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        /* what shsim prints is silenced by make fuzz's -close_fd_mask=3 */
        snprintf(path, sizeof path, "/tmp/shsim-fuzz-%ld.ini", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    int st = sweep_config_one(path);
    if (st != 0 && st != 2)
        abort(); /* only "the grid" or "bad input" */
    return 0;
}
