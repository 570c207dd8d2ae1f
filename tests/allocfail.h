/*
 * tests/allocfail.h -- allocation-failure injection for a module's own
 * test: include it, then the module's .c files (their malloc, calloc and
 * realloc become the ones below), then #undef malloc, calloc, realloc.  allocfail_after(k)
 * lets k allocations succeed and fails the next one (once); -1: never.
 * Macros, not the linker's --wrap, so it works with any C11 toolchain.
 */
#ifndef SHSIM_TESTS_ALLOCFAIL_H
#define SHSIM_TESTS_ALLOCFAIL_H

#include <stdlib.h>
#include <string.h>

static long allocfail_left = -1;
static unsigned long allocfail_failed; /* failures injected so far */

static inline void allocfail_after(long k) { allocfail_left = k; }

static inline int allocfail_now(void)
{
    if (allocfail_left < 0)
        return 0;
    if (allocfail_left-- > 0)
        return 0;
    allocfail_failed++; /* allocfail_left is -1 again: one failure */
    return 1;
}

static inline void *allocfail_malloc(size_t n) { return allocfail_now() ? NULL : malloc(n); }
static inline void *allocfail_calloc(size_t k, size_t n) { return allocfail_now() ? NULL : calloc(k, n); }
static inline void *allocfail_realloc(void *p, size_t n) { return allocfail_now() ? NULL : realloc(p, n); }

#define malloc(n) allocfail_malloc(n)
#define calloc(k, n) allocfail_calloc(k, n)
#define realloc(p, n) allocfail_realloc(p, n)

#endif
