/*
 * tests/fuzz/argv_split.h -- how the option fuzzer and its replay test turn
 * bytes into an argument list: "run", then the NUL-terminated buffer split
 * at newlines (in place), at most max-2 arguments, argv[argc] = NULL.
 */
#ifndef SHSIM_TESTS_FUZZ_ARGV_SPLIT_H
#define SHSIM_TESTS_FUZZ_ARGV_SPLIT_H

#include <string.h>

static inline int argv_split(char *buf, char **argv, int max)
{
    int argc = 0;
    argv[argc++] = (char *)"run";
    for (char *p = buf; argc < max - 1;) {
        argv[argc++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    argv[argc] = NULL;
    return argc;
}

#endif
