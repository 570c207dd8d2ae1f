/*
 * sim/cli/cli_fit_check.c -- the second validation table of `shsim fit`:
 * the fitted LeNet model against every recorded table at that table's own
 * configurations, in the best region, in its lower tail and in its
 * epoch-to-epoch noise by learning rate (docs/model.md;
 * tests/e2e.sh checks that that page's rows are what this prints).
 */
#include "sim/cli/cli_fit_check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>

/* Draws of the model per recorded configuration, and trials of the random
 * search whose lower tail is compared. */
#define FIT_REPS 40
#define FIT_SEARCH 5000

static void num3(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.3f", x);
    else
        fputs("-", f);
}

/* "q(e_1) / q(e_2) / ..." of d at quantile p. */
static int put_quantiles(FILE *f, const model_data *d, const uint32_t *at, int n, double p)
{
    for (int i = 0; i < n; i++) {
        double v;
        int rc = model_error_quantile(d, at[i], p, &v);
        if (rc < 0)
            return rc;
        if (i > 0)
            fputs(" / ", f);
        num3(f, v);
    }
    return 0;
}

static int row_quantiles(FILE *f, const char *what, const model_data *r, const model_data *g, const uint32_t *at,
                         int n, double p)
{
    int rc;
    fprintf(f, "| %s | ", what);
    if ((rc = put_quantiles(f, r, at, n, p)) < 0)
        return rc;
    fputs(" | ", f);
    if ((rc = put_quantiles(f, g, at, n, p)) < 0)
        return rc;
    fputs(" |\n", f);
    return 0;
}

int fit_print_checks(FILE *f, const model_params *m, uint64_t seed, const model_data *const *tabs,
                     const char *const *names, int ntabs, const model_data *all)
{
    static const uint32_t at3[3] = {MODEL_STAT_E1, MODEL_STAT_E2, MODEL_STAT_E3};
    static const uint32_t at1[1] = {MODEL_STAT_E3};
    static const double band[MODEL_JUMP_BANDS + 1] = {0, MODEL_JUMP_BAND1, MODEL_REGION_LR, (double)INFINITY};
    model_data g, rr, gr, search, pool;
    char what[256];
    int rc = 0;

    g = rr = gr = search = pool = (model_data){0};
    fprintf(f, "| statistic | recorded | model |\n|---|---|---|\n");
    for (int t = 0; t < ntabs; t++) {
        if ((rc = model_data_generate_at(&g, m, seed, tabs[t], FIT_REPS)) < 0)
            goto out;
        snprintf(what, sizeof what, "%s (%lu trials): median error after epochs %d / %d / %d", names[t],
                 (unsigned long)(g.trials / FIT_REPS), MODEL_STAT_E1, MODEL_STAT_E2, MODEL_STAT_E3);
        if ((rc = row_quantiles(f, what, tabs[t], &g, at3, 3, 0.5)) < 0)
            goto out;
        model_data_free(&g);
    }
    /* the best region, every table's trials there */
    if ((rc = model_data_region(&rr, all, MODEL_REGION_LR, (double)INFINITY, MODEL_REGION_BATCH)) < 0 ||
        (rc = model_data_generate_at(&gr, m, seed, &rr, FIT_REPS)) < 0)
        goto out;
    for (int i = 0; i < 3; i++) {
        snprintf(what, sizeof what, "lr >= %.1f, batch <= %d (%lu trials): error after epoch %lu, quartiles",
                 MODEL_REGION_LR, MODEL_REGION_BATCH, (unsigned long)rr.trials, (unsigned long)at3[i]);
        fprintf(f, "| %s | ", what);
        for (int q = 1; q <= 3; q++) {
            double v;
            if ((rc = model_error_quantile(&rr, at3[i], 0.25 * q, &v)) < 0)
                goto out;
            num3(f, v);
            fputs(q < 3 ? " / " : " | ", f);
        }
        for (int q = 1; q <= 3; q++) {
            double v;
            if ((rc = model_error_quantile(&gr, at3[i], 0.25 * q, &v)) < 0)
                goto out;
            num3(f, v);
            fputs(q < 3 ? " / " : " |\n", f);
        }
    }
    snprintf(what, sizeof what, "lr >= %.1f, batch <= %d: error after epoch %d, 5th percentile", MODEL_REGION_LR,
             MODEL_REGION_BATCH, MODEL_STAT_E3);
    if ((rc = row_quantiles(f, what, &rr, &gr, at1, 1, 0.05)) < 0)
        goto out;
    /* the lower tail: the recorded trials vs a random search */
    if ((rc = model_data_region(&pool, all, 0, (double)INFINITY, (double)INFINITY)) < 0 ||
        (rc = model_data_generate(&search, m, seed, FIT_SEARCH)) < 0)
        goto out;
    {
        double rv[3], gv[3];
        if ((rc = model_error_quantile(&pool, MODEL_STAT_E3, 0, &rv[0])) < 0 ||
            (rc = model_error_quantile(&pool, MODEL_STAT_E3, 0.01, &rv[1])) < 0 ||
            (rc = model_error_quantile(&pool, 0, 0, &rv[2])) < 0 ||
            (rc = model_error_quantile(&search, MODEL_STAT_E3, 0, &gv[0])) < 0 ||
            (rc = model_error_quantile(&search, MODEL_STAT_E3, 0.01, &gv[1])) < 0 ||
            (rc = model_error_quantile(&search, 0, 0, &gv[2])) < 0)
            goto out;
        fprintf(f, "| lower tail (recorded: all %lu configured trials; model: %d random trials): error after epoch %d, "
                   "lowest / 1st percentile | ",
                (unsigned long)pool.trials, FIT_SEARCH, MODEL_STAT_E3);
        num3(f, rv[0]);
        fputs(" / ", f);
        num3(f, rv[1]);
        fputs(" | ", f);
        num3(f, gv[0]);
        fputs(" / ", f);
        num3(f, gv[1]);
        fputs(" |\n| lower tail: lowest error at any epoch | ", f);
        num3(f, rv[2]);
        fputs(" | ", f);
        num3(f, gv[2]);
        fputs(" |\n", f);
    }
    /* epoch-to-epoch noise by learning rate, at the recorded configurations */
    model_data_free(&g);
    if ((rc = model_data_generate_at(&g, m, seed, &pool, FIT_REPS)) < 0)
        goto out;
    for (int b = 0; b < MODEL_JUMP_BANDS; b++) {
        static const double p[4] = {0.01, 0.1, 0.9, 0.99};
        double rv[4], gv[4];
        for (int i = 0; i < 4; i++)
            if ((rc = model_jump_quantile(&pool, band[b], band[b + 1], p[i], &rv[i])) < 0 ||
                (rc = model_jump_quantile(&g, band[b], band[b + 1], p[i], &gv[i])) < 0)
                goto out;
        if (b == 0)
            snprintf(what, sizeof what, "lr < %.1f", band[1]);
        else if (b == 1)
            snprintf(what, sizeof what, "%.1f <= lr < %.1f", band[1], band[2]);
        else
            snprintf(what, sizeof what, "lr >= %.1f", band[2]);
        fprintf(f, "| jumps y(e) - (y(e-1) + y(e+1)) / 2, e >= %d, %s: percentiles 1 / 10 / 90 / 99 | ",
                MODEL_JUMP_FIRST, what);
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < 4; i++) {
                num3(f, (s == 0 ? rv : gv)[i]);
                fputs(i < 3 ? " / " : s == 0 ? " | " : " |\n", f);
            }
    }
out:
    model_data_free(&g);
    model_data_free(&rr);
    model_data_free(&gr);
    model_data_free(&search);
    model_data_free(&pool);
    return rc;
}
