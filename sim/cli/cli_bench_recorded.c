/*
 * sim/cli/cli_bench_recorded.c -- the recorded-results part of `shsim
 * bench`: how long `shsim import synetune` and `shsim replay` take on a
 * large results file.  Measurements, never tests.
 *
 * The file is made here, deterministically: T trials with string ids,
 * reporting in blocks of 1000 concurrent trials whose epochs interleave
 * (trial ids are never consecutive rows, the case a linear id search is
 * quadratic on), two reports to a time stamp (so the replay searches tie
 * orders), errors from a xorshift, and each trial's last epoch 10 or, for
 * one in ten, a rung 1, 2, 4 or 8 (r_min 1, eta 2, r_max 10): about 9.4
 * rows per trial.  Timed: reading it and writing the table (what `import`
 * does), and reading it and replaying it under all four rules (`replay`).
 */
#include "sim/cli/cli.h"
#include "sim/cli/cli_bench.h"
#include "sim/replay.h"
#include "traces/workload.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Write the results file of `trials` trials; its row count, or 0 on error. */
static size_t make_results(FILE *f, uint32_t trials)
{
    enum { BLOCK = 1000, E = 10 };
    static const uint32_t stops[] = { 1, 2, 4, 8 };
    uint64_t rng = 0x2545F4914F6CDD1Dull;
    uint32_t last[BLOCK];
    size_t rows = 0;
    if (fprintf(f, "trial_id,epoch,st_tuner_time,validation_error\n") < 0)
        return 0;
    for (uint32_t b0 = 0; b0 < trials; b0 += BLOCK) {
        uint32_t nb = trials - b0 < BLOCK ? trials - b0 : BLOCK;
        for (uint32_t k = 0; k < nb; k++)
            last[k] = bench_xorshift(&rng) % 10 == 0 ? stops[bench_xorshift(&rng) % 4] : E;
        for (uint32_t e = 1; e <= E; e++)
            for (uint32_t k = 0; k < nb; k++) {
                if (e > last[k])
                    continue;
                double err = 0.1 + 0.8 * (double)(bench_xorshift(&rng) >> 11) / 9007199254740992.0 / (double)e;
                if (fprintf(f, "t%08x,%u,%.3f,%.6f\n", (b0 + k) * 2654435761u, e, (double)(rows / 2) * 0.01,
                            err) < 0)
                    return 0;
                rows++;
            }
    }
    return rows;
}

/* Time import and replay on `trials` trials; 0 or -1 after printing why. */
static int bench_one_file(uint32_t trials)
{
    char path[] = "/tmp/shsim_bench_results.XXXXXX", err[4608];
    int fd = mkstemp(path);
    if (fd < 0) {
        cli_error("bench: cannot make a temporary file: %s", strerror(errno));
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    size_t rows = f ? make_results(f, trials) : 0;
    if (f == NULL || fclose(f) != 0 || rows == 0) {
        cli_error("bench: cannot write %s", path);
        unlink(path);
        return -1;
    }
    wl_results r;
    wl_import_stats st;
    int rc = -1;
    double t0 = bench_wall_s();
    FILE *out = fopen("/dev/null", "w");
    if (out && wl_results_read(&r, path, NULL, err, sizeof err) == 0) {
        int w = wl_results_write_table(&r, out, NULL, &st, err, sizeof err);
        double t_import = bench_wall_s() - t0;
        wl_results_free(&r);
        replay_params p = { .r_min = 1, .eta = 2, .r_max = 10, .horizon = (double)INFINITY,
                            .rule = SCHED_RULE_QUANTILE };
        replay_result rep;
        t0 = bench_wall_s();
        if (w == 0 && wl_results_read(&r, path, NULL, err, sizeof err) == 0) {
            if (replay_run(&r, &p, &rep, err, sizeof err) == 0) {
                double t_replay = bench_wall_s() - t0;
                printf("  %8u %9zu %9.2f %9.2f %10zu %8u\n", trials, rows, t_import, t_replay, rep.n,
                       rep.tie[SCHED_RULE_QUANTILE]);
                replay_free(&rep);
                rc = 0;
            }
            wl_results_free(&r);
        }
    }
    if (rc < 0)
        cli_error("bench: recorded results: %s", err);
    if (out)
        fclose(out);
    unlink(path);
    return rc;
}

int bench_recorded(int quick)
{
    static const uint32_t sizes[] = { 20000, 100000 };
    printf("\nRecorded results (a made-up Syne Tune results.csv, trials interleaved in\n"
           "blocks of 1000, two reports a stamp), wall time: import = read + write the\n"
           "table; replay = read + all four rules, r_min 1, eta 2, r_max 10\n");
    printf("  %8s %9s %9s %9s %10s %8s\n", "trials", "rows", "import s", "replay s", "decisions", "ties");
    for (size_t i = 0; i < (quick ? 1u : 2u); i++) {
        if (bench_one_file(sizes[i]) < 0)
            return -1;
        fflush(stdout);
    }
    return 0;
}
