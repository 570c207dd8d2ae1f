/*
 * sim/sweep/sweep_list.c -- comma lists and ranges of values (sweep_list): A..B,
 * A..B+S, A..B*F.  See sweep.h.
 *
 * Invariants: integer ranges stay exact up to 2^64-1; other numbers are
 * A + i*S (or A * F^i), never repeated addition, so they do not drift; one
 * list, and so one item, expands to at most SWEEP_MAX_LIST values, so no
 * input can ask for unbounded memory.
 */
#include "sim/sweep/sweep_impl.h"
#include "sim/output.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_MAX_LIST 1000000 /* values one list (and so one item) may expand to */

void sweep_strv_free(sweep_strv *sv)
{
    if (!sv)
        return;
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

static int strv_push(sweep_strv *sv, const char *s, size_t len)
{
    char **p = base_grow(sv->v, &sv->cap, sv->n + 1, sizeof *p, 8);
    if (!p)
        return -ENOMEM;
    sv->v = p;
    char *c = malloc(len + 1);
    if (!c)
        return -ENOMEM;
    memcpy(c, s, len);
    c[len] = '\0';
    sv->v[sv->n++] = c;
    return 0;
}

int sweep_all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int whole_u64(const char *s, uint64_t *out)
{
    if (!sweep_all_digits(s))
        return 0;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno)
        return 0;
    *out = v;
    return 1;
}

static int whole_double(const char *s, double *out)
{
    char *end;
    if (!*s || *s == ' ')
        return 0;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

/* Expand one range item "A..B[+S|*F]" (item holds the "..") onto sv. */
static int expand_range(const char *item, sweep_strv *sv, char *err, size_t n)
{
    char a[128], b[128], s[128] = "";
    const char *dd = strstr(item, "..");
    size_t la = (size_t)(dd - item);
    const char *rest = dd + 2;
    /* the step operator: the first '*', or the first '+' not in an exponent */
    const char *op = strchr(rest, '*');
    if (!op)
        for (const char *q = rest; *q; q++)
            if (*q == '+' && q > rest && q[-1] != 'e' && q[-1] != 'E') {
                op = q;
                break;
            }
    size_t lb = op ? (size_t)(op - rest) : strlen(rest);
    if (la >= sizeof a || lb >= sizeof b || (op && strlen(op + 1) >= sizeof s)) {
        snprintf(err, n, "'%s': range too long", item);
        return -EINVAL;
    }
    memcpy(a, item, la);
    a[la] = '\0';
    memcpy(b, rest, lb);
    b[lb] = '\0';
    if (op)
        snprintf(s, sizeof s, "%s", op + 1);
    char mult = op ? *op : '+';
    size_t before = sv->n;
    char buf[64];
    uint64_t ia, ib, is = 1;
    if (whole_u64(a, &ia) && whole_u64(b, &ib) && (!op || whole_u64(s, &is))) {
        if (ia > ib) {
            snprintf(err, n, "'%s': the range is empty (%s > %s)", item, a, b);
            return -EINVAL;
        }
        if (mult == '+' ? is < 1 : (is < 2 || ia < 1)) {
            snprintf(err, n, "'%s': the step must be %s", item,
                     mult == '+' ? "at least 1" : "at least 2, from a start of at least 1");
            return -EINVAL;
        }
        for (uint64_t v = ia;;) {
            if (sv->n - before == SWEEP_MAX_LIST) {
                snprintf(err, n, "'%s': more than %d values", item, SWEEP_MAX_LIST);
                return -EINVAL;
            }
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
            if (strv_push(sv, buf, strlen(buf)) < 0)
                goto nomem;
            if (mult == '+' ? ib - v < is : v > ib / is)
                break;
            v = mult == '+' ? v + is : v * is;
            if (v > ib)
                break;
        }
        return 0;
    }
    double da, db, ds = 1;
    if (!whole_double(a, &da) || !whole_double(b, &db) || (op && !whole_double(s, &ds))) {
        snprintf(err, n, "'%s': expected A..B, A..B+STEP or A..B*FACTOR with numbers", item);
        return -EINVAL;
    }
    if (da > db) {
        snprintf(err, n, "'%s': the range is empty (%s > %s)", item, a, b);
        return -EINVAL;
    }
    if (mult == '+' ? !(ds > 0) : !(ds > 1 && da > 0)) {
        snprintf(err, n, "'%s': the step must be %s", item,
                 mult == '+' ? "greater than 0" : "greater than 1, from a start above 0");
        return -EINVAL;
    }
    /* A + i*S (not repeated addition, which drifts); a relative slack of
     * 1e-9 keeps B itself when rounding lands a hair above it */
    double slack = 1e-9 * fmax(fabs(db), fabs(ds));
    for (uint64_t i = 0;; i++) {
        double v = mult == '+' ? da + (double)i * ds : da * pow(ds, (double)i);
        if (v > db + slack)
            break;
        if (i == SWEEP_MAX_LIST) {
            snprintf(err, n, "'%s': more than %d values", item, SWEEP_MAX_LIST);
            return -EINVAL;
        }
        base_fmt_double(buf, sizeof buf, v > db ? db : v);
        if (strv_push(sv, buf, strlen(buf)) < 0)
            goto nomem;
    }
    return 0;
nomem:
    snprintf(err, n, "out of memory");
    return -ENOMEM;
}

int sweep_list(const char *text, int ranges, sweep_strv *sv, char *err, size_t n)
{
    const char *p = text;
    size_t before = sv->n;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (a == b) {
            snprintf(err, n, "'%s': empty value in the list", text);
            return -EINVAL;
        }
        char item[4096];
        size_t len = (size_t)(b - a);
        if (len >= sizeof item) {
            snprintf(err, n, "a value of the list is too long");
            return -EINVAL;
        }
        memcpy(item, a, len);
        item[len] = '\0';
        int rc = ranges && strstr(item, "..") ? expand_range(item, sv, err, n)
                                              : strv_push(sv, item, len);
        if (rc == -ENOMEM)
            snprintf(err, n, "out of memory");
        if (rc < 0)
            return rc;
        /* many ranges in one list must not add up to unbounded memory */
        if (sv->n - before > SWEEP_MAX_LIST) {
            snprintf(err, n, "more than %d values in the list", SWEEP_MAX_LIST);
            return -EINVAL;
        }
        if (!comma)
            return 0;
        p = comma + 1;
    }
}
