/*
 * sim/cli/main.c -- the shsim command: dispatch to subcommands.
 */
#include "sim/cli/cli.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *what;
} command;

static const command commands[] = {
    { "run", cli_run, "simulate one tuning run and write its files (jobs, results, idle, ...)" },
    { "compare", cli_compare, "schedulers side by side on the same trials: table + figure" },
    { "figure", cli_figure, "reproduce d2l Fig. 19.5.1 / 19.5.2 (CSV + Gantt charts)" },
    { "sweep", cli_sweep, "run a grid of runs in parallel; per-run and per-cell CSV" },
    { "merge", cli_merge, "join the shards of a sweep (sweep --shard I/K)" },
    { "bench", cli_bench, "speed: events per second, ns per event, memory" },
    { "import", cli_import, "turn a Syne Tune results.csv into a workload table" },
    { "replay", cli_replay, "replay a recorded ASHA run through the core: decisions vs real" },
    { "check", cli_check, "compare the simulator with closed forms (idle, makespan)" },
    { "fit", cli_fit, "fit the LeNet model (lenet-model) to recorded curves; validation table" },
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *f)
{
    fputs("Usage: shsim COMMAND [OPTIONS]   (shsim COMMAND --help for its options)\n"
          "Discrete-event simulator of synchronous successive halving (SH),\n"
          "asynchronous successive halving (ASHA) and their Hyperband forms on N\n"
          "virtual workers.\n\nCommands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
    fputs("\n  --version  print the version\n  --help     this help\n", f);
}

int main(int argc, char **argv)
{
    /* library code checks every GSL status; never let GSL abort */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (argc > 2)
            for (size_t i = 0; i < NCOMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    char *sub[] = { argv[2], (char *)"--help", NULL };
                    return commands[i].fn(2, sub);
                }
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("shsim %s\n", SHSIM_VERSION);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            int st = commands[i].fn(argc - 1, argv + 1);
            /* a full disk or closed pipe on stdout is an error, not silence */
            if (fflush(stdout) != 0 || ferror(stdout)) {
                cli_error("write error on standard output");
                return st ? st : EXIT_FAIL;
            }
            return st;
        }
    cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
