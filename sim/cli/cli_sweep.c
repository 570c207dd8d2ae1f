/*
 * sim/cli/cli_sweep.c -- `shsim sweep`: a grid of runs from the command line, a
 * config file (INI, libinih) or a named preset, run in parallel (sweep.h).
 *
 * Every scheduler/engine/workload option of `run` is an axis taking a comma
 * list (numbers also ranges: 1..256*2, 1..10, 0.5..2+0.5).  The grid is the
 * product of the axes in the order of the key table (cli_sweep_keys.c), the last one
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
#include "sim/cli/cli_sweep.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* What the command line says besides the axes (which go to layer cl). */
typedef struct {
    sweep_layers cl;
    const char *preset, *config, *shard_arg;
    int quiet, dry, resume;
    uint64_t max_runs;
} sweep_args;

/* The command line into a: 0, -1 after --help (printed), or EXIT_USAGE
 * after a message. */
static int parse_args(int argc, char **argv, sweep_args *a)
{
    struct option opts[2 * NKEYS + 10];
    size_t no = 0;
    for (int k = 0; k < NKEYS; k++) {
        opts[no++] = (struct option){ cli_sweep_keys[k].name, required_argument, 0, O_AXIS + k };
        if (cli_sweep_keys[k].alias)
            opts[no++] = (struct option){ cli_sweep_keys[k].alias, required_argument, 0, O_AXIS + k };
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
    int c;
    optind = 0; /* glibc: 0 re-initialises getopt completely (bench calls sweep) */
    while ((c = getopt_long(argc, argv, "s:W:w:e:n:T:o:j:p:c:qh", opts, NULL)) != -1) {
        if (c == O_CONTINUE) {
            a->resume = 1;
            continue;
        }
        int k = c >= O_AXIS ? c - O_AXIS : -1;
        for (size_t i = 0; i < sizeof shorts / sizeof *shorts; i++)
            if (c == shorts[i].c)
                k = shorts[i].k;
        if (k >= 0) {
            char where[80];
            snprintf(where, sizeof where, "--%s", cli_sweep_keys[k].name);
            cli_sweep_layer_set(&a->cl, k, optarg, NULL, where);
            continue;
        }
        switch (c) {
        case 'p': a->preset = optarg; break;
        case 'c': a->config = optarg; break;
        case O_SHARD: a->shard_arg = optarg; break;
        case O_DRY: a->dry = 1; break;
        case O_MAX_RUNS:
            if (cli_u64("--max-runs", optarg, &a->max_runs) < 0)
                return EXIT_USAGE;
            if (a->max_runs < 1) {
                cli_error("--max-runs %s: must be at least 1", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'q': a->quiet = 1; break;
        case 'h': cli_sweep_usage(); return -1;
        default: fputs("Try 'shsim sweep --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("sweep: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    return 0;
}

/* Every key's value, the later layer winning: defaults, the preset, the
 * INI file, the command line.  0, or -1 after a message. */
static int layer_keys(sweep_layers *L, const sweep_args *a)
{
    for (int k = 0; k < NKEYS; k++)
        if (cli_sweep_keys[k].def)
            cli_sweep_layer_set(L, k, cli_sweep_keys[k].def, NULL, "default");
    if (a->preset && cli_sweep_read_preset(L, a->preset) < 0)
        return -1;
    if (a->config && cli_sweep_read_config(L, a->config) < 0)
        return -1;
    for (int k = 0; k < NKEYS; k++)
        if (a->cl.val[k])
            cli_sweep_layer_set(L, k, a->cl.val[k], NULL, a->cl.where[k]);
    return 0;
}

/* The plan's settings that are not axes (threads, curve points, the event
 * cap, the shard, the folder).  0, or -1 after a message. */
static int plan_settings(sweep_layers *L, const sweep_args *a, sweep_plan *p, sweep_grid *g)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    p->threads = ncpu > 0 ? (uint32_t)(ncpu < 1024 ? ncpu : 1024) : 1;
    if (L->val[K_JOBS] && cli_u32("--jobs", L->val[K_JOBS], 1, 1024, &p->threads) < 0) {
        cli_sweep_note_where(L, K_JOBS);
        return -1;
    }
    if (cli_u32("--curve-points", L->val[K_CURVE], 0, 100000, &p->curve_points) < 0) {
        cli_sweep_note_where(L, K_CURVE);
        return -1;
    }
    g->max_events = RUN_MAX_EVENTS;
    if (L->val[K_MAX_EVENTS] && cli_max_events(L->val[K_MAX_EVENTS], &g->max_events) < 0) {
        cli_sweep_note_where(L, K_MAX_EVENTS);
        return -1;
    }
    if (a->shard_arg) {
        const char *s = a->shard_arg;
        unsigned i, k;
        int used = 0;
        if (sscanf(s, "%u/%u%n", &i, &k, &used) != 2 || s[used] || i < 1 || i > k ||
            !(s[0] >= '0' && s[0] <= '9')) {
            cli_error("--shard '%s': expected I/K with 1 <= I <= K", s);
            return -1;
        }
        p->shard = i - 1;
        p->shards = k;
    }
    if (!*L->val[K_OUT]) {
        cli_error("--out: an empty folder name");
        return -1;
    }
    return 0;
}

/* --dry-run: the grid's size, and this shard's. */
static void print_dry(const sweep_grid *g, const sweep_plan *p, size_t mine)
{
    printf("grid:");
    for (int k = 0; k < NCELL_AXES; k++)
        if (g->vals[k].n > 1)
            printf(" %zu %s x", g->vals[k].n, cli_sweep_keys[k].name);
    printf(" %zu seeds = %zu cells, %zu runs", p->nseeds, g->ncells, g->ncells * p->nseeds);
    if (p->shards > 1)
        printf("; shard %u/%u: %zu cells, %zu runs", p->shard + 1, p->shards, mine,
               mine * p->nseeds);
    putchar('\n');
}

/* Run the plan into out with progress, the failed runs' list, signals
 * caught; the exit status, after the messages. */
static int run_plan(sweep_plan *p, const char *out, size_t mine, const sweep_args *a)
{
    progress_state ps = { .t0 = now_s(), .last = 0, .drawn = 0 };
    if (!a->quiet && isatty(STDERR_FILENO)) {
        p->progress = progress_fn;
        p->progress_ctx = &ps;
    }
    failed_list fl;
    memset(&fl, 0, sizeof fl);
    p->failed = failed_fn;
    p->failed_ctx = &fl;
    done_line dl = { out, mine, p->nseeds, p, &ps, a->quiet };
    p->finished = print_done;
    p->finished_ctx = &dl;
    p->resume = a->resume;
    p->max_runs = (size_t)a->max_runs;
    p->stop = &stop_signal;
    atomic_store(&stop_signal, 0);
    struct sigaction old[2];
    catch_signals(old, 1);
    char err[4200];
    sweep_report rep;
    int rc = sweep_run(p, out, &rep, err, sizeof err), status;
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
        if (!a->quiet && rep.complete)
            printf("%s: already complete: %zu runs, nothing to resume\n", out, rep.runs);
        status = rep.failed ? EXIT_FAIL : 0;
    }
    for (size_t i = 0; i < fl.n && i < SHOW_FAILED; i++)
        free(fl.line[i]);
    return status;
}

int cli_sweep(int argc, char **argv)
{
    sweep_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;

    int status = EXIT_USAGE;
    sweep_layers L;
    memset(&L, 0, sizeof L);
    sweep_grid g;
    memset(&g, 0, sizeof g);
    uint64_t *seeds = NULL;
    size_t nseeds = 0;
    sweep_plan p = sweep_default_plan();
    if (layer_keys(&L, &a) < 0 || plan_settings(&L, &a, &p, &g) < 0 ||
        cli_sweep_build_grid(&L, &g, &seeds, &nseeds) < 0)
        goto out;
    p.ncells = g.ncells;
    p.cell = cli_sweep_cell;
    p.cell_ctx = &g;
    p.seeds = seeds;
    p.nseeds = nseeds;
    size_t mine = g.ncells / p.shards + (p.shard < g.ncells % p.shards);
    if (a.dry) {
        print_dry(&g, &p, mine);
        status = 0;
    } else {
        status = run_plan(&p, L.val[K_OUT], mine, &a);
    }
out:
    for (int k = 0; k < NCELL_AXES; k++)
        sweep_strv_free(&g.vals[k]);
    for (int k = 0; k < NKEYS; k++)
        free(L.owned[k]);
    free(seeds);
    return status;
}
