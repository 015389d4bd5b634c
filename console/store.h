/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore: the watch on /libxl, reading a stream's nodes, writing its state,
 * the advertisement under /tool/xenlogd, and noticing a dead xenstored.
 *
 * No xenstore call is made on the event loop's thread: after the first
 * connection a store thread owns the handle. The loop asks (store_request_spec,
 * store_set_state) through a queue and gets the answers through another,
 * signalled by an eventfd it watches. A hung xenstored (SIGSTOP) blocks only
 * that thread: every stream goes on copying (docs/protocol.md).
 */
#ifndef XENLOGD_STORE_H
#define XENLOGD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "validate.h"
#include "xenlogd.h"

/* What the store tells the streams (streams.h), on the loop's thread. The
 * store calls up only through these, so it does not depend on streams.c. */
struct store_events {
    /* Something under /libxl/DOMID/logging/ID changed. */
    void (*changed)(struct xld *d, unsigned domid, unsigned id, bool rewritten);
    /* The answer to store_request_spec() (streams_spec_read()). */
    void (*spec_read)(struct xld *d, unsigned domid, unsigned id, int r, struct spec *sp,
                      char *state, bool rewritten);
    /* A parent path changed: the streams (of domid, or all) may be gone. */
    void (*check_gone)(struct xld *d, bool all, unsigned domid);
    /* Is DOMID/ID a stream the daemon has (its own writes are then ignored)? */
    bool (*known)(struct xld *d, unsigned domid, unsigned id);
};

struct store *store_new(struct xld *d, const char *control_path,
                        const struct store_events *ev);
/* Stops the store thread (waits at most 2 s for it) and frees. */
void store_free(struct store *st);

/* Before anything is touched at start-up: the pid of another live daemon
 * advertised in the store, 0 if none, negative errno if there is no store. */
int store_other_daemon(void);
/* On the calling thread, before the loop runs: connects, refuses a second
 * daemon (-EEXIST), watches /libxl, advertises, then starts the store
 * thread, which adopts what is there. 0 or -errno. */
int store_connect(struct store *st);
/* Nothing to do on the loop's tick any more: the store thread pings. */
void store_tick(struct store *st, uint64_t now);

/* Asks for the nodes of /libxl/DOMID/logging/ID; the answer comes later,
 * on the loop's thread, as streams_spec_read(). */
void store_request_spec(struct store *st, unsigned domid, unsigned id, bool rewritten);
void spec_free(struct spec *sp);

/* Writes state (and error first, if any) if the stream still exists, later,
 * on the store thread. A stream found gone is reported as streams_spec_read()
 * with r = 0. */
void store_set_state(struct store *st, unsigned domid, unsigned id, const char *state,
                     const char *error);

/* Removes /tool/xenlogd (clean exit); waits at most 2 s. */
void store_unadvertise(struct store *st);

#endif
