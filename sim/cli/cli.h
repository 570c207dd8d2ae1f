/*
 * sim/cli/cli.h -- the shsim subcommands and their shared option helpers
 * (sim-internal).  Only main() and the cli_* functions print or exit;
 * everything below them returns codes.  Exit status: 0 success, 1 a
 * failure while running or writing, 2 bad input (options, files).
 */
#ifndef SHSIM_SIM_CLI_H
#define SHSIM_SIM_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/run_spec.h"

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cli_run(int argc, char **argv);
/* The parse half of `run`, for the option fuzzer: 0 parsed, 1 --help asked,
 * -1 bad options (printed unless silent). */
typedef struct {
    const char *out;
    int gantt, quiet, help, silent;
} run_cli;
int cli_run_parse(int argc, char **argv, run_spec *rs, run_cli *o);
int cli_figure(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_replay(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_fit(int argc, char **argv);

/* Print "shsim: MESSAGE" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse whole-string numbers for option `opt`; 0 or -1 after printing why. */
int cli_u32(const char *opt, const char *s, uint32_t lo, uint32_t hi, uint32_t *out);
int cli_u64(const char *opt, const char *s, uint64_t *out);
int cli_double(const char *opt, const char *s, double lo, double hi, double *out);
/* Keyword options: index of s in the NULL-terminated list, or -1 after
 * printing the choices. */
int cli_choice(const char *opt, const char *s, const char *const *choices);
/* Apply one scheduler/engine/workload option of `run` (and later `sweep`)
 * to rs: 1 when the option was known and applied, 0 when not one of these,
 * -1 after printing an error. */
int cli_spec_option(int opt, const char *arg, run_spec *rs, int *rule_given);
/* The straggler options (docs/stragglers.md), long-only, shared by run and sweep: their
 * cli_spec_option() codes, the getopt_long table entries, and their help. */
enum { CLI_OPT_NOISE = 600, CLI_OPT_WORKER_SPEED, CLI_OPT_SLOW_WORKERS, CLI_OPT_DROP,
       CLI_OPT_ON_DROP, CLI_OPT_DROP_RATE };
/* --order file|seeded (docs/workloads.md), shared by run and sweep. */
enum { CLI_OPT_ORDER = 620 };
/* --max-events N (run, sweep): N >= 1; 0 or -1 after printing why. */
enum { CLI_OPT_MAX_EVENTS = 630 };
/* --brackets N (the Hyperband types) */
enum { CLI_OPT_BRACKETS = 640 };
int cli_max_events(const char *s, uint64_t *out);
#define CLI_STRAGGLER_OPTIONS                                                                  \
    { "noise", required_argument, 0, CLI_OPT_NOISE },                                          \
    { "worker-speed", required_argument, 0, CLI_OPT_WORKER_SPEED },                            \
    { "slow-workers", required_argument, 0, CLI_OPT_SLOW_WORKERS },                            \
    { "drop", required_argument, 0, CLI_OPT_DROP },                                            \
    { "on-drop", required_argument, 0, CLI_OPT_ON_DROP },                                      \
    { "drop-rate", required_argument, 0, CLI_OPT_DROP_RATE }
extern const char cli_straggler_help[];
/* The getopt_long entries of the options cli_spec_option() applies to a
 * run_spec (the workload, the engine, the straggler laws; --scheduler and
 * --brackets are each command's own), shared by run and compare. */
#define CLI_SPEC_OPTIONS                                                                       \
    { "workers", required_argument, 0, 'w' }, { "eta", required_argument, 0, 'e' },           \
    { "r-min", required_argument, 0, 'm' },   { "r-max", required_argument, 0, 'M' },         \
    { "barrier", required_argument, 0, 'b' }, { "type", required_argument, 0, 'y' },          \
    { "rule", required_argument, 0, 'r' },    { "resume", required_argument, 0, 'R' },        \
    { "workload", required_argument, 0, 'W' }, { "trials", required_argument, 0, 'n' },       \
    { "horizon", required_argument, 0, 'T' }, { "seed", required_argument, 0, 'S' },          \
    { "target", required_argument, 0, 'g' },  { "order", required_argument, 0, CLI_OPT_ORDER }, \
    CLI_STRAGGLER_OPTIONS
/* The column-name options of import and replay (wl_results_params),
 * long-only: their getopt codes, table entries and --help lines (a string
 * literal, options from column 7, text from column 24). */
enum { CLI_OPT_METRIC = 650, CLI_OPT_TIME, CLI_OPT_EPOCH, CLI_OPT_TRIAL };
#define CLI_RESULTS_OPTIONS                                                                    \
    { "metric", required_argument, 0, CLI_OPT_METRIC }, { "time", required_argument, 0, CLI_OPT_TIME }, \
    { "epoch", required_argument, 0, CLI_OPT_EPOCH },   { "trial", required_argument, 0, CLI_OPT_TRIAL }
#define CLI_RESULTS_HELP                                                                       \
    "      --metric NAME    metric column, lower is better (default validation_error)\n"       \
    "      --time NAME      time column (default st_tuner_time, else st_tuner_time_s,\n"      \
    "                       else elapsed_time)\n"                                              \
    "      --epoch NAME     epoch column (default epoch)\n"                                    \
    "      --trial NAME     trial column (default trial_id)\n"
/* Apply one of them to p: 1 when opt was one of them, else 0. */
int cli_results_option(int opt, const char *arg, wl_results_params *p);
/* wl_results_read() for import and replay: 0, or after printing why the
 * exit status (out of memory 1, the file 2). */
int cli_results_read(wl_results *r, const char *path, const wl_results_params *p);
/* Help lines of CLI_SPEC_OPTIONS that run and compare word the same (string
 * literals, text from column 36): the rung ladder and resume, the run's
 * size, and --target. */
#define CLI_RUNG_HELP                                                                          \
    "  -e, --eta E                      reduction factor, >= 2 (default 2)\n"                   \
    "      --r-min R                    first rung, epochs (default 1)\n"                       \
    "      --r-max R                    last rung, epochs (default: the workload's epochs,\n"   \
    "                                   at most 81)\n"                                          \
    "      --resume checkpoint|restart  promoted trials continue, or retrain from epoch 1\n"    \
    "                                   (default checkpoint)\n"
#define CLI_SIZE_HELP                                                                          \
    "  -w, --workers N                  virtual workers (default 4)\n"                          \
    "  -n, --trials N                   at most N configurations (default: all the workload has)\n" \
    "  -T, --horizon T                  stop at simulated time T seconds; running jobs are cut\n"
#define CLI_TARGET_HELP                                                                        \
    "      --target M                   record the first time any result is <= M\n"             \
    "                                   (time_to_target) and a trial at r_max is\n"             \
    "                                   (time_to_target_rmax: a configuration found)\n"
/* Apply scheduler variant NAME[:VARIANT[:RULE]] (sh:fill, asha:stopping:rank,
 * random) to rs, as sweep's --schedulers axis: 0, or -1 after printing why
 * (messages name --schedulers).  cli_scheduler_label() names rs back in the
 * same syntax (the rule only when it was given). */
int cli_scheduler_variant(const char *v, run_spec *rs, int *rule_given);
void cli_scheduler_label(const run_spec *rs, int rule_given, char *buf, size_t n);
/* After parsing: rs's type with the ray rule in its promotion type (which
 * no core has: the message is the caller's), and --brackets given to a type
 * without brackets (reported here: -1; the levels are checked by
 * run_spec_prepare, once r_max is known). */
int cli_ray_promotion(const run_spec *rs);
/* The run option that chooses type t's variant ('b' --barrier, 'y' --type:
 * the option whose values are t's variants, as cli_spec_option() applies
 * them), its name in *name; 0 and NULL for a type without variants. */
int cli_variant_option(const sched_type *t, const char **name);
/* The "Scheduler types" section of run, sweep and compare --help, from
 * core/'s table: each type's syntax and its one-line help. */
void cli_scheduler_help(FILE *f);
/* What --schedulers takes, from the same table, into buf: "sh[:strict|fill],
 * asha[...], ...;\nRULE topk|...|ray (ray: stopping only);\nhyperband and
 * async-hyperband also take :brackets=K" (for cli_help_entry). */
void cli_scheduler_syntax(char *buf, size_t n);
/* run's --brackets, --barrier, --type and --rule entries, each naming the
 * types of the table it applies to. */
void cli_scheduler_options_help(FILE *f);
/* "hyperband and async-hyperband": the types that take brackets. */
void cli_bracket_types(char *buf, size_t n);
int cli_brackets_check(const run_spec *rs);
/* Is a seed among the n given twice?  1 and which, or 0 (also when out of
 * memory: the runs then show it).  Sweep's and compare's --seeds. */
int cli_seed_twice(const uint64_t *seeds, size_t n, uint64_t *which);
/* Help text made from tables (cli_help.c).  An option's entry: opt, then
 * text from column 36, wrapped at 90 columns ('\n' in text: a new line). */
void cli_help_entry(FILE *f, const char *opt, const char *text);
/* The same with text from column text_col, lines up to width columns (the
 * usages whose option column is narrower, sweep's). */
void cli_help_entry_at(FILE *f, const char *opt, const char *text, size_t text_col, size_t width);
/* --workload's entry: every workload kind, then "(default DFLT)". */
void cli_help_workload(FILE *f, const char *dflt);
/* --order's entry: which recorded kinds are in which order by default. */
void cli_help_order(FILE *f);
/* "lenet, lenet-cpu31, ... or synthetic[...]": what --workload expects. */
void cli_workload_kinds(char *buf, size_t n);
/* Finish a spec after parsing: the rule default depends on the ASHA type. */
void cli_spec_finish(run_spec *rs, int rule_given);
/* Run a spec and write its files into dir; prints errors; returns an exit
 * status.  gantt: also print the text Gantt chart. */
int cli_execute(run_spec *rs, const char *dir, int gantt, int quiet);
/* record_write() with SIGINT, SIGTERM, SIGHUP and SIGQUIT held back: a
 * signal while a run's files are written takes effect once the set is all
 * in place or all removed -- never half a set, never a temporary file left
 * behind.  (run and compare) */
int cli_record_write(const char *dir, const run_spec *rs, const run_result *res, const workload *wl, char *err,
                     size_t n);
/* Draw plots/SCRIPT with gnuplot: `vars` is the -e string (without the output
 * variable), output written atomically to OUT.  0 or -1 after printing why. */
int cli_gnuplot(const char *script, const char *vars, const char *out);
/* Can cli_gnuplot() run SCRIPT: the script readable and gnuplot in PATH?
 * 0, or -1 after printing why (checked before anything is written). */
int cli_gnuplot_ready(const char *script);

#endif
