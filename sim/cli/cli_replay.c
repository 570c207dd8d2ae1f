/*
 * sim/cli/cli_replay.c -- `shsim replay FILE`: feed a recorded ASHA run's
 * results, in recorded time order, to the ASHA stopping core and print, for
 * every (trial, rung) the run reached, each rule's decision beside the real
 * one (sim/replay.h does the work).
 */
#include "sim/cli/cli.h"
#include "sim/replay.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "Usage: shsim replay FILE [OPTIONS]\n"
    "Feed the results of a recorded ASHA run (stopping type) -- a d2l per-epoch\n"
    "trace or a Syne Tune results.csv -- in recorded time order to shsim's ASHA\n"
    "stopping core, and print for every (trial, rung) the run reached the core's\n"
    "decision beside the real one: a trial whose last recorded epoch is the rung\n"
    "was stopped there, one that went past it continued.  All three rules are\n"
    "shown; --rule picks the one whose agreement is counted.\n"
    "\n"
    "  -e, --eta E          reduction factor (default 2)\n"
    "      --r-min R        first rung, epochs (default 1)\n"
    "      --r-max R        last rung (default: the largest epoch in FILE)\n"
    "      --rule topk|quantile|rank\n"
    "                       the rule the run used (default quantile, Syne Tune <= 0.13)\n"
    "      --metric NAME    metric column, lower is better (default validation_error)\n"
    "      --time NAME      time column (default st_tuner_time, else st_tuner_time_s,\n"
    "                       else elapsed_time)\n"
    "      --epoch NAME     epoch column (default epoch)\n"
    "      --trial NAME     trial column (default trial_id)\n"
    "  -q, --quiet          only the agreement lines\n"
    "  -h, --help           this help\n"
    "\n"
    "Example (the d2l book's ASHA run):\n"
    "  shsim replay 19.5_sh-async_2023-08-18b_epoch_trace.csv --r-min 2 --eta 2 \\\n"
    "               --r-max 10 --rule quantile\n";

static const char *word(int stop) { return stop ? "stop" : "continue"; }

int cli_replay(int argc, char **argv)
{
    static const struct option opts[] = {
        { "eta", required_argument, 0, 'e' },    { "r-min", required_argument, 0, 'm' },
        { "r-max", required_argument, 0, 'M' },  { "rule", required_argument, 0, 'r' },
        { "metric", required_argument, 0, 'k' }, { "time", required_argument, 0, 't' },
        { "epoch", required_argument, 0, 'E' },  { "trial", required_argument, 0, 'i' },
        { "quiet", no_argument, 0, 'q' },        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    static const char *const rules[] = { "topk", "quantile", "rank", NULL };
    wl_results_params p = wl_results_default_params();
    uint32_t eta = 2, r_min = 1, r_max = 0;
    int rule = SCHED_RULE_QUANTILE, quiet = 0, c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "e:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'e':
            if (cli_u32("--eta", optarg, 2, 1u << 16, &eta) < 0)
                return EXIT_USAGE;
            break;
        case 'm':
            if (cli_u32("--r-min", optarg, 1, 1u << 24, &r_min) < 0)
                return EXIT_USAGE;
            break;
        case 'M':
            if (cli_u32("--r-max", optarg, 1, 1u << 24, &r_max) < 0)
                return EXIT_USAGE;
            break;
        case 'r':
            if ((rule = cli_choice("--rule", optarg, rules)) < 0)
                return EXIT_USAGE;
            break;
        case 'k': p.metric_col = optarg; break;
        case 't': p.time_col = optarg; break;
        case 'E': p.epoch_col = optarg; break;
        case 'i': p.trial_col = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs("Try 'shsim replay --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        cli_error("replay: name one recorded results file");
        fputs("Try 'shsim replay --help'.\n", stderr);
        return EXIT_USAGE;
    }
    const char *in = argv[optind];
    char err[4608];
    wl_results r;
    int rc = wl_results_read(&r, in, &p, err, sizeof err);
    if (rc < 0) {
        cli_error("%s", err);
        return rc == -ENOMEM ? EXIT_FAIL : EXIT_USAGE;
    }
    if (r_max == 0)
        for (size_t i = 0; i < r.nrow; i++)
            r_max = r.row[i].epoch > r_max ? r.row[i].epoch : r_max;
    if (r_min > r_max) {
        cli_error("--r-min %u is larger than --r-max %u", r_min, r_max);
        wl_results_free(&r);
        return EXIT_USAGE;
    }
    replay_result rep;
    rc = replay_run(&r, r_min, eta, r_max, &rep, err, sizeof err);
    if (rc < 0) {
        cli_error("%s", err);
        wl_results_free(&r);
        return rc == -ENOMEM ? EXIT_FAIL : EXIT_USAGE;
    }

    if (!quiet) {
        printf("replay of %s: %u trials, %zu results; ASHA stopping type, eta %u, rungs", in, r.ntrial, r.nrow,
               eta);
        for (int j = 0; j + 1 < rep.nlevels; j++)
            printf(" %u", rep.levels[j]);
        printf(" (r_max %u)\n", r_max);
        printf("n: values at the rung when judged; cutoff: the quantile rule's threshold\n\n");
        printf("%9s %6s %4s %10s %3s %10s  %-8s  %-8s  %-8s  %-8s  %s\n", "time", "trial", "rung", "error", "n",
               "cutoff", "real", "quantile", "topk", "rank", "agree");
        for (size_t i = 0; i < rep.n; i++) {
            const replay_row *w = &rep.row[i];
            char cut[32];
            if (isnan(w->cutoff))
                snprintf(cut, sizeof cut, "-");
            else
                snprintf(cut, sizeof cut, "%.6f", w->cutoff);
            printf("%9.3f %6.6s %4u %10.6f %3u %10s  %-8s  %-8s  %-8s  %-8s  %s\n", w->time, r.trial_id[w->trial],
                   w->level, w->metric, w->n, cut, word(w->real_stop), word(w->stop[SCHED_RULE_QUANTILE]),
                   word(w->stop[SCHED_RULE_TOPK]), word(w->stop[SCHED_RULE_RANK]),
                   w->stop[rule] == w->real_stop ? "yes" : "NO");
        }
        putchar('\n');
    }
    printf("%s: %u of %zu decisions agree with the recorded run\n", rules[rule], rep.agree[rule], rep.n);
    for (int i = 0; i < REPLAY_NRULES; i++)
        if (i != rule)
            printf("(%s would have agreed on %u of %zu)\n", rules[i], rep.agree[i], rep.n);
    replay_free(&rep);
    wl_results_free(&r);
    return 0;
}
