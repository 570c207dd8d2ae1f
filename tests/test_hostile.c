/*
 * tests/test_hostile.c -- regressions of hostile input that are best
 * checked below the command line: line numbers whatever the line ends, and
 * the memory a run may take (docs/input-errors.md, "Memory"): every run
 * stops at --max-events events, and the bytes per event and per worker
 * that page promises are measured here as peak RSS growth of a forked
 * child (skipped under sanitizers and valgrind, whose allocators inflate
 * it).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/run_spec.h"

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

/* The bounds of docs/input-errors.md (section "Memory"), checked below. */
#define TRACE_BYTES_PER_EVENT 150.0
#define BARE_BYTES_PER_EVENT 50.0
#define BYTES_PER_WORKER 256.0

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

static int inflated_allocator(void)
{
    const char *pre = getenv("LD_PRELOAD");
    return UNDER_SANITIZER || (pre && (strstr(pre, "valgrind") || strstr(pre, "vgpreload")));
}

/* Run rs in a forked child: its peak RSS growth in bytes; its status in
 * *rc_out. */
static double child_growth(run_spec *rs, int *rc_out)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rusage ru;
        char err[4608];
        run_result res;
        workload *wl = NULL;
        getrusage(RUSAGE_SELF, &ru);
        long base = ru.ru_maxrss;
        double out[2];
        out[1] = run_spec_execute(rs, &res, &wl, err, sizeof err);
        if (out[1] == 0)
            run_result_free(&res);
        workload_free(wl);
        getrusage(RUSAGE_SELF, &ru);
        out[0] = 1024.0 * (double)(ru.ru_maxrss - base);
        _exit(write(fd[1], out, sizeof out) == (ssize_t)sizeof out ? 0 : 1);
    }
    close(fd[1]);
    double out[2] = { -1, -1 };
    assert_int_equal(read(fd[0], out, sizeof out), (ssize_t)sizeof out);
    close(fd[0]);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    *rc_out = (int)out[1];
    return out[0];
}

/* The hostile run: one-epoch trials of 1e-9 s under strict SH (the core
 * that keeps the most per trial), stopped by the cap, with traces (about
 * 100 bytes per event measured) and without (about 10). */
static void test_memory_per_event(void **state)
{
    (void)state;
    run_spec rs = run_spec_default();
    assert_int_equal(rs.ep.max_events, RUN_MAX_EVENTS);
    snprintf(rs.workload, sizeof rs.workload, "synthetic:constant:1e-9");
    rs.type = sched_sh;
    rs.sp.r_max = 1;
    rs.r_max_given = 1;
    rs.ep.horizon = 100;
    /* under valgrind only the cap is checked: a smaller run */
    rs.ep.max_events = inflated_allocator() ? 100000 : 1000000;
    int rc;
    double grown = child_growth(&rs, &rc);
    assert_int_equal(rc, -E2BIG);
    if (!inflated_allocator() && grown > TRACE_BYTES_PER_EVENT * 1e6)
        fail_msg("with traces: %.0f bytes per event, docs/input-errors.md says at most %.0f", grown / 1e6,
                 TRACE_BYTES_PER_EVENT);
    rs.ep.record = 0;
    grown = child_growth(&rs, &rc);
    assert_int_equal(rc, -E2BIG);
    if (!inflated_allocator() && grown > BARE_BYTES_PER_EVENT * 1e6)
        fail_msg("without traces: %.0f bytes per event, docs/input-errors.md says at most %.0f",
                 grown / 1e6, BARE_BYTES_PER_EVENT);
}

/* 2^20 workers, one trial: about 200 bytes per worker measured. */
static void test_memory_per_worker(void **state)
{
    (void)state;
    run_spec rs = run_spec_default();
    snprintf(rs.workload, sizeof rs.workload, "synthetic");
    rs.trials = 1;
    rs.ep.workers = inflated_allocator() ? 1u << 14 : 1u << 20;
    int rc;
    double grown = child_growth(&rs, &rc);
    assert_int_equal(rc, 0);
    if (!inflated_allocator() && grown > BYTES_PER_WORKER * (1u << 20))
        fail_msg("%.0f bytes per worker, docs/input-errors.md says at most %.0f", grown / (1u << 20),
                 BYTES_PER_WORKER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_memory_per_event),
        cmocka_unit_test(test_memory_per_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
