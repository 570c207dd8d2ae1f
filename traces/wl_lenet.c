/*
 * traces/wl_lenet.c -- the recorded LeNet workloads, tables compiled into
 * the binary (traces/embedded.h; traces/README.md says what they hold):
 *   lenet        traces/data/lenet_rs.csv: 99 trials of the d2l random-search
 *                runs on a V100, recorded errors and epoch seconds;
 *   lenet-cpu31  traces/data/lenet_cpu31.csv: the 31 configurations of the
 *                book's ASHA run, full curves re-trained on a CPU, V100
 *                seconds per epoch from that run.
 * Once open, a lenet workload is a `table:` workload: the queries forward to
 * wl_table_type, and parse errors name the table's file as if it were read
 * from disk ("lenet_rs.csv:12: field 'error': ...").
 */
#include <errno.h>
#include <string.h>

#include "traces/embedded.h"
#include "traces/wl_impl.h"

const wl_embedded_file *wl_embedded_find(const char *name)
{
    for (const wl_embedded_file *f = wl_embedded_files; f->name != NULL; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static int lenet_open_file(workload *w, const char *file, const char *arg, char *err, size_t errlen)
{
    const wl_embedded_file *f;

    if (arg != NULL) {
        wl_errf(err, errlen, "%s: takes no argument (the table %s is built in)", w->name, file);
        return -EINVAL;
    }
    f = wl_embedded_find(file);
    if (f == NULL) {
        wl_errf(err, errlen, "%s: %s was not compiled into this binary", w->name, file);
        return -ENOENT;
    }
    return wl_table_open_mem(w, f->name, f->data, f->len, err, errlen);
}

static int lenet_rs_open(workload *w, const char *arg, const wl_params *p, char *err, size_t errlen)
{
    (void)p; /* recorded: nothing to seed */
    return lenet_open_file(w, "lenet_rs.csv", arg, err, errlen);
}

static int lenet_cpu31_open(workload *w, const char *arg, const wl_params *p, char *err, size_t errlen)
{
    (void)p;
    return lenet_open_file(w, "lenet_cpu31.csv", arg, err, errlen);
}

static void lenet_free(void *state)
{
    wl_table_type.free(state);
}

static double lenet_epoch_time(const void *state, uint32_t k, uint32_t e)
{
    return wl_table_type.epoch_time(state, k, e);
}

static double lenet_metric(const void *state, uint32_t k, uint32_t e)
{
    return wl_table_type.metric(state, k, e);
}

static void lenet_trial(const void *state, uint32_t k, wl_trial *h)
{
    wl_table_type.trial(state, k, h);
}

static void lenet_config(const void *state, uint32_t k, char *buf, size_t n)
{
    wl_table_type.config(state, k, buf, n);
}

const wl_type wl_lenet_type = {
    .name = "lenet",
    .syntax = "lenet",
    .open = lenet_rs_open,
    .free = lenet_free,
    .epoch_time = lenet_epoch_time,
    .metric = lenet_metric,
    .trial = lenet_trial,
    .config = lenet_config,
    .recorded = 1,
    .default_order = WL_ORDER_SEEDED, /* random-search trials: a seed draws them */
};

const wl_type wl_lenet_cpu31_type = {
    .name = "lenet-cpu31",
    .syntax = "lenet-cpu31",
    .open = lenet_cpu31_open,
    .free = lenet_free,
    .epoch_time = lenet_epoch_time,
    .metric = lenet_metric,
    .trial = lenet_trial,
    .config = lenet_config,
    .recorded = 1,
    .default_order = WL_ORDER_FILE, /* the order the book's ASHA run drew them in */
};
