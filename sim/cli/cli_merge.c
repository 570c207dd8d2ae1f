/*
 * sim/cli/cli_merge.c -- `shsim merge`: join the shards of one sweep grid.
 */
#include "sim/cli/cli.h"
#include "sim/sweep/sweep.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>

static const char usage[] =
    "Usage: shsim merge [OPTIONS] DIR...\n"
    "Join the folders written by `shsim sweep --shard I/K` (all K of them, in any\n"
    "order) into one sweep.csv, sweep_agg.csv, sweep_curves.csv and sweep_info.csv,\n"
    "byte-identical to what the unsharded sweep writes.  Checks that the parts\n"
    "come from the same grid and that none is missing or given twice.\n"
    "\n"
    "  -o, --out DIR   output folder, created if missing (default sweep)\n"
    "  -q, --quiet     no summary line\n"
    "  -h, --help      this help\n"
    "\n"
    "Example:\n"
    "  for i in 1 2 3 4; do shsim sweep --preset figures --shard $i/4 --out part$i; done\n"
    "  shsim merge --out sweep part1 part2 part3 part4\n";

int cli_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, 0, 'o' }, { "quiet", no_argument, 0, 'q' },
        { "help", no_argument, 0, 'h' },      { 0, 0, 0, 0 },
    };
    const char *out = "sweep";
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs("Try 'shsim merge --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (optind == argc) {
        cli_error("merge: name the shard folders to join");
        return EXIT_USAGE;
    }
    if (!*out) {
        cli_error("--out: an empty folder name");
        return EXIT_USAGE;
    }
    char err[4608];
    int rc = sweep_merge((const char *const *)(argv + optind), (size_t)(argc - optind), out, err,
                         sizeof err);
    if (rc < 0) {
        cli_error("%s", err);
        return rc == -ENOMEM || rc == -EIO ? EXIT_FAIL : EXIT_USAGE;
    }
    if (!quiet)
        printf("%s: merged %d shards\n", out, argc - optind);
    return 0;
}
