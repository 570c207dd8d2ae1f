/*
 * sim/cli/cli_common.c -- option parsing and running shared by the subcommands.
 */
#include "sim/cli/cli.h"
#include "sim/output.h"
#include "sim/record.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("shsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    /* strtoull skips blanks and takes a sign: a whole string starts with a digit */
    if (!isdigit((unsigned char)s[0]) || *end || errno) {
        cli_error("%s '%s': not a non-negative integer", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_max_events(const char *s, uint64_t *out)
{
    if (cli_u64("--max-events", s, out) < 0)
        return -1;
    if (*out < 1) {
        cli_error("--max-events %s: must be at least 1", s);
        return -1;
    }
    return 0;
}

int cli_u32(const char *opt, const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    uint64_t v;
    if (cli_u64(opt, s, &v) < 0)
        return -1;
    if (v < lo || v > hi) {
        cli_error("%s %s: must be between %u and %u", opt, s, lo, hi);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int cli_double(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* ERANGE on underflow (4.9e-324) still gives a finite number: the range
     * check below judges it; on overflow v is infinite */
    if (!*s || isspace((unsigned char)s[0]) || *end || !isfinite(v)) {
        cli_error("%s '%s': not a finite number", opt, s);
        return -1;
    }
    if (v < lo || v > hi) {
        cli_error("%s %s: must be between %g and %g", opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_choice(const char *opt, const char *s, const char *const *choices)
{
    for (int i = 0; choices[i]; i++)
        if (strcmp(s, choices[i]) == 0)
            return i;
    fprintf(stderr, "shsim: %s '%s': unknown; choose one of", opt, s);
    for (int i = 0; choices[i]; i++)
        fprintf(stderr, "%s %s", i ? "," : "", choices[i]);
    fputc('\n', stderr);
    return -1;
}

int cli_variant_option(const sched_type *t, const char **name)
{
    /* --barrier takes sh's variants, --type asha's (cli_spec_option) */
    const struct {
        int opt;
        const char *name;
        const char *const *choices;
    } by[] = { { 'b', "--barrier", sched_type_variants(sched_sh) },
               { 'y', "--type", sched_type_variants(sched_asha) } };
    const char *const *v = sched_type_variants(t);
    for (size_t i = 0; v[0] && i < sizeof by / sizeof *by; i++) {
        size_t k = 0;
        while (v[k] && by[i].choices[k] && strcmp(v[k], by[i].choices[k]) == 0)
            k++;
        if (!v[k] && !by[i].choices[k]) {
            *name = by[i].name;
            return by[i].opt;
        }
    }
    *name = NULL;
    return 0;
}

int cli_spec_option(int opt, const char *arg, run_spec *rs, int *rule_given)
{
    /* the barriers and ASHA types are the variants of sh and asha, in the
     * order of their enums (core/sh.c, core/asha.c) */
    static const char *const resumes[] = { "checkpoint", "restart", NULL };
    int i;
    switch (opt) {
    case 's': {
        /* the choices are core/'s table of scheduler types */
        const char *scheds[32];
        size_t k = 0;
        for (; k < sched_ntypes() && k < 31; k++)
            scheds[k] = sched_type_name(sched_type_at(k));
        scheds[k] = NULL;
        if ((i = cli_choice("--scheduler", arg, scheds)) < 0)
            return -1;
        rs->type = sched_type_at((size_t)i);
        return 1;
    }
    case CLI_OPT_BRACKETS:
        return cli_u32("--brackets", arg, 1, SCHED_MAX_LEVELS, &rs->sp.hyperband.brackets) < 0 ? -1 : 1;
    case 'w':
        return cli_u32("--workers", arg, 1, 1u << 24, &rs->ep.workers) < 0 ? -1 : 1;
    case 'e':
        return cli_u32("--eta", arg, 2, 1u << 16, &rs->sp.eta) < 0 ? -1 : 1;
    case 'm':
        return cli_u32("--r-min", arg, 1, 1u << 24, &rs->sp.r_min) < 0 ? -1 : 1;
    case 'M':
        rs->r_max_given = 1;
        return cli_u32("--r-max", arg, 1, 1u << 24, &rs->sp.r_max) < 0 ? -1 : 1;
    case 'b':
        if ((i = cli_choice("--barrier", arg, sched_type_variants(sched_sh))) < 0)
            return -1;
        rs->sp.sh.barrier = (sched_barrier)i;
        return 1;
    case 'y':
        if ((i = cli_choice("--type", arg, sched_type_variants(sched_asha))) < 0)
            return -1;
        rs->sp.asha.type = (sched_asha_type)i;
        return 1;
    case 'r':
        if ((i = cli_choice("--rule", arg, sched_rule_names())) < 0)
            return -1;
        rs->sp.asha.rule = (sched_rule)i;
        *rule_given = 1;
        return 1;
    case 'R':
        if ((i = cli_choice("--resume", arg, resumes)) < 0)
            return -1;
        rs->ep.restart = i;
        return 1;
    case 'W':
        if (!*arg) {
            char kinds[512];
            cli_workload_kinds(kinds, sizeof kinds);
            cli_error("--workload '': empty (expected %s)", kinds);
            return -1;
        }
        if (strlen(arg) >= sizeof rs->workload) {
            cli_error("--workload: too long");
            return -1;
        }
        snprintf(rs->workload, sizeof rs->workload, "%s", arg);
        return 1;
    case 'n':
        return cli_u32("--trials", arg, 1, SCHED_UNBOUNDED - 1, &rs->trials) < 0 ? -1 : 1;
    case 'T':
        if (cli_double("--horizon", arg, 0, (double)INFINITY, &rs->ep.horizon) < 0)
            return -1;
        if (!(rs->ep.horizon > 0)) {
            cli_error("--horizon %s: must be greater than 0", arg);
            return -1;
        }
        return 1;
    case 'S':
        return cli_u64("--seed", arg, &rs->seed) < 0 ? -1 : 1;
    case CLI_OPT_ORDER: {
        static const char *const orders[] = { "file", "seeded", NULL };
        if ((i = cli_choice("--order", arg, orders)) < 0)
            return -1;
        rs->order = i == 0 ? WL_ORDER_FILE : WL_ORDER_SEEDED;
        return 1;
    }
    case 'g':
        return cli_double("--target", arg, -(double)INFINITY, (double)INFINITY, &rs->ep.target) < 0 ? -1 : 1;
    case CLI_OPT_NOISE:
    case CLI_OPT_WORKER_SPEED:
    case CLI_OPT_SLOW_WORKERS:
    case CLI_OPT_ON_DROP: {
        char err[256];
        static const char *const names[] = { "--noise", "--worker-speed", "--slow-workers",
                                             "--drop", "--on-drop" };
        straggler_params *g = &rs->ep.strag;
        int rc = opt == CLI_OPT_NOISE          ? straggler_parse_noise(g, arg, err, sizeof err)
                 : opt == CLI_OPT_WORKER_SPEED ? straggler_parse_speeds(g, arg, err, sizeof err)
                 : opt == CLI_OPT_SLOW_WORKERS ? straggler_parse_slow(g, arg, err, sizeof err)
                                               : straggler_parse_on_drop(g, arg, err, sizeof err);
        if (rc < 0) {
            cli_error("%s '%s': %s", names[opt - CLI_OPT_NOISE], arg, err);
            return -1;
        }
        return 1;
    }
    case CLI_OPT_DROP:
    case CLI_OPT_DROP_RATE: {
        /* per job or per unit of time: one law of loss at a time, so that
         * the drop column of the outputs names the one in force */
        int rate = opt == CLI_OPT_DROP_RATE;
        const char *name = rate ? "--drop-rate" : "--drop";
        double *v = rate ? &rs->ep.strag.drop_rate : &rs->ep.strag.drop;
        if (cli_double(name, arg, 0, 1, v) < 0)
            return -1;
        if (!(*v < 1)) {
            cli_error("%s %s: must be less than 1 (%s)", name, arg,
                      rate ? "no job would live a whole unit of time" : "every job lost never ends");
            return -1;
        }
        if (rs->ep.strag.drop > 0 && rs->ep.strag.drop_rate > 0) {
            cli_error("%s %s: --drop (per job) and --drop-rate (per unit of time) cannot be "
                      "given together", name, arg);
            return -1;
        }
        return 1;
    }
    }
    return 0;
}

const char cli_straggler_help[] =
    "Stragglers (off by default; every draw a function of (seed, trial, job)):\n"
    "      --noise DIST                 multiply each job's duration by a draw of mean 1:\n"
    "                                   lognormal:SIGMA, normal:SIGMA (truncated at > 0),\n"
    "                                   pareto:ALPHA (ALPHA > 1), exponential, none;\n"
    "                                   or halfnormal:SIGMA: times 1 + |z|, z ~ N(0, SIGMA^2)\n"
    "                                   (only slower; mean 1 + SIGMA sqrt(2/pi))\n"
    "      --worker-speed LIST          speeds of workers 0, 1, ... (1,1,1,0.33: worker 3\n"
    "                                   takes 3 times as long); unlisted workers run at 1\n"
    "      --slow-workers K:FACTOR      the last K workers take FACTOR times as long\n"
    "      --drop P                     lose each job with probability P at a uniform\n"
    "                                   point of its run (default 0)\n"
    "      --drop-rate P                lose a job with probability P in each unit of\n"
    "                                   time it runs: a job of d units survives with\n"
    "                                   probability (1-P)^d (not with --drop) (default 0)\n"
    "      --on-drop retry|lose         retry: the rest of the job goes back to the front\n"
    "                                   of the queue; lose: the trial fails (worst at its\n"
    "                                   rung) (default retry)\n";

int cli_results_option(int opt, const char *arg, wl_results_params *p)
{
    switch (opt) {
    case CLI_OPT_METRIC: p->metric_col = arg; return 1;
    case CLI_OPT_TIME: p->time_col = arg; return 1;
    case CLI_OPT_EPOCH: p->epoch_col = arg; return 1;
    case CLI_OPT_TRIAL: p->trial_col = arg; return 1;
    default: return 0;
    }
}

int cli_results_read(wl_results *r, const char *path, const wl_results_params *p)
{
    char err[4608];
    int rc = wl_results_read(r, path, p, err, sizeof err);
    if (rc < 0) {
        cli_error("%s", err);
        return rc == -ENOMEM ? EXIT_FAIL : EXIT_USAGE;
    }
    return 0;
}

void cli_spec_finish(run_spec *rs, int rule_given)
{
    if (!rule_given)
        rs->sp.asha.rule = sched_asha_default_rule(rs->sp.asha.type);
}

/* The progress line of a long run on a terminal (stderr): events, the
 * simulated clock, and how far to the --max-events cap. */
typedef struct {
    uint64_t max;
    int drawn;
} run_progress;

static void progress_line(void *ctx, uint64_t events, double now)
{
    run_progress *p = ctx;
    fprintf(stderr, "\rrun: %llu events (%.0f%% of --max-events), simulated time %g s   ",
            (unsigned long long)events, p->max ? 100.0 * (double)events / (double)p->max : 0.0,
            now);
    fflush(stderr);
    p->drawn = 1;
}

int cli_execute(run_spec *rs, const char *dir, int gantt, int quiet)
{
    char err[4608];
    run_result res;
    workload *wl = NULL;
    run_progress prog = { rs->ep.max_events, 0 };
    if (!quiet && isatty(STDERR_FILENO)) {
        rs->ep.progress = progress_line;
        rs->ep.progress_ctx = &prog;
    }
    int rc = run_spec_execute(rs, &res, &wl, err, sizeof err);
    rs->ep.progress = NULL;
    if (prog.drawn)
        fputc('\n', stderr);
    if (rc < 0) {
        cli_error("%s", err);
        return rc == -EINVAL || rc == -ENOENT ? EXIT_USAGE : EXIT_FAIL;
    }
    /* standard output first: when it fails (a full disk, a closed pipe),
     * nothing is written and main() reports it */
    if (gantt)
        gantt_text(stdout, &res, 72);
    if (!quiet) {
        const run_summary *s = &res.sum;
        printf("%s: %llu trials started, %llu reached r_max %u, %llu epochs, end %g s, "
               "idle %.1f%% of worker time, best error %g (any epoch)",
               dir, (unsigned long long)s->trials_started, (unsigned long long)s->trials_rmax,
               rs->sp.r_max, (unsigned long long)s->epochs_trained, s->end_time,
               s->end_time > 0 ? 100.0 * s->idle / (s->workers * s->end_time) : 0.0, s->best);
        /* best_rmax: the best configuration found, trained to r_max */
        if (isnan(s->best_rmax))
            printf(", none at r_max");
        else
            printf(", %g at r_max", s->best_rmax);
        if (s->jobs_dropped)
            printf(", %llu jobs dropped", (unsigned long long)s->jobs_dropped);
        if (!isnan(rs->ep.target)) {
            /* any epoch (time_to_target), then a trial at r_max: a
             * configuration found (time_to_target_rmax) */
            if (isnan(s->time_to_target))
                printf(", error <= %g never reached", rs->ep.target);
            else if (isnan(s->time_to_target_rmax))
                printf(", error <= %g first at %g s (any epoch), by no trial at r_max",
                       rs->ep.target, s->time_to_target);
            else
                printf(", error <= %g first at %g s (any epoch), by a trial at r_max at %g s",
                       rs->ep.target, s->time_to_target, s->time_to_target_rmax);
        }
        putchar('\n');
    }
    int status = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        status = EXIT_FAIL;
    } else if (cli_record_write(dir, rs, &res, wl, err, sizeof err) < 0) {
        cli_error("%s", err);
        status = EXIT_FAIL;
    }
    run_result_free(&res);
    workload_free(wl);
    return status;
}

int cli_record_write(const char *dir, const run_spec *rs, const run_result *res, const workload *wl, char *err,
                     size_t n)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGQUIT);
    sigprocmask(SIG_BLOCK, &block, &old);
    int rc = record_write(dir, rs, res, wl, err, n);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* Where the .gp scripts are: $SHSIM_PLOTDIR; beside an installed binary
 * (PREFIX/bin/shsim -> PREFIX/share/shsim/plots); the source tree it was
 * built in; ./plots. */
static const char *plot_dir(void)
{
    static char installed[4096];
    const char *d = getenv("SHSIM_PLOTDIR");
    if (d && *d)
        return d;
    char exe[4000];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(installed, sizeof installed, "%s/../share/shsim/plots", exe);
            char probe[4200];
            snprintf(probe, sizeof probe, "%s/gantt.gp", installed);
            if (access(probe, R_OK) == 0)
                return installed;
        }
    }
    if (access(SHSIM_PLOTDIR "/gantt.gp", R_OK) == 0)
        return SHSIM_PLOTDIR;
    return "plots";
}

int cli_gnuplot_ready(const char *script)
{
    char path[4300];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", plot_dir(), script) >= sizeof path ||
        access(path, R_OK) != 0) {
        cli_error("%s: cannot read it (set SHSIM_PLOTDIR to the folder of shsim's .gp scripts)",
                  path);
        return -1;
    }
    /* the search execlp() will do */
    const char *dirs = getenv("PATH");
    for (const char *d = dirs && *dirs ? dirs : "/bin:/usr/bin"; d;) {
        const char *colon = strchr(d, ':');
        int len = colon ? (int)(colon - d) : (int)strlen(d);
        if ((size_t)snprintf(path, sizeof path, "%.*s%sgnuplot", len, len ? d : ".",
                             len ? "/" : "/") < sizeof path &&
            access(path, X_OK) == 0)
            return 0;
        d = colon ? colon + 1 : NULL;
    }
    cli_error("cannot run gnuplot: not found in PATH (install gnuplot-nox)");
    return -1;
}

int cli_gnuplot(const char *script, const char *vars, const char *out)
{
    char path[4300], tmp[4200], expr[8192];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", plot_dir(), script) >= sizeof path) {
        cli_error("%s: the plot folder's path is too long", script);
        return -1;
    }
    if (access(path, R_OK) != 0) {
        cli_error("%s: %s (set SHSIM_PLOTDIR to the folder of shsim's .gp scripts)", path,
                  strerror(errno));
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    if ((size_t)snprintf(expr, sizeof expr, "%s; out='%s'", vars, tmp) >= sizeof expr) {
        cli_error("%s: gnuplot arguments too long", out);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        cli_error("cannot start gnuplot: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", "-e", expr, path, (char *)NULL);
        fprintf(stderr, "shsim: cannot run gnuplot: %s (install gnuplot-nox)\n", strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            cli_error("gnuplot: %s", strerror(errno));
            return -1;
        }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        unlink(tmp);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 127)
            cli_error("gnuplot failed on %s (script %s)", out, path);
        return -1;
    }
    if (rename(tmp, out) < 0) {
        cli_error("%s: %s", out, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
