/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Retention of the files of finished streams (xenlogd.conf(5) RETENTION).
 *
 * The daemon keeps a record (record.h) of every file it wrote for a stream.
 * Only a file still matching its record (same device, inode and birth time,
 * regular, the daemon's uid, one link, reached beneath the log dir with no
 * symlink) is ever removed, and never one of a live stream. Files removed: older than max_age_days, then
 * the oldest until all the files managed fit in max_total_size.
 */
#ifndef XENLOGD_RETENTION_H
#define XENLOGD_RETENTION_H

#include <stdint.h>

#include "stream.h"
#include "xenlogd.h"

/* Loads the record (a missing one is empty). NULL only without memory. */
struct retention *retention_new(struct xld *d, streams_each_fn *each);
/* Saves the record if it changed, and frees it. */
void retention_free(struct retention *r);

/* The files of stream s, as they are now, go into the record. */
void retention_note_stream(struct retention *r, const struct stream *s);
/* The files of every live stream, as they are now (at exit). */
void retention_note_live(struct retention *r);
/* Asks for a pass at the next tick (a stream ended, SIGHUP). */
void retention_soon(struct retention *r);
/* Runs a pass when one is due (soon, or the interval is over); saves
 * the record when it changed. */
void retention_tick(struct retention *r, uint64_t now);
/* Before memory goes back to the system (a burst of streams gone): the
 * record packs its names. */
void retention_repack(struct retention *r);
/* A pass now. */
void retention_run(struct retention *r);

#endif
