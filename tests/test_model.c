/*
 * tests/test_model.c -- cmocka tests of the LeNet model (traces/model.h):
 * the fit recovers known parameters from curves the model itself generated;
 * the `lenet-model` workload is a pure function of (seed, trial, epoch),
 * whatever order or scheduler asks; sane ranges; the params file round-trips
 * exactly and every malformed one is refused with its line; the statistics
 * of the validation table on a data set small enough to check by hand.
 *
 * Needs no external files: params files are written into a mkdtemp()
 * directory under /tmp and removed.  Runtime: the recovery fit of 300
 * generated trials takes a few seconds (more under sanitizers).
 */
#include "sim/run_spec.h"
#include "tests/testutil.h"
#include "traces/model.h"
#include "traces/workload.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];
static char path[128];

static int group_setup(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    strcpy(tmpdir, "/tmp/shsim_model_XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/m.params", tmpdir);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(path);
    return rmdir(tmpdir);
}

/* The shipped parameters: they must parse and pass their own checks. */
static model_params builtin(void)
{
    model_params m;
    char err[512];
    if (model_params_parse(&m, model_params_builtin(), "builtin", err, sizeof err) != 0)
        fail_msg("built-in params: %s", err);
    return m;
}

static void write_text(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void write_params(const model_params *m)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(model_params_write(f, m, "test\nsecond line"), 0);
    assert_int_equal(fclose(f), 0);
}

static workload *open_wl(const char *spec, uint64_t seed)
{
    workload *w = NULL;
    wl_params p = wl_default_params();
    char err[512];
    p.seed = seed;
    if (workload_open(&w, spec, &p, err, sizeof err) != 0)
        fail_msg("%s: %s", spec, err);
    return w;
}

/* ---- parameters file ------------------------------------------------------ */

static void test_params_roundtrip(void **state)
{
    model_params m = builtin(), back;
    char err[512];
    (void)state;

    /* awkward values: every one must read back to the same double */
    m.time_base = 0.1 + 0.2;
    m.coef[MODEL_RATE][MODEL_X_LR] = -1.0 / 3.0;
    m.noise = 1e-17 + 0.02;
    write_params(&m);
    assert_int_equal(model_params_read(&back, path, err, sizeof err), 0);
    assert_memory_equal(&m, &back, sizeof m);
    m = model_default_params();
    assert_int_equal(model_params_check(&m, err, sizeof err), 0);
}

static void expect_bad(const char *text, const char *msg)
{
    model_params m = builtin(), before = m;
    char err[512] = "";
    assert_int_equal(model_params_parse(&m, text, "x.params", err, sizeof err), -EINVAL);
    assert_contains(err, msg);
    assert_memory_equal(&m, &before, sizeof m); /* untouched on failure */
}

/* Replace the line starting with `key =` in src by `line` (or drop it when
 * line is NULL; append line when key is NULL).  The result is malloc'd. */
static char *edit_text(const char *src, const char *key, const char *line)
{
    size_t n = strlen(src) + 256;
    char *out = malloc(n), *o = out;
    assert_non_null(out);
    for (const char *s = src; *s;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s + 1) : strlen(s);
        if (key != NULL && strncmp(s, key, strlen(key)) == 0 && s[strlen(key)] == ' ') {
            if (line != NULL)
                o += sprintf(o, "%s\n", line);
        } else {
            memcpy(o, s, len);
            o += len;
        }
        s += len;
    }
    if (key == NULL)
        o += sprintf(o, "%s\n", line);
    *o = '\0';
    return out;
}

/* The same on the built-in text. */
static char *edit(const char *key, const char *line)
{
    return edit_text(model_params_builtin(), key, line);
}

static void test_params_errors(void **state)
{
    char *t;
    char err[512];
    model_params m;
    (void)state;

    expect_bad(t = edit("beta", "beta = fast"), "'curve.beta': 'fast' is not a finite number"), free(t);
    expect_bad(t = edit("beta", "beta = inf"), "not a finite number"), free(t);
    expect_bad(t = edit("epochs", "epochs = -3"), "not a non-negative integer"), free(t);
    expect_bad(t = edit("noise", NULL), "key 'curve.noise' missing"), free(t);
    expect_bad(t = edit(NULL, "bogus = 1"), "key 'curve.bogus': unknown"), free(t);
    expect_bad(t = edit(NULL, "beta = 1"), "given twice"), free(t);
    expect_bad(t = edit("format", "format = 1"), "format '1' is not 2"), free(t);
    expect_bad(t = edit("format", NULL), "model.format' missing"), free(t);
    expect_bad(t = edit("beta", "beta = 0"), "beta: need 0 < beta"), free(t);
    expect_bad(t = edit("batch_max", "batch_max = 16"), "batch_min <= batch_max"), free(t);
    /* each correlation fine, the three together not positive definite */
    {
        char *t1 = edit("rho_delay_asym", "rho_delay_asym = 0.9");
        char *t2 = edit_text(t1, "rho_delay_rate", "rho_delay_rate = 0.9");
        t = edit_text(t2, "rho_asym_rate", "rho_asym_rate = -0.9");
        expect_bad(t, "not positive definite");
        free(t1);
        free(t2);
        free(t);
    }
    /* the line of the first error is named */
    t = edit("beta", "beta = x");
    assert_int_equal(model_params_parse(&m, t, "x.params", err, sizeof err), -EINVAL);
    {
        int line = 0;
        const char *b = strstr(t, "beta = x");
        for (const char *s = t; s <= b; s++)
            line += *s == '\n';
        char want[64];
        snprintf(want, sizeof want, "x.params:%d: ", line + 1);
        assert_contains(err, want);
    }
    free(t);
    assert_int_equal(model_params_read(&m, "/nonexistent/x.params", err, sizeof err), -ENOENT);
    assert_contains(err, "/nonexistent/x.params");
}

/* ---- the workload ---------------------------------------------------------- */

static void test_workload_pure(void **state)
{
    workload *a = open_wl("lenet-model", 7), *b = open_wl("lenet-model", 7), *c = open_wl("lenet-model", 8);
    char ca[128], cb[128];
    uint32_t E = workload_epochs(a);
    (void)state;

    assert_int_equal(workload_trials(a), WL_UNBOUNDED);
    assert_int_equal(E, 10);
    assert_string_equal(workload_config_header(a), "learning_rate,batch_size");
    /* trial 0: the book's first configuration, whatever the seed */
    workload_config(a, 0, ca, sizeof ca);
    assert_string_equal(ca, "0.1,128");
    workload_config(c, 0, ca, sizeof ca);
    assert_string_equal(ca, "0.1,128");
    /* b is queried backwards, epochs last to first: same values as a */
    for (uint32_t k = 200; k-- > 0;)
        for (uint32_t e = E; e >= 1; e--) {
            assert_double_exact(workload_metric(b, k, e), workload_metric(a, k, e));
            assert_double_exact(workload_epoch_time(b, k, e), workload_epoch_time(a, k, e));
        }
    for (uint32_t k = 0; k < 200; k++) {
        workload_config(a, k, ca, sizeof ca);
        workload_config(b, k, cb, sizeof cb);
        assert_string_equal(ca, cb);
        /* another trial, another seed: other values */
        if (k > 0) {
            assert_true(workload_epoch_time(a, k, 3) != workload_epoch_time(a, k - 1, 3));
            workload_config(a, k - 1, cb, sizeof cb);
            assert_true(strcmp(ca, cb) != 0);
        }
        assert_true(workload_epoch_time(a, k, 3) != workload_epoch_time(c, k, 3));
    }
    /* trial 0 has its own noise: seeds differ in time and (if learning) error */
    assert_true(workload_epoch_time(a, 0, 1) != workload_epoch_time(c, 0, 1));
    workload_free(a);
    workload_free(b);
    workload_free(c);
}

static void test_workload_ranges(void **state)
{
    workload *w = open_wl("lenet-model", 3);
    model_params m = builtin();
    int saw_min = 0, saw_max = 0;
    (void)state;

    for (uint32_t k = 0; k < 3000; k++) {
        model_trial t;
        model_trial_draw(&m, 3, k, &t);
        assert_true(t.lr >= m.lr_min && t.lr <= m.lr_max);
        assert_true(t.batch >= m.batch_min && t.batch <= m.batch_max);
        saw_min |= t.batch == m.batch_min;
        saw_max |= t.batch == m.batch_max;
        for (uint32_t e = 1; e <= workload_epochs(w); e++) {
            double err = workload_metric(w, k, e), s = workload_epoch_time(w, k, e);
            assert_true(err >= 0 && err <= 1);
            assert_true(s > 0 && isfinite(s));
            if (e == 1)
                assert_true(s > m.time_startup);
        }
    }
    assert_true(saw_min && saw_max); /* both ends of randint(32, 256) */
    workload_free(w);
}

/* lenet-model:FILE reads the file; the same text as the built-in gives the
 * same trials. */
static void test_workload_file(void **state)
{
    char spec[200], err[512];
    workload *a, *b, *w = NULL;
    wl_params p = wl_default_params();
    (void)state;

    write_text(model_params_builtin());
    snprintf(spec, sizeof spec, "lenet-model:%s", path);
    a = open_wl("lenet-model", 5);
    b = open_wl(spec, 5);
    for (uint32_t k = 0; k < 50; k++)
        for (uint32_t e = 1; e <= 10; e++)
            assert_double_exact(workload_metric(a, k, e), workload_metric(b, k, e));
    workload_free(a);
    workload_free(b);

    /* 20 epochs: more of the same curves */
    {
        model_params m = builtin();
        m.epochs = 20;
        write_params(&m);
        w = open_wl(spec, 5);
        a = open_wl("lenet-model", 5);
        assert_int_equal(workload_epochs(w), 20);
        for (uint32_t e = 1; e <= 10; e++)
            assert_double_exact(workload_metric(a, 9, e), workload_metric(w, 9, e));
        workload_free(a);
        workload_free(w);
        w = NULL;
    }
    assert_int_equal(workload_open(&w, "lenet-model:/nonexistent.params", &p, err, sizeof err), -ENOENT);
    assert_null(w);
    assert_int_equal(workload_open(&w, "lenet-model:", &p, err, sizeof err), -EINVAL);
    write_text("[model]\nformat = 2\n");
    assert_int_equal(workload_open(&w, spec, &p, err, sizeof err), -EINVAL);
    assert_contains(err, "missing");
}

/* Every result a scheduler sees is the workload's value for (trial, epoch):
 * SH and ASHA runs agree with a workload opened on its own. */
static void test_workload_any_scheduler(void **state)
{
    const sched_type *types[] = {sched_sh, sched_asha};
    workload *ref = open_wl("lenet-model", 11);
    (void)state;

    for (int i = 0; i < 2; i++) {
        run_spec rs = run_spec_default();
        run_result res;
        char err[4608];
        snprintf(rs.workload, sizeof rs.workload, "lenet-model");
        rs.type = types[i];
        rs.seed = 11;
        rs.ep.workers = 4;
        rs.sp.eta = 2;
        rs.sp.r_min = 1;
        rs.trials = 64;
        if (run_spec_execute(&rs, &res, NULL, err, sizeof err) != 0)
            fail_msg("run: %s", err);
        assert_true(res.n_results > 64);
        for (size_t r = 0; r < res.n_results; r++)
            assert_double_exact(res.results[r].metric,
                                workload_metric(ref, res.results[r].trial, res.results[r].epoch));
        run_result_free(&res);
    }
    workload_free(ref);
}

/* ---- fitting ---------------------------------------------------------------- */

/* The model's own curves: the fit finds the parameters that made them.
 * Tolerances: what 300 trials allow.  The time model and the slopes are
 * sharp; a, tau and beta trade off along a sloppy direction (a lower
 * asymptote with a slower tail fits the same 10 epochs), and the weak prior
 * of the curve fits pulls that way, so their constants get 0.3 and beta
 * 25%; residual spreads carry each curve fit's own estimation error. */
static void test_fit_recovers(void **state)
{
    model_params truth = builtin(), fit = model_default_params();
    model_data d;
    model_fit_info info;
    char err[512];
    (void)state;

    fit.floor = truth.floor; /* the default's floor, as shipped */
    assert_int_equal(model_data_generate(&d, &truth, 11, 300), 0);
    if (model_fit(&d, &d, &fit, &info, err, sizeof err) != 0)
        fail_msg("fit: %s", err);
    assert_int_equal(info.trials, 300);
    assert_int_equal(info.full + info.late + info.censored, 300);
    assert_true(info.full > 150 && info.censored > 20);

    assert_close(fit.time_base, truth.time_base, 0.05, 0);
    assert_close(fit.time_per_batch, truth.time_per_batch, 0.05, 0);
    assert_close(fit.time_startup, truth.time_startup, 0, 0.1);
    assert_close(fit.time_sigma_trial, truth.time_sigma_trial, 0, 0.03);
    assert_close(fit.time_sigma_epoch, truth.time_sigma_epoch, 0, 0.015);

    assert_close(fit.beta, truth.beta, 0.25, 0);
    for (int j = 0; j < MODEL_NPAR; j++) {
        assert_close(fit.coef[j][MODEL_X_ONE], truth.coef[j][MODEL_X_ONE], 0, j == MODEL_DELAY ? 0.1 : 0.3);
        assert_close(fit.coef[j][MODEL_X_LR], truth.coef[j][MODEL_X_LR], 0, 0.1);
        assert_close(fit.coef[j][MODEL_X_BATCH], truth.coef[j][MODEL_X_BATCH], 0, 0.1);
        assert_close(fit.sigma[j], truth.sigma[j], 0.25, 0);
    }
    for (int r = 0; r < MODEL_NRHO; r++)
        assert_close(fit.rho[r], truth.rho[r], 0, 0.25);
    assert_close(fit.noise, truth.noise, 0.15, 0);
    assert_close(fit.noise_chance, truth.noise_chance, 0.15, 0);
    /* the split normal's upper side and its growth with the learning rate
     * (about 20% and 0.1 off on 300 trials: they rest on the epochs above
     * the curve only) */
    assert_close(fit.noise_up, truth.noise_up, 0.3, 0);
    assert_close(fit.noise_lr, truth.noise_lr, 0, 0.2);
    assert_double_exact(fit.floor, truth.floor); /* an input, not fitted */
    /* and the fitted model draws curves like the true one */
    {
        model_data g1, g2;
        model_stats s1, s2;
        assert_int_equal(model_data_generate(&g1, &truth, 5, 2000), 0);
        assert_int_equal(model_data_generate(&g2, &fit, 5, 2000), 0);
        assert_int_equal(model_stats_compute(&g1, &s1), 0);
        assert_int_equal(model_stats_compute(&g2, &s2), 0);
        assert_close(s2.at_chance[0], s1.at_chance[0], 0, 0.04);
        assert_close(s2.at_chance[1], s1.at_chance[1], 0, 0.04);
        for (int j = 0; j < 3; j++)
            assert_close(s2.quart[2][j], s1.quart[2][j], 0, 0.04);
        assert_close(s2.time_mean, s1.time_mean, 0.03, 0);
        model_data_free(&g1);
        model_data_free(&g2);
    }
    model_data_free(&d);
}

static void test_fit_refuses(void **state)
{
    model_params truth = builtin(), fit = model_default_params();
    model_data d;
    char err[512];
    (void)state;

    assert_int_equal(model_data_generate(&d, &truth, 1, 5), 0);
    assert_int_equal(model_fit(&d, &d, &fit, NULL, err, sizeof err), -EDOM);
    assert_contains(err, "need at least 8 trials");
    model_data_free(&d);

    /* nothing ever leaves chance: no curve to fit */
    assert_int_equal(model_data_generate(&d, &truth, 1, 40), 0);
    for (size_t i = 0; i < (size_t)d.trials * d.epochs; i++)
        d.error[i] = 0.9;
    fit = model_default_params();
    assert_int_equal(model_fit(&d, &d, &fit, NULL, err, sizeof err), -EDOM);
    assert_contains(err, "learned");
    model_data_free(&d);
    model_data_free(&d); /* twice: harmless */
}

/* ---- statistics ------------------------------------------------------------- */

static void test_stats_known(void **state)
{
    model_data d;
    model_stats s;
    (void)state;

    /* 5 trials of 10 epochs; error(k, e) = 0.9 until epoch k + 1, then
     * 0.5 - 0.01 e - 0.02 k; times 1 + k (epoch 1: 2 + k) */
    assert_int_equal(model_data_alloc(&d, 5, 10), 0);
    for (uint32_t k = 0; k < 5; k++) {
        d.lr[k] = 0.1;
        d.batch[k] = 128;
        for (uint32_t e = 1; e <= 10; e++) {
            d.error[k * 10 + e - 1] = e <= k + 1 ? 0.9 : 0.5 - 0.01 * e - 0.02 * k;
            d.time[k * 10 + e - 1] = 1.0 + k + (e == 1);
        }
    }
    assert_int_equal(model_stats_compute(&d, &s), 0);
    assert_int_equal(s.trials, 5);
    /* epoch 2: trial 0 learned (0.48), the rest at chance */
    assert_close(s.at_chance[0], 0.8, 0, 1e-12);
    assert_close(s.at_chance[1], 0.0, 0, 1e-12);
    /* epoch 2 sorted: 0.48 0.9 0.9 0.9 0.9 -> GSL quantiles at 1, 2, 3 */
    assert_close(s.quart[0][0], 0.9, 0, 1e-12);
    /* epoch 4: 0.46 0.44 0.42 0.9 0.9 -> 0.44, 0.46, 0.9 */
    assert_close(s.quart[1][0], 0.44, 0, 1e-12);
    assert_close(s.quart[1][1], 0.46, 0, 1e-12);
    assert_close(s.quart[1][2], 0.9, 0, 1e-12);
    /* epoch 10: 0.40 0.38 0.36 0.34 0.32 */
    assert_close(s.quart[2][1], 0.36, 0, 1e-12);
    /* ranks at 2: (1, 3.5, 3.5, 3.5, 3.5); at 10: (5, 4, 3, 2, 1) */
    {
        double x[5] = {1, 3.5, 3.5, 3.5, 3.5}, y[5] = {5, 4, 3, 2, 1}, mx = 3, my = 3, sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < 5; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        assert_close(s.spearman, sxy / sqrt(sxx * syy), 0, 1e-12);
    }
    assert_close(s.time_mean, 3.1, 0, 1e-12); /* (1 .. 5 each 10 epochs + 5) / 50 */
    assert_close(s.time_first, 4.0, 0, 1e-12);
    model_data_free(&d);
}

/* The recorded table is readable as model data: 99 trials, 20 without a
 * configuration (NaN). */
static void test_data_from_table(void **state)
{
    workload *w = open_wl("lenet", 1);
    model_data d;
    char err[512];
    uint32_t missing = 0;
    (void)state;

    if (model_data_from_workload(&d, w, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(d.trials, workload_trials(w));
    for (uint32_t k = 0; k < d.trials; k++)
        missing += !isfinite(d.lr[k]);
    assert_true(missing > 0 && missing < d.trials / 2);
    assert_double_exact(d.lr[0], 0.1);
    assert_double_exact(d.batch[0], 128);
    model_data_free(&d);
    workload_free(w);

    w = open_wl("figure", 1); /* no learning_rate column */
    assert_int_equal(model_data_from_workload(&d, w, err, sizeof err), -EINVAL);
    assert_contains(err, "learning_rate");
    workload_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_roundtrip),  cmocka_unit_test(test_params_errors),
        cmocka_unit_test(test_workload_pure),     cmocka_unit_test(test_workload_ranges),
        cmocka_unit_test(test_workload_file),     cmocka_unit_test(test_workload_any_scheduler),
        cmocka_unit_test(test_fit_recovers),      cmocka_unit_test(test_fit_refuses),
        cmocka_unit_test(test_stats_known),       cmocka_unit_test(test_data_from_table),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
