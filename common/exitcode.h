/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exit statuses of xenlog and xenlogd: one convention for both programs,
 * documented in xenlog(1) and xenlogd(8) (EXIT STATUS).
 */
#ifndef XENLOG_EXITCODE_H
#define XENLOG_EXITCODE_H

#define XL_EXIT_OK      0   /* success */
#define XL_EXIT_FAILURE 1   /* the work could not be done; the reason is on stderr or in the log */
#define XL_EXIT_USAGE   2   /* bad options or operands: nothing was done */

/* `xenlog run` only, as env(1), nohup(1) and timeout(1) do: */
#define XL_EXIT_RUNFAIL  125    /* xenlog itself failed (the stream) */
#define XL_EXIT_NOEXEC   126    /* COMMAND found but not executable */
#define XL_EXIT_NOTFOUND 127    /* COMMAND not found */

#endif
