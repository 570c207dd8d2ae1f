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
#include <stddef.h>
#include <stdint.h>
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

/* The tables handed to the page (web/shsim_web.h): each a list of the
 * engine row's fields, copied as doubles in this order. */
typedef enum { WEB_U32, WEB_DOUBLE, WEB_OUTCOME } web_kind;
typedef struct {
    size_t offset;
    web_kind kind;
} web_field;
#define WEB_F(type, field, kind) { offsetof(type, field), kind }
static const web_field job_fields[] = {
    WEB_F(job_row, worker, WEB_U32),     WEB_F(job_row, trial, WEB_U32),
    WEB_F(job_row, rung, WEB_U32),       WEB_F(job_row, epoch_from, WEB_U32),
    WEB_F(job_row, epoch_to, WEB_U32),   WEB_F(job_row, start, WEB_DOUBLE),
    WEB_F(job_row, end, WEB_DOUBLE),     WEB_F(job_row, outcome, WEB_OUTCOME),
    WEB_F(job_row, bracket, WEB_U32),
};
static const web_field idle_fields[] = {
    WEB_F(idle_row, worker, WEB_U32), WEB_F(idle_row, start, WEB_DOUBLE),
    WEB_F(idle_row, end, WEB_DOUBLE),
};
static const web_field best_fields[] = {
    WEB_F(best_row, time, WEB_DOUBLE),   WEB_F(best_row, trial, WEB_U32),
    WEB_F(best_row, epoch, WEB_U32),     WEB_F(best_row, metric, WEB_DOUBLE),
    WEB_F(best_row, best, WEB_DOUBLE),   WEB_F(best_row, best_rmax, WEB_DOUBLE),
};
#undef WEB_F
enum { WEB_JOBS, WEB_IDLE, WEB_BEST, WEB_NTABLES };
static const struct {
    const web_field *fields;
    size_t ncols;
} web_tabledef[WEB_NTABLES] = {
    { job_fields, sizeof job_fields / sizeof *job_fields },
    { idle_fields, sizeof idle_fields / sizeof *idle_fields },
    { best_fields, sizeof best_fields / sizeof *best_fields },
};

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
    const void *src[WEB_NTABLES] = { res->jobs, res->idle, res->best };
    const size_t size[WEB_NTABLES] = { sizeof *res->jobs, sizeof *res->idle, sizeof *res->best };
    const size_t n[WEB_NTABLES] = { res->n_jobs, res->n_idle, res->n_best };
    for (int t = 0; t < WEB_NTABLES; t++) {
        size_t nc = web_tabledef[t].ncols;
        double *out = malloc((n[t] ? n[t] : 1) * nc * sizeof *out);
        if (!out)
            return -ENOMEM;
        web.table[t] = out;
        web.rows[t] = n[t];
        for (size_t i = 0; i < n[t]; i++) {
            const char *row = (const char *)src[t] + i * size[t];
            for (size_t c = 0; c < nc; c++) {
                const web_field *f = &web_tabledef[t].fields[c];
                const char *at = row + f->offset;
                uint32_t u;
                job_outcome o;
                double d;
                switch (f->kind) {
                case WEB_U32: memcpy(&u, at, sizeof u); d = u; break;
                case WEB_OUTCOME: memcpy(&o, at, sizeof o); d = (double)o; break;
                default: memcpy(&d, at, sizeof d); break;
                }
                *out++ = d;
            }
        }
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

/* ---- the catalog: what the page builds its controls from ---------------- */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* The list of names, as a JSON array. */
static void json_names(FILE *f, const char *const *names, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        json_str(f, names[i]);
    }
    fputc(']', f);
}

static void catalog_write(FILE *f)
{
    fputs("{\"schedulers\":[", f);
    for (size_t i = 0; i < sched_ntypes(); i++) {
        const sched_type *t = sched_type_at(i);
        const char *const *v = sched_type_variants(t);
        const char *option;
        size_t nv = 0;
        while (v[nv])
            nv++;
        cli_variant_option(t, &option);
        fputs(i ? ",{\"name\":" : "{\"name\":", f);
        json_str(f, sched_type_name(t));
        fputs(",\"variants\":", f);
        json_names(f, v, nv);
        fputs(",\"option\":", f);
        if (option)
            json_str(f, option);
        else
            fputs("null", f);
        fprintf(f, ",\"rule\":%s,\"brackets\":%s,\"help\":",
                sched_type_takes_rule(t) ? "true" : "false",
                sched_type_takes_brackets(t) ? "true" : "false");
        json_str(f, sched_type_help(t));
        fputc('}', f);
    }
    const char *const *rules = sched_rule_names();
    size_t nr = 0;
    while (rules[nr])
        nr++;
    fputs("],\"rules\":", f);
    json_names(f, rules, nr);
    fputs(",\"columns\":[", f);
    for (size_t i = 0; i < SUMMARY_NCOLUMNS; i++) {
        const summary_column *c = &summary_columns[i];
        fputs(i ? ",{\"name\":" : "{\"name\":", f);
        json_str(f, c->name);
        fputs(",\"label\":", f);
        json_str(f, c->label);
        fprintf(f, ",\"scale\":%.17g,\"decimals\":%d,\"may_miss\":%s}", c->scale, c->decimals,
                c->may_miss ? "true" : "false");
    }
    fputs("]}", f);
}

EMSCRIPTEN_KEEPALIVE const char *shsim_web_catalog(void)
{
    static char *text; /* made once: the tables are constant */
    static size_t len;
    if (!text) {
        FILE *f = open_memstream(&text, &len);
        if (!f)
            return "";
        catalog_write(f);
        if (fclose(f) != 0 || !text) {
            free(text);
            text = NULL;
            return "";
        }
    }
    return text;
}
