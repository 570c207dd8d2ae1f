/*
 * tests/fuzz/merge_one.h -- what the merge fuzzer and its replay test do
 * with one input: it is part 1/2 of a small fixed grid, its files in one
 * text separated by lines "----" (sweep_info.csv, sweep.csv,
 * sweep_agg.csv, sweep_curves.csv; a missing piece is a missing file);
 * part 2/2 is made once by a real sweep.  sweep_merge() must then merge or
 * refuse with a message, never crash; a merge it accepts has every run of
 * the grid.  Scratch files live in a folder the caller names
 * (/tmp/shsim-fuzz-merge-PID, /tmp/shsim-regress-merge-PID);
 * merge_teardown() removes it.
 */
#ifndef SHSIM_TESTS_FUZZ_MERGE_ONE_H
#define SHSIM_TESTS_FUZZ_MERGE_ONE_H

#include "sim/cli/cli.h"
#include "sim/sweep/sweep.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

/* The grid both parts come from (12 runs, 5 curve points). */
#define MERGE_GRID "sweep --workloads figure --schedulers asha,sh --workers 1,2 --seeds 1..3 " \
                   "--horizon 30 --curve-points 5 --jobs 1 -q --shard 2/2 --out "
#define MERGE_RUNS 12

static const char *const merge_files[] = { "sweep_info.csv", "sweep.csv", "sweep_agg.csv",
                                           "sweep_curves.csv" };

/* Make part 2 of the grid under base (once): 0, or -1. */
static inline int merge_setup(const char *base)
{
    char cmd[4400], *argv[32];
    snprintf(cmd, sizeof cmd, "%s%s/p2", MERGE_GRID, base);
    int argc = 0;
    for (char *tok = strtok(cmd, " "); tok && argc < 31; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    argv[argc] = NULL;
    mkdir(base, 0777);
    return cli_sweep(argc, argv) == 0 ? 0 : -1;
}

/* Remove base and what merge_setup() and merge_one() put in it: the files
 * of its folders p1, p2 and out (flat: a sweep writes no subfolders). */
static inline void merge_teardown(const char *base)
{
    static const char *const sub[] = { "p1", "p2", "out" };
    char dir[4200], path[4500];
    for (size_t i = 0; i < sizeof sub / sizeof *sub; i++) {
        snprintf(dir, sizeof dir, "%s/%s", base, sub[i]);
        DIR *d = opendir(dir);
        if (d == NULL)
            continue;
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
        rmdir(dir);
    }
    rmdir(base);
}

/* Field idx of the CSV line at p (quote-aware, quotes kept) into buf. */
static inline void merge_field(const char *p, size_t idx, char *buf, size_t n)
{
    int quoted = 0;
    for (; *p && *p != '\n' && idx; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            idx--;
    }
    size_t k = 0;
    for (quoted = 0; *p && *p != '\n' && (quoted || *p != ','); p++) {
        if (*p == '"')
            quoted = !quoted;
        if (k + 1 < n)
            buf[k++] = *p;
    }
    buf[k] = '\0';
}

/* The merged sweep.csv has each (cell, seed) of the grid exactly once:
 * cells 0..3 x seeds 1, 2, 3 (as part 2 writes them). */
static inline int merged_runs_ok(const char *out)
{
    char path[4300], text[1 << 16], f[64];
    snprintf(path, sizeof path, "%s/sweep.csv", out);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t len = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[len] = '\0';
    size_t seed_col = 0;
    for (size_t i = 0;; i++) { /* the header has no quotes */
        merge_field(text, i, f, sizeof f);
        if (!f[0])
            return 0;
        if (strcmp(f, "seed") == 0) {
            seed_col = i;
            break;
        }
    }
    int seen[4][3] = { { 0 } }, rows = 0;
    for (char *q = strchr(text, '\n'); q && q[1]; q = strchr(q + 1, '\n')) {
        char cell[64];
        merge_field(q + 1, 0, cell, sizeof cell);
        merge_field(q + 1, seed_col, f, sizeof f);
        int c = cell[0] >= '0' && cell[0] <= '3' && !cell[1] ? cell[0] - '0' : -1;
        int sd = f[0] >= '1' && f[0] <= '3' && !f[1] ? f[0] - '1' : -1;
        if (c < 0 || sd < 0 || seen[c][sd]++)
            return 0;
        rows++;
    }
    return rows == MERGE_RUNS;
}

/* 0 when the merge held its promise, -1 when not (a bug). */
static inline int merge_one(const char *base, const uint8_t *data, size_t size)
{
    char p1[4200], out[4200], path[4300];
    snprintf(p1, sizeof p1, "%s/p1", base);
    snprintf(out, sizeof out, "%s/out", base);
    mkdir(p1, 0777);
    const char *text = (const char *)data;
    size_t pos = 0;
    int more = 1;
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", p1, merge_files[i]);
        unlink(path);
        if (!more)
            continue; /* a missing file */
        size_t sep = pos;
        while (sep < size && !(size - sep >= 5 && memcmp(text + sep, "----\n", 5) == 0 &&
                               (sep == 0 || text[sep - 1] == '\n')))
            sep++;
        FILE *f = fopen(path, "wb");
        if (!f)
            return 0;
        fwrite(text + pos, 1, sep - pos, f);
        fclose(f);
        more = sep < size;
        pos = more ? sep + 5 : size;
    }
    const char *dirs[] = { p1, NULL };
    char p2[4200];
    snprintf(p2, sizeof p2, "%s/p2", base);
    dirs[1] = p2;
    char err[4400] = "";
    int rc = sweep_merge(dirs, 2, out, err, sizeof err);
    int good = rc == 0 || (rc < 0 && err[0]);
    if (rc == 0) /* every run of the grid once */
        good = merged_runs_ok(out);
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", out, merge_files[i]);
        unlink(path);
    }
    rmdir(out);
    return good ? 0 : -1;
}

#endif
