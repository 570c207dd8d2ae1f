/*
 * sim/output.h -- writing output files safely and numbers exactly.
 *
 * Every output is written to a temporary name in its folder and renamed into
 * place only when all files of a run are complete (out_set_commit), so a
 * failed run leaves the folder as it was.  Numbers are printed in the
 * shortest form that reads back to the same double (core/base.h), so a CSV
 * round-trips to the last bit and stays readable ("4", "0.1").
 */
#ifndef SHSIM_SIM_OUTPUT_H
#define SHSIM_SIM_OUTPUT_H

#include <stdio.h>

#define OUT_MAX_FILES 16

typedef struct {
    char final[OUT_MAX_FILES][4096];
    char tmp[OUT_MAX_FILES][4096];
    FILE *f[OUT_MAX_FILES];
    int n;
    char err[4200];
    /* the folder the files go to, and the outermost folder out_set_open()
     * created for them ("" when it existed): a failed set removes what it
     * created, so a failed command leaves no empty folder behind */
    char dir[4096], made[4096];
} out_set;

void out_set_init(out_set *s);
/* Open DIR/NAME for writing under a temporary name; NULL on error (see err).
 * Creates DIR when missing. */
FILE *out_set_open(out_set *s, const char *dir, const char *name);
/* Close all, check every write, rename all into place: 0 or -errno (err says
 * which file); on failure every temporary file and every folder the set
 * created is removed. */
int out_set_commit(out_set *s);
/* Remove every temporary file and the folders the set created (after a
 * failure elsewhere). */
void out_set_abort(out_set *s);

/* Numbers (base_put_double: shortest round trip, NaN empty) and CSV fields
 * (base_put_csv_field) are written with core/base.h's functions. */
#include "core/base.h"

/* mkdir -p; 0 or -errno. */
int make_dirs(const char *path);
/* The same, and the outermost folder it created into made (n bytes; "" when
 * path existed), for a caller that removes it again on failure. */
int make_dirs_made(const char *path, char *made, size_t n);
/* Remove the empty folders from path up to and including made (as filled by
 * make_dirs_made); folders that are not empty stay. */
void unmake_dirs(const char *path, const char *made);

#endif
