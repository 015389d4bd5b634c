/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: live figures of every stream, readers attached to
 * a stream (backlog, then the live bytes), and a console stream's one
 * console writer (its INPUT goes to the input FIFO, input.c). Only peers of the daemon's own
 * uid are served (SO_PEERCRED). See docs/control.md.
 */
#ifndef XENLOGD_CONTROL_H
#define XENLOGD_CONTROL_H

#include <stddef.h>

#include "xenlogd.h"

struct control;

/* Listens on RUN_DIR/xenlogd.sock (mode 0600). NULL on failure. */
struct control *control_open(struct xld *d);
/* Closes every client and removes the socket. */
void control_close(struct control *c);
const char *control_path(const struct control *c);
/* Closes connections idle too long (docs/control.md), wakes a resting listener. */
void control_tick(struct control *c, uint64_t now);

#endif
