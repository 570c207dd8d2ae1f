/*
 * sim/cli_check.c -- `shsim check`: the simulator against closed forms
 * (sim/check.h), one table row per check; exit status 1 when one fails.
 */
#include "sim/check.h"
#include "sim/cli.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "Usage: shsim check [OPTIONS]\n"
    "Compare simulated values with closed forms and print one row per check:\n"
    "the simulated value, the exact value, the tolerance and whether it holds.\n"
    "  - idle of one synchronous rung of W jobs on W workers with iid durations\n"
    "    (exponential, normal:0.5 truncated at > 0, lognormal:0.5; W = 2..256):\n"
    "    E[idle] = W (E[max of W] - mu), E[max] by numerical integration (GSL;\n"
    "    for exponential durations the harmonic number H_W), against the mean of\n"
    "    REPS seeded runs; tolerance 4 standard errors;\n"
    "  - strict SH with constant epochs: makespan sum_k ceil(n_k/W) Delta_k and\n"
    "    utilisation sum_k n_k Delta_k / (W makespan), checkpoint and restart;\n"
    "    exact;\n"
    "  - ASHA with constant epochs and unbounded configurations: utilisation 1\n"
    "    until the horizon; exact.\n"
    "Exit status 0 when every check holds, 1 otherwise.\n"
    "\n"
    "  -r, --reps N     seeded runs per idle check (default 10000)\n"
    "      --seed S     first seed; run i uses S + i (default 1)\n"
    "  -h, --help       this help\n";

#define MAX_CHECKS 128

int cli_check(int argc, char **argv)
{
    static const struct option opts[] = {
        { "reps", required_argument, 0, 'r' },
        { "seed", required_argument, 0, 'S' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    uint32_t reps = 10000;
    uint64_t seed = 1;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (cli_u32("--reps", optarg, 2, 1u << 24, &reps) < 0)
                return EXIT_USAGE;
            break;
        case 'S':
            if (cli_u64("--seed", optarg, &seed) < 0)
                return EXIT_USAGE;
            break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs("Try 'shsim check --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("check: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    static check_result res[MAX_CHECKS];
    char err[4608];
    int n = check_all(reps, seed, res, MAX_CHECKS, err, sizeof err);
    if (n < 0) {
        cli_error("check: %s", err);
        return EXIT_FAIL;
    }
    int failed = 0;
    printf("%-66s %14s %14s %11s  %s\n", "check", "simulated", "exact", "tolerance", "ok");
    for (int i = 0; i < n; i++) {
        printf("%-66s %14.10g %14.10g %11.4g  %s\n", res[i].name, res[i].simulated, res[i].exact,
               res[i].tol, res[i].ok ? "yes" : "NO");
        failed += !res[i].ok;
    }
    printf("%d checks, %d failed (idle checks: mean of %u runs, seeds %llu..%llu)\n", n, failed,
           reps, (unsigned long long)seed, (unsigned long long)(seed + reps - 1));
    return failed ? EXIT_FAIL : 0;
}
