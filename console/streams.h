/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The set of streams, and what happens to a stream when its nodes change:
 * the bridge between store.c (what xenstore says) and stream.c (the data).
 */
#ifndef XENLOGD_STREAMS_H
#define XENLOGD_STREAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "stream.h"
#include "validate.h"
#include "xenlogd.h"

struct stream *streams_find(struct xld *d, unsigned domid, unsigned id);
/* streams_find() != NULL (store_events.known). */
bool streams_known(struct xld *d, unsigned domid, unsigned id);
/* Something under /libxl/DOMID/logging/ID changed: re-read and act.
 * rewritten: one of its parameter nodes was written (a stream in error is
 * then validated again even if no value changed). */
void streams_changed(struct xld *d, unsigned domid, unsigned id, bool rewritten);
/* The answer (store.c): r = 1 and the nodes read (sp taken over, NULL where
 * missing; state the `state` node or NULL), r = 0 the stream is gone. */
void streams_spec_read(struct xld *d, unsigned domid, unsigned id, int r, struct spec *sp,
                       char *state, bool rewritten);
/* A parent path changed: finish the streams (of domid, or all) that are gone. */
void streams_check_gone(struct xld *d, bool all, unsigned domid);
/* Set-up timeouts and retries of files that could not be written. */
void streams_tick(struct xld *d, uint64_t now);
/* fn for every stream (fn must not remove one). */
void streams_each(struct xld *d, streams_fn *fn, void *arg);
/* SIGHUP: every live stream's file is reopened by name. */
void streams_reopen_all(struct xld *d);
/* Daemon exit: close everything; data left in FIFOs waits for the next daemon. */
void streams_close_all(struct xld *d);

#endif
