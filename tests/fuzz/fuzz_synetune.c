/*
 * tests/fuzz/fuzz_synetune.c -- libFuzzer harness for the Syne Tune
 * importer (traces/synetune.c; `shsim import synetune`, `shsim replay`):
 * any bytes, read as a results.csv and written back as a table, must give
 * a table or a message naming the file, never a crash, a leak or undefined
 * behaviour.  Built and run by `make fuzz`; the corpus and regressions are
 * replayed by tests/test_fuzz_regress.c.
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
    static FILE *sink;
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/shsim-fuzz-%ld.results.csv", (long)getpid());
        if (!(sink = fopen("/dev/null", "w")))
            abort();
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    char err[4096] = "";
    wl_results r;
    wl_results_params p = wl_results_default_params();
    int rc = wl_results_read(&r, path, &p, err, sizeof err);
    if (rc == 0) {
        wl_import_stats st;
        err[0] = '\0';
        if (wl_results_write_table(&r, sink, "fuzz", &st, err, sizeof err) < 0 && !err[0])
            abort();
        wl_results_free(&r);
    } else if (rc > 0 || !strstr(err, path)) {
        abort(); /* every error is negative and names the file */
    }
    return 0;
}
