/*
 * web/shsim_web.c -- the C face of the browser page (web/shell.html): one
 * `shsim run` at a time, its results handed to JavaScript.
 *
 * The page passes the options of `shsim run` exactly as the command line
 * takes them (one argument per line, so a value may hold spaces), and they
 * go through the CLI's own parser (cli_run_parse) and run_spec_execute():
 * the page runs what `shsim run ARGS` runs, decision for decision, and the
 * browser test (web/test/web_test.mjs) compares the two.  Nothing is
 * written to files; --out and --gantt are accepted and ignored, --explain
 * collects the narration instead of printing it.
 *
 * The calls and their tables are in web/shsim_web.h.
 *
 * Ownership: everything returned belongs to this file and stays valid until
 * the next shsim_web_run().  Single-threaded, like the page.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#else
/* native: tests/test_web.c calls the same functions */
#define EMSCRIPTEN_KEEPALIVE
#endif

#include "sim/cli/cli.h"
#include "web/shsim_web.h"
#include "sim/record.h"

#define WEB_MAX_ARGS 128

enum { WEB_JOBS, WEB_IDLE, WEB_BEST, WEB_NTABLES };
static const size_t web_cols[WEB_NTABLES] = {8, 3, 6};

/* The last run's outputs (see the top of the file). */
static struct {
    char *summary; /* summary.csv */
    size_t summary_len;
    double *table[WEB_NTABLES];
    size_t rows[WEB_NTABLES];
    char *narration; /* grows by doubling */
    size_t narr_len, narr_cap;
    int narr_failed;
} web;

static void web_reset(void)
{
    free(web.summary);
    for (int t = 0; t < WEB_NTABLES; t++)
        free(web.table[t]);
    free(web.narration);
    memset(&web, 0, sizeof web);
}

/* The engine's narration callback: append one line. */
static void web_narrate(void *ctx, const char *line)
{
    (void)ctx;
    size_t len = strlen(line);
    if (web.narr_failed)
        return;
    if (web.narr_len + len + 2 > web.narr_cap) {
        size_t cap = web.narr_cap ? web.narr_cap : 65536;
        while (cap < web.narr_len + len + 2)
            cap *= 2;
        char *p = realloc(web.narration, cap);
        if (!p) {
            web.narr_failed = 1; /* reported as a failed run below */
            return;
        }
        web.narration = p;
        web.narr_cap = cap;
    }
    memcpy(web.narration + web.narr_len, line, len);
    web.narr_len += len;
    web.narration[web.narr_len++] = '\n';
    web.narration[web.narr_len] = '\0';
}

/* Copy the run's recorded rows into the flat tables; -ENOMEM on failure. */
static int web_tables(const run_result *res)
{
    size_t n[WEB_NTABLES] = {res->n_jobs, res->n_idle, res->n_best};
    for (int t = 0; t < WEB_NTABLES; t++) {
        web.table[t] = malloc((n[t] ? n[t] : 1) * web_cols[t] * sizeof(double));
        if (!web.table[t])
            return -ENOMEM;
        web.rows[t] = n[t];
    }
    for (size_t i = 0; i < res->n_jobs; i++) {
        const job_row *j = &res->jobs[i];
        double *r = web.table[WEB_JOBS] + i * web_cols[WEB_JOBS];
        r[0] = j->worker;
        r[1] = j->trial;
        r[2] = j->rung;
        r[3] = j->epoch_from;
        r[4] = j->epoch_to;
        r[5] = j->start;
        r[6] = j->end;
        r[7] = (double)j->outcome;
    }
    for (size_t i = 0; i < res->n_idle; i++) {
        double *r = web.table[WEB_IDLE] + i * web_cols[WEB_IDLE];
        r[0] = res->idle[i].worker;
        r[1] = res->idle[i].start;
        r[2] = res->idle[i].end;
    }
    for (size_t i = 0; i < res->n_best; i++) {
        const best_row *b = &res->best[i];
        double *r = web.table[WEB_BEST] + i * web_cols[WEB_BEST];
        r[0] = b->time;
        r[1] = b->trial;
        r[2] = b->epoch;
        r[3] = b->metric;
        r[4] = b->best;
        r[5] = b->best_rmax;
    }
    return 0;
}

EMSCRIPTEN_KEEPALIVE int shsim_web_run(const char *args, int record)
{
    static char buf[16384];
    char *argv[WEB_MAX_ARGS + 1];
    int argc = 0;

    web_reset();
    if (strlen(args) >= sizeof buf) {
        cli_error("run: options too long");
        return EXIT_USAGE;
    }
    strcpy(buf, args);
    argv[argc++] = (char *)"run";
    for (char *tok = buf; *tok;) {
        char *nl = strchr(tok, '\n');
        if (nl)
            *nl = '\0';
        if (argc == WEB_MAX_ARGS) {
            cli_error("run: more than %d arguments", WEB_MAX_ARGS - 1);
            return EXIT_USAGE;
        }
        argv[argc++] = tok;
        if (!nl)
            break;
        tok = nl + 1;
    }
    argv[argc] = NULL;

    run_spec rs;
    run_cli o = {0};
    int rc = cli_run_parse(argc, argv, &rs, &o);
    if (rc != 0) {
        if (rc > 0)
            cli_error("run: --help is the command line's; the page shows the options");
        return EXIT_USAGE;
    }
    if (rs.ep.narrate)
        rs.ep.narrate = web_narrate;
    rs.ep.record = record != 0;

    char err[4608];
    run_result res;
    workload *wl = NULL;
    rc = run_spec_execute(&rs, &res, &wl, err, sizeof err);
    if (rc < 0) {
        cli_error("%s", err);
        return rc == -EINVAL || rc == -ENOENT ? EXIT_USAGE : EXIT_FAIL;
    }
    int status = 0;
    FILE *f = open_memstream(&web.summary, &web.summary_len);
    if (!f || web_tables(&res) < 0 || web.narr_failed) {
        cli_error("run failed: out of memory");
        status = EXIT_FAIL;
    } else {
        summary_header(f);
        summary_row(f, &rs, &res.sum);
    }
    if (f && fclose(f) != 0 && status == 0) {
        cli_error("run failed: out of memory");
        status = EXIT_FAIL;
    }
    run_result_free(&res);
    workload_free(wl);
    return status;
}

EMSCRIPTEN_KEEPALIVE const char *shsim_web_summary_csv(void)
{
    return web.summary ? web.summary : "";
}

EMSCRIPTEN_KEEPALIVE const double *shsim_web_table(int t, int *rows)
{
    if (t < 0 || t >= WEB_NTABLES || !web.table[t]) {
        *rows = 0;
        return NULL;
    }
    *rows = (int)web.rows[t];
    return web.table[t];
}

EMSCRIPTEN_KEEPALIVE const char *shsim_web_narration(void)
{
    return web.narration ? web.narration : "";
}
