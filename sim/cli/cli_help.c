/*
 * sim/cli/cli_help.c -- help text made from the tables that hold the facts:
 * an option's entry wrapped to the column layout every usage uses, and the
 * workload kinds (traces/' table, workload_kind()) in --workload's and
 * --order's entries and in the message for an empty --workload.
 */
#include "sim/cli/cli.h"

#include <stdio.h>
#include <string.h>

/* The layout of every usage: options in the first 35 columns, their text
 * after, lines up to 90 columns. */
enum { HELP_TEXT_COL = 35, HELP_WIDTH = 90 };

void cli_help_entry(FILE *f, const char *opt, const char *text)
{
    cli_help_entry_at(f, opt, text, HELP_TEXT_COL, HELP_WIDTH);
}

void cli_help_entry_at(FILE *f, const char *opt, const char *text, size_t text_col, size_t width)
{
    size_t col = strlen(opt);
    fputs(opt, f);
    if (col > 0 && col >= text_col) { /* a long option: its text starts below */
        fputc('\n', f);
        col = 0;
    }
    fprintf(f, "%*s", (int)(text_col - col), "");
    col = text_col;
    int fresh = 1; /* nothing on this line yet */
    for (const char *p = text; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t w = *p == '\n' ? 0 : strcspn(p, " \n");
        if (*p == '\n' || (!fresh && col + 1 + w > width)) {
            fprintf(f, "\n%*s", (int)text_col, "");
            col = text_col;
            fresh = 1;
            if (*p == '\n') {
                p++;
                continue;
            }
        }
        if (!fresh) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, w, f);
        col += w;
        fresh = 0;
        p += w;
    }
    fputc('\n', f);
}

void cli_help_workload(FILE *f, const char *dflt)
{
    char text[1024];
    size_t len = workload_kinds_list(text, sizeof text, " | ", " | ");
    snprintf(text + (len < sizeof text ? len : sizeof text - 1),
             sizeof text - (len < sizeof text ? len : sizeof text - 1), "\n(default %s)", dflt);
    cli_help_entry(f, "  -W, --workload SPEC", text);
}

/* The recorded kinds whose default order is `order`, "a, b and c". */
static void kinds_with_order(char *buf, size_t n, wl_order order)
{
    const char *name[64];
    size_t k = 0;
    int recorded;
    wl_order o;
    for (size_t i = 0; k < 64 && (name[k] = workload_kind(i, &recorded, &o)); i++)
        k += recorded && o == order;
    buf[0] = '\0';
    for (size_t i = 0, len = 0; i < k && len < n; i++) {
        snprintf(buf + len, n - len, "%s%s", i == 0 ? "" : i + 1 < k ? ", " : " and ", name[i]);
        len += strlen(buf + len);
    }
}

void cli_help_order(FILE *f)
{
    char seeded[512], file[512], text[1200];
    kinds_with_order(seeded, sizeof seeded, WL_ORDER_SEEDED);
    kinds_with_order(file, sizeof file, WL_ORDER_FILE);
    snprintf(text, sizeof text,
             "recorded workloads: trial k is the table's k-th configuration, or one drawn from "
             "the seed without replacement (default seeded for %s, file for %s)",
             seeded, file);
    cli_help_entry(f, "      --order file|seeded", text);
}

void cli_workload_kinds(char *buf, size_t n)
{
    workload_kinds_list(buf, n, ", ", " or ");
}
