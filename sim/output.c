/*
 * sim/output.c -- atomic output sets and exact number formatting.
 */
#include "sim/output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void out_set_init(out_set *s) { memset(s, 0, sizeof *s); }

int make_dirs(const char *path) { return make_dirs_made(path, NULL, 0); }

int make_dirs_made(const char *path, char *made, size_t n)
{
    char buf[4096];
    size_t len = strlen(path);
    if (made && n)
        made[0] = '\0';
    if (len == 0 || len >= sizeof buf)
        return -ENAMETOOLONG;
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, 0777) == 0) {
            if (made && n && !made[0])
                snprintf(made, n, "%s", buf);
        } else if (errno != EEXIST) {
            return -errno;
        }
        *p = c;
        if (!c)
            break;
    }
    struct stat st;
    if (stat(buf, &st) < 0)
        return -errno;
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

void unmake_dirs(const char *path, const char *made)
{
    char buf[4096];
    size_t len = strlen(made);
    if (!len || (size_t)snprintf(buf, sizeof buf, "%s", path) >= sizeof buf ||
        strncmp(buf, made, len) != 0)
        return;
    /* from the deepest folder up to made; rmdir fails on a folder that is
     * not empty, so nothing of anyone else goes */
    for (;;) {
        size_t bl = strlen(buf);
        while (bl > len && buf[bl - 1] == '/')
            buf[--bl] = '\0';
        if (rmdir(buf) < 0 || bl <= len)
            return;
        char *slash = strrchr(buf, '/');
        if (!slash || (size_t)(slash - buf) < len)
            return;
        *slash = '\0';
    }
}

FILE *out_set_open(out_set *s, const char *dir, const char *name)
{
    if (s->n == OUT_MAX_FILES) {
        snprintf(s->err, sizeof s->err, "%s/%s: too many output files", dir, name);
        return NULL;
    }
    int rc = make_dirs_made(dir, s->n ? NULL : s->made, sizeof s->made);
    if (rc < 0) {
        snprintf(s->err, sizeof s->err, "%s: cannot create folder: %s", dir, strerror(-rc));
        if (!s->n)
            unmake_dirs(dir, s->made);
        return NULL;
    }
    if (!s->n)
        snprintf(s->dir, sizeof s->dir, "%s", dir);
    int i = s->n;
    if ((size_t)snprintf(s->final[i], sizeof s->final[i], "%s/%s", dir, name) >= sizeof s->final[i] ||
        (size_t)snprintf(s->tmp[i], sizeof s->tmp[i], "%s/.%s.XXXXXX", dir, name) >= sizeof s->tmp[i]) {
        snprintf(s->err, sizeof s->err, "%s/%s: path too long", dir, name);
        return NULL;
    }
    /* renaming over a device or folder would replace it (as root even
     * /dev/null): refuse anything but a regular file or nothing */
    struct stat st;
    if (lstat(s->final[i], &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(s->err, sizeof s->err, "%s: exists and is not a regular file", s->final[i]);
        return NULL;
    }
    int fd = mkstemp(s->tmp[i]);
    if (fd < 0) {
        snprintf(s->err, sizeof s->err, "%s: %s", s->final[i], strerror(errno));
        return NULL;
    }
    fchmod(fd, 0644);
    s->f[i] = fdopen(fd, "w");
    if (!s->f[i]) {
        snprintf(s->err, sizeof s->err, "%s: %s", s->final[i], strerror(errno));
        close(fd);
        unlink(s->tmp[i]);
        return NULL;
    }
    s->n++;
    return s->f[i];
}

void out_set_abort(out_set *s)
{
    for (int i = 0; i < s->n; i++) {
        if (s->f[i])
            fclose(s->f[i]);
        s->f[i] = NULL;
        unlink(s->tmp[i]);
    }
    if (s->n)
        unmake_dirs(s->dir, s->made);
    s->n = 0;
}

int out_set_commit(out_set *s)
{
    int rc = 0;
    for (int i = 0; i < s->n; i++) {
        FILE *f = s->f[i];
        s->f[i] = NULL;
        int bad = ferror(f) | fflush(f);
        int e = errno;
        if (fclose(f) != 0 && !bad) {
            bad = 1;
            e = errno;
        }
        if (bad && rc == 0) {
            rc = -(e ? e : EIO);
            snprintf(s->err, sizeof s->err, "%s: write failed: %s", s->final[i], strerror(-rc));
        }
    }
    for (int i = 0; i < s->n && rc == 0; i++)
        if (rename(s->tmp[i], s->final[i]) < 0) {
            rc = -errno;
            snprintf(s->err, sizeof s->err, "%s: %s", s->final[i], strerror(errno));
        }
    if (rc < 0) {
        for (int i = 0; i < s->n; i++)
            unlink(s->tmp[i]);
        unmake_dirs(s->dir, s->made);
    }
    s->n = 0;
    return rc;
}
