/*
 * tests/test_cli_help.c -- help text made from tables (sim/cli/cli_help.c):
 * the wrapping of an option's entry, and the --workload and --order entries
 * generated from the workload kinds, byte for byte as the usages print them.
 */
#include "sim/cli/cli.h"
#include "tests/testutil.h"

#include <stdlib.h>
#include <string.h>


static char *capture(void (*fn)(FILE *, const char *, const char *), const char *a,
                     const char *b)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fn(f, a, b);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void entry(FILE *f, const char *opt, const char *text) { cli_help_entry(f, opt, text); }
static void workload_entry(FILE *f, const char *dflt, const char *unused)
{
    (void)unused;
    cli_help_workload(f, dflt);
}
static void order(FILE *f, const char *u1, const char *u2)
{
    (void)u1;
    (void)u2;
    cli_help_order(f);
}

static void test_entry_wraps(void **state)
{
    (void)state;
    char *s = capture(entry, "  -x, --ex N", "short");
    assert_string_equal(s, "  -x, --ex N                       short\n");
    free(s);
    /* a word that would pass column 90 starts the next line, at column 36 */
    s = capture(entry, "  -x", "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff");
    assert_string_equal(s, "  -x                               aaaaaaaaaa bbbbbbbbbb cccccccccc "
                           "dddddddddd eeeeeeeeee\n"
                           "                                   ffffffffff\n");
    free(s);
    /* an option as wide as the column: its text starts below; '\n' breaks */
    s = capture(entry, "      --rule topk|quantile|rank|ray", "one\ntwo");
    assert_string_equal(s, "      --rule topk|quantile|rank|ray\n"
                           "                                   one\n"
                           "                                   two\n");
    free(s);
}

/* As `shsim run --help` printed them when they were written by hand. */
static void test_workload_and_order(void **state)
{
    (void)state;
    char *s = capture(workload_entry, "lenet", NULL);
    assert_string_equal(s, "  -W, --workload SPEC              lenet | lenet-cpu31 | lenet-model[:FILE] | figure |\n"
                           "                                   table:FILE | synthetic[:DIST[:MEAN[:SPREAD]]]\n"
                           "                                   (default lenet)\n");
    free(s);
    s = capture(order, NULL, NULL);
    assert_string_equal(s, "      --order file|seeded          recorded workloads: trial k is the table's k-th\n"
                           "                                   configuration, or one drawn from the seed without\n"
                           "                                   replacement (default seeded for lenet and table:FILE,\n"
                           "                                   file for lenet-cpu31 and figure)\n");
    free(s);
    char kinds[512];
    cli_workload_kinds(kinds, sizeof kinds);
    assert_string_equal(kinds, "lenet, lenet-cpu31, lenet-model[:FILE], figure, table:FILE or "
                               "synthetic[:DIST[:MEAN[:SPREAD]]]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_wraps),
        cmocka_unit_test(test_workload_and_order),
    };
    return cmocka_run_group_tests_name("cli_help", tests, NULL, NULL);
}
