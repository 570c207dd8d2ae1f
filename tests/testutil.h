/*
 * tests/testutil.h -- what the cmocka tests share.  cmocka 1.1.5's
 * assert_float_equal compares as float, so doubles get assert_close.
 */
#ifndef SHSIM_TESTS_TESTUTIL_H
#define SHSIM_TESTS_TESTUTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define assert_close(a, b, rel, abs_)                                                           \
    do {                                                                                        \
        double a_ = (a), b_ = (b);                                                              \
        double tol_ = fmax((abs_), (rel) * fmax(fabs(a_), fabs(b_)));                           \
        if (!(fabs(a_ - b_) <= tol_))                                                           \
            fail_msg("%s = %.17g, %s = %.17g differ by more than %g", #a, a_, #b, b_, tol_);    \
    } while (0)

/* Exact equality of doubles, with both values in the message. */
#define assert_double_exact(a, b)                                                               \
    do {                                                                                        \
        double a_ = (a), b_ = (b);                                                              \
        if (!(a_ == b_))                                                                        \
            fail_msg("%s = %.17g but %s = %.17g", #a, a_, #b, b_);                              \
    } while (0)

/* hay contains needle, or the test fails naming both. */
#define assert_contains(hay, needle)                                                            \
    do {                                                                                        \
        if (strstr((hay), (needle)) == NULL)                                                    \
            fail_msg("'%s' does not contain '%s'", (hay), (needle));                            \
    } while (0)

#endif
