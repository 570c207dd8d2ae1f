/*
 * tests/test_hostile.c -- regressions of the hostile tester's cases (issue
 * 12) that are best checked below the command line: line numbers whatever
 * the line ends.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/testutil.h"
#include "traces/table_read.h"

typedef struct {
    unsigned long line[8];
    size_t n;
} lines_seen;

static int note_line(void *ctx, const tr_record *rec, char *err, size_t errlen)
{
    lines_seen *s = ctx;
    (void)err;
    (void)errlen;
    if (s->n < 8)
        s->line[s->n++] = rec->line;
    return 0;
}

/* A bare CR ends a line as LF and CRLF do, also when a CRLF is split
 * between the reader's 64 KiB blocks (the CR its last byte). */
static void test_line_ends(void **state)
{
    (void)state;
    char err[256];
    lines_seen s = { { 0 }, 0 };
    const char *cr = "# c\ra,b\r1,2\r\r3,4\r";
    assert_int_equal(tr_read_mem("cr", cr, strlen(cr), note_line, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.line[0], 2);
    assert_int_equal(s.line[1], 3);
    assert_int_equal(s.line[2], 5);

    size_t block = 65536, len = block + 64;
    char *big = malloc(len + 1);
    assert_non_null(big);
    memcpy(big, "a,b\r\n", 5);
    memset(big + 5, ' ', block - 5);
    big[block - 7] = '\n';
    memcpy(big + block - 6, "1,2\r\n", 5);
    memcpy(big + block - 1, "\r\n3,4\n5,6\r", 10);
    big[block - 1 + 10] = '\0';
    len = block - 1 + 10;
    memset(&s, 0, sizeof s);
    /* lines: 1 header, 2 blanks, 3 "1,2", 4 empty, its CR the block's last
     * byte and its LF the next block's first, 5 "3,4", 6 "5,6" */
    assert_int_equal(tr_read_mem("split", big, len, note_line, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.line[0], 1);
    assert_int_equal(s.line[1], 3);
    assert_int_equal(s.line[2], 5);
    assert_int_equal(s.line[3], 6);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
