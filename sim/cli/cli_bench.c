/*
 * sim/cli/cli_bench.c -- `shsim bench`: how fast the engine and cores are.  A
 * benchmark, never a test (libuv's habit): it prints numbers, checks none.
 *
 * For each scheduler it runs the engine without recording rows on the synthetic
 * workload (lognormal epochs, mean 1 s) with 1024 workers, eta 3, r_min 1,
 * r_max 81, at 10^3 .. 10^6 trials, and prints epoch events per second and
 * ns per event, and the peak memory; each measurement runs in a forked
 * child so that its peak RSS (getrusage) is its own.  The yardstick is
 * measured in the same process: a bare binary heap of (time, seq) keys in
 * the hold model (pop the earliest, push it back later) at 2, 64 and 1024
 * pending events, the event counts the engine holds with that many busy
 * workers, and the workload's share of an event: plain queries, and the
 * per-trial handle the engine uses (filled per job, queried per event).
 * Then `import` and `replay` on a large results file
 * (cli_bench_recorded.c).  Last, the wall time of the default `make
 * figures` sweep.
 */
#include "sim/cli/cli.h"
#include "sim/cli/cli_bench.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BENCH_WORKLOAD "synthetic:lognormal:1:0.5"

/* CPU seconds of this process: per-event costs are timed with it, so that
 * other work on the machine (a shared box) does not count. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the yardstick: a bare binary heap in the hold model --------------- */

typedef struct {
    double t;
    uint64_t seq;
} hkey;

static int hless(const hkey *a, const hkey *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* ns per hold (pop the minimum, push it back at a later time: two heap
 * operations, as the engine does) with n pending; the increment is uniform
 * in (0, 1) from a xorshift. */
static double bare_heap_ns(size_t n, double min_s)
{
    hkey *h = malloc(n * sizeof *h);
    if (!h)
        return (double)NAN;
    uint64_t rng = 0x9E3779B97F4A7C15ull, seq = 0;
    for (size_t i = 0; i < n; i++) /* ascending: a heap already */
        h[i] = (hkey){ (double)i / (double)n, seq++ };
    double sink = 0, t0 = cpu_s(), el;
    uint64_t done = 0;
    do {
        for (int rep = 0; rep < 1 << 16; rep++) {
            /* pop: the root out, the last key sifted down from the root */
            hkey top = h[0], last = h[n - 1];
            size_t m = n - 1, i = 0;
            sink += top.t;
            for (;;) {
                size_t c = 2 * i + 1;
                if (c >= m)
                    break;
                if (c + 1 < m && hless(&h[c + 1], &h[c]))
                    c++;
                if (!hless(&h[c], &last))
                    break;
                h[i] = h[c];
                i = c;
            }
            h[i] = last;
            /* push: the same event later, sifted up from the end */
            hkey x = { top.t + (double)(bench_xorshift(&rng) >> 11) * 0x1.0p-53, seq++ };
            for (i = m; i > 0 && hless(&x, &h[(i - 1) / 2]); i = (i - 1) / 2)
                h[i] = h[(i - 1) / 2];
            h[i] = x;
        }
        done += 1 << 16;
        el = cpu_s() - t0;
    } while (el < min_s);
    free(h);
    if (sink == 42) /* keep the loop */
        fputc(' ', stderr);
    return 1e9 * el / (double)done;
}

/* ---- the workload's share ---------------------------------------------- */

/* The engine fills a query handle of the job's trial when a job starts and
 * asks it for the first epoch's time; then, per epoch event, for the metric
 * of the epoch that ended and (if the job goes on) the time of the next.
 * Per event that is about event_ns + fill_ns * jobs / events (an upper
 * estimate: it counts the last event of a job's time query, which the
 * engine skips).  plain_ns is the same pair of queries without a handle,
 * each deriving the trial from scratch (what the engine paid before). */
typedef struct {
    const char *spec;
    double plain_ns, fill_ns, event_ns;
} wl_cost;

#define WL_NH 1024 /* handles queried in turn: one per worker of the engine runs */

static int workload_cost(wl_cost *c, double min_s)
{
    workload *wl = NULL;
    wl_params wp = wl_default_params();
    char err[4608];
    c->plain_ns = c->fill_ns = c->event_ns = (double)NAN;
    if (workload_open(&wl, c->spec, &wp, err, sizeof err) < 0)
        return -1;
    wl_trial *h = malloc(WL_NH * sizeof *h);
    if (!h) {
        workload_free(wl);
        return -1;
    }
    uint32_t nk = workload_trials(wl) < 1000000 ? workload_trials(wl) : 1000000;
    /* e in 1..ne and the next epoch e + step stay within the workload */
    uint32_t step = workload_epochs(wl) > 1, ne = workload_epochs(wl) - step < 16 ? workload_epochs(wl) - step : 16;
    uint64_t rng = 0x2545F4914F6CDD1Dull, done = 0;
    double sink = 0, t0 = cpu_s(), el;
    do { /* plain queries */
        for (int rep = 0; rep < 1 << 12; rep++) {
            uint32_t k = (uint32_t)(bench_xorshift(&rng) % nk), e = 1 + (uint32_t)((rng >> 32) % ne);
            sink += workload_metric(wl, k, e) + workload_epoch_time(wl, k, e + step);
        }
        done += 1 << 12;
        el = cpu_s() - t0;
    } while (el < min_s);
    c->plain_ns = 1e9 * el / (double)done;
    done = 0;
    t0 = cpu_s();
    do { /* fill a handle and ask for its first epoch's time */
        for (int rep = 0; rep < 1 << 12; rep++) {
            uint32_t k = (uint32_t)(bench_xorshift(&rng) % nk), e = 1 + (uint32_t)((rng >> 32) % ne);
            wl_trial *x = &h[rep & (WL_NH - 1)];
            workload_trial(wl, k, x);
            sink += wl_trial_epoch_time(x, e);
        }
        done += 1 << 12;
        el = cpu_s() - t0;
    } while (el < min_s);
    c->fill_ns = 1e9 * el / (double)done;
    done = 0;
    t0 = cpu_s();
    do { /* per event: metric, next epoch's time, on one of the handles */
        for (int rep = 0; rep < 1 << 12; rep++) {
            uint64_t x = bench_xorshift(&rng);
            uint32_t i = (uint32_t)(x % WL_NH), e = 1 + (uint32_t)((x >> 32) % ne);
            sink += wl_trial_metric(&h[i], e) + wl_trial_epoch_time(&h[i], e + step);
        }
        done += 1 << 12;
        el = cpu_s() - t0;
    } while (el < min_s);
    c->event_ns = 1e9 * el / (double)done;
    free(h);
    workload_free(wl);
    if (sink == 42)
        fputc(' ', stderr);
    return 0;
}

/* ---- one engine measurement in a child --------------------------------- */

typedef struct {
    char label[48];
    const sched_type *type;
    int variant;
} bench_sched;

/* The schedulers measured: every type of core/'s table that has machinery
 * of its own, in each variant (sh:strict, sh:fill, asha:promotion,
 * asha:stopping, random).  The Hyperband types run SH's and ASHA's
 * machinery (sched_type_base) and are not measured apart. */
static size_t bench_scheds(bench_sched *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < sched_ntypes(); i++) {
        const sched_type *t = sched_type_at(i);
        if (sched_type_base(t))
            continue;
        const char *const *v = sched_type_variants(t);
        for (int k = 0; (k == 0 || v[k]) && n < cap; k++, n++) {
            out[n].type = t;
            out[n].variant = k;
            if (v[0])
                snprintf(out[n].label, sizeof out[n].label, "%s:%s", sched_type_name(t), v[k]);
            else
                snprintf(out[n].label, sizeof out[n].label, "%s", sched_type_name(t));
        }
    }
    return n;
}

typedef struct {
    double wall;       /* seconds per run */
    uint64_t events, trials, jobs;
    long rss_kib, base_kib;
    int ok;
} bench_out;

static void bench_child(const bench_sched *b, uint32_t trials, uint32_t workers, double min_s,
                        int fd)
{
    bench_out o = { 0 };
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    o.base_kib = ru.ru_maxrss;
    run_spec rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "%s", BENCH_WORKLOAD);
    rs.type = b->type;
    sched_type_set_variant(b->type, &rs.sp, b->variant);
    cli_spec_finish(&rs, 0);
    rs.ep.workers = workers;
    rs.ep.record = 0;
    rs.ep.max_events = 100000000; /* random at 10^6 trials: 8.1e7 events, 2 MiB */
    rs.sp.eta = 3;
    rs.sp.r_min = 1;
    rs.sp.r_max = 81;
    rs.r_max_given = 1;
    rs.trials = trials;
    workload *wl = NULL;
    wl_params wp = wl_default_params();
    char err[4608];
    if (workload_open(&wl, rs.workload, &wp, err, sizeof err) == 0 &&
        run_spec_prepare(&rs, wl, err, sizeof err) == 0) {
        double t0 = cpu_s(), el = 0;
        int reps = 0;
        o.ok = 1;
        do { /* repeat short runs until the clock can see them */
            run_result res;
            if (run_spec_run(&rs, wl, &res, err, sizeof err) < 0) {
                o.ok = 0;
                break;
            }
            o.events = res.sum.events;
            o.trials = res.sum.trials_started;
            o.jobs = res.sum.jobs;
            run_result_free(&res);
            reps++;
            el = cpu_s() - t0;
        } while (el < min_s);
        o.wall = el / reps;
    }
    workload_free(wl);
    getrusage(RUSAGE_SELF, &ru);
    o.rss_kib = ru.ru_maxrss;
    if (write(fd, &o, sizeof o) != (ssize_t)sizeof o)
        _exit(1);
    _exit(0);
}

static int bench_one(const bench_sched *b, uint32_t trials, uint32_t workers, double min_s,
                     bench_out *o)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        bench_child(b, trials, workers, min_s, fds[1]);
    }
    close(fds[1]);
    ssize_t got = read(fds[0], o, sizeof *o);
    close(fds[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return got == (ssize_t)sizeof *o && o->ok ? 0 : -1;
}

/* ---- the figures sweep ------------------------------------------------- */

static int bench_sweep(double *wall)
{
    char dir[] = "/tmp/shsim_bench.XXXXXX";
    if (!mkdtemp(dir))
        return -1;
    char *argv[] = { (char *)"sweep", (char *)"--preset", (char *)"figures", (char *)"--out",
                     dir, (char *)"--quiet", NULL };
    double t0 = bench_wall_s();
    int st = cli_sweep(6, argv);
    *wall = bench_wall_s() - t0;
    static const char *const f[] = { "sweep.csv", "sweep_agg.csv", "sweep_curves.csv",
                                     "sweep_info.csv" };
    char path[64];
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, f[i]);
        unlink(path);
    }
    rmdir(dir);
    return st;
}

static const char usage[] =
    "Usage: shsim bench [OPTIONS]\n"
    "Speed of the engine and the cores, no rows recorded: for sh:strict, sh:fill,\n"
    "asha:promotion, asha:stopping and random on workload " BENCH_WORKLOAD "\n"
    "with 1024 workers, eta 3, r_min 1, r_max 81, at 10^3 .. 10^6 trials: epoch\n"
    "events per second, ns per event and its ratio to a bare binary-heap hold\n"
    "loop at as many pending events as there are workers (measured here too),\n"
    "peak RSS and bytes per trial; then the wall time of `import synetune` and\n"
    "`replay` on a made-up results file of 20,000 and 100,000 trials (about\n"
    "188,000 and 940,000 rows); then the wall time of the default `make\n"
    "figures` sweep (shsim sweep --preset figures).\n"
    "\n"
    "  -w, --workers N   virtual workers (default 1024)\n"
    "      --max-trials N  largest trial count (default 1000000)\n"
    "      --quick       at most 10^5 trials, 20,000 recorded trials, no sweep\n"
    "      --no-sweep    skip the figures sweep\n"
    "  -h, --help        this help\n";

int cli_bench(int argc, char **argv)
{
    static const struct option opts[] = {
        { "workers", required_argument, 0, 'w' }, { "max-trials", required_argument, 0, 'N' },
        { "quick", no_argument, 0, 'Q' },         { "no-sweep", no_argument, 0, 'S' },
        { "help", no_argument, 0, 'h' },          { 0, 0, 0, 0 },
    };
    uint32_t workers = 1024, max_trials = 1000000;
    int sweep = 1, quick = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "w:h", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            if (cli_u32("--workers", optarg, 1, 1u << 20, &workers) < 0)
                return EXIT_USAGE;
            break;
        case 'N':
            if (cli_u32("--max-trials", optarg, 1000, 100000000, &max_trials) < 0)
                return EXIT_USAGE;
            break;
        case 'Q':
            max_trials = 100000;
            sweep = 0;
            quick = 1;
            break;
        case 'S': sweep = 0; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs("Try 'shsim bench --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("bench: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    size_t pend[] = { 2, 64, workers };
    size_t npend = workers == 2 || workers == 64 ? 2 : 3;
    double bare[3], yard = (double)NAN;
    printf("CPU time per event.  Yardsticks, measured now:\n"
           "  bare binary-heap hold loop, (time, seq) keys by value, pop + push:\n");
    for (size_t i = 0; i < npend; i++) {
        bare[i] = bare_heap_ns(pend[i], 0.3);
        printf("    %7zu pending  %7.1f ns/event\n", pend[i], bare[i]);
        if (pend[i] == workers)
            yard = bare[i];
    }
    wl_cost wl[] = { { BENCH_WORKLOAD, 0, 0, 0 }, { "lenet-model", 0, 0, 0 }, { "lenet", 0, 0, 0 } };
    printf("  workload queries, plain (metric + next epoch time, each deriving the trial)\n"
           "  and through the per-trial handle the engine uses (fill + first epoch time\n"
           "  per job; metric + next epoch time per event):\n"
           "    %-26s %10s %10s %10s\n", "workload", "plain", "fill/job", "handle");
    for (size_t i = 0; i < sizeof wl / sizeof *wl; i++) {
        if (workload_cost(&wl[i], 0.2) < 0) {
            cli_error("bench: workload %s failed to open", wl[i].spec);
            return EXIT_FAIL;
        }
        printf("    %-26s %7.1f ns %7.1f ns %7.1f ns\n", wl[i].spec, wl[i].plain_ns, wl[i].fill_ns,
               wl[i].event_ns);
    }
    printf("\nEngine, no rows recorded: %u workers, eta 3, r_min 1, r_max 81\n", workers);
    printf("  %-15s %8s %10s %9s %9s %7s %10s %7s %9s %8s\n", "scheduler", "trials", "events",
           "Mevent/s", "ns/event", "x bare", "engine ns", "x bare", "peak MiB", "B/trial");
    int status = 0;
    bench_sched scheds[32];
    size_t nscheds = bench_scheds(scheds, sizeof scheds / sizeof *scheds);
    for (size_t si = 0; si < nscheds; si++) {
        for (uint32_t t = 1000; t <= max_trials; t *= 10) {
            bench_out o;
            if (bench_one(&scheds[si], t, workers, t >= 1000000 ? 0 : 0.3, &o) < 0) {
                cli_error("bench: %s with %u trials failed", scheds[si].label, t);
                status = EXIT_FAIL;
                continue;
            }
            double ns = 1e9 * o.wall / (double)o.events;
            double wl_ns = wl[0].event_ns + wl[0].fill_ns * (double)o.jobs / (double)o.events;
            printf("  %-15s %8llu %10llu %9.2f %9.1f %7.2f %10.1f %7.2f %9.1f %8.1f\n",
                   scheds[si].label, (unsigned long long)o.trials,
                   (unsigned long long)o.events, (double)o.events / o.wall / 1e6, ns, ns / yard,
                   ns - wl_ns, (ns - wl_ns) / yard, (double)o.rss_kib / 1024.0,
                   1024.0 * (double)(o.rss_kib - o.base_kib) / (double)o.trials);
            fflush(stdout);
        }
    }
    printf("  x bare: over the bare loop at %u pending; engine ns: ns/event less the\n"
           "  workload's share (handle + fill/job x jobs/events); B/trial: the run's peak\n"
           "  RSS growth over its trials\n",
           workers);
    if (bench_recorded(quick) < 0)
        status = EXIT_FAIL;
    if (sweep) {
        double wall;
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        if (bench_sweep(&wall) != 0) {
            cli_error("bench: the figures sweep failed");
            return EXIT_FAIL;
        }
        printf("\nDefault figures sweep (shsim sweep --preset figures), %ld threads: %.2f s "
               "wall\n", ncpu, wall);
    }
    return status;
}
