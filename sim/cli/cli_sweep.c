/*
 * sim/cli/cli_sweep.c -- `shsim sweep`: a grid of runs from the command line, a
 * config file (INI, libinih) or a named preset, run in parallel (sweep.h).
 *
 * Every scheduler/engine/workload option of `run` is an axis taking a comma
 * list (numbers also ranges: 1..256*2, 1..10, 0.5..2+0.5).  The grid is the
 * product of the axes in the order of the axis table below, the last one
 * varying fastest; seeds are the replications, shared by every cell.
 * Values come in layers, each overriding the one before: the defaults, a
 * --preset, a --config file, then the command line.
 *
 * SIGINT and SIGTERM (unless ignored when shsim started) stop the sweep:
 * no new runs, the running ones finish, the journal stays for --resume; a
 * second signal ends the process at once (the journal stays valid).
 * `--resume` continues a sweep; the axis of run's --resume (checkpoint,
 * restart) is spelt --resume-modes here, so the two never mix.
 */
#include "sim/cli/cli.h"
#include "sim/sweep/sweep.h"

#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The default workload of `shsim sweep` and of the standard figures
 * (`make figures`), with the r_max, horizon (seconds) and target error that
 * suit it: the LeNet model fitted to the recorded d2l runs (issue 3),
 * unbounded, 10 epochs of V100 seconds.  The target, 0.14, is about the best
 * of the 99 recorded trials (0.142); every run of the figures grid reaches
 * it within one simulated hour, even on one worker.  To change the
 * workload, change this block together (e.g. "synthetic:lognormal:1:0.5"
 * with r_max "10", horizon "150" and target "0.15"). */
#define SWEEP_WORKLOAD "lenet-model"
#define SWEEP_R_MAX "auto"
#define SWEEP_HORIZON "3600"
#define SWEEP_TARGET "0.14"

#define SWEEP_SCHEDULERS "sh:strict,sh:fill,asha:promotion,asha:stopping"

/* Keys: the axes first (in grid order, seeds last), then plain settings.
 * Issue 5: a straggler option of `run` (--noise, --worker-speed, --drop)
 * becomes an axis by one line in this table, before "workers", once
 * cli_spec_option() applies it. */
typedef struct {
    const char *name;  /* long option and INI key */
    const char *alias; /* its singular (the `run` spelling), or NULL */
    int opt;           /* cli_spec_option() code; 0: handled here */
    int ranges;        /* numeric: A..B ranges allowed */
    const char *def;   /* default; NULL: the run_spec default */
} key_def;

enum { K_WORKLOADS, K_ORDER, K_SCHEDULERS, K_RESUME, K_ETA, K_RMIN, K_RMAX, K_TRIALS, K_HORIZON,
       K_TARGET, K_NOISE, K_SPEED, K_SLOW, K_DROP, K_DROP_RATE, K_ON_DROP, K_WORKERS, K_SEEDS, K_OUT, K_JOBS,
       K_CURVE, K_MAX_EVENTS, NKEYS };
#define NCELL_AXES K_SEEDS /* the axes that make cells */

static const key_def keys[NKEYS] = {
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

/* Presets: a config file built in; help: their lines under "Presets:" in
 * the usage (what they hold, and how to draw them). */
extern const char sweep_preset_asha_paper[];      /* sim/sweep/preset_asha_paper.c */
extern const char sweep_preset_asha_paper_fig7[]; /* likewise */
static const struct {
    const char *name, *help, *ini;
} presets[] = {
    { "figures", "4 schedulers x workers 1..256 x eta 2,3,4 x 10 seeds\n",
      "workloads = " SWEEP_WORKLOAD "\n"
      "schedulers = " SWEEP_SCHEDULERS "\n"
      "workers = 1..256*2\n"
      "eta = 2,3,4\n"
      "r-min = 1\n"
      "r-max = " SWEEP_R_MAX "\n"
      "horizon = " SWEEP_HORIZON "\n"
      "target = " SWEEP_TARGET "\n"
      "seeds = 1..10\n"
      "curve-points = 60\n" },
    { "hyperband",
      "sh:strict, hyperband:strict, asha:promotion, async-hyperband:promotion\n"
      "x workers 1..256, eta 3, 10 seeds (make figures-hyperband;\n"
      "gnuplot -e \"dir='DIR'\" plots/hyperband_ttt.gp)\n",
      "workloads = " SWEEP_WORKLOAD "\n"
      "schedulers = sh:strict,hyperband:strict,asha:promotion,async-hyperband:promotion\n"
      "workers = 1..256*2\n"
      "eta = 3\n"
      "r-min = 1\n"
      "r-max = " SWEEP_R_MAX "\n"
      "horizon = " SWEEP_HORIZON "\n"
      "target = " SWEEP_TARGET "\n"
      "seeds = 1..10\n"
      "curve-points = 60\n" },
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
#define NPRESETS (sizeof presets / sizeof *presets)

static const char usage[] =
    "Usage: shsim sweep [OPTIONS]\n"
    "Run a grid of simulated tuning runs in parallel and write sweep.csv (one\n"
    "row per run, the summary.csv columns), sweep_agg.csv (per grid cell: mean,\n"
    "standard deviation and 95% t confidence interval over the seeds),\n"
    "sweep_curves.csv (best-so-far vs time per cell, with confidence band) and\n"
    "sweep_info.csv.  Seeds are shared by all cells: runs are paired.\n"
    "\n"
    "Axes (comma lists; numbers also A..B, A..B+STEP, A..B*FACTOR; quote a range\n"
    "on the command line, --workers '1..64*2': shells expand an unquoted *):\n"
    "  -s, --schedulers LIST    sh[:strict|fill], asha[:promotion|stopping[:RULE]],\n"
    "                           random; RULE topk|quantile|rank|ray (ray:\n"
    "                           stopping only)\n"
    "                           (default " SWEEP_SCHEDULERS ")\n"
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
static void print_usage(void)
{
    fputs(usage, stdout);
    for (size_t i = 0; i < NPRESETS; i++) {
        const char *h = presets[i].help;
        printf("  %-24s ", presets[i].name);
        for (const char *nl; (nl = strchr(h, '\n')); h = nl + 1)
            printf("%s%.*s\n", h == presets[i].help ? "" : "                           ",
                   (int)(nl - h), h);
    }
    fputs(usage_examples, stdout);
    cli_scheduler_help(stdout);
}

typedef struct {
    const char *val[NKEYS];
    char where[NKEYS][320]; /* "--workers", "FILE:LINE", "preset NAME", "default" */
    char *owned[NKEYS];     /* strings this layer copied (config files) */
} layers;

static void layer_set(layers *L, int k, const char *v, char *owned, const char *where)
{
    free(L->owned[k]);
    L->owned[k] = owned;
    L->val[k] = v;
    snprintf(L->where[k], sizeof L->where[k], "%s", where);
}

static int key_by_name(const char *name)
{
    char norm[64];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof norm; i++)
        norm[i] = name[i] == '_' ? '-' : name[i];
    norm[i] = '\0';
    for (int k = 0; k < NKEYS; k++)
        if (strcmp(norm, keys[k].name) == 0 || (keys[k].alias && strcmp(norm, keys[k].alias) == 0))
            return k;
    return -1;
}

/* ---- config files and presets (libinih) ------------------------------- */

typedef struct {
    layers *L;
    const char *file;
    FILE *f;
    int line, lines_done, bad;
    int indented;          /* the current line starts with a blank */
    int last_key;          /* the key of the last key = value line, or -1 */
    int seen[NKEYS];       /* the line each key was set on, 0: not yet */
} ini_ctx;

/* fgets for inih that knows the line number (inih is built without
 * INI_HANDLER_LINENO) and refuses lines longer than its buffer (libinih's
 * fixed 200 bytes: a long list goes on indented continuation lines). */
static char *ini_reader_fn(char *str, int num, void *stream)
{
    ini_ctx *c = stream;
    c->line = c->lines_done + 1;
    if (!fgets(str, num, c->f))
        return NULL;
    size_t len = strlen(str);
    if (len && str[len - 1] == '\n') {
        c->lines_done++;
    } else if (!feof(c->f)) {
        if (len + 2 < (size_t)num) /* fgets stopped early: strlen met a NUL */
            cli_error("%s:%d: contains a NUL byte", c->file, c->line);
        else
            cli_error("%s:%d: line longer than %d characters (continue a long list on "
                      "indented lines)", c->file, c->line, num - 3);
        c->bad = 1;
        return NULL;
    }
    c->indented = str[0] == ' ' || str[0] == '\t';
    return str;
}

static int ini_handler_fn(void *user, const char *section, const char *name, const char *value)
{
    ini_ctx *c = user;
    char where[320];
    if (c->f)
        snprintf(where, sizeof where, "%s:%d", c->file, c->line);
    else
        snprintf(where, sizeof where, "%s", c->file);
    if (*section && strcmp(section, "sweep") != 0) {
        cli_error("%s: section [%s]: only [sweep] (or none) is known", where, section);
        c->bad = 1;
        return 0;
    }
    int k = key_by_name(name);
    if (k < 0) {
        cli_error("%s: unknown key '%s' (keys are the long options of shsim sweep)", where, name);
        c->bad = 1;
        return 0;
    }
    /* an indented line continues the list of the key before (inih hands it
     * over under that key's name) */
    int cont = c->f && c->indented && k == c->last_key;
    if (c->f && !cont && c->seen[k]) {
        cli_error("%s: key '%s' given twice (also on line %d)", where, name, c->seen[k]);
        c->bad = 1;
        return 0;
    }
    char *v;
    if (cont) {
        const char *old = c->L->val[k];
        size_t lo = strlen(old);
        if ((v = malloc(lo + strlen(value) + 2)))
            sprintf(v, "%s%s%s", old, lo && old[lo - 1] == ',' ? "" : ",", value);
        snprintf(where, sizeof where, "%s", c->L->where[k]);
    } else {
        v = strdup(value);
    }
    if (!v) {
        cli_error("out of memory");
        c->bad = 1;
        return 0;
    }
    layer_set(c->L, k, v, v, where);
    if (c->f && !cont)
        c->seen[k] = c->line;
    c->last_key = k;
    return 1;
}

static int read_config(layers *L, const char *file)
{
    ini_ctx c = { .L = L, .file = file, .last_key = -1 };
    if (!(c.f = fopen(file, "r"))) {
        cli_error("--config %s: %s", file, strerror(errno));
        return -1;
    }
    int rc = ini_parse_stream(ini_reader_fn, &c, ini_handler_fn, &c);
    if (ferror(c.f) && !c.bad) {
        /* fgets failed (a folder, an I/O error): inih took it for the end */
        cli_error("--config %s: read error: %s", file, strerror(errno));
        c.bad = 1;
    }
    fclose(c.f);
    if (rc > 0 && !c.bad)
        cli_error("%s:%d: not a key = value line", file, rc);
    return rc != 0 || c.bad ? -1 : 0;
}

static int read_preset(layers *L, const char *name)
{
    for (size_t i = 0; i < NPRESETS; i++)
        if (strcmp(name, presets[i].name) == 0) {
            char where[64];
            snprintf(where, sizeof where, "preset %s", name);
            ini_ctx c = { .L = L, .file = where, .last_key = -1 };
            return ini_parse_string(presets[i].ini, ini_handler_fn, &c) != 0 || c.bad ? -1 : 0;
        }
    fprintf(stderr, "shsim: --preset '%s': unknown; choose one of", name);
    for (size_t i = 0; i < NPRESETS; i++)
        fprintf(stderr, "%s %s", i ? "," : "", presets[i].name);
    fputc('\n', stderr);
    return -1;
}

/* ---- the grid ---------------------------------------------------------- */

typedef struct {
    sweep_strv vals[NCELL_AXES]; /* n == 0: the axis is unset (run_spec default) */
    size_t ncells;
    uint64_t max_events; /* every run's cap */
} grid;

/* Apply value v of axis k: 0, or -1 after printing why. */
static int apply_axis(int k, const char *v, run_spec *rs, int *rule_given)
{
    if (k == K_SCHEDULERS)
        return cli_scheduler_variant(v, rs, rule_given);
    if (k == K_RMAX && strcmp(v, "auto") == 0)
        return 0;
    if (k == K_WORKLOADS && strpbrk(v, "\n\r")) {
        cli_error("--workloads: a workload spec cannot hold a line break");
        return -1;
    }
    if (k == K_RESUME) { /* run's --resume: name the sweep's option */
        static const char *const modes[] = { "checkpoint", "restart", NULL };
        int i = cli_choice("--resume-modes", v, modes);
        if (i >= 0)
            rs->ep.restart = i;
        return i < 0 ? -1 : 0;
    }
    return cli_spec_option(keys[k].opt, v, rs, rule_given) < 0 ? -1 : 0;
}

static void grid_cell(void *ctx, size_t c, run_spec *rs)
{
    const grid *g = ctx;
    size_t idx[NCELL_AXES];
    for (int k = NCELL_AXES - 1; k >= 0; k--) {
        size_t n = g->vals[k].n ? g->vals[k].n : 1;
        idx[k] = c % n;
        c /= n;
    }
    *rs = run_spec_default();
    int rule_given = 0;
    for (int k = 0; k < NCELL_AXES; k++)
        if (g->vals[k].n)
            (void)apply_axis(k, g->vals[k].v[idx[k]], rs, &rule_given);
    cli_spec_finish(rs, rule_given);
    rs->ep.max_events = g->max_events;
}

static void note_where(const layers *L, int k)
{
    if (strncmp(L->where[k], "--", 2) != 0)
        fprintf(stderr, "shsim:   (%s: %s = %s)\n", L->where[k], keys[k].name, L->val[k]);
}

/* Does a (checked) numeric axis hold a value other than 0? */
static int any_nonzero(const sweep_strv *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (strtod(v->v[i], NULL) != 0)
            return 1;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* cli.h (shared with compare's --seeds) */
int cli_seed_twice(const uint64_t *seeds, size_t n, uint64_t *which)
{
    uint64_t *s = malloc((n + 1) * sizeof *s);
    int found = 0;
    if (!s)
        return 0;
    memcpy(s, seeds, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_u64);
    for (size_t i = 1; i < n && !found; i++)
        if (s[i] == s[i - 1]) {
            *which = s[i];
            found = 1;
        }
    free(s);
    return found;
}

/* Split and check every axis; fill g and the seeds.  0 or -1. */
static int build_grid(const layers *L, grid *g, uint64_t **seeds, size_t *nseeds)
{
    char err[4200];
    run_spec *rs = malloc(sizeof *rs);
    if (!rs) {
        cli_error("out of memory");
        return -1;
    }
    g->ncells = 1;
    int rc = 0;
    uint64_t twice = 0;
    sweep_strv sv = { 0 };
    for (int k = 0; k <= K_SEEDS && rc == 0; k++) {
        if (!L->val[k])
            continue;
        sweep_strv *dst = k < NCELL_AXES ? &g->vals[k] : &sv;
        if (sweep_list(L->val[k], keys[k].ranges, dst, err, sizeof err) < 0) {
            cli_error("--%s %s", keys[k].name, err);
            note_where(L, k);
            rc = -1;
            break;
        }
        for (size_t i = 0; i < dst->n; i++) {
            *rs = run_spec_default();
            int rule_given = 0;
            if (apply_axis(k, dst->v[i], rs, &rule_given) < 0) {
                note_where(L, k);
                rc = -1;
                break;
            }
        }
        if (rc == 0 && k < NCELL_AXES) {
            if (g->ncells > ((size_t)1 << 40) / dst->n) {
                cli_error("sweep: the grid has too many cells");
                rc = -1;
            }
            g->ncells *= dst->n;
        }
    }
    if (rc == 0 && any_nonzero(&g->vals[K_DROP]) && any_nonzero(&g->vals[K_DROP_RATE])) {
        /* a cell would hold both laws of loss, which a run refuses */
        cli_error("--drop and --drop-rate: give nonzero values to one of them only (per job "
                  "or per unit of time)");
        note_where(L, K_DROP);
        note_where(L, K_DROP_RATE);
        rc = -1;
    }
    if (rc == 0) {
        *nseeds = sv.n;
        *seeds = malloc((sv.n + 1) * sizeof **seeds);
        if (!*seeds) {
            cli_error("out of memory");
            rc = -1;
        }
        for (size_t i = 0; rc == 0 && i < sv.n; i++)
            (void)cli_u64("--seeds", sv.v[i], &(*seeds)[i]);
        if (rc == 0 && (g->ncells > ((size_t)1 << 40) / (sv.n ? sv.n : 1) || !sv.n)) {
            cli_error("sweep: %s", sv.n ? "too many runs" : "no seeds");
            rc = -1;
        }
        if (rc == 0 && cli_seed_twice(*seeds, sv.n, &twice)) {
            /* a cell's runs are (cell, seed) pairs: merge and the journal
             * count on each once */
            cli_error("--seeds: seed %llu is given twice", (unsigned long long)twice);
            note_where(L, K_SEEDS);
            rc = -1;
        }
    }
    sweep_strv_free(&sv);
    free(rs);
    return rc;
}

/* ---- progress bar ------------------------------------------------------ */

typedef struct {
    double t0, last;
    int drawn;
} progress_state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fmt_secs(char *buf, size_t n, double s)
{
    if (!(s < 1e7))
        snprintf(buf, n, "?");
    else if (s < 90)
        snprintf(buf, n, "%.0f s", s);
    else if (s < 5400)
        snprintf(buf, n, "%.0f min", s / 60);
    else
        snprintf(buf, n, "%.1f h", s / 3600);
}

static void progress_fn(void *ctx, size_t done, size_t total)
{
    progress_state *ps = ctx;
    double t = now_s();
    if (done < total && t - ps->last < 0.1)
        return;
    ps->last = t;
    double el = t - ps->t0, rate = el > 0 ? (double)done / el : 0;
    char left[32];
    fmt_secs(left, sizeof left, rate > 0 ? (double)(total - done) / rate : (double)INFINITY);
    char bar[31];
    size_t fill = total ? done * 30 / total : 30;
    for (size_t i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r%zu/%zu runs [%s] %3.0f%%  %.1f runs/s  %s left   ", done, total, bar,
            total ? 100.0 * (double)done / (double)total : 100.0, rate, left);
    fflush(stderr);
    ps->drawn = 1;
}

/* The last line of a sweep, printed before its files are written (see
 * sweep_plan.finished): a failing standard output then writes nothing. */
typedef struct {
    const char *out;
    size_t mine, nseeds;
    const sweep_plan *p;
    progress_state *ps;
    int quiet;
} done_line;

static int print_done(void *ctx, const sweep_report *rep, char *err, size_t n)
{
    done_line *d = ctx;
    if (d->ps->drawn) {
        fputc('\n', stderr);
        d->ps->drawn = 0;
    }
    if (d->quiet)
        return 0;
    char from[64] = "";
    if (rep->resumed)
        snprintf(from, sizeof from, ", %zu of them from the journal", rep->resumed);
    printf("%s: %zu runs (%zu cells x %zu seeds%s%s) in %.2f s on %u thread%s: sweep.csv, "
           "sweep_agg.csv, sweep_curves.csv\n",
           d->out, rep->runs, d->mine, d->nseeds, d->p->shards > 1 ? ", one shard" : "", from,
           now_s() - d->ps->t0, d->p->threads, d->p->threads == 1 ? "" : "s");
    if (fflush(stdout) != 0 || ferror(stdout)) {
        snprintf(err, n, "%s: standard output failed: no file written", d->out);
        return -EIO;
    }
    return 0;
}

/* ---- the command ------------------------------------------------------- */

/* ---- failures and signals --------------------------------------------- */

#define SHOW_FAILED 10
#define EXIT_STOPPED 3 /* --max-runs reached: resume later */

typedef struct {
    char *line[SHOW_FAILED]; /* "cell C, seed S: why" of the first failures */
    size_t n;
} failed_list;

static void failed_fn(void *ctx, size_t cell, uint64_t seed, const char *why)
{
    failed_list *fl = ctx;
    if (fl->n < SHOW_FAILED) {
        size_t len = strlen(why) + 64;
        if ((fl->line[fl->n] = malloc(len)))
            snprintf(fl->line[fl->n], len, "cell %zu, seed %llu: %s", cell,
                     (unsigned long long)seed, why);
    }
    fl->n++;
}

static atomic_int stop_signal; /* the signal that stopped the sweep, or 0 */

static void on_signal(int sig) { atomic_store(&stop_signal, sig); }

/* Catch SIGINT and SIGTERM for one sweep (SA_RESETHAND: a second one kills
 * at once), unless they were ignored (nohup, a background job of sh). */
static void catch_signals(struct sigaction old[2], int on)
{
    static const int sigs[2] = { SIGINT, SIGTERM };
    for (int i = 0; i < 2; i++) {
        if (!on) {
            sigaction(sigs[i], &old[i], NULL);
            continue;
        }
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(sigs[i], NULL, &old[i]);
        if (old[i].sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

enum { O_SHARD = 1000, O_DRY, O_CONTINUE, O_MAX_RUNS, O_AXIS = 2000 };

int cli_sweep(int argc, char **argv)
{
    struct option opts[2 * NKEYS + 10];
    size_t no = 0;
    for (int k = 0; k < NKEYS; k++) {
        opts[no++] = (struct option){ keys[k].name, required_argument, 0, O_AXIS + k };
        if (keys[k].alias)
            opts[no++] = (struct option){ keys[k].alias, required_argument, 0, O_AXIS + k };
    }
    opts[no++] = (struct option){ "preset", required_argument, 0, 'p' };
    opts[no++] = (struct option){ "config", required_argument, 0, 'c' };
    opts[no++] = (struct option){ "shard", required_argument, 0, O_SHARD };
    opts[no++] = (struct option){ "dry-run", no_argument, 0, O_DRY };
    opts[no++] = (struct option){ "max-runs", required_argument, 0, O_MAX_RUNS };
    opts[no++] = (struct option){ "resume", no_argument, 0, O_CONTINUE };
    opts[no++] = (struct option){ "quiet", no_argument, 0, 'q' };
    opts[no++] = (struct option){ "help", no_argument, 0, 'h' };
    opts[no++] = (struct option){ 0, 0, 0, 0 };
    static const struct {
        char c;
        int k;
    } shorts[] = { { 's', K_SCHEDULERS }, { 'W', K_WORKLOADS }, { 'w', K_WORKERS },
                   { 'e', K_ETA },        { 'n', K_TRIALS },    { 'T', K_HORIZON },
                   { 'o', K_OUT },        { 'j', K_JOBS } };

    layers cl, L;
    memset(&cl, 0, sizeof cl);
    memset(&L, 0, sizeof L);
    const char *preset = NULL, *config = NULL, *shard_arg = NULL;
    int quiet = 0, dry = 0, resume = 0, c;
    uint64_t max_runs = 0;
    optind = 0; /* glibc: 0 re-initialises getopt completely (bench calls sweep) */
    while ((c = getopt_long(argc, argv, "s:W:w:e:n:T:o:j:p:c:qh", opts, NULL)) != -1) {
        if (c == O_CONTINUE) {
            resume = 1;
            continue;
        }
        int k = c >= O_AXIS ? c - O_AXIS : -1;
        for (size_t i = 0; i < sizeof shorts / sizeof *shorts; i++)
            if (c == shorts[i].c)
                k = shorts[i].k;
        if (k >= 0) {
            char where[80];
            snprintf(where, sizeof where, "--%s", keys[k].name);
            layer_set(&cl, k, optarg, NULL, where);
            continue;
        }
        switch (c) {
        case 'p': preset = optarg; break;
        case 'c': config = optarg; break;
        case O_SHARD: shard_arg = optarg; break;
        case O_DRY: dry = 1; break;
        case O_MAX_RUNS:
            if (cli_u64("--max-runs", optarg, &max_runs) < 0)
                return EXIT_USAGE;
            if (max_runs < 1) {
                cli_error("--max-runs %s: must be at least 1", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'q': quiet = 1; break;
        case 'h': print_usage(); return 0;
        default: fputs("Try 'shsim sweep --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("sweep: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }

    int status = EXIT_USAGE;
    grid g;
    memset(&g, 0, sizeof g);
    uint64_t *seeds = NULL;
    size_t nseeds = 0;
    for (int k = 0; k < NKEYS; k++)
        if (keys[k].def)
            layer_set(&L, k, keys[k].def, NULL, "default");
    if (preset && read_preset(&L, preset) < 0)
        goto out;
    if (config && read_config(&L, config) < 0)
        goto out;
    for (int k = 0; k < NKEYS; k++)
        if (cl.val[k])
            layer_set(&L, k, cl.val[k], NULL, cl.where[k]);

    sweep_plan p = sweep_default_plan();
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    p.threads = ncpu > 0 ? (uint32_t)(ncpu < 1024 ? ncpu : 1024) : 1;
    if (L.val[K_JOBS] && cli_u32("--jobs", L.val[K_JOBS], 1, 1024, &p.threads) < 0) {
        note_where(&L, K_JOBS);
        goto out;
    }
    if (cli_u32("--curve-points", L.val[K_CURVE], 0, 100000, &p.curve_points) < 0) {
        note_where(&L, K_CURVE);
        goto out;
    }
    g.max_events = RUN_MAX_EVENTS;
    if (L.val[K_MAX_EVENTS] && cli_max_events(L.val[K_MAX_EVENTS], &g.max_events) < 0) {
        note_where(&L, K_MAX_EVENTS);
        goto out;
    }
    if (shard_arg) {
        unsigned i, k;
        int used = 0;
        if (sscanf(shard_arg, "%u/%u%n", &i, &k, &used) != 2 || shard_arg[used] || i < 1 ||
            i > k || !(shard_arg[0] >= '0' && shard_arg[0] <= '9')) {
            cli_error("--shard '%s': expected I/K with 1 <= I <= K", shard_arg);
            goto out;
        }
        p.shard = i - 1;
        p.shards = k;
    }
    const char *out = L.val[K_OUT];
    if (!*out) {
        cli_error("--out: an empty folder name");
        goto out;
    }
    if (build_grid(&L, &g, &seeds, &nseeds) < 0)
        goto out;
    p.ncells = g.ncells;
    p.cell = grid_cell;
    p.cell_ctx = &g;
    p.seeds = seeds;
    p.nseeds = nseeds;

    size_t mine = g.ncells / p.shards + (p.shard < g.ncells % p.shards);
    if (dry) {
        printf("grid:");
        for (int k = 0; k < NCELL_AXES; k++)
            if (g.vals[k].n > 1)
                printf(" %zu %s x", g.vals[k].n, keys[k].name);
        printf(" %zu seeds = %zu cells, %zu runs", nseeds, g.ncells, g.ncells * nseeds);
        if (p.shards > 1)
            printf("; shard %u/%u: %zu cells, %zu runs", p.shard + 1, p.shards, mine,
                   mine * nseeds);
        putchar('\n');
        status = 0;
        goto out;
    }
    progress_state ps = { .t0 = now_s(), .last = 0, .drawn = 0 };
    if (!quiet && isatty(STDERR_FILENO)) {
        p.progress = progress_fn;
        p.progress_ctx = &ps;
    }
    failed_list fl;
    memset(&fl, 0, sizeof fl);
    p.failed = failed_fn;
    p.failed_ctx = &fl;
    done_line dl = { out, mine, nseeds, &p, &ps, quiet };
    p.finished = print_done;
    p.finished_ctx = &dl;
    p.resume = resume;
    p.max_runs = (size_t)max_runs;
    p.stop = &stop_signal;
    atomic_store(&stop_signal, 0);
    struct sigaction old[2];
    catch_signals(old, 1);
    char err[4200];
    sweep_report rep;
    int rc = sweep_run(&p, out, &rep, err, sizeof err);
    catch_signals(old, 0);
    if (ps.drawn)
        fputc('\n', stderr);
    int sig = atomic_load(&stop_signal);
    if (rc == -EINTR && sig) {
        cli_error("%s", err); /* interrupted: N of M runs done; resume with --resume */
        status = 128 + sig;
    } else if (rc == -EINTR) {
        cli_error("stopped by --max-runs: %zu of %zu runs done; resume with --resume", rep.done,
                  rep.runs);
        status = EXIT_STOPPED;
    } else if (rc < 0) {
        cli_error("%s", err);
        status = rc == -EINVAL || rc == -ENOENT || rc == -EEXIST ? EXIT_USAGE : EXIT_FAIL;
    } else {
        if (rep.failed) {
            cli_error("%zu of %zu runs failed%s:", rep.failed, rep.runs,
                      rep.complete ? " (an earlier sweep's files, already complete)" : "");
            for (size_t i = 0; i < fl.n && i < SHOW_FAILED; i++)
                fprintf(stderr, "  %s\n", fl.line[i] ? fl.line[i] : "(out of memory)");
            if (fl.n > SHOW_FAILED)
                fprintf(stderr, "  ... and %zu more\n", fl.n - SHOW_FAILED);
            fprintf(stderr, "  (the status column of %s/sweep.csv has every run's error)\n", out);
        }
        if (!quiet && rep.complete)
            printf("%s: already complete: %zu runs, nothing to resume\n", out, rep.runs);
        status = rep.failed ? EXIT_FAIL : 0;
    }
    for (size_t i = 0; i < fl.n && i < SHOW_FAILED; i++)
        free(fl.line[i]);
out:
    for (int k = 0; k < NCELL_AXES; k++)
        sweep_strv_free(&g.vals[k]);
    for (int k = 0; k < NKEYS; k++)
        free(L.owned[k]);
    free(seeds);
    return status;
}
