/*
 * sim/sweep/sweep_journal.h -- the journal of a running shard, DIR/.sweep.journal
 * (internal to sim/sweep*.c): one checksummed line per finished run, so that
 * an interrupted sweep can resume.  The format is described in
 * sweep_journal.c.
 *
 * The journal lives in the sweep_job (jfd, jpath, jbuf, jsynced): jfd is -1
 * when none is open; while open, it is locked (fcntl) and positioned at its
 * end.
 */
#ifndef SHSIM_SIM_SWEEP_JOURNAL_H
#define SHSIM_SIM_SWEEP_JOURNAL_H

#include <stddef.h>

#include "sim/sweep/sweep_impl.h"

/* Open (resume) or start the journal in dir: the runs it holds are read
 * into j's slots and a torn last line is cut.  0 with j->jfd open, locked
 * and positioned at its end; -errno with err. */
int sweep_journal_open(sweep_job *j, const char *dir, const char *grid, char *err, size_t n);
/* Append run r's record; under the lock.  0 or -errno (j->err says). */
int sweep_journal_append(sweep_job *j, size_t r);
/* Stop writing the journal: fsync and close (it stays for --resume). */
void sweep_journal_close(sweep_job *j);

#endif
