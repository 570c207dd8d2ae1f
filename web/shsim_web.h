/*
 * web/shsim_web.h -- what the browser page (web/page.js) calls in the
 * WebAssembly build: one `shsim run` at a time (web/shsim_web.c).
 *
 * What JavaScript reads after shsim_web_run() returned 0:
 *   shsim_web_summary_csv()   summary.csv as `run` writes it (header, row);
 *   shsim_web_table(T, &n)    rows of doubles, n rows, T's columns:
 *       0 jobs  worker, trial, rung, epoch_from, epoch_to, start, end,
 *               outcome (job_outcome: 0 promoted, 1 paused, 2 stopped,
 *               3 completed, 4 cut, 5 dropped, 6 running), bracket;
 *       1 idle  worker, start, end;
 *       2 best  time, trial, epoch, metric, best, best_rmax (NAN: none);
 *   shsim_web_narration()     the --explain lines, '\n'-separated ("" when
 *                             not asked for).
 * And at any time, shsim_web_catalog(): the tables the page builds its
 * controls and summary from, as JSON --
 *   {"schedulers": [{"name", "variants": [..], "option" (the run option
 *                    that picks a variant, "--barrier"/"--type", or null),
 *                    "rule", "brackets" (whether it takes them), "help"}],
 *    "rules": [..], "columns": [{"name", "label", "scale", "decimals",
 *                                 "may_miss"}]}
 * -- core/'s table of scheduler types and the summary columns
 * (sim/summary.h), so a new type or column reaches the page unedited.
 * Doubles go over as they are (no decimal round trip), so the page draws
 * the CLI's values to the last bit.  Bad options print their message on
 * stderr (the page shows it) and make shsim_web_run() return 2, like the
 * command's exit status; a failed run returns 1.
 *
 * Ownership: every pointer returned belongs to shsim_web.c and stays valid
 * until the next shsim_web_run().
 */
#ifndef SHSIM_WEB_SHSIM_WEB_H
#define SHSIM_WEB_SHSIM_WEB_H

/* Run `shsim run` with the '\n'-separated arguments in args; record 0 skips
 * the per-job rows (a sweep needs only the summary).  0, 1 (the run
 * failed) or 2 (bad options), as the command's exit status. */
int shsim_web_run(const char *args, int record);
const char *shsim_web_summary_csv(void);
/* Table t's rows; *rows their number; NULL (and 0) for a bad t. */
const double *shsim_web_table(int t, int *rows);
const char *shsim_web_narration(void);
/* The catalog above; "" when out of memory.  Constant: made once. */
const char *shsim_web_catalog(void);

#endif
