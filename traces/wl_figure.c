/*
 * traces/wl_figure.c -- the `figure` workload: the integer model of d2l
 * Fig. 19.5.1 (synchronous SH) and Fig. 19.5.2 (ASHA).
 *
 * Six trials of four epochs.  Each trial's epochs all take the same whole
 * number of seconds (T0 4, T1 7, T2 15, T3 5, T4 7, T5 8), read off the bars
 * of the figures (../shared/d2l_hpo/fig_*_bars.csv, integer_model_*).  The
 * errors are binary fractions (multiples of 1/16), so every comparison a
 * scheduler makes on them is exact and the figures' schedules come out
 * without floating-point ties; epochs 3 and 4 improve on epoch 2 by 1/16 and
 * 2/16 for every trial, which keeps the ranking of epoch 2.
 *
 * The spec takes no argument and no seed: the table is the data.
 */
#include <errno.h>
#include <stdio.h>

#include "traces/wl_impl.h"

#define FIG_TRIALS 6
#define FIG_EPOCHS 4

static const double fig_seconds[FIG_TRIALS] = {4, 7, 15, 5, 7, 8};

static const double fig_error[FIG_EPOCHS][FIG_TRIALS] = {
    {.5, .625, .8125, .5625, .6875, .75},
    {.375, .5, .75, .4375, .625, .6875},
    {.375 - .0625, .5 - .0625, .75 - .0625, .4375 - .0625, .625 - .0625, .6875 - .0625},
    {.375 - .125, .5 - .125, .75 - .125, .4375 - .125, .625 - .125, .6875 - .125},
};

static int fig_open(workload *w, const char *arg, const wl_params *p, char *err, size_t errlen)
{
    (void)p;
    if (arg != NULL) {
        wl_errf(err, errlen, "%s: the figure workload takes no argument", w->name);
        return -EINVAL;
    }
    w->state = NULL;
    w->trials = FIG_TRIALS;
    w->epochs = FIG_EPOCHS;
    w->config_header = "epoch_seconds";
    return 0;
}

static void fig_free(void *state)
{
    (void)state;
}

static double fig_epoch_time(const void *state, uint32_t k, uint32_t e)
{
    (void)state;
    (void)e;
    return fig_seconds[k];
}

static double fig_metric(const void *state, uint32_t k, uint32_t e)
{
    (void)state;
    return fig_error[e - 1][k];
}

static double fig_trial_metric(const wl_trial *h, uint32_t e)
{
    return fig_error[e - 1][h->k];
}

/* Every epoch takes fig_seconds[k]; the errors are a column of fig_error,
 * not a row, so the metric goes through a function. */
static void fig_trial(const void *state, uint32_t k, wl_trial *h)
{
    (void)state;
    h->c[0] = fig_seconds[k];
    h->metric_fn = fig_trial_metric;
}

static void fig_config(const void *state, uint32_t k, char *buf, size_t n)
{
    (void)state;
    snprintf(buf, n, "%.0f", fig_seconds[k]);
}

const wl_type wl_figure_type = {
    .name = "figure",
    .syntax = "figure",
    .open = fig_open,
    .free = fig_free,
    .epoch_time = fig_epoch_time,
    .metric = fig_metric,
    .trial = fig_trial,
    .config = fig_config,
    .recorded = 1,
    .default_order = WL_ORDER_FILE, /* the book's figures, trial by trial */
};
