/*
 * sim/cli/cli_compare.c -- `shsim compare`: strict SH, fill SH and ASHA (or a
 * --schedulers list) on the same trials, side by side: a table and one
 * figure (plots/compare.gp: the Gantt charts on one time axis and the
 * best-so-far curves).
 *
 * Every run is one run_spec: the `run` options (cli_spec_option) with the
 * scheduler replaced by each variant of the list, so the runs differ in
 * nothing but the scheduler, and share every draw (the workloads and the
 * stragglers are functions of (seed, trial, job)).  All runs are simulated
 * before anything is written, so bad input (a spec the workload refuses)
 * leaves the output folder as it was.  With --seeds the runs of the first
 * seed give the Gantt charts and a sweep (sim/sweep/) over all the seeds
 * gives the table's means and 95% intervals and the curves' bands.
 */
#include "sim/cli/cli.h"
#include "sim/cli/cli_compare.h"
#include "sim/sweep/sweep.h"
#include "sim/record.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COMPARE_SCHEDULERS "sh:strict,sh:fill,asha:promotion"

static const char usage[] =
    "Usage: shsim compare [OPTIONS]\n"
    "Run strict SH, fill SH and ASHA (or the --schedulers list) on the same\n"
    "trials -- same workload, seed, workers and stragglers -- and show them side\n"
    "by side: a table on stdout (idle %, trials at r_max, epochs, best error,\n"
    "best error at r_max, time to --target by any result and by a trial at r_max,\n"
    "time the first trial reached r_max)\n"
    "and one figure, DIR/compare.png and .svg: the Gantt charts on one time axis\n"
    "and the best-so-far curves.  Each run's files (as `shsim run` writes them)\n"
    "go to DIR/SCHEDULER/ (sh-strict, sh-fill, asha-promotion, ...), the table\n"
    "to DIR/compare.csv.\n"
    "\n"
    "sh:strict waits for a whole rung (d2l Fig. 19.5.1); sh:fill gives an idle\n"
    "worker a job of the oldest bracket that has one, else opens a new bracket\n"
    "(the synchronous SHA of BOHB and Syne Tune); asha:promotion promotes a\n"
    "trial as soon as it is in its rung's top 1/eta (d2l Fig. 19.5.2).\n"
    "\n"
    "Schedulers:\n";
/* then --schedulers (cli_scheduler_syntax), then: */
static const char usage_spec[] =
    CLI_RUNG_HELP
    "Workload and run (as `shsim run`):\n";
/* then cli_help_workload(), then: */
static const char usage_run[] =
    CLI_SIZE_HELP
    "      --seed S                     one seed (default 1)\n"
    "      --seeds LIST                 several seeds ('1..20', 1,5,9): the table shows means\n"
    "                                   and 95% t intervals over them, the curves their mean\n"
    "                                   with a band (with --horizon); the Gantt charts are\n"
    "                                   the first seed's\n"
    "      --order file|seeded          recorded workloads: trial k is the table's k-th\n"
    "                                   configuration, or one drawn from the seed (as run)\n"
    CLI_TARGET_HELP
    "      --max-events N               stop with an error after N events, each run\n"
    "                                   (default 10000000)\n";
/* then cli_straggler_help, then: */
static const char usage_out[] =
    "Output:\n"
    "  -o, --out DIR                    output folder, created if missing (default compare)\n"
    "      --gantt                      also print each schedule as a text Gantt chart\n"
    "      --no-plot                    no figure (no gnuplot needed)\n"
    "  -j, --jobs N                     threads of the --seeds sweep (default: the online CPUs)\n"
    "  -q, --quiet                      no table\n"
    "  -h, --help                       this help\n"
    "\n"
    "Examples:\n"
    "  shsim compare --workload figure --workers 2 --r-max 4 --horizon 32 --out out/cmp\n"
    "  shsim compare --workload lenet-model --workers 8 --horizon 1800 --target 0.15 \\\n"
    "                --slow-workers 1:3 --seeds '1..20' --out out/cmp20\n";

enum { OPT_SEEDS = 700, OPT_NO_PLOT, OPT_JOBS };

typedef struct {
    run_spec base;       /* the run options, scheduler still the default */
    const char *scheds;  /* the --schedulers list */
    const char *seeds;   /* --seeds, or NULL */
    const char *out;
    uint32_t threads;
    int gantt, plot, quiet;
} compare_opts;

/* 0 parsed, 1 --help, -1 bad options (printed). */
static int parse(int argc, char **argv, compare_opts *o)
{
    static const struct option opts[] = {
        { "schedulers", required_argument, 0, 's' }, { "scheduler", required_argument, 0, 's' },
        CLI_SPEC_OPTIONS,
        { "seeds", required_argument, 0, OPT_SEEDS }, { "out", required_argument, 0, 'o' },
        { "gantt", no_argument, 0, 'G' },            { "explain", no_argument, 0, 'X' },
        { "no-plot", no_argument, 0, OPT_NO_PLOT },  { "jobs", required_argument, 0, 'j' },
        { "quiet", no_argument, 0, 'q' },            { "help", no_argument, 0, 'h' },
        { "max-events", required_argument, 0, CLI_OPT_MAX_EVENTS },
        { 0, 0, 0, 0 },
    };
    o->base = run_spec_default();
    o->base.ep.workers = 4;
    o->scheds = COMPARE_SCHEDULERS;
    o->seeds = NULL;
    o->out = "compare";
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = ncpu > 0 ? (uint32_t)(ncpu < 1024 ? ncpu : 1024) : 1;
    o->gantt = o->quiet = 0;
    o->plot = 1;
    int rule_given = 0, seed_given = 0, c;
    optind = 0; /* glibc: 0 re-initialises getopt completely */
    opterr = 1;
    while ((c = getopt_long(argc, argv, "s:w:e:W:n:T:o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 's': o->scheds = optarg; continue;
        case OPT_SEEDS: o->seeds = optarg; continue;
        case 'o': o->out = optarg; continue;
        case 'G': o->gantt = 1; continue;
        case OPT_NO_PLOT: o->plot = 0; continue;
        case 'q': o->quiet = 1; continue;
        case 'h': return 1;
        case 'j':
            if (cli_u32("--jobs", optarg, 1, 1024, &o->threads) < 0)
                return -1;
            continue;
        case CLI_OPT_MAX_EVENTS:
            if (cli_max_events(optarg, &o->base.ep.max_events) < 0)
                return -1;
            continue;
        case 'b':
        case 'y':
        case 'r':
            cli_error("compare: --%s: name each variant in --schedulers instead "
                      "(sh:strict, sh:fill, asha:promotion, asha:stopping:rank)",
                      c == 'b' ? "barrier" : c == 'y' ? "type" : "rule");
            return -1;
        case 'X':
            cli_error("compare: --explain narrates one run; use shsim run --explain");
            return -1;
        case 'S': seed_given = 1; break;
        default: break;
        }
        int k = cli_spec_option(c, optarg, &o->base, &rule_given);
        if (k < 0)
            return -1;
        if (k == 0) {
            fputs("Try 'shsim compare --help'.\n", stderr);
            return -1;
        }
    }
    if (optind < argc) {
        cli_error("compare: unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (seed_given && o->seeds) {
        cli_error("compare: --seed and --seeds: give one");
        return -1;
    }
    if (!*o->out) {
        cli_error("--out: an empty folder name");
        return -1;
    }
    if (o->plot && strchr(o->out, '\'')) {
        cli_error("--out '%s': a quote in the folder name cannot be passed to gnuplot", o->out);
        return -1;
    }
    return 0;
}

/* The schedulers of the list: their specs (base with each variant) and
 * names.  0 or -1 after printing why. */
static int build_set(const compare_opts *o, compare_set *cs, run_spec *specs)
{
    char err[4200];
    sweep_strv sv = { 0 };
    if (sweep_list(o->scheds, 0, &sv, err, sizeof err) < 0) {
        cli_error("--schedulers %s", err);
        return -1;
    }
    int rc = 0;
    if (sv.n > COMPARE_MAX_SCHEDULERS) {
        cli_error("--schedulers: %zu schedulers; at most %d", sv.n, COMPARE_MAX_SCHEDULERS);
        rc = -1;
    }
    cs->n = 0;
    for (size_t i = 0; i < sv.n && rc == 0; i++) {
        run_spec *rs = &specs[cs->n];
        *rs = o->base;
        int rule_given = 0;
        if (cli_scheduler_variant(sv.v[i], rs, &rule_given) < 0) {
            rc = -1;
            break;
        }
        cli_spec_finish(rs, rule_given);
        cli_scheduler_label(rs, rule_given, cs->label[cs->n], sizeof cs->label[0]);
        for (size_t j = 0; j < cs->n; j++)
            if (specs[j].type == rs->type && specs[j].sp.sh.barrier == rs->sp.sh.barrier &&
                specs[j].sp.asha.type == rs->sp.asha.type && specs[j].sp.asha.rule == rs->sp.asha.rule &&
                specs[j].sp.hyperband.brackets == rs->sp.hyperband.brackets) {
                cli_error("--schedulers: '%s' is '%s' again", sv.v[i], cs->label[j]);
                rc = -1;
            }
        memcpy(cs->folder[cs->n], cs->label[cs->n], sizeof cs->folder[0]);
        for (char *p = cs->folder[cs->n]; *p; p++)
            if (*p == ':')
                *p = '-';
        cs->n++;
    }
    sweep_strv_free(&sv);
    return rc;
}

/* The --seeds list as numbers.  0 or -1 after printing why. */
static int parse_seeds(const char *text, uint64_t **seeds, size_t *n)
{
    char err[4200];
    sweep_strv sv = { 0 };
    if (sweep_list(text, 1, &sv, err, sizeof err) < 0) {
        cli_error("--seeds %s", err);
        return -1;
    }
    *seeds = malloc((sv.n ? sv.n : 1) * sizeof **seeds);
    int rc = *seeds ? 0 : -1;
    if (rc < 0)
        cli_error("out of memory");
    for (size_t i = 0; i < sv.n && rc == 0; i++)
        rc = cli_u64("--seeds", sv.v[i], &(*seeds)[i]);
    uint64_t twice;
    if (rc == 0 && cli_seed_twice(*seeds, sv.n, &twice)) {
        cli_error("--seeds: seed %llu is given twice", (unsigned long long)twice);
        rc = -1;
    }
    *n = sv.n;
    sweep_strv_free(&sv);
    return rc;
}

typedef struct {
    const run_spec *specs;
} cell_ctx;

static void compare_cell(void *ctx, size_t c, run_spec *rs)
{
    *rs = ((const cell_ctx *)ctx)->specs[c];
}

/* The sweep over the seeds into DIR/sweep: an exit status. */
static int run_sweep(const compare_opts *o, const run_spec *specs, size_t nspecs,
                     const uint64_t *seeds, size_t nseeds)
{
    char dir[4200], err[4200];
    snprintf(dir, sizeof dir, "%s/sweep", o->out);
    cell_ctx cc = { specs };
    sweep_plan p = sweep_default_plan();
    p.ncells = nspecs;
    p.cell = compare_cell;
    p.cell_ctx = &cc;
    p.seeds = seeds;
    p.nseeds = nseeds;
    p.threads = o->threads;
    sweep_report rep;
    int rc = sweep_run(&p, dir, &rep, err, sizeof err);
    if (rc < 0) {
        cli_error("%s", err);
        return rc == -EINVAL || rc == -ENOENT || rc == -EEXIST ? EXIT_USAGE : EXIT_FAIL;
    }
    if (rep.failed) {
        cli_error("%zu of %zu runs failed (the status column of %s/sweep.csv says why)",
                  rep.failed, rep.runs, dir);
        return EXIT_FAIL;
    }
    return 0;
}

/* vars += "; NAME='v1 v2 ..'": one number per shown run ("nan": none). */
static void add_list(char *vars, size_t n, const char *name, const run_result *res, size_t nres,
                     size_t offset)
{
    size_t len = strlen(vars);
    len += (size_t)snprintf(vars + len, len < n ? n - len : 0, "; %s='", name);
    for (size_t s = 0; s < nres && len < n; s++) {
        double v;
        memcpy(&v, (const char *)&res[s].sum + offset, sizeof v);
        len += (size_t)snprintf(vars + len, n - len, "%s%.17g", s ? " " : "", v);
    }
    if (len < n)
        snprintf(vars + len, n - len, "'");
}

/* The figure's title: the setting the schedulers share. */
static void figure_title(char *buf, size_t n, const run_spec *rs, const compare_opts *o,
                         size_t nseeds)
{
    char wl[300], part[300];
    snprintf(wl, sizeof wl, "%.200s", rs->workload); /* a long path: its start */
    for (char *p = wl; *p; p++)
        if (*p == '\'' || *p == '\\')
            *p = '_';
    size_t len = (size_t)snprintf(buf, n, "%s, %u workers, eta %u, rungs %u..%u epochs", wl,
                                  rs->ep.workers, rs->sp.eta, rs->sp.r_min, rs->sp.r_max);
    const straggler_params *g = &rs->ep.strag;
    straggler_noise_str(g, part, sizeof part);
    if (strcmp(part, "none") != 0 && len < n)
        len += (size_t)snprintf(buf + len, n - len, ", noise %s", part);
    straggler_slow_str(g, part, sizeof part);
    if (*part && len < n)
        len += (size_t)snprintf(buf + len, n - len, ", slow workers %s", part);
    straggler_speeds_str(g, part, sizeof part);
    if (*part && len < n)
        len += (size_t)snprintf(buf + len, n - len, ", speeds %.60s", part);
    if (g->drop > 0 && len < n)
        len += (size_t)snprintf(buf + len, n - len, ", drop %g (%s)", g->drop,
                                straggler_on_drop_str(g));
    if (len < n && nseeds)
        snprintf(buf + len, n - len, "; %zu seed%s (%.40s), Gantt charts of seed %llu", nseeds,
                 nseeds == 1 ? "" : "s", o->seeds, (unsigned long long)rs->seed);
    else if (len < n)
        snprintf(buf + len, n - len, "; seed %llu", (unsigned long long)rs->seed);
}

/* The line of numbers above scheduler s's Gantt chart. */
static void panel_note(char *buf, size_t n, const compare_table *t, size_t s, double target,
                       size_t nseeds)
{
    char idle[128], frm[128], ttt[128], tttr[128];
    compare_table_cell(t, s, "idle_fraction", idle, sizeof idle);
    compare_table_cell(t, s, "time_first_rmax", frm, sizeof frm);
    compare_table_cell(t, s, "time_to_target", ttt, sizeof ttt);
    compare_table_cell(t, s, "time_to_target_rmax", tttr, sizeof tttr);
    const char *bar = nseeds ? "  |  " : "   |   ";
    size_t len = (size_t)snprintf(buf, n, nseeds ? "means: idle %s %%%s" : "idle %s%% of worker time%s",
                                  idle, bar);
    if (len < n)
        len += (size_t)(strcmp(frm, "-") == 0
                            ? snprintf(buf + len, n - len, "no trial reached r_max")
                            : snprintf(buf + len, n - len, "first trial at r_max: %s s", frm));
    if (!isnan(target) && len < n)
        snprintf(buf + len, n - len, "%serror <= %g: %s%s, at r_max %s%s", bar, target, ttt,
                 strcmp(ttt, "-") ? " s" : "", tttr, strcmp(tttr, "-") ? " s" : "");
}

/* DIR/compare.png and .svg: 0 or -1 after printing why.  rs: the shown
 * runs' specs, res their results. */
static int draw(const compare_opts *o, const run_spec *rs, const run_result *res,
                const compare_set *cs, const compare_table *t, size_t nseeds, int quiet)
{
    char vars[12000], title[700], note[600];
    figure_title(title, sizeof title, &rs[0], o, nseeds);
    size_t len = (size_t)snprintf(vars, sizeof vars, "dir='%s'; title='%s'; names='", o->out,
                                  title);
    for (size_t s = 0; s < cs->n; s++)
        len += (size_t)snprintf(vars + len, sizeof vars - len, "%s%s", s ? " " : "",
                                cs->folder[s]);
    len += (size_t)snprintf(vars + len, sizeof vars - len, "'; labels='");
    for (size_t s = 0; s < cs->n; s++)
        len += (size_t)snprintf(vars + len, sizeof vars - len, "%s%s", s ? " " : "",
                                cs->label[s]);
    char target[64];
    snprintf(target, sizeof target, "%.17g", rs[0].ep.target);
    len += (size_t)snprintf(vars + len, sizeof vars - len, "'; target=%s; curves='%s'",
                            isnan(rs[0].ep.target) ? "NaN" : target,
                            nseeds && isfinite(rs[0].ep.horizon) ? "sweep/sweep_curves.csv" : "");
    for (size_t s = 0; s < cs->n && len < sizeof vars; s++) {
        panel_note(note, sizeof note, t, s, rs[0].ep.target, nseeds);
        len += (size_t)snprintf(vars + len, sizeof vars - len, "; note%zu='%s'", s + 1, note);
    }
    add_list(vars, sizeof vars, "frm", res, cs->n, offsetof(run_summary, time_first_rmax));
    add_list(vars, sizeof vars, "ttt", res, cs->n, offsetof(run_summary, time_to_target_rmax));
    static const char *const fmts[] = { "png", "svg" };
    for (int i = 0; i < 2; i++) {
        char v2[12100], out[4200];
        snprintf(v2, sizeof v2, "%s; fmt='%s'", vars, fmts[i]);
        snprintf(out, sizeof out, "%s/compare.%s", o->out, fmts[i]);
        if (cli_gnuplot("compare.gp", v2, out) < 0)
            return -1;
        if (!quiet)
            printf("wrote %s\n", out);
    }
    return 0;
}

int cli_compare(int argc, char **argv)
{
    compare_opts o;
    int rc = parse(argc, argv, &o);
    if (rc > 0) {
        char syntax[1024], text[1200];
        fputs(usage, stdout);
        cli_scheduler_syntax(syntax, sizeof syntax);
        snprintf(text, sizeof text, "up to 8, as sweep's axis: %s\n(default " COMPARE_SCHEDULERS ")",
                 syntax);
        cli_help_entry(stdout, "  -s, --schedulers LIST", text);
        fputs(usage_spec, stdout);
        cli_help_workload(stdout, "lenet");
        fputs(usage_run, stdout);
        fputs(cli_straggler_help, stdout);
        fputs(usage_out, stdout);
        cli_scheduler_help(stdout);
        return 0;
    }
    if (rc < 0)
        return EXIT_USAGE;
    run_spec *specs = malloc(2 * COMPARE_MAX_SCHEDULERS * sizeof *specs);
    run_result res[COMPARE_MAX_SCHEDULERS];
    workload *wl[COMPARE_MAX_SCHEDULERS] = { 0 };
    compare_set cs = { 0 };
    compare_table t = { 0 };
    uint64_t *seeds = NULL;
    size_t nseeds = 0, ran = 0;
    int status = EXIT_USAGE;
    char err[4608];
    if (!specs) {
        cli_error("out of memory");
        return EXIT_FAIL;
    }
    run_spec *ran_specs = specs + COMPARE_MAX_SCHEDULERS; /* completed by the runs */
    if (build_set(&o, &cs, specs) < 0)
        goto out;
    if (o.seeds && parse_seeds(o.seeds, &seeds, &nseeds) < 0)
        goto out;
    /* the figure's tools before any run: a missing gnuplot writes nothing */
    if (o.plot && cli_gnuplot_ready("compare.gp") < 0) {
        status = EXIT_FAIL;
        goto out;
    }
    /* every run first (the first seed's, with their rows recorded), nothing written yet */
    for (; ran < cs.n; ran++) {
        ran_specs[ran] = specs[ran];
        if (seeds)
            ran_specs[ran].seed = seeds[0];
        rc = run_spec_execute(&ran_specs[ran], &res[ran], &wl[ran], err, sizeof err);
        if (rc < 0) {
            cli_error("%s", err);
            status = rc == -EINVAL || rc == -ENOENT ? EXIT_USAGE : EXIT_FAIL;
            goto out;
        }
    }
    status = EXIT_FAIL;
    /* standard output first: when it fails, nothing is written (main()
     * reports it) */
    for (size_t s = 0; s < cs.n && o.gantt; s++) {
        printf("== %s ==\n", cs.label[s]);
        gantt_text(stdout, &res[s], 72);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        goto out;
    for (size_t s = 0; s < cs.n; s++) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/%s", o.out, cs.folder[s]);
        rc = cli_record_write(dir, &ran_specs[s], &res[s], wl[s], err, sizeof err);
        if (rc < 0) {
            cli_error("%s", err);
            goto out;
        }
    }
    if (seeds && (status = run_sweep(&o, specs, cs.n, seeds, nseeds)) != 0)
        goto out;
    status = EXIT_FAIL;
    if (compare_table_load(&t, o.out, &cs, seeds != NULL, err, sizeof err) < 0 ||
        compare_table_write(&t, &cs, o.out, err, sizeof err) < 0) {
        cli_error("%s", err);
        goto out;
    }
    if (!o.quiet) {
        const run_spec *r0 = &ran_specs[0];
        printf("%s: %s, %u workers, eta %u, rungs %u..%u epochs", o.out, r0->workload,
               r0->ep.workers, r0->sp.eta, r0->sp.r_min, r0->sp.r_max);
        if (seeds)
            printf(", %zu seed%s (%s): means and 95%% t intervals", nseeds,
                   nseeds == 1 ? "" : "s", o.seeds);
        else
            printf(", seed %llu", (unsigned long long)r0->seed);
        if (!isnan(r0->ep.target))
            printf(", target error %g", r0->ep.target);
        printf("\n\n");
        compare_table_print(stdout, &t, &cs);
        printf("\n(-: none%s; files in %s/: compare.csv and one folder per scheduler)\n",
               isnan(r0->ep.target) ? ", or no --target" : " or never reached", o.out);
    }
    if (o.plot && draw(&o, ran_specs, res, &cs, &t, nseeds, o.quiet) < 0)
        goto out;
    status = 0;
out:
    for (size_t s = 0; s < ran; s++) {
        run_result_free(&res[s]);
        workload_free(wl[s]);
    }
    compare_table_free(&t);
    free(seeds);
    free(specs);
    return status;
}
