/*
 * traces/embedded.h -- inside traces/ only: the files of traces/data/
 * compiled into the binary, so the recorded LeNet workloads work from any
 * folder and after `make install` without a data directory.
 *
 * The Makefile generates the array (BUILD/gen/embedded_data.c, by
 * tools/embed.sh from traces/data/ *.csv and lenet_model.params, the fitted
 * model of traces/model.h); each entry is a file's bytes, NUL-terminated
 * after `len` bytes, named by its base name ("lenet_rs.csv").
 * The data is static and read-only: nothing to free.
 */
#ifndef SHSIM_TRACES_EMBEDDED_H
#define SHSIM_TRACES_EMBEDDED_H

#include <stddef.h>

typedef struct {
    const char *name; /* base name, NULL ends the array */
    const char *data;
    size_t len;
} wl_embedded_file;

extern const wl_embedded_file wl_embedded_files[];

/* The embedded file called name, or NULL. */
const wl_embedded_file *wl_embedded_find(const char *name);

#endif
