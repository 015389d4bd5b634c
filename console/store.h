/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore: the watch on /libxl, reading a stream's nodes, writing its state,
 * the advertisement under /tool/xenlogd, and noticing a dead xenstored.
 */
#ifndef XENLOGD_STORE_H
#define XENLOGD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "validate.h"
#include "xenlogd.h"

struct store *store_new(struct xld *d, const char *control_path);
void store_free(struct store *st);

/* Before anything is touched at start-up: the pid of another live daemon
 * advertised in the store, 0 if none, negative errno if there is no store. */
int store_other_daemon(void);
/* Connects, watches /libxl, advertises, adopts what is there. 0 or -1. */
int store_connect(struct store *st);
bool store_connected(const struct store *st);
/* Pings a connected store, reconnects a lost one. */
void store_tick(struct store *st, uint64_t now);

/* 1: the stream's directory exists (nodes filled in, NULL if missing);
 * 0: it does not; -1: the store failed. */
int store_read_spec(struct store *st, unsigned domid, unsigned id, struct spec *sp,
                    char **state);
void spec_free(struct spec *sp);

/* Writes state (and error first, if any) only if the stream still exists.
 * 1 written, 0 the stream is gone, -1 the store failed. */
int store_set_state(struct store *st, unsigned domid, unsigned id, const char *state,
                    const char *error);

/* Removes /tool/xenlogd (clean exit). */
void store_unadvertise(struct store *st);

#endif
