/*
 * sim/cli/cli_sweep_config.c -- the layers of `shsim sweep`'s values: setting
 * a key, and reading config files and presets into a layer (INI, libinih).
 * See cli_sweep.h.
 */
#include "sim/cli/cli_sweep.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_sweep_layer_set(sweep_layers *L, int k, const char *v, char *owned, const char *where)
{
    free(L->owned[k]);
    L->owned[k] = owned;
    L->val[k] = v;
    snprintf(L->where[k], sizeof L->where[k], "%s", where);
}

int cli_sweep_key_by_name(const char *name)
{
    char norm[64];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof norm; i++)
        norm[i] = name[i] == '_' ? '-' : name[i];
    norm[i] = '\0';
    for (int k = 0; k < NKEYS; k++)
        if (strcmp(norm, cli_sweep_keys[k].name) == 0 || (cli_sweep_keys[k].alias && strcmp(norm, cli_sweep_keys[k].alias) == 0))
            return k;
    return -1;
}

/* ---- config files and presets (libinih) ------------------------------- */

typedef struct {
    sweep_layers *L;
    const char *file;
    FILE *f;
    int line, lines_done, bad;
    int indented;          /* the current line starts with a blank */
    int last_key;          /* the key of the last key = value line, or -1 */
    int seen[NKEYS];       /* the line each key was set on, 0: not yet */
} ini_ctx;

/* fgets for inih that knows the line number (inih is built without
 * INI_HANDLER_LINENO) and refuses lines longer than its buffer (libinih's
 * fixed 200 bytes: a long list goes on indented continuation lines). */
static char *ini_reader_fn(char *str, int num, void *stream)
{
    ini_ctx *c = stream;
    c->line = c->lines_done + 1;
    if (!fgets(str, num, c->f))
        return NULL;
    size_t len = strlen(str);
    if (len && str[len - 1] == '\n') {
        c->lines_done++;
    } else if (!feof(c->f)) {
        if (len + 2 < (size_t)num) /* fgets stopped early: strlen met a NUL */
            cli_error("%s:%d: contains a NUL byte", c->file, c->line);
        else
            cli_error("%s:%d: line longer than %d characters (continue a long list on "
                      "indented lines)", c->file, c->line, num - 3);
        c->bad = 1;
        return NULL;
    }
    c->indented = str[0] == ' ' || str[0] == '\t';
    return str;
}

static int ini_handler_fn(void *user, const char *section, const char *name, const char *value)
{
    ini_ctx *c = user;
    char where[320];
    if (c->f)
        snprintf(where, sizeof where, "%s:%d", c->file, c->line);
    else
        snprintf(where, sizeof where, "%s", c->file);
    if (*section && strcmp(section, "sweep") != 0) {
        cli_error("%s: section [%s]: only [sweep] (or none) is known", where, section);
        c->bad = 1;
        return 0;
    }
    int k = cli_sweep_key_by_name(name);
    if (k < 0) {
        cli_error("%s: unknown key '%s' (keys are the long options of shsim sweep)", where, name);
        c->bad = 1;
        return 0;
    }
    /* an indented line continues the list of the key before (inih hands it
     * over under that key's name) */
    int cont = c->f && c->indented && k == c->last_key;
    if (c->f && !cont && c->seen[k]) {
        cli_error("%s: key '%s' given twice (also on line %d)", where, name, c->seen[k]);
        c->bad = 1;
        return 0;
    }
    char *v;
    if (cont) {
        const char *old = c->L->val[k];
        size_t lo = strlen(old);
        if ((v = malloc(lo + strlen(value) + 2)))
            sprintf(v, "%s%s%s", old, lo && old[lo - 1] == ',' ? "" : ",", value);
        snprintf(where, sizeof where, "%s", c->L->where[k]);
    } else {
        v = strdup(value);
    }
    if (!v) {
        cli_error("out of memory");
        c->bad = 1;
        return 0;
    }
    cli_sweep_layer_set(c->L, k, v, v, where);
    if (c->f && !cont)
        c->seen[k] = c->line;
    c->last_key = k;
    return 1;
}

int cli_sweep_read_config(sweep_layers *L, const char *file)
{
    ini_ctx c = { .L = L, .file = file, .last_key = -1 };
    if (!(c.f = fopen(file, "r"))) {
        cli_error("--config %s: %s", file, strerror(errno));
        return -1;
    }
    int rc = ini_parse_stream(ini_reader_fn, &c, ini_handler_fn, &c);
    if (ferror(c.f) && !c.bad) {
        /* fgets failed (a folder, an I/O error): inih took it for the end */
        cli_error("--config %s: read error: %s", file, strerror(errno));
        c.bad = 1;
    }
    fclose(c.f);
    if (rc > 0 && !c.bad)
        cli_error("%s:%d: not a key = value line", file, rc);
    return rc != 0 || c.bad ? -1 : 0;
}

int cli_sweep_read_preset(sweep_layers *L, const char *name)
{
    for (size_t i = 0; i < cli_sweep_npresets; i++)
        if (strcmp(name, cli_sweep_presets[i].name) == 0) {
            char where[64];
            snprintf(where, sizeof where, "preset %s", name);
            ini_ctx c = { .L = L, .file = where, .last_key = -1 };
            return ini_parse_string(cli_sweep_presets[i].ini, ini_handler_fn, &c) != 0 || c.bad ? -1 : 0;
        }
    fprintf(stderr, "shsim: --preset '%s': unknown; choose one of", name);
    for (size_t i = 0; i < cli_sweep_npresets; i++)
        fprintf(stderr, "%s %s", i ? "," : "", cli_sweep_presets[i].name);
    fputc('\n', stderr);
    return -1;
}

void cli_sweep_note_where(const sweep_layers *L, int k)
{
    if (strncmp(L->where[k], "--", 2) != 0)
        fprintf(stderr, "shsim:   (%s: %s = %s)\n", L->where[k], cli_sweep_keys[k].name, L->val[k]);
}
