/*
 * core/base.c -- the shared small pieces of core/base.h.
 */
#include "core/base.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void *base_grow(void *p, size_t *cap, size_t need, size_t elem, size_t first)
{
    size_t ncap = *cap ? *cap : first;
    if (need <= *cap)
        return p;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return NULL;
        ncap *= 2;
    }
    void *np = realloc(p, ncap * elem);
    if (np != NULL)
        *cap = ncap;
    return np;
}

void base_fmt_double(char *buf, size_t n, double x)
{
    if (isnan(x)) {
        if (n)
            buf[0] = '\0';
        return;
    }
    if (isinf(x)) {
        snprintf(buf, n, x > 0 ? "inf" : "-inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

void base_put_double(FILE *f, double x)
{
    char buf[40];
    base_fmt_double(buf, sizeof buf, x);
    fputs(buf, f);
}

int base_csv_needs_quotes(const char *s, size_t len, int flags)
{
    if (len == 0)
        return 0;
    if ((flags & BASE_CSV_BLANKS) &&
        (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t'))
        return 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            return 1;
    return 0;
}

/* The one quoting loop: each output character goes to put(c, ctx). */
static size_t csv_emit(const char *src, size_t len, int flags, void (*put)(char c, void *ctx),
                       void *ctx)
{
    size_t need = 0;
    int quote = base_csv_needs_quotes(src, len, flags);
    if (quote)
        put('"', ctx), need++;
    for (size_t i = 0; i < len; i++) {
        if (quote && src[i] == '"')
            put('"', ctx), need++;
        put(src[i], ctx), need++;
    }
    if (quote)
        put('"', ctx), need++;
    return need;
}

typedef struct {
    char *buf;
    size_t n, at;
} buf_sink;

/* Store what fits and keep room for the NUL. */
static void put_buf(char c, void *ctx)
{
    buf_sink *b = ctx;
    if (b->at + 1 < b->n)
        b->buf[b->at] = c;
    b->at++;
}

static void put_file(char c, void *ctx) { fputc(c, (FILE *)ctx); }

size_t base_csv_field(char *buf, size_t n, const char *src, size_t len, int flags)
{
    buf_sink b = { buf, n, 0 };
    size_t need = csv_emit(src, len, flags, put_buf, &b);
    if (n > 0)
        buf[need < n ? need : n - 1] = '\0';
    return need;
}

void base_put_csv_field(FILE *f, const char *s, int flags)
{
    size_t len = strlen(s);
    if (!base_csv_needs_quotes(s, len, flags)) {
        fwrite(s, 1, len, f); /* the common case, in one call */
        return;
    }
    csv_emit(s, len, flags, put_file, f);
}

size_t base_join(char *buf, size_t n, const char *const *names, size_t count, const char *sep,
                 const char *last)
{
    size_t len = 0;
    if (n > 0)
        buf[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        const char *s = i == 0 ? "" : i + 1 < count ? sep : last;
        int w = snprintf(len < n ? buf + len : NULL, len < n ? n - len : 0, "%s%s", s, names[i]);
        len += w > 0 ? (size_t)w : 0;
    }
    return len;
}
