/* SPDX-License-Identifier: GPL-2.0-only */
/* Reopening log files by name: SIGHUP, and files moved behind our back. */
#ifndef XENLOGD_REOPEN_H
#define XENLOGD_REOPEN_H

#include <stdint.h>

#include "xenlogd.h"

#define MOVED_CHECK_MS 1000

/* Closes s's file and opens it again by name (created if missing): 1
 * reopened, 0 nothing to do, negative errno (the open file stays in use). */
int stream_reopen(struct stream *s, const char *why);
/* SIGHUP: every live stream's file. */
void streams_reopen_all(struct xld *d);
/* At most every MOVED_CHECK_MS: reopens files whose name no longer leads to
 * the open file (moved away, removed, or replaced). */
void streams_check_moved(struct xld *d, uint64_t now);

#endif
