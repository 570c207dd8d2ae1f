/*
 * sim/cli/cli_figure.c -- `shsim figure`: the two schedule figures of the d2l
 * chapter on ASHA (Fig. 19.5.1 synchronous SH, Fig. 19.5.2 ASHA), run on the
 * integer model of their bars (traces/, workload `figure`): eta 2, 2 workers,
 * rungs 1, 2, 4 epochs, checkpoint resume, horizon 32.
 */
#include "sim/cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "Usage: shsim figure sync-sh|asha|all [OPTIONS]\n"
    "Reproduce d2l Fig. 19.5.1 (sync-sh: synchronous SH, strict barrier) and\n"
    "Fig. 19.5.2 (asha: ASHA, promotion type, topk) on the integer model of their\n"
    "bars: eta 2, 2 workers, rungs 1, 2, 4 epochs, horizon 32 s.  Writes the run's\n"
    "CSV files and a Gantt chart (gantt.png, gantt.svg, drawn by plots/gantt.gp)\n"
    "into DIR/sync-sh and DIR/asha, and prints a text Gantt chart.\n"
    "\n"
    "  -o, --out DIR   output folder (default figures)\n"
    "      --no-plot   skip gnuplot (CSV files and text chart only)\n"
    "  -q, --quiet     no text chart\n"
    "  -h, --help      this help\n"
    "\n"
    "Example:\n"
    "  shsim figure all --out figures\n";

static int one_figure(const char *name, const char *base, int plot, int quiet)
{
    int sync = strcmp(name, "sync-sh") == 0;
    run_spec rs = run_spec_figure(sync ? sched_sh : sched_asha);
    const char *title =
        sync ? "Synchronous successive halving (d2l Fig. 19.5.1): eta 2, 2 workers"
             : "Asynchronous successive halving (d2l Fig. 19.5.2): eta 2, 2 workers";
    char dir[4096];
    if ((size_t)snprintf(dir, sizeof dir, "%s/%s", base, name) >= sizeof dir) {
        cli_error("--out %s: path too long", base);
        return EXIT_USAGE;
    }
    if (!quiet)
        printf("== %s ==\n", title);
    int st = cli_execute(&rs, dir, !quiet, quiet);
    if (st != 0 || !plot)
        return st;
    const char *fmts[] = { "png", "svg" };
    for (int i = 0; i < 2; i++) {
        char vars[8500], out[4200];
        snprintf(vars, sizeof vars, "dir='%s'; title='%s'; fmt='%s'", dir, title, fmts[i]);
        snprintf(out, sizeof out, "%s/gantt.%s", dir, fmts[i]);
        if (cli_gnuplot("gantt.gp", vars, out) < 0)
            return EXIT_FAIL;
        if (!quiet)
            printf("wrote %s\n", out);
    }
    return 0;
}

int cli_figure(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, 0, 'o' }, { "no-plot", no_argument, 0, 'P' },
        { "quiet", no_argument, 0, 'q' },     { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *out = "figures";
    int plot = 1, quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'P': plot = 0; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs("Try 'shsim figure --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error("figure: name one figure: sync-sh, asha or all");
        return EXIT_USAGE;
    }
    static const char *const names[] = { "sync-sh", "asha", "all", NULL };
    int which = cli_choice("figure", argv[optind], names);
    if (which < 0)
        return EXIT_USAGE;
    if (!*out) {
        cli_error("--out: an empty folder name");
        return EXIT_USAGE;
    }
    if (strchr(out, '\'')) {
        cli_error("--out '%s': a quote in the folder name cannot be passed to gnuplot", out);
        return EXIT_USAGE;
    }
    for (int i = 0; i < 2; i++) {
        if (which != 2 && which != i)
            continue;
        int st = one_figure(names[i], out, plot, quiet);
        if (st)
            return st;
    }
    return 0;
}
