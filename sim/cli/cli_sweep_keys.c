/*
 * sim/cli/cli_sweep_keys.c -- the keys of `shsim sweep` (every axis and
 * setting, as long option and INI key), its presets and its usage.  See
 * cli_sweep.h.
 */
#include "sim/cli/cli_sweep.h"

#include <stdio.h>
#include <string.h>

const key_def cli_sweep_keys[NKEYS] = {
    [K_WORKLOADS] = { "workloads", "workload", 'W', 0, SWEEP_WORKLOAD },
    [K_ORDER] = { "orders", "order", CLI_OPT_ORDER, 0, NULL },
    [K_SCHEDULERS] = { "schedulers", "scheduler", 0, 0, SWEEP_SCHEDULERS },
    [K_RESUME] = { "resume-modes", "resume-mode", 'R', 0, NULL },
    [K_ETA] = { "eta", NULL, 'e', 1, "2" },
    [K_RMIN] = { "r-min", NULL, 'm', 1, "1" },
    [K_RMAX] = { "r-max", NULL, 'M', 1, SWEEP_R_MAX },
    [K_TRIALS] = { "trials", NULL, 'n', 1, NULL },
    [K_HORIZON] = { "horizon", NULL, 'T', 1, SWEEP_HORIZON },
    [K_TARGET] = { "target", NULL, 'g', 1, SWEEP_TARGET },
    [K_NOISE] = { "noise", NULL, CLI_OPT_NOISE, 0, NULL },
    [K_SPEED] = { "worker-speed", NULL, CLI_OPT_WORKER_SPEED, 0, NULL },
    [K_SLOW] = { "slow-workers", NULL, CLI_OPT_SLOW_WORKERS, 0, NULL },
    [K_DROP] = { "drop", NULL, CLI_OPT_DROP, 1, NULL },
    [K_DROP_RATE] = { "drop-rate", NULL, CLI_OPT_DROP_RATE, 1, NULL },
    [K_ON_DROP] = { "on-drop", NULL, CLI_OPT_ON_DROP, 0, NULL },
    [K_WORKERS] = { "workers", NULL, 'w', 1, "1,4,16,64" },
    [K_SEEDS] = { "seeds", "seed", 'S', 1, "1..5" },
    [K_OUT] = { "out", NULL, 0, 0, "sweep" },
    [K_JOBS] = { "jobs", NULL, 0, 0, NULL },
    [K_CURVE] = { "curve-points", NULL, 0, 0, "50" },
    [K_MAX_EVENTS] = { "max-events", NULL, 0, 0, NULL },
};

/* The standard figures' grid (workers 1..256, 10 seeds, the default
 * workload, r_max, horizon and target) with its schedulers and eta. */
#define FIGURES_GRID(schedulers, eta)                                                          \
    "workloads = " SWEEP_WORKLOAD "\n"                                                          \
    "schedulers = " schedulers "\n"                                                             \
    "workers = 1..256*2\n"                                                                      \
    "eta = " eta "\n"                                                                           \
    "r-min = 1\n"                                                                               \
    "r-max = " SWEEP_R_MAX "\n"                                                                 \
    "horizon = " SWEEP_HORIZON "\n"                                                             \
    "target = " SWEEP_TARGET "\n"                                                               \
    "seeds = 1..10\n"                                                                           \
    "curve-points = 60\n"

/* Presets: the INI text of each (asha-paper's are long: files of their own). */
extern const char sweep_preset_asha_paper[];      /* sim/sweep/preset_asha_paper.c */
extern const char sweep_preset_asha_paper_fig7[]; /* likewise */
const cli_sweep_preset cli_sweep_presets[] = {
    { "figures", "4 schedulers x workers 1..256 x eta 2,3,4 x 10 seeds\n",
      FIGURES_GRID(SWEEP_SCHEDULERS, "2,3,4") },
    { "hyperband",
      "sh:strict, hyperband:strict, asha:promotion, async-hyperband:promotion\n"
      "x workers 1..256, eta 3, 10 seeds (make figures-hyperband;\n"
      "gnuplot -e \"dir='DIR'\" plots/hyperband_ttt.gp)\n",
      FIGURES_GRID("sh:strict,hyperband:strict,asha:promotion,async-hyperband:promotion", "3") },
    { "asha-paper",
      "the ASHA paper's Figure 8 (Li et al., arXiv 1810.05934v3, App. A.1):\n"
      "sh:fill, asha x noise halfnormal:0..1.67 x drop-rate 1e-4..3.2e-3;\n"
      "eta 4, r 1..256, restart, 25 workers, budget 2000, 25 seeds\n"
      "(draw it: gnuplot -e \"dir='DIR'\" plots/asha_paper.gp)\n",
      sweep_preset_asha_paper },
    { "asha-paper-fig7",
      "the same setting on Figure 7's grid: noise halfnormal 0.10, 0.24,\n"
      "0.56, 1.33 x drop-rate 1e-4..1e-2\n"
      "(gnuplot -e \"dir='DIR'; fig=7\" plots/asha_paper.gp)\n",
      sweep_preset_asha_paper_fig7 },
};
const size_t cli_sweep_npresets = sizeof cli_sweep_presets / sizeof *cli_sweep_presets;

static const char usage[] =
    "Usage: shsim sweep [OPTIONS]\n"
    "Run a grid of simulated tuning runs in parallel and write sweep.csv (one\n"
    "row per run, the summary.csv columns), sweep_agg.csv (per grid cell: mean,\n"
    "standard deviation and 95% t confidence interval over the seeds),\n"
    "sweep_curves.csv (best-so-far vs time per cell, with confidence band) and\n"
    "sweep_info.csv.  Seeds are shared by all cells: runs are paired.\n"
    "\n"
    "Axes (comma lists; numbers also A..B, A..B+STEP, A..B*FACTOR; quote a range\n"
    "on the command line, --workers '1..64*2': shells expand an unquoted *):\n";
/* then --schedulers (cli_scheduler_syntax), then: */
static const char usage_axes[] =
    "  -W, --workloads LIST     workload specs (default " SWEEP_WORKLOAD ")\n"
    "      --orders LIST        file, seeded: the order of a recorded workload's\n"
    "                           configurations (default: the workload's own)\n"
    "  -w, --workers LIST       virtual workers (default 1,4,16,64)\n"
    "  -e, --eta LIST           reduction factors (default 2)\n"
    "      --r-min LIST         first rungs (default 1)\n"
    "      --r-max LIST         last rungs, or auto: the workload's epochs (default " SWEEP_R_MAX ")\n"
    "      --resume-modes LIST  checkpoint, restart: run's --resume (default checkpoint)\n"
    "                           alone continues an interrupted sweep (see below)\n"
    "  -n, --trials LIST        configuration caps (default none)\n"
    "  -T, --horizon LIST       simulated seconds (default " SWEEP_HORIZON ")\n"
    "      --target LIST        error for time_to_target(_rmax) (default " SWEEP_TARGET ")\n"
    "      --seeds LIST         replications (default 1..5)\n"
    "      --noise LIST         per-job noise: none, lognormal:SIGMA, normal:SIGMA,\n"
    "                           pareto:ALPHA, exponential, halfnormal:SIGMA\n"
    "                           (default none)\n"
    "      --worker-speed LIST  speed lists, '/' between workers: 1/1/1/0.33\n"
    "      --slow-workers LIST  K:FACTOR, the last K workers FACTOR times slower\n"
    "      --drop LIST          probabilities of losing a job (default 0)\n"
    "      --drop-rate LIST     probabilities of losing a job per unit of time it\n"
    "                           runs (default 0; not with a nonzero --drop)\n"
    "      --on-drop LIST       retry, lose (default retry)\n"
    "  (the singular spellings --scheduler, --workload, --seed work too)\n"
    "Settings:\n"
    "  -p, --preset NAME        start from a built-in grid (see below)\n"
    "  -c, --config FILE        INI file, keys named like the long options\n"
    "                           (workers = 1..64*2); the command line wins\n"
    "  -o, --out DIR            output folder (default sweep)\n"
    "  -j, --jobs N             threads (default: the online CPUs)\n"
    "      --shard I/K          run only part I of K (1 <= I <= K) of the cells;\n"
    "                           join the parts with shsim merge\n"
    "      --curve-points K     best-so-far samples per run, 0 for none (default 50)\n"
    "      --max-events N       a run that reaches N events fails (default 10000000)\n"
    "      --dry-run            print the grid's size and exit\n"
    "      --resume             continue the interrupted sweep in --out: run only the\n"
    "                           runs its journal (.sweep.journal) lacks\n"
    "      --max-runs N         run at most N runs, then stop as if interrupted\n"
    "  -q, --quiet              no progress bar, no summary line\n"
    "  -h, --help               this help\n"
    "\n"
    "A run that fails (its workload cannot be read, out of memory, ...) gets a\n"
    "row whose status column says why, and the sweep goes on.  While it runs,\n"
    "each finished run is journaled in --out; Ctrl-C (SIGINT) or SIGTERM stops\n"
    "handing out runs, lets the running ones finish and keeps the journal, and\n"
    "--resume later runs only the rest: the files come out byte-identical.\n"
    "Exit status: 0 every run ok; 1 some runs failed (listed on stderr) or an\n"
    "error while running or writing; 2 bad input; 3 stopped by --max-runs;\n"
    "130/143 interrupted by SIGINT/SIGTERM.\n"
    "\n"
    "Presets:\n";

static const char usage_examples[] =
    "\n"
    "Examples:\n"
    "  shsim sweep --schedulers sh:strict,asha:promotion --workers '1..64*2' --seeds '1..10'\n"
    "  shsim sweep --preset figures --shard 2/8 --out part2\n"
    "  shsim sweep --preset figures --out big --resume   # after Ctrl-C\n";

/* The usage, its presets listed from the table (one string would pass the
 * 4095 characters C11 compilers must accept). */
void cli_sweep_usage(void)
{
    char text[1024];
    fputs(usage, stdout);
    cli_scheduler_syntax(text, sizeof text);
    snprintf(text + strlen(text), sizeof text - strlen(text), "\n(default " SWEEP_SCHEDULERS ")");
    cli_help_entry_at(stdout, "  -s, --schedulers LIST", text, 27, 90);
    fputs(usage_axes, stdout);
    for (size_t i = 0; i < cli_sweep_npresets; i++) {
        const char *h = cli_sweep_presets[i].help;
        printf("  %-24s ", cli_sweep_presets[i].name);
        for (const char *nl; (nl = strchr(h, '\n')); h = nl + 1)
            printf("%s%.*s\n", h == cli_sweep_presets[i].help ? "" : "                           ",
                   (int)(nl - h), h);
    }
    fputs(usage_examples, stdout);
    cli_scheduler_help(stdout);
}
