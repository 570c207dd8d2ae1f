/*
 * sim/sweep/sweep_read.c -- reading sweep files back: a whole file, and a
 * folder's sweep_info.csv checked field by field (sweep_merge, and a resume
 * that finds the files already complete).
 *
 * Invariants: a file read is whole and ends in a newline (one cut short is
 * refused); a part_info read is consistent (shard < shards, runs = cells x
 * seeds, a 16-digit grid hash).  Errors name the file, line and field.
 */
#include "sim/sweep/sweep_impl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sweep_read_all(const char *dir, const char *name, file_buf *fb, char *err, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        snprintf(err, n, "%s: %s", path, strerror(e));
        return -e;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int rc = 0;
    for (;;) {
        if (!buf) {
            rc = -ENOMEM;
            snprintf(err, n, "%s: out of memory", path);
            break;
        }
        len += fread(buf + len, 1, cap - len - 1, f);
        if (ferror(f)) {
            rc = -EIO;
            snprintf(err, n, "%s: read error", path);
            break;
        }
        if (feof(f))
            break;
        cap *= 2;
        char *q = realloc(buf, cap);
        if (!q)
            free(buf);
        buf = q;
    }
    fclose(f);
    if (rc == 0 && (len == 0 || buf[len - 1] != '\n')) {
        rc = -EINVAL;
        snprintf(err, n, "%s: empty or cut short (no final newline)", path);
    }
    const char *nul = rc == 0 ? memchr(buf, '\0', len) : NULL;
    if (nul) { /* the readers treat the text as a C string */
        size_t line = 1;
        for (const char *q = buf; q < nul; q++)
            line += *q == '\n';
        rc = -EINVAL;
        snprintf(err, n, "%s:%zu: a NUL byte", path, line);
    }
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    fb->text = buf;
    fb->len = len;
    return 0;
}

static const char info_header[] = "shard,shards,cells,seeds,runs,curve_points,grid";

int sweep_read_info(const char *dir, part_info *pi, char *err, size_t n)
{
    file_buf fb;
    struct stat st;
    if (stat(dir, &st) < 0) {
        int e = errno;
        snprintf(err, n, "%s: %s", dir, strerror(e));
        return -e;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, n, "%s: not a folder", dir);
        return -ENOTDIR;
    }
    int rc = sweep_read_all(dir, "sweep_info.csv", &fb, err, n);
    if (rc == -ENOENT) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, SWEEP_JOURNAL);
        if (access(path, F_OK) == 0)
            snprintf(err, n, "%s: its sweep was interrupted (%s): finish it with shsim sweep "
                     "--resume first", dir, path);
    }
    if (rc < 0)
        return rc;
    static const char *const names[] = { "shard", "shards", "cells", "seeds", "runs",
                                         "curve_points", "grid" };
    char *line2 = strchr(fb.text, '\n') + 1, *eol = strchr(line2, '\n');
    unsigned long long v[6] = { 0 };
    char *f = line2;
    size_t i = 0;
    rc = -EINVAL;
    if ((size_t)(line2 - fb.text) != sizeof info_header ||
        memcmp(fb.text, info_header, sizeof info_header - 1) != 0) {
        snprintf(err, n, "%s/sweep_info.csv:1: not the header of a sweep's info file (%s)", dir,
                 info_header);
        goto done;
    }
    if (!eol) {
        snprintf(err, n, "%s/sweep_info.csv:2: no values", dir);
        goto done;
    }
    *eol = '\0';
    if (eol[1]) {
        snprintf(err, n, "%s/sweep_info.csv:3: more than one row of values", dir);
        goto done;
    }
    for (;; i++) {
        char *comma = strchr(f, ',');
        if (comma)
            *comma = '\0';
        if (i == 7) {
            snprintf(err, n, "%s/sweep_info.csv:2: more than 7 fields", dir);
            goto done;
        }
        int good = i < 6 ? sweep_all_digits(f) && (errno = 0, v[i] = strtoull(f, NULL, 10), !errno)
                         : strlen(f) == 16 && strspn(f, "0123456789abcdef") == 16;
        if (!good) {
            snprintf(err, n, "%s/sweep_info.csv:2: field '%s': '%.40s' is not %s", dir, names[i],
                     f, i < 6 ? "a whole number" : "16 hexadecimal digits");
            goto done;
        }
        if (i == 6)
            snprintf(pi->grid, sizeof pi->grid, "%s", f);
        if (!comma)
            break;
        f = comma + 1;
    }
    if (i < 6) {
        snprintf(err, n, "%s/sweep_info.csv:2: %zu fields, the header has 7", dir, i + 1);
        goto done;
    }
    if (v[1] < 1 || v[1] > UINT32_MAX || v[0] >= v[1]) {
        snprintf(err, n, "%s/sweep_info.csv:2: field 'shard': %llu of %llu shards is not a shard",
                 dir, v[0], v[1]);
        goto done;
    }
    if (v[5] > UINT32_MAX) {
        snprintf(err, n, "%s/sweep_info.csv:2: field 'curve_points': %llu is too large", dir,
                 v[5]);
        goto done;
    }
    if ((v[3] && v[2] > ULLONG_MAX / v[3]) || v[2] * v[3] != v[4]) {
        snprintf(err, n, "%s/sweep_info.csv:2: field 'runs': %llu, but %llu cells x %llu seeds",
                 dir, v[4], v[2], v[3]);
        goto done;
    }
    pi->shard = (uint32_t)v[0];
    pi->shards = (uint32_t)v[1];
    pi->cells = v[2];
    pi->seeds = v[3];
    pi->runs = v[4];
    pi->k = (uint32_t)v[5];
    rc = 0;
done:
    free(fb.text);
    return rc;
}
