/*
 * sim/cli/cli_compare.h -- what the two halves of `shsim compare` share
 * (cli_compare.c runs the schedulers; cli_compare_table.c reads their
 * summaries back and prints and writes the side-by-side table).
 *
 * The table is read back from the files the runs wrote -- DIR/FOLDER/
 * summary.csv for one seed, DIR/sweep/sweep_agg.csv for several -- so it
 * always equals them, and a table row is just a summary column's name:
 * adding a summary column to the table is one entry of compare_metrics[].
 *
 * Memory: a compare_table owns its strings; compare_table_free() releases
 * them (and does nothing on a zeroed table).
 */
#ifndef SHSIM_SIM_CLI_COMPARE_H
#define SHSIM_SIM_CLI_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#define COMPARE_MAX_SCHEDULERS 8

/* The table's rows: indices into summary_columns[] (sim/summary.h), whose
 * names, labels and decimals they show (sweep_agg.csv: COLUMN_mean, ..). */
extern const int compare_metrics[];
extern const size_t compare_nmetrics;

/* The schedulers compared, in the order given. */
typedef struct {
    size_t n;
    char label[COMPARE_MAX_SCHEDULERS][64];  /* sh:strict */
    char folder[COMPARE_MAX_SCHEDULERS][64]; /* sh-strict: DIR/sh-strict/ */
} compare_set;

/* The values of the table, as the files spell them (exact, "" when none):
 * one seed: val[s][m][0]; seeds: val[s][m][0..3] = mean, lo, hi, n (n: the
 * runs that have a value; "" when the sweep has no COLUMN_n, i.e. every
 * run has one), and runs_ok[s]. */
typedef struct {
    size_t nsched, nmetrics;
    int seeds;
    char *(*val)[4];  /* [s * nmetrics + m][k] */
    char *runs_ok[COMPARE_MAX_SCHEDULERS];
} compare_table;

/* Read the table of the runs in dir: 0, or -errno with a message in err
 * naming the file (and line or column). */
int compare_table_load(compare_table *t, const char *dir, const compare_set *cs, int seeds,
                       char *err, size_t n);
/* The side-by-side table (metrics as rows, schedulers as columns). */
void compare_table_print(FILE *f, const compare_table *t, const compare_set *cs);
/* DIR/compare.csv, one row per scheduler, atomically: 0 or -errno. */
int compare_table_write(const compare_table *t, const compare_set *cs, const char *dir,
                        char *err, size_t n);
/* The table's cell of metric `column` of scheduler s, as printed ("30.6",
 * "30.6 [28.1, 33.0]", "-"): 0, or -1 when the table has no such column. */
int compare_table_cell(const compare_table *t, size_t s, const char *column, char *buf, size_t n);
void compare_table_free(compare_table *t);

#endif
