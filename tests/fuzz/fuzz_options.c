/*
 * tests/fuzz/fuzz_options.c -- libFuzzer harness for the option parser of
 * `shsim run`: the input, split at newlines, is the argument list.  Parsing
 * must accept or reject, never crash.  Input with a NUL byte ends there.  Built and run by `make fuzz`.
 */
#include "sim/cli/cli.h"
#include "tests/fuzz/argv_split.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { MAXARG = 64 };
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[MAXARG + 2];
    int argc = argv_split(buf, argv, MAXARG + 2);
    run_spec rs;
    run_cli o = { .silent = 1 };
    int rc = cli_run_parse(argc, argv, &rs, &o);
    if (rc == 0 && (rs.ep.workers < 1 || rs.sp.eta < 2 || !(rs.ep.horizon > 0)))
        abort(); /* accepted an impossible option */
    free(buf);
    return 0;
}
