/*
 * traces/model_data.c -- data sets of learning curves for the LeNet model:
 * read from any finite workload, and summarised by the statistics that
 * validate the model (share at chance, quartiles, Spearman correlation,
 * seconds per epoch; GSL's sort, quantile and Spearman routines).
 *
 * A trial whose learning_rate or batch_size field is empty (the d2l 19.2
 * runs printed only their first configuration) gets NaN there: its curve
 * and times still count in the statistics, and model_fit() leaves it out of
 * everything that needs a configuration.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "traces/embedded.h"
#include "traces/model.h"
#include "traces/wl_impl.h"

int model_data_alloc(model_data *d, uint32_t trials, uint32_t epochs)
{
    size_t n = (size_t)trials * epochs;

    memset(d, 0, sizeof *d);
    if (trials == 0 || epochs == 0 || n / epochs != trials || n > SIZE_MAX / sizeof(double))
        return -EINVAL;
    d->trials = trials;
    d->epochs = epochs;
    d->lr = calloc(trials, sizeof *d->lr);
    d->batch = calloc(trials, sizeof *d->batch);
    d->time = calloc(n, sizeof *d->time);
    d->error = calloc(n, sizeof *d->error);
    if (d->lr == NULL || d->batch == NULL || d->time == NULL || d->error == NULL) {
        model_data_free(d);
        return -ENOMEM;
    }
    return 0;
}

void model_data_free(model_data *d)
{
    if (d == NULL)
        return;
    free(d->lr);
    free(d->batch);
    free(d->time);
    free(d->error);
    memset(d, 0, sizeof *d);
}

/* Field `want` (0-based) of the CSV line s, unquoted, into buf (n > 0).
 * Returns 0, or -1 when the line has fewer fields. */
static int csv_nth(const char *s, size_t want, char *buf, size_t n)
{
    size_t field = 0, len = 0;
    int quoted = 0;

    for (;; s++) {
        char c = *s;
        if (quoted) {
            if (c == '\0')
                break;
            if (c == '"' && s[1] == '"')
                s++;
            else if (c == '"') {
                quoted = 0;
                continue;
            }
        } else if (c == '"') {
            quoted = 1;
            continue;
        } else if (c == ',' || c == '\0') {
            if (field == want) {
                buf[len < n ? len : n - 1] = '\0';
                return 0;
            }
            if (c == '\0')
                return -1;
            field++;
            continue;
        }
        if (field == want && len + 1 < n)
            buf[len++] = c;
    }
    return -1;
}

/* The 0-based index of column name in the CSV header h, or -1. */
static long csv_find(const char *h, const char *name)
{
    char buf[256];

    for (size_t i = 0; csv_nth(h, i, buf, sizeof buf) == 0; i++)
        if (strcmp(buf, name) == 0)
            return (long)i;
    return -1;
}

/* An empty field is NaN (not recorded); anything but a finite number > 0 is
 * an error. */
static int field_number(const char *s, double *out)
{
    char *end;
    double v;

    if (s[0] == '\0') {
        *out = (double)NAN;
        return 0;
    }
    v = strtod(s, &end);
    if (*end != '\0' || s[0] == ' ' || !isfinite(v) || !(v > 0))
        return -1;
    *out = v;
    return 0;
}

int model_data_from_workload(model_data *d, const workload *w, char *err, size_t errlen)
{
    const char *header = workload_config_header(w);
    uint32_t trials = workload_trials(w), epochs = workload_epochs(w);
    long col_lr = csv_find(header, "learning_rate"), col_b = csv_find(header, "batch_size");
    char line[4096], field[256];
    int rc;

    memset(d, 0, sizeof *d);
    if (trials == WL_UNBOUNDED) {
        wl_errf(err, errlen, "%s: a model, not a recorded table", workload_name(w));
        return -EINVAL;
    }
    if (col_lr < 0 || col_b < 0) {
        wl_errf(err, errlen, "%s: needs the columns learning_rate and batch_size (the table has: %s)",
                workload_name(w), header);
        return -EINVAL;
    }
    rc = model_data_alloc(d, trials, epochs);
    if (rc < 0) {
        wl_errf(err, errlen, "%s: %s", workload_name(w), rc == -ENOMEM ? "out of memory" : "no data");
        return rc;
    }
    for (uint32_t k = 0; k < trials; k++) {
        workload_config(w, k, line, sizeof line);
        if (csv_nth(line, (size_t)col_lr, field, sizeof field) < 0 || field_number(field, &d->lr[k]) < 0) {
            wl_errf(err, errlen, "%s: trial %lu: field 'learning_rate': '%.64s' is not a number > 0",
                    workload_name(w), (unsigned long)k, field);
            goto bad;
        }
        if (csv_nth(line, (size_t)col_b, field, sizeof field) < 0 || field_number(field, &d->batch[k]) < 0 ||
            (isfinite(d->batch[k]) && d->batch[k] != floor(d->batch[k]))) {
            wl_errf(err, errlen, "%s: trial %lu: field 'batch_size': '%.64s' is not a positive integer",
                    workload_name(w), (unsigned long)k, field);
            goto bad;
        }
        for (uint32_t e = 1; e <= epochs; e++) {
            d->time[(size_t)k * epochs + e - 1] = workload_epoch_time(w, k, e);
            d->error[(size_t)k * epochs + e - 1] = workload_metric(w, k, e);
        }
    }
    return 0;
bad:
    model_data_free(d);
    return -EINVAL;
}

/* ---- statistics ---------------------------------------------------------- */

int model_epoch_quartiles(const model_data *d, uint32_t e, double q[3])
{
    double *col;

    if (e < 1 || e > d->epochs || d->trials == 0)
        return -EINVAL;
    col = malloc(d->trials * sizeof *col);
    if (col == NULL)
        return -ENOMEM;
    for (uint32_t k = 0; k < d->trials; k++)
        col[k] = d->error[(size_t)k * d->epochs + e - 1];
    gsl_sort(col, 1, d->trials);
    q[0] = gsl_stats_quantile_from_sorted_data(col, 1, d->trials, 0.25);
    q[1] = gsl_stats_quantile_from_sorted_data(col, 1, d->trials, 0.5);
    q[2] = gsl_stats_quantile_from_sorted_data(col, 1, d->trials, 0.75);
    free(col);
    return 0;
}

int model_stats_compute(const model_data *d, model_stats *s)
{
    static const uint32_t at[3] = {MODEL_STAT_E1, MODEL_STAT_E2, MODEL_STAT_E3};
    uint32_t n = d->trials, E = d->epochs;
    double *col, *col3, *work;
    double sum = 0, first = 0;
    size_t nt = (size_t)n * E;

    memset(s, 0, sizeof *s);
    if (n < 2)
        return -EINVAL;
    s->trials = n;
    col = malloc(n * sizeof *col);
    col3 = malloc(n * sizeof *col3);
    work = malloc(2 * (size_t)n * sizeof *work);
    if (col == NULL || col3 == NULL || work == NULL) {
        free(col);
        free(col3);
        free(work);
        return -ENOMEM;
    }

    for (int j = 0; j < 3; j++) {
        if (at[j] > E) {
            for (int q = 0; q < 3; q++)
                s->quart[j][q] = (double)NAN;
        } else if (model_epoch_quartiles(d, at[j], s->quart[j]) < 0) {
            free(col);
            free(col3);
            free(work);
            return -ENOMEM;
        }
    }
    for (int j = 0; j < 2; j++) {
        uint32_t e = j == 0 ? MODEL_STAT_E1 : MODEL_STAT_E3, c = 0;
        if (e > E) {
            s->at_chance[j] = (double)NAN;
            continue;
        }
        for (uint32_t k = 0; k < n; k++)
            c += d->error[(size_t)k * E + e - 1] > MODEL_AT_CHANCE;
        s->at_chance[j] = (double)c / n;
    }
    if (MODEL_STAT_E3 <= E) {
        for (uint32_t k = 0; k < n; k++) {
            col[k] = d->error[(size_t)k * E + MODEL_STAT_E1 - 1];
            col3[k] = d->error[(size_t)k * E + MODEL_STAT_E3 - 1];
        }
        s->spearman = gsl_stats_spearman(col, 1, col3, 1, n, work);
    } else
        s->spearman = (double)NAN;

    for (size_t i = 0; i < nt; i++)
        sum += d->time[i];
    s->time_mean = sum / (double)nt;
    s->time_sd = gsl_stats_sd_m(d->time, 1, nt, s->time_mean);
    for (uint32_t k = 0; k < n; k++) {
        first += d->time[(size_t)k * E];
        col[k] = gsl_stats_mean(d->time + (size_t)k * E, 1, E);
    }
    s->time_first = first / n;
    s->time_trial_sd = gsl_stats_sd(col, 1, n);
    free(col);
    free(col3);
    free(work);
    return 0;
}

/* ---- the built-in tables --------------------------------------------------- */

int model_data_builtin(model_data *d, const char *file, char *err, size_t errlen)
{
    const wl_embedded_file *f = wl_embedded_find(file);
    workload w;
    int rc;

    memset(d, 0, sizeof *d);
    if (f == NULL) {
        wl_errf(err, errlen, "%s: not compiled into this binary", file);
        return -ENOENT;
    }
    /* the table type directly, in file order, whatever workload names
     * exist for it */
    memset(&w, 0, sizeof w);
    w.type = &wl_table_type;
    w.name = (char *)(uintptr_t)file;
    rc = wl_table_open_mem(&w, f->name, f->data, f->len, err, errlen);
    if (rc < 0)
        return rc;
    rc = model_data_from_workload(d, &w, err, errlen);
    wl_table_type.free(w.state);
    return rc;
}

int model_data_concat(model_data *d, const model_data *a, const model_data *b)
{
    uint32_t tb = b != NULL ? b->trials : 0;
    size_t na = (size_t)a->trials * a->epochs, nb = (size_t)tb * a->epochs;
    int rc;

    memset(d, 0, sizeof *d);
    if ((b != NULL && a->epochs != b->epochs) || a->trials > UINT32_MAX - tb)
        return -EINVAL;
    rc = model_data_alloc(d, a->trials + tb, a->epochs);
    if (rc < 0)
        return rc;
    memcpy(d->lr, a->lr, a->trials * sizeof *d->lr);
    memcpy(d->batch, a->batch, a->trials * sizeof *d->batch);
    memcpy(d->time, a->time, na * sizeof *d->time);
    memcpy(d->error, a->error, na * sizeof *d->error);
    if (tb > 0) {
        memcpy(d->lr + a->trials, b->lr, tb * sizeof *d->lr);
        memcpy(d->batch + a->trials, b->batch, tb * sizeof *d->batch);
        memcpy(d->time + na, b->time, nb * sizeof *d->time);
        memcpy(d->error + na, b->error, nb * sizeof *d->error);
    }
    return 0;
}
