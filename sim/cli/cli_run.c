/*
 * sim/cli/cli_run.c -- `shsim run`: one simulated tuning run and its files.
 */
#include "sim/cli/cli.h"
#include "sim/record.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage_head[] =
    "Usage: shsim run [OPTIONS]\n"
    "Simulate one tuning run of a scheduler on N virtual workers and write\n";
/* then the files (record_file_name()), then: */
static const char usage[] =
    "\n"
    "Scheduler:\n"
    "  -s, --scheduler NAME             scheduler (default asha): one of the types below\n";
/* then cli_scheduler_options_help(), then: */
static const char usage_spec[] =
    CLI_RUNG_HELP
    "Workload and run:\n";
/* then cli_help_workload(), then: */
static const char usage_run[] =
    CLI_SIZE_HELP
    "      --seed S                     seed of every random draw of the workload (default 1)\n";
/* then cli_help_order(), then: */
static const char usage_target[] =
    CLI_TARGET_HELP
    "      --max-events N               stop with an error after N events: what bounds a\n"
    "                                   run's memory and time (default 10000000)\n";
/* then cli_straggler_help, then: */
static const char usage_out[] =
    "Output:\n"
    "  -o, --out DIR                    output folder, created if missing (default out)\n"
    "      --gantt                      also print a text Gantt chart of the schedule\n"
    "      --explain                    narrate every decision in plain words on stdout\n"
    "                                   (\"t=12 worker 1 waits: rung 0 of bracket 0 ...\")\n"
    "  -q, --quiet                      no summary line\n"
    "  -h, --help                       this help\n"
    "\n"
    "Example:\n"
    "  shsim run --scheduler sh --barrier strict --workers 2 --eta 2 --r-min 1 --r-max 4 \\\n"
    "            --workload figure --horizon 32 --out out/sync --gantt\n";

static void narrate_stdout(void *ctx, const char *line)
{
    (void)ctx;
    puts(line);
}

int cli_run_parse(int argc, char **argv, run_spec *rs, run_cli *o)
{
    static const struct option opts[] = {
        { "scheduler", required_argument, 0, 's' }, CLI_SPEC_OPTIONS,
        { "out", required_argument, 0, 'o' },       { "gantt", no_argument, 0, 'G' },
        { "explain", no_argument, 0, 'X' },         { "quiet", no_argument, 0, 'q' },
        { "help", no_argument, 0, 'h' },
        { "max-events", required_argument, 0, CLI_OPT_MAX_EVENTS },
        { "brackets", required_argument, 0, CLI_OPT_BRACKETS },
        { 0, 0, 0, 0 },
    };
    *rs = run_spec_default();
    rs->ep.workers = 4;
    *o = (run_cli){ .out = "out", .silent = o->silent };
    int rule_given = 0, c;
    optind = 0; /* glibc: 0 re-initialises getopt completely (parsers may run twice) */
    opterr = o->silent ? 0 : 1;
    while ((c = getopt_long(argc, argv, "s:w:e:W:n:T:o:qh", opts, NULL)) != -1) {
        int k = cli_spec_option(c, optarg, rs, &rule_given);
        if (k < 0)
            return -1;
        if (k > 0)
            continue;
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'G': o->gantt = 1; break;
        case 'X': rs->ep.narrate = narrate_stdout; break;
        case 'q': o->quiet = 1; break;
        case CLI_OPT_MAX_EVENTS:
            if (cli_max_events(optarg, &rs->ep.max_events) < 0)
                return -1;
            break;
        case 'h': o->help = 1; return 1;
        default:
            if (!o->silent)
                fputs("Try 'shsim run --help'.\n", stderr);
            return -1;
        }
    }
    if (optind < argc) {
        cli_error("run: unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (!*o->out) {
        cli_error("--out: an empty folder name");
        return -1;
    }
    cli_spec_finish(rs, rule_given);
    if (cli_ray_promotion(rs)) {
        cli_error("--rule ray is a stopping rule (Ray Tune's ASHA has no promotion type); add --type stopping");
        return -1;
    }
    return cli_brackets_check(rs);
}

int cli_run(int argc, char **argv)
{
    run_spec rs;
    run_cli o = { 0 };
    int rc = cli_run_parse(argc, argv, &rs, &o);
    if (rc < 0)
        return EXIT_USAGE;
    if (rc > 0) {
        fputs(usage_head, stdout);
        for (size_t i = 0; record_file_name(i); i++)
            printf("%s%s", i == 0 ? "" : record_file_name(i + 1) ? ", " : " and ",
                   record_file_name(i));
        fputs(".\n", stdout);
        fputs(usage, stdout);
        cli_scheduler_options_help(stdout);
        fputs(usage_spec, stdout);
        cli_help_workload(stdout, "lenet");
        fputs(usage_run, stdout);
        cli_help_order(stdout);
        fputs(usage_target, stdout);
        fputs(cli_straggler_help, stdout);
        fputs(usage_out, stdout);
        cli_scheduler_help(stdout);
        return 0;
    }
    return cli_execute(&rs, o.out, o.gantt, o.quiet);
}
