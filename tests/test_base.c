/*
 * tests/test_base.c -- core/base.h's shared pieces: the growable array
 * (first capacity, doubling, overflow refused), the index min-heap against
 * sorting, shortest round-trip printing (known values, and every printed
 * value reads back exactly), CSV quoting (both policies, snprintf's
 * contract), and SplitMix64 against the reference algorithm's outputs.
 */
#include "core/base.h"
#include "tests/testutil.h"

#include <stdlib.h>
#include <string.h>

static void test_grow(void **state)
{
    (void)state;
    size_t cap = 0;
    int *p = base_grow(NULL, &cap, 1, sizeof *p, 16);
    assert_non_null(p);
    assert_int_equal(cap, 16);
    assert_ptr_equal(base_grow(p, &cap, 16, sizeof *p, 16), p); /* room: unchanged */
    assert_int_equal(cap, 16);
    p = base_grow(p, &cap, 17, sizeof *p, 16);
    assert_non_null(p);
    assert_int_equal(cap, 32);
    p = base_grow(p, &cap, 200, sizeof *p, 16);
    assert_int_equal(cap, 256);
    size_t before = cap;
    assert_null(base_grow(p, &cap, SIZE_MAX / 2, sizeof *p, 16)); /* would overflow */
    assert_int_equal(cap, before);
    free(p);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Pushes and pops interleaved give what sorting gives. */
static void test_u32heap_against_sort(void **state)
{
    (void)state;
    enum { N = 2000 };
    uint32_t *h = malloc(N * sizeof *h), *all = malloc(N * sizeof *all), n = 0;
    uint64_t x = 12345;
    assert_non_null(h);
    assert_non_null(all);
    for (uint32_t i = 0; i < N; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        all[i] = (uint32_t)(x >> 40) % 500; /* duplicates too */
        base_u32heap_push(h, &n, all[i]);
    }
    qsort(all, N, sizeof *all, cmp_u32);
    for (uint32_t i = 0; i < N / 2; i++)
        assert_int_equal(base_u32heap_pop(h, &n), all[i]);
    /* push the popped half back, then drain: sorted again */
    for (uint32_t i = 0; i < N / 2; i++)
        base_u32heap_push(h, &n, all[i]);
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(base_u32heap_pop(h, &n), all[i]);
    assert_int_equal(n, 0);
    free(h);
    free(all);
}

static void test_fmt_double(void **state)
{
    (void)state;
    static const struct {
        double x;
        const char *want;
    } k[] = {
        { 4, "4" },           { 0.1, "0.1" },      { -2.5, "-2.5" },
        { 1.0 / 3, "0.3333333333333333" },           { 0.1 + 0.2, "0.30000000000000004" },
        { 1e300, "1e+300" },
        { 0.0, "0" },         { -0.0, "-0" },
    };
    char buf[40];
    for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
        base_fmt_double(buf, sizeof buf, k[i].x);
        assert_string_equal(buf, k[i].want);
    }
    base_fmt_double(buf, sizeof buf, (double)NAN);
    assert_string_equal(buf, "");
    base_fmt_double(buf, sizeof buf, (double)INFINITY);
    assert_string_equal(buf, "inf");
    base_fmt_double(buf, sizeof buf, -(double)INFINITY);
    assert_string_equal(buf, "-inf");
    uint64_t x = 99;
    for (int i = 0; i < 10000; i++) { /* every bit pattern reads back */
        x = x * 6364136223846793005u + 1442695040888963407u;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v))
            continue;
        base_fmt_double(buf, sizeof buf, v);
        assert_double_exact(strtod(buf, NULL), v);
    }
}

static void test_csv_field(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(base_csv_field(buf, sizeof buf, "plain", 5, 0), 5);
    assert_string_equal(buf, "plain");
    assert_int_equal(base_csv_field(buf, sizeof buf, "a,b", 3, 0), 5);
    assert_string_equal(buf, "\"a,b\"");
    assert_int_equal(base_csv_field(buf, sizeof buf, "say \"hi\"", 8, 0), 12);
    assert_string_equal(buf, "\"say \"\"hi\"\"\"");
    assert_int_equal(base_csv_field(buf, sizeof buf, " x", 2, 0), 2); /* blanks: only asked */
    assert_string_equal(buf, " x");
    assert_int_equal(base_csv_field(buf, sizeof buf, " x", 2, BASE_CSV_BLANKS), 4);
    assert_string_equal(buf, "\" x\"");
    assert_int_equal(base_csv_field(buf, 4, "a\nbcd", 5, 0), 7); /* cut, snprintf's contract */
    assert_string_equal(buf, "\"a\n");
    assert_int_equal(base_csv_field(NULL, 0, "a,b", 3, 0), 5);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    base_put_csv_field(f, "a,\"b\"", 0);
    fputc('|', f);
    base_put_csv_field(f, "c", 0);
    assert_int_equal(fclose(f), 0);
    assert_string_equal(out, "\"a,\"\"b\"\"\"|c");
    free(out);
}

/* SplitMix64 against Vigna's reference splitmix64.c (the numbers below were
 * computed with it restated in Python's arbitrary-precision integers, not
 * with this code): seeded with 1234567, and the first output seeded
 * with 0. */
static void test_splitmix64_reference(void **state)
{
    (void)state;
    static const uint64_t want[5] = { UINT64_C(6457827717110365317), UINT64_C(3203168211198807973),
                                      UINT64_C(9817491932198370423), UINT64_C(4593380528125082431),
                                      UINT64_C(16408922859458223821) };
    uint64_t x = UINT64_C(1234567);
    for (int i = 0; i < 5; i++) {
        assert_true(base_splitmix64_next(&x) == want[i]);
        assert_true(x == UINT64_C(1234567) + (uint64_t)(i + 1) * BASE_SPLITMIX64_GAMMA);
    }
    x = 0;
    assert_true(base_splitmix64_next(&x) == UINT64_C(0xe220a8397b1dcdaf));
    /* the mix alone is the output at the advanced state */
    assert_true(base_splitmix64_mix(BASE_SPLITMIX64_GAMMA) == UINT64_C(0xe220a8397b1dcdaf));
    assert_true(base_splitmix64_mix(0) == 0); /* bijective, 0 its fixed point */
}

/* Lists in words: sep between, last before the last; snprintf's contract
 * when the buffer is short (the length needed back, a NUL-terminated
 * prefix), and n = 0 with no buffer. */
static void test_join(void **state)
{
    (void)state;
    const char *const names[] = { "topk", "quantile", "rank", "ray" };
    char buf[64];
    assert_int_equal(base_join(buf, sizeof buf, names, 4, ", ", " or "), 27);
    assert_string_equal(buf, "topk, quantile, rank or ray");
    assert_int_equal(base_join(buf, sizeof buf, names, 2, ", ", " and "), 17);
    assert_string_equal(buf, "topk and quantile");
    assert_int_equal(base_join(buf, sizeof buf, names, 1, ", ", " or "), 4);
    assert_string_equal(buf, "topk");
    assert_int_equal(base_join(buf, sizeof buf, names, 0, ", ", " or "), 0);
    assert_string_equal(buf, "");
    assert_int_equal(base_join(buf, 9, names, 4, "|", "|"), 22);
    assert_string_equal(buf, "topk|qua");
    assert_int_equal(base_join(NULL, 0, names, 4, ", ", " or "), 27);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_u32heap_against_sort),
        cmocka_unit_test(test_fmt_double),
        cmocka_unit_test(test_csv_field),
        cmocka_unit_test(test_splitmix64_reference),
        cmocka_unit_test(test_join),
    };
    return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
