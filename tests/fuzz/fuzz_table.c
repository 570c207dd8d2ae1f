/*
 * tests/fuzz/fuzz_table.c -- libFuzzer harness for the trace-table reader:
 * any bytes, read as table:FILE, must give a workload or an error message,
 * never a crash, a leak or undefined behaviour.  Built and run by `make fuzz`.
 */
#include "traces/workload.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/shsim-fuzz-%ld.csv", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    char spec[128], err[4096];
    snprintf(spec, sizeof spec, "table:%s", path);
    workload *w = NULL;
    wl_params p = wl_default_params();
    if (workload_open(&w, spec, &p, err, sizeof err) == 0) {
        /* touch every value: the reader promised a complete rectangle */
        char cfg[4096];
        for (uint32_t k = 0; k < workload_trials(w); k++) {
            for (uint32_t e = 1; e <= workload_epochs(w); e++)
                if (!(workload_epoch_time(w, k, e) > 0))
                    abort();
            workload_config(w, k, cfg, sizeof cfg);
        }
        workload_free(w);
    } else if (!err[0]) {
        abort(); /* every error carries a message */
    }
    return 0;
}
