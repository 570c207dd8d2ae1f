/*
 * traces/table_read.h -- inside traces/ only: read a CSV file record by
 * record, knowing which line each record starts on.
 *
 * RFC 4180 via libcsv (quoted fields may hold commas, quotes and newlines);
 * a UTF-8 byte-order mark at the start is dropped; LF, CRLF and a bare CR
 * end lines; blank lines are skipped; lines that start with '#' before the first
 * record (the header) are comments.  The first record delivered is the
 * header; its fields name the columns in the reader's own messages.
 *
 * Limits: a physical line or a record longer than TR_MAX_LINE bytes is an
 * error, so a corrupt or binary file cannot make the reader allocate without
 * bound.  Fields never contain a NUL byte (that is an error too), so they
 * are plain C strings.
 *
 * Errors: tr_read() returns 0, the first negative code a callback returned,
 * or its own: -ENOENT etc. from fopen ("FILE: No such file or directory"),
 * -errno (-EIO if unknown) for a read error, -EINVAL for malformed quoting, an overlong line or a
 * NUL ("FILE:LINE: field 'NAME': ..."), -ENOMEM.
 */
#ifndef SHSIM_TRACES_TABLE_READ_H
#define SHSIM_TRACES_TABLE_READ_H

#include <stddef.h>

#define TR_MAX_LINE ((size_t)1 << 20) /* 1 MiB */

typedef struct {
    const char *const *field; /* n NUL-terminated fields, valid during the call */
    size_t n;
    unsigned long line;       /* the physical line (1-based) the record starts on */
    unsigned long index;      /* 0 for the header, then 1, 2, ... */
} tr_record;

/* Called for each record in file order.  Returns 0 to go on, or a negative
 * code after writing its message into err, which stops the reading. */
typedef int (*tr_record_fn)(void *ctx, const tr_record *rec, char *err, size_t errlen);

int tr_read(const char *path, tr_record_fn fn, void *ctx, char *err, size_t errlen);
/* The same for len bytes in memory (a table embedded into the binary);
 * messages name `name` as if it were the file. */
int tr_read_mem(const char *name, const char *data, size_t len, tr_record_fn fn, void *ctx, char *err,
                size_t errlen);

#endif
