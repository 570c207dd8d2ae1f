/*
 * sim/cli/cli_check.c -- `shsim check`: the simulator against closed forms
 * (sim/check.h), one table row per check; exit status 1 when one fails.
 */
#include "sim/check.h"
#include "sim/cli/cli.h"

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
    "  - strict synchronous Hyperband with constant epochs, one cycle of brackets\n"
    "    s = 0..K: makespan, on 1 worker the sum over brackets of their work, on\n"
    "    enough workers for every trial the brackets chained at their last rungs,\n"
    "    max_s (O_s + the bracket's length); exact;\n"
    "  - ASHA with constant epochs and unbounded configurations: utilisation 1\n"
    "    until the horizon; exact.\n"
    "Exit status 0 when every check holds, 1 otherwise.\n"
    "\n"
    "  -r, --reps N     seeded runs per idle check (default 10000)\n"
    "      --seed S     first seed; run i uses S + i (default 1)\n"
    "      --emax DIST  instead, print the table of E[max of W] for W = 1, 2, 4, .., 256\n"
    "                   jobs with noise DIST (as --noise of run: lognormal:0.5, ...),\n"
    "                   the idle worker-time of one synchronous wave of W jobs and its\n"
    "                   idle fraction 1 - mu/E[max]; whitespace columns for gnuplot\n"
    "  -h, --help       this help\n";

#define MAX_CHECKS 128

/* shsim check --emax DIST: the E[max] table. */
static int emax_table(const char *dist)
{
    straggler_params p = straggler_default_params();
    char err[256];
    if (straggler_parse_noise(&p, dist, err, sizeof err) < 0) {
        cli_error("--emax '%s': %s", dist, err);
        return EXIT_USAGE;
    }
    double mu = straggler_noise_mean(p.noise, p.noise_param);
    char name[64];
    straggler_noise_str(&p, name, sizeof name);
    printf("# E[max of W] of job times with noise %s (mean mu = %.6g); one synchronous\n"
           "# wave of W jobs on W workers lasts E[max] and leaves W (E[max] - mu) idle\n"
           "# worker-time, the fraction 1 - mu/E[max] of it\n"
           "# %-4s %12s %14s %14s\n",
           name, mu, "W", "E_max", "idle_per_wave", "idle_fraction");
    for (uint32_t w = 1; w <= 256; w *= 2) {
        double e, abserr;
        if (check_emax(p.noise, p.noise_param, w, &e, &abserr) < 0) {
            cli_error("--emax %s: the integral did not converge for W = %u", dist, w);
            return EXIT_FAIL;
        }
        if (w == 1)
            e = mu; /* the maximum of one is the job itself */
        printf("%6u %12.6g %14.6g %14.4f\n", w, e, w * (e - mu), 1 - mu / e);
    }
    return 0;
}

int cli_check(int argc, char **argv)
{
    static const struct option opts[] = {
        { "reps", required_argument, 0, 'r' },
        { "seed", required_argument, 0, 'S' },
        { "emax", required_argument, 0, 'E' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    uint32_t reps = 10000;
    uint64_t seed = 1;
    const char *emax = NULL;
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
        case 'E': emax = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs("Try 'shsim check --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("check: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (emax)
        return emax_table(emax);
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
