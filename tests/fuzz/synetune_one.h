/*
 * tests/fuzz/synetune_one.h -- what the import fuzzer and its replay test
 * do with one results.csv: import it (traces/synetune.c); a refusal must be
 * negative and name the file, and a table the import writes must be one
 * the table reader accepts (the import applies the table's checks, issue
 * 12).  The table is written to `tmp`.  0, or -1 with the broken promise
 * in why.
 */
#ifndef SHSIM_TESTS_FUZZ_SYNETUNE_ONE_H
#define SHSIM_TESTS_FUZZ_SYNETUNE_ONE_H

#include "traces/workload.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static inline int synetune_one(const char *path, const char *tmp, char *why, size_t n)
{
    char err[4096] = "";
    wl_results r;
    wl_results_params p = wl_results_default_params();
    int rc = wl_results_read(&r, path, &p, err, sizeof err);
    if (rc != 0) {
        if (rc < 0 && strstr(err, path))
            return 0;
        snprintf(why, n, "%s: import refused it with %d and a message not naming it: %s", path,
                 rc, err);
        return -1;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        wl_results_free(&r);
        return 0;
    }
    wl_import_stats st;
    err[0] = '\0';
    rc = wl_results_write_table(&r, f, "fuzz", &st, err, sizeof err);
    wl_results_free(&r);
    int closed = fclose(f);
    if (rc < 0 || closed != 0) {
        unlink(tmp);
        if (rc < 0 && !err[0]) {
            snprintf(why, n, "%s: import failed without a message", path);
            return -1;
        }
        return 0;
    }
    char spec[4200];
    snprintf(spec, sizeof spec, "table:%s", tmp);
    workload *w = NULL;
    wl_params wp = wl_default_params();
    err[0] = '\0';
    rc = workload_open(&w, spec, &wp, err, sizeof err);
    workload_free(w);
    unlink(tmp);
    if (rc < 0) {
        snprintf(why, n, "%s: import wrote a table that the table reader refuses: %s", path, err);
        return -1;
    }
    return 0;
}

#endif
