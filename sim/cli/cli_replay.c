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
    "was stopped there, one that went past it continued.  All four rules are\n"
    "shown; --rule picks the one whose agreement is counted first.\n";
/* then which time columns replay takes (wl_shared_clocks), then: */
static const char usage_ties[] =
    "Reports that share a time stamp came in one poll of the tuner, in an order\n"
    "the record lost: each rule judges them in every order, and when one order\n"
    "reproduces all their recorded decisions they agree \"under a tie order\"\n"
    "(printed).  With --horizon, a recorded stop on a trial's last result that\n"
    "the rule would not make, where the trial's next epoch (its own epoch time,\n"
    "plus one poll) could not end by T, is the run's end: not judged.\n"
    "\n"
    "  -e, --eta E          reduction factor (default 2)\n"
    "      --r-min R        first rung, epochs (default 1)\n"
    "      --r-max R        last rung (default: the largest epoch in FILE)\n"
    "      --rule topk|quantile|rank|ray\n"
    "                       the rule the run used (default quantile, Syne Tune <= 0.13)\n"
    "      --horizon T      the run's time limit, seconds on the file's clock\n"
    "                       (default none)\n"
    CLI_RESULTS_HELP
    "  -q, --quiet          only the agreement lines\n"
    "  -h, --help           this help\n"
    "\n"
    "Example (the d2l book's ASHA run, 720 s):\n"
    "  shsim replay 19.5_sh-async_2023-08-18b_epoch_trace.csv --r-min 2 --eta 2 \\\n"
    "               --r-max 10 --rule quantile --horizon 720\n";

static const char *word(int stop) { return stop ? "stop" : "continue"; }

static const char *agree_word(const replay_row *w, int rule)
{
    if (w->ended[rule])
        return "end";
    if (w->stop[rule] != w->real_stop)
        return "NO";
    return w->tie[rule] ? "yes*" : "yes";
}

static void print_rows(const wl_results *r, const replay_result *rep, const replay_params *rp)
{
    int rule = (int)rp->rule;
    double horizon = rp->horizon;
    printf("replay of %s: %u trials, %zu results; ASHA stopping type, eta %u, rungs", r->path, r->ntrial, r->nrow,
           rp->eta);
    for (int j = 0; j + 1 < rep->nlevels; j++)
        printf(" %u", rep->levels[j]);
    printf(" (r_max %u)\n", rep->levels[rep->nlevels - 1]);
    if (isinf(horizon))
        printf("time limit: none");
    else
        printf("time limit %g s", horizon);
    printf("; poll interval %.2f s (median of %zu gaps between time stamps)\n", rep->poll, rep->poll_gaps);
    printf("n: values the %s rule judged against%s; cutoff: continue iff error <= cutoff\n",
           sched_rule_name((sched_rule)rule), rule == SCHED_RULE_RAY ? " (recorded before it)" : " (it included)");
    printf("agree: yes; yes* under a tie order (listed below); NO; end: a stop at the end of the run, not judged\n\n");
    printf("%9s %6s %4s %10s %3s %10s  %-8s  %-8s  %-8s  %-8s  %-8s  %s\n", "time", "trial", "rung", "error", "n",
           "cutoff", "real", "quantile", "topk", "rank", "ray", "agree");
    for (size_t i = 0; i < rep->n; i++) {
        const replay_row *w = &rep->row[i];
        char cut[32];
        if (isnan(w->cutoff))
            snprintf(cut, sizeof cut, "-");
        else
            snprintf(cut, sizeof cut, "%.6f", w->cutoff);
        printf("%9.3f %6.6s %4u %10.6f %3u %10s  %-8s  %-8s  %-8s  %-8s  %-8s  %s\n", w->time,
               r->trial_id[w->trial], w->level, w->metric, w->n, cut, word(w->real_stop),
               word(w->stop[SCHED_RULE_QUANTILE]), word(w->stop[SCHED_RULE_TOPK]), word(w->stop[SCHED_RULE_RANK]),
               word(w->stop[SCHED_RULE_RAY]), agree_word(w, rule));
    }
    int any = 0;
    for (size_t o = 0; o < rep->norder; o++) {
        const replay_order *x = &rep->order[o];
        if ((int)x->rule != rule)
            continue;
        if (!any)
            printf("\ntie orders (%s): same-stamp reports at one rung, in the order that reproduces them\n",
                   sched_rule_name((sched_rule)rule));
        any = 1;
        printf("%9.3f s, rung %u: trials", x->time, x->level);
        for (size_t i = 0; i < x->n; i++)
            printf("%s %s", i ? "," : "", r->trial_id[rep->row[rep->order_row[x->first + i]].trial]);
        printf(" (file order:");
        /* the same rows in file order: ascending row index */
        size_t prev = 0;
        for (size_t i = 0; i < x->n; i++) {
            size_t best = SIZE_MAX;
            for (size_t k = 0; k < x->n; k++) {
                size_t ri = rep->order_row[x->first + k];
                if ((i == 0 || ri > prev) && (best == SIZE_MAX || ri < best))
                    best = ri;
            }
            printf("%s %s", i ? "," : "", r->trial_id[rep->row[best].trial]);
            prev = best;
        }
        printf(")\n");
    }
    if (rep->unsearched[rule])
        printf("\nnote: %u same-stamp group(s) of more than %d reports at one rung were judged in file order only\n",
               rep->unsearched[rule], REPLAY_MAX_TIE);
    putchar('\n');
}

int cli_replay(int argc, char **argv)
{
    static const struct option opts[] = {
        { "eta", required_argument, 0, 'e' },    { "r-min", required_argument, 0, 'm' },
        { "r-max", required_argument, 0, 'M' },  { "rule", required_argument, 0, 'r' },
        CLI_RESULTS_OPTIONS,                     { "horizon", required_argument, 0, 'H' },
        { "quiet", no_argument, 0, 'q' },
        { "help", no_argument, 0, 'h' },         { 0, 0, 0, 0 },
    };
    static const char *const rules[] = { "topk", "quantile", "rank", "ray", NULL };
    wl_results_params p = wl_results_default_params();
    replay_params rp = { .r_min = 1, .eta = 2, .r_max = 0, .horizon = (double)INFINITY,
                         .rule = SCHED_RULE_QUANTILE };
    int quiet = 0, c, i;

    optind = 1;
    while ((c = getopt_long(argc, argv, "e:qh", opts, NULL)) != -1) {
        if (cli_results_option(c, optarg, &p))
            continue;
        switch (c) {
        case 'e':
            if (cli_u32("--eta", optarg, 2, 1u << 16, &rp.eta) < 0)
                return EXIT_USAGE;
            break;
        case 'm':
            if (cli_u32("--r-min", optarg, 1, 1u << 24, &rp.r_min) < 0)
                return EXIT_USAGE;
            break;
        case 'M':
            if (cli_u32("--r-max", optarg, 1, 1u << 24, &rp.r_max) < 0)
                return EXIT_USAGE;
            break;
        case 'r':
            if ((i = cli_choice("--rule", optarg, rules)) < 0)
                return EXIT_USAGE;
            rp.rule = (sched_rule)i;
            break;
        case 'H':
            if (cli_double("--horizon", optarg, 0, (double)INFINITY, &rp.horizon) < 0)
                return EXIT_USAGE;
            if (!(rp.horizon > 0)) {
                cli_error("--horizon %s: must be greater than 0", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'q': quiet = 1; break;
        case 'h': {
            char clocks[256], text[512];
            wl_shared_clocks_list(clocks, sizeof clocks);
            snprintf(text, sizeof text,
                     "Time order needs a clock shared by all trials, %s: a time column that counts from each "
                     "trial's start (elapsed_time, st_worker_time) is refused, as the trials' starts are not "
                     "in the file.",
                     clocks);
            fputs(usage, stdout);
            cli_help_entry_at(stdout, "", text, 0, 79);
            fputs(usage_ties, stdout);
            return 0;
        }
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
    int rc = cli_results_read(&r, in, &p);
    if (rc != 0)
        return rc;
    if (rp.r_max == 0)
        for (size_t k = 0; k < r.nrow; k++)
            rp.r_max = r.row[k].epoch > rp.r_max ? r.row[k].epoch : rp.r_max;
    if (rp.r_min > rp.r_max) {
        cli_error("--r-min %u is larger than --r-max %u", rp.r_min, rp.r_max);
        wl_results_free(&r);
        return EXIT_USAGE;
    }
    replay_result rep;
    rc = replay_run(&r, &rp, &rep, err, sizeof err);
    if (rc < 0) {
        cli_error("%s", err);
        wl_results_free(&r);
        return rc == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
    }

    if (!quiet)
        print_rows(&r, &rep, &rp);
    int k0 = (int)rp.rule;
    printf("%s: %u of %u decisions agree with the recorded run\n", rules[k0], rep.agree[k0], rep.judged[k0]);
    printf("(%u of them under a tie order; %u stops at the end of the run not judged)\n", rep.tie[k0],
           rep.ended[k0]);
    for (int k = 0; k < REPLAY_NRULES; k++)
        if (k != k0)
            printf("(%s would have agreed on %u of %u; %u under a tie order; %u stops at the end not judged)\n",
                   rules[k], rep.agree[k], rep.judged[k], rep.tie[k], rep.ended[k]);
    replay_free(&rep);
    wl_results_free(&r);
    return 0;
}
