/*
 * traces/model_params.c -- the LeNet model's parameters: defaults, range
 * checks, and the params file (read with libinih, written with numbers that
 * read back to the same double).
 *
 * One table (model_keys) names every key once: its section, name, type and
 * place in model_params.  Reading marks each key as seen, so a duplicate, an
 * unknown key or a missing one is refused with "NAME:LINE: ..." (inih
 * reports the line of the first error; the message is ours).  Parsing fills
 * a copy and hands it out only when complete and checked, so a failed read
 * leaves the caller's params as they were.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "traces/embedded.h"
#include "traces/model.h"
#include "traces/wl_impl.h"

enum key_type { KEY_DOUBLE, KEY_U32 };

typedef struct {
    const char *section, *name;
    enum key_type type;
    size_t off;
    const char *what; /* the comment written above it */
} model_key;

#define KD(sec, name, field, what) {sec, name, KEY_DOUBLE, offsetof(model_params, field), what}
#define KU(sec, name, field, what) {sec, name, KEY_U32, offsetof(model_params, field), what}

static const model_key model_keys[] = {
    KU("space", "epochs", epochs, "epochs per trial (10 as in the book; more extrapolates the curves)"),
    KD("space", "lr_min", lr_min, "learning_rate ~ loguniform(lr_min, lr_max)"),
    KD("space", "lr_max", lr_max, NULL),
    KU("space", "batch_min", batch_min, "batch_size ~ integer uniform batch_min..batch_max"),
    KU("space", "batch_max", batch_max, NULL),
    KD("space", "lr_first", lr_first, "trial 0's configuration; also the centre of the regressions"),
    KU("space", "batch_first", batch_first, NULL),
    KD("time", "base", time_base, "seconds per epoch = (base + per_batch / batch) x trial factor x epoch factor"),
    KD("time", "per_batch", time_per_batch, NULL),
    KD("time", "startup", time_startup, "extra seconds of epoch 1"),
    KD("time", "sigma_trial", time_sigma_trial, "log-sd of the lognormal factors (mean 1) per trial and per epoch"),
    KD("time", "sigma_epoch", time_sigma_epoch, NULL),
    KD("curve", "chance", chance, "error(e) = a + (chance - a) (1 + x / tau)^-beta, x = softplus(e - d) at softness"),
    KD("curve", "beta", beta, NULL),
    KD("curve", "softness", softness, NULL),
    KD("curve", "asym_floor", floor, "the asymptote a lies in (asym_floor, chance)"),
    KD("curve", "delay_const", coef[MODEL_DELAY][MODEL_X_ONE],
       "ln(1 + d), logit((a - asym_floor) / (chance - asym_floor)), ln tau\n"
       "= const + lr * ln(lr / lr_first) + batch * ln(batch / batch_first) + lr2 * ln(lr / lr_first)^2\n"
       "+ N(0, sigma^2) residuals with correlations rho_*"),
    KD("curve", "delay_lr", coef[MODEL_DELAY][MODEL_X_LR], NULL),
    KD("curve", "delay_batch", coef[MODEL_DELAY][MODEL_X_BATCH], NULL),
    KD("curve", "delay_lr2", coef[MODEL_DELAY][MODEL_X_LR2], NULL),
    KD("curve", "delay_sigma", sigma[MODEL_DELAY], NULL),
    KD("curve", "asym_const", coef[MODEL_ASYM][MODEL_X_ONE], NULL),
    KD("curve", "asym_lr", coef[MODEL_ASYM][MODEL_X_LR], NULL),
    KD("curve", "asym_batch", coef[MODEL_ASYM][MODEL_X_BATCH], NULL),
    KD("curve", "asym_lr2", coef[MODEL_ASYM][MODEL_X_LR2], NULL),
    KD("curve", "asym_sigma", sigma[MODEL_ASYM], NULL),
    KD("curve", "rate_const", coef[MODEL_RATE][MODEL_X_ONE], NULL),
    KD("curve", "rate_lr", coef[MODEL_RATE][MODEL_X_LR], NULL),
    KD("curve", "rate_batch", coef[MODEL_RATE][MODEL_X_BATCH], NULL),
    KD("curve", "rate_lr2", coef[MODEL_RATE][MODEL_X_LR2], NULL),
    KD("curve", "rate_sigma", sigma[MODEL_RATE], NULL),
    KD("curve", "rho_delay_asym", rho[MODEL_RHO_DA], NULL),
    KD("curve", "rho_delay_rate", rho[MODEL_RHO_DR], NULL),
    KD("curve", "rho_asym_rate", rho[MODEL_RHO_AR], NULL),
    KD("curve", "noise", noise,
       "sd of the per-epoch error noise: noise_chance (1 - q) + n q mu, mu the curve,\n"
       "q = 1 - (1 + x / tau)^-beta the progress; n = noise below the curve,\n"
       "n = noise_up (lr / lr_first)^noise_lr above it, where z ~ N(0, 1) becomes z exp(noise_tail z^2 / 2)"),
    KD("curve", "noise_up", noise_up, NULL),
    KD("curve", "noise_lr", noise_lr, NULL),
    KD("curve", "noise_tail", noise_tail, NULL),
    KD("curve", "noise_chance", noise_chance, NULL),
};
#define NKEYS (sizeof model_keys / sizeof model_keys[0])

model_params model_default_params(void)
{
    model_params m;

    memset(&m, 0, sizeof m);
    m.lr_min = 0.01;
    m.lr_max = 1;
    m.batch_min = 32;
    m.batch_max = 256;
    m.lr_first = 0.1;
    m.batch_first = 128;
    m.epochs = 10;
    m.time_base = 8;
    m.chance = 0.9;
    m.beta = 1;
    m.softness = 0.05;
    /* the lowest asymptote: chosen on the lower tail of the recorded runs
     * (docs/model.md, "The floor"; `shsim fit --floor`) */
    m.floor = 0.09;
    m.coef[MODEL_DELAY][MODEL_X_ONE] = log(4.0); /* d = 3 */
    m.coef[MODEL_ASYM][MODEL_X_ONE] = log(0.3 / 0.6); /* a = 0.3 */
    return m;
}

#define CHECK(cond, ...)                          \
    do {                                          \
        if (!(cond)) {                            \
            wl_errf(err, errlen, __VA_ARGS__);    \
            return -EINVAL;                       \
        }                                         \
    } while (0)

int model_params_check(const model_params *m, char *err, size_t errlen)
{
    const double *rho = m->rho;
    double l22sq, l32, l33sq;

    CHECK(isfinite(m->lr_min) && m->lr_min > 0 && isfinite(m->lr_max) && m->lr_max >= m->lr_min,
          "lr_min, lr_max: need 0 < lr_min <= lr_max (got %g, %g)", m->lr_min, m->lr_max);
    CHECK(m->batch_min >= 1 && m->batch_max >= m->batch_min,
          "batch_min, batch_max: need 1 <= batch_min <= batch_max (got %lu, %lu)", (unsigned long)m->batch_min,
          (unsigned long)m->batch_max);
    CHECK(isfinite(m->lr_first) && m->lr_first > 0, "lr_first: need > 0 (got %g)", m->lr_first);
    CHECK(m->batch_first >= 1, "batch_first: need >= 1");
    CHECK(m->epochs >= 1 && m->epochs <= MODEL_MAX_EPOCHS, "epochs: need 1..%d (got %lu)", MODEL_MAX_EPOCHS,
          (unsigned long)m->epochs);
    CHECK(isfinite(m->time_base) && isfinite(m->time_per_batch), "base, per_batch: need finite numbers");
    /* bounded like a table's epoch_time, so that a run's sums stay finite */
    CHECK(fabs(m->time_base) <= WL_MAX_SECONDS && fabs(m->time_per_batch) <= WL_MAX_SECONDS &&
              m->time_startup <= WL_MAX_SECONDS,
          "base, per_batch, startup: need at most %g seconds (got %g, %g, %g)", WL_MAX_SECONDS, m->time_base,
          m->time_per_batch, m->time_startup);
    /* linear in 1/batch, so positive over the space iff at both ends (and
     * at trial 0's batch, which may lie outside) */
    CHECK(m->time_base + m->time_per_batch / m->batch_min > 0 &&
              m->time_base + m->time_per_batch / m->batch_max > 0 &&
              m->time_base + m->time_per_batch / m->batch_first > 0,
          "base, per_batch: seconds per epoch must be > 0 for every batch size (got %g + %g / batch)", m->time_base,
          m->time_per_batch);
    CHECK(isfinite(m->time_startup) && m->time_startup >= 0, "startup: need >= 0 seconds (got %g)", m->time_startup);
    CHECK(m->time_sigma_trial >= 0 && m->time_sigma_trial <= 5, "sigma_trial: need 0..5 (got %g)",
          m->time_sigma_trial);
    CHECK(m->time_sigma_epoch >= 0 && m->time_sigma_epoch <= 5, "sigma_epoch: need 0..5 (got %g)",
          m->time_sigma_epoch);
    CHECK(m->chance > 0 && m->chance <= 1, "chance: need 0 < chance <= 1 (got %g)", m->chance);
    CHECK(m->beta > 0 && m->beta <= 100, "beta: need 0 < beta <= 100 (got %g)", m->beta);
    CHECK(m->softness >= 0.01 && m->softness <= 10, "softness: need 0.01..10 epochs (got %g)", m->softness);
    for (int j = 0; j < MODEL_NPAR; j++) {
        for (int i = 0; i < MODEL_NX; i++)
            CHECK(isfinite(m->coef[j][i]) && fabs(m->coef[j][i]) <= 1000,
                  "curve coefficients: need finite numbers within +-1000 (got %g)", m->coef[j][i]);
        CHECK(m->sigma[j] >= 0 && m->sigma[j] <= 10, "*_sigma: need 0..10 (got %g)", m->sigma[j]);
    }
    for (int j = 0; j < MODEL_NRHO; j++)
        CHECK(rho[j] > -1 && rho[j] < 1, "rho_*: need -1 < rho < 1 (got %g)", rho[j]);
    /* positive definite iff the closed-form Cholesky's pivots are > 0 */
    l22sq = 1 - rho[MODEL_RHO_DA] * rho[MODEL_RHO_DA];
    l32 = (rho[MODEL_RHO_AR] - rho[MODEL_RHO_DA] * rho[MODEL_RHO_DR]) / sqrt(l22sq);
    l33sq = 1 - rho[MODEL_RHO_DR] * rho[MODEL_RHO_DR] - l32 * l32;
    CHECK(l33sq > 1e-9, "rho_delay_asym, rho_delay_rate, rho_asym_rate: not a valid correlation matrix "
                        "(not positive definite)");
    CHECK(m->noise >= 0 && m->noise <= 1, "noise: need 0..1 (got %g)", m->noise);
    CHECK(m->noise_chance >= 0 && m->noise_chance <= 1, "noise_chance: need 0..1 (got %g)", m->noise_chance);
    CHECK(m->noise_up >= 0 && m->noise_up <= 1, "noise_up: need 0..1 (got %g)", m->noise_up);
    CHECK(m->noise_lr >= -5 && m->noise_lr <= 5, "noise_lr: need -5..5 (got %g)", m->noise_lr);
    CHECK(m->noise_tail >= 0 && m->noise_tail <= 1, "noise_tail: need 0..1 (got %g)", m->noise_tail);
    CHECK(m->floor >= 0 && m->floor < m->chance, "asym_floor: need 0 <= asym_floor < chance (got %g)", m->floor);
    return 0;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct {
    model_params m;
    unsigned char seen[NKEYS];
    int seen_format;
    char msg[512]; /* the first error, without "NAME:LINE: " */
} parse_ctx;

static int parse_fail(parse_ctx *c, const char *fmt, ...) WL_PRINTF(2, 3);

static int parse_fail(parse_ctx *c, const char *fmt, ...)
{
    va_list ap;

    if (c->msg[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(c->msg, sizeof c->msg, fmt, ap);
        va_end(ap);
    }
    return 0; /* inih: an error on this line */
}

static int parse_handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    char *end;
    size_t i;

    if (strcmp(section, "model") == 0 && strcmp(name, "format") == 0) {
        if (c->seen_format)
            return parse_fail(c, "key '%s.%s': given twice", section, name);
        c->seen_format = 1;
        if (strcmp(value, MODEL_FORMAT_TEXT) != 0)
            return parse_fail(c, "key '%s.%s': format '%s' is not " MODEL_FORMAT_TEXT
                                 " (written by another shsim version?)",
                              section, name, value);
        return 1;
    }
    for (i = 0; i < NKEYS; i++)
        if (strcmp(section, model_keys[i].section) == 0 && strcmp(name, model_keys[i].name) == 0)
            break;
    if (i == NKEYS)
        return parse_fail(c, "key '%s.%s': unknown", section, name);
    if (c->seen[i])
        return parse_fail(c, "key '%s.%s': given twice", section, name);
    c->seen[i] = 1;
    if (value[0] == '\0')
        return parse_fail(c, "key '%s.%s': empty value", section, name);

    if (model_keys[i].type == KEY_DOUBLE) {
        double v = strtod(value, &end);
        if (*end != '\0' || !isfinite(v))
            return parse_fail(c, "key '%s.%s': '%.64s' is not a finite number", section, name, value);
        memcpy((char *)&c->m + model_keys[i].off, &v, sizeof v);
    } else {
        unsigned long v;
        if (value[0] == '-' || value[0] == '+')
            return parse_fail(c, "key '%s.%s': '%.64s' is not a non-negative integer", section, name, value);
        errno = 0;
        v = strtoul(value, &end, 10);
        if (*end != '\0' || errno != 0 || v > UINT32_MAX)
            return parse_fail(c, "key '%s.%s': '%.64s' is not a 32-bit non-negative integer", section, name, value);
        uint32_t u = (uint32_t)v;
        memcpy((char *)&c->m + model_keys[i].off, &u, sizeof u);
    }
    return 1;
}

/* After inih: report its first error or a missing key, then check. */
static int parse_finish(parse_ctx *c, int line, model_params *out, const char *name, char *err, size_t errlen)
{
    char why[512];
    int rc;

    if (line > 0) {
        wl_errf(err, errlen, "%s:%d: %s", name, line, c->msg[0] ? c->msg : "not a 'key = value' line");
        return -EINVAL;
    }
    if (line == -2) {
        wl_errf(err, errlen, "%s: out of memory", name);
        return -ENOMEM;
    }
    if (!c->seen_format) {
        wl_errf(err, errlen, "%s: key 'model.format' missing (is this a shsim params file?)", name);
        return -EINVAL;
    }
    for (size_t i = 0; i < NKEYS; i++)
        if (!c->seen[i]) {
            wl_errf(err, errlen, "%s: key '%s.%s' missing", name, model_keys[i].section, model_keys[i].name);
            return -EINVAL;
        }
    rc = model_params_check(&c->m, why, sizeof why);
    if (rc < 0) {
        wl_errf(err, errlen, "%s: %s", name, why);
        return rc;
    }
    *out = c->m;
    return 0;
}

int model_params_parse(model_params *m, const char *text, const char *name, char *err, size_t errlen)
{
    parse_ctx *c = calloc(1, sizeof *c);
    int rc;

    if (c == NULL) {
        wl_errf(err, errlen, "%s: out of memory", name);
        return -ENOMEM;
    }
    rc = parse_finish(c, ini_parse_string(text, parse_handler, c), m, name, err, errlen);
    free(c);
    return rc;
}

int model_params_read(model_params *m, const char *path, char *err, size_t errlen)
{
    parse_ctx *c;
    FILE *f = fopen(path, "r");
    int line, rc;

    if (f == NULL) {
        rc = -errno;
        wl_errf(err, errlen, "%s: %s", path, strerror(errno));
        return rc;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        fclose(f);
        wl_errf(err, errlen, "%s: out of memory", path);
        return -ENOMEM;
    }
    line = ini_parse_file(f, parse_handler, c);
    if (ferror(f)) {
        wl_errf(err, errlen, "%s: read error", path);
        rc = -EIO;
    } else
        rc = parse_finish(c, line, m, path, err, errlen);
    fclose(f);
    free(c);
    return rc;
}

const char *model_params_builtin(void)
{
    const wl_embedded_file *f = wl_embedded_find("lenet_model.params");
    return f != NULL ? f->data : "";
}

/* ---- writing ------------------------------------------------------------- */

/* The shortest %.Ng that reads back to exactly v. */
static void put_exact(FILE *f, double v)
{
    char buf[40];

    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

static void put_comment(FILE *f, const char *text)
{
    while (text != NULL && *text != '\0') {
        const char *nl = strchr(text, '\n');
        size_t len = nl != NULL ? (size_t)(nl - text) : strlen(text);
        fprintf(f, len ? "# %.*s\n" : "#%.*s\n", (int)len, text);
        text = nl != NULL ? nl + 1 : NULL;
    }
}

int model_params_write(FILE *f, const model_params *m, const char *comment)
{
    const char *section = "";

    put_comment(f, comment);
    fprintf(f, "[model]\nformat = %d\n", MODEL_FORMAT);
    for (size_t i = 0; i < NKEYS; i++) {
        const model_key *k = &model_keys[i];
        if (strcmp(section, k->section) != 0) {
            section = k->section;
            fprintf(f, "\n[%s]\n", section);
        }
        put_comment(f, k->what);
        fprintf(f, "%s = ", k->name);
        if (k->type == KEY_DOUBLE) {
            double v;
            memcpy(&v, (const char *)m + k->off, sizeof v);
            put_exact(f, v);
        } else {
            uint32_t u;
            memcpy(&u, (const char *)m + k->off, sizeof u);
            fprintf(f, "%lu", (unsigned long)u);
        }
        fputc('\n', f);
    }
    if (fflush(f) != 0 || ferror(f))
        return errno ? -errno : -EIO;
    return 0;
}
