/*
 * sim/gantt_text.c -- the schedule as text, one row per worker: a job is
 * "|T3r1----" (trial 3 aiming at rung 1), idle time is dots, a job cut by
 * the horizon ends in "~~~", a dropped one in "xxx".  Columns are rounded,
 * so a job shorter than a column may hide a neighbour's label; the CSV files
 * are exact.  A cut or dropped job always keeps its mark in its last column
 * (drawn after every job, so no label or neighbour hides it): its label
 * needs one column more than a plain job's, and a job one column wide
 * shows only its mark ("~" or "x" instead of "|").
 */
#include "sim/record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int col(double t, double scale, int width)
{
    long c = lround(t * scale);
    return c < 0 ? 0 : c > width ? width : (int)c;
}

/* The fill of a job's bar: '~' cut at the horizon, 'x' dropped, '-' else. */
static char job_mark(const job_row *j)
{
    return j->outcome == OUT_CUT ? '~' : j->outcome == OUT_DROPPED ? 'x' : '-';
}

void gantt_text(FILE *f, const run_result *r, int width)
{
    double end = r->sum.end_time;
    uint32_t nw = r->sum.workers;
    if (!(end > 0) || nw == 0 || width < 10)
        return;
    if (nw > 64) {
        fprintf(f, "(text Gantt chart skipped: %u workers; see jobs.csv)\n", nw);
        return;
    }
    /* one column = a round step (1, 2 or 5 times a power of ten), so the
     * ticks every 10 columns fall on round times */
    static const double mult[] = { 1, 2, 5 };
    double step = 0, p10 = pow(10.0, floor(log10(end / width)));
    for (int i = 0; !(step > 0); i = (i + 1) % 3) {
        if (end / (mult[i] * p10) <= width)
            step = mult[i] * p10;
        else if (i == 2)
            p10 *= 10;
    }
    width = (int)ceil(end / step - 1e-9);
    double scale = 1.0 / step;
    char *row = malloc((size_t)width + 1);
    if (!row)
        return;
    fprintf(f, "Schedule: 0 to %g s, one column = %g s\n", end, step);
    for (uint32_t w = 0; w < nw; w++) {
        memset(row, ' ', (size_t)width);
        row[width] = '\0';
        for (size_t i = 0; i < r->n_idle; i++) {
            const idle_row *x = &r->idle[i];
            if (x->worker != w)
                continue;
            for (int c = col(x->start, scale, width); c < col(x->end, scale, width); c++)
                row[c] = '.';
        }
        for (size_t i = 0; i < r->n_jobs; i++) {
            const job_row *j = &r->jobs[i];
            if (j->worker != w)
                continue;
            int c0 = col(j->start, scale, width), c1 = col(j->end, scale, width);
            if (c1 <= c0)
                c1 = c0 + 1 <= width ? c0 + 1 : width;
            char fill = job_mark(j);
            for (int c = c0; c < c1; c++)
                row[c] = fill;
            if (c0 < width)
                row[c0] = '|';
            char label[32];
            int len = snprintf(label, sizeof label, "T%ur%u", j->trial, j->rung);
            if (c0 + 1 + len + (fill != '-') <= c1)
                memcpy(row + c0 + 1, label, (size_t)len);
        }
        /* the marks last: a cut or dropped job is never hidden */
        for (size_t i = 0; i < r->n_jobs; i++) {
            const job_row *j = &r->jobs[i];
            char mark = job_mark(j);
            if (j->worker != w || mark == '-')
                continue;
            int c0 = col(j->start, scale, width), c1 = col(j->end, scale, width);
            int last = c1 > c0 ? c1 - 1 : c0;
            if (last < width)
                row[last] = mark;
        }
        fprintf(f, "W%-3u%s|\n", w, row);
    }
    /* a time axis with a tick every 10 columns */
    memset(row, ' ', (size_t)width);
    for (int c = 0; c < width; c += 10)
        row[c] = '+';
    fprintf(f, "    %s+\n    ", row);
    for (int c = 0; c < width; c += 10)
        fprintf(f, "%-10.4g", c / scale);
    fputc('\n', f);
    fputs("    |T3r1--- job of trial 3 aiming at rung 1   ... idle   ~~~ cut at the horizon"
          "   xxx dropped\n", f);
    free(row);
}
