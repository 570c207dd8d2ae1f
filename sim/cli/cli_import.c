/*
 * sim/cli/cli_import.c -- `shsim import synetune FILE`: turn a Syne Tune
 * results.csv into a `table:` workload, so that users replay their own runs
 * (traces/synetune.c does the reading and the arithmetic).
 */
#include "sim/cli/cli.h"
#include "sim/output.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "Usage: shsim import synetune FILE -o TABLE.csv [OPTIONS]\n"
    "Turn a Syne Tune results.csv (one row per reported epoch) into a workload\n"
    "table for --workload table:TABLE.csv: config_id (the trial_id), epoch,\n"
    "epoch_time, error (the metric), then the config_* columns without the prefix.\n"
    "Only trials that reach the file's last epoch are kept (a table needs the\n"
    "same epochs for every configuration); the others are counted as dropped.\n"
    "Epoch seconds are time differences within a trial; epochs reported at the\n"
    "same time share the interval; epoch 1 takes the time column itself when it\n"
    "counts from the trial's start (elapsed_time), else (st_tuner_time) the\n"
    "trial's mean later epoch.\n"
    "\n"
    "  -o, --out TABLE.csv  the table to write (atomically; required)\n"
    CLI_RESULTS_HELP
    "  -q, --quiet          no summary line\n"
    "  -h, --help           this help\n"
    "\n"
    "Example:\n"
    "  shsim import synetune results.csv --metric validation_error -o mine.csv\n"
    "  shsim run --workload table:mine.csv --scheduler sh --workers 4\n";

/* Split PATH into its folder and base name for out_set_open. */
static int split_path(const char *path, char *dir, size_t dn, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, dn, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(dir, dn, "/");
        *base = slash + 1;
    } else {
        if ((size_t)(slash - path) >= dn)
            return -1;
        snprintf(dir, dn, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
    return **base != '\0' ? 0 : -1;
}

int cli_import(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, 0, 'o' }, CLI_RESULTS_OPTIONS, { "quiet", no_argument, 0, 'q' },
        { "help", no_argument, 0, 'h' },      { 0, 0, 0, 0 },
    };
    wl_results_params p = wl_results_default_params();
    const char *out = NULL;
    int quiet = 0, c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        if (cli_results_option(c, optarg, &p))
            continue;
        switch (c) {
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs("Try 'shsim import --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (optind + 2 != argc || strcmp(argv[optind], "synetune") != 0) {
        cli_error("import: expected 'synetune FILE' (the only format so far)");
        fputs("Try 'shsim import --help'.\n", stderr);
        return EXIT_USAGE;
    }
    const char *in = argv[optind + 1];
    char dir[4096];
    const char *base;
    if (out == NULL) {
        cli_error("import: give the table to write with -o TABLE.csv");
        return EXIT_USAGE;
    }
    if (split_path(out, dir, sizeof dir, &base) < 0) {
        cli_error("-o '%s': not a file name", out);
        return EXIT_USAGE;
    }

    char err[4608];
    wl_results r;
    int rc = cli_results_read(&r, in, &p);
    if (rc != 0)
        return rc;
    out_set os;
    out_set_init(&os);
    FILE *f = out_set_open(&os, dir, base);
    if (f == NULL) {
        cli_error("%s", os.err);
        wl_results_free(&r);
        return EXIT_FAIL;
    }
    uint32_t last = 0;
    for (size_t i = 0; i < r.nrow; i++)
        last = r.row[i].epoch > last ? r.row[i].epoch : last;
    char comment[8192];
    snprintf(comment, sizeof comment,
             "imported by shsim %s import synetune from %s\n"
             "error = %s; epoch_time from %s; only the trials that reach epoch %u",
             SHSIM_VERSION, in, r.metric_col, r.time_col, last);
    wl_import_stats st;
    rc = wl_results_write_table(&r, f, comment, &st, err, sizeof err);
    if (rc < 0) {
        out_set_abort(&os);
        cli_error("%s", err);
        wl_results_free(&r);
        return rc == -ENOMEM ? EXIT_FAIL : EXIT_USAGE;
    }
    /* standard output before the rename: when it fails, nothing is written */
    if (!quiet)
        printf("%s: %u of %u trials kept (%u epochs each), %u dropped (fewer epochs)%s\n", out, st.kept, st.trials,
               st.epochs, st.trials - st.kept, r.skipped ? "; rows without an epoch ignored" : "");
    wl_results_free(&r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        out_set_abort(&os);
        return EXIT_FAIL; /* main() says so */
    }
    if (out_set_commit(&os) < 0) {
        cli_error("%s", os.err);
        return EXIT_FAIL;
    }
    return 0;
}
