/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A console stream's input: what its console client types, written to the
 * input FIFO (node `input`) that the component reads (QEMU's pipe chardev
 * reads PATH.in). A small path of its own beside the data path:
 *
 *   console socket --INPUT--> input_write() --write(2)--> input FIFO
 *
 * Writes never block. What the FIFO does not take waits here (at most one
 * INPUT message) and, while it waits, the console's socket is not read
 * (input_busy()); once the FIFO is writable again (EPOLLOUT) the rest is
 * written and control_console_resume() reads the socket again. Nothing is
 * dropped: the client is slowed down instead.
 */
#ifndef XENLOGD_INPUT_H
#define XENLOGD_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stream;
struct input;

/* Opens s->p.input_rel (if any) like the pipe: beneath the run dir, a FIFO
 * of the daemon's uid, mode 0600, O_RDWR|O_NONBLOCK. Sets s->in; NULL or a
 * reason. A stream without an input node gets s->in = NULL and NULL. */
const char *input_open(struct stream *s);
/* Closes and frees s->in (NULL is fine). */
void input_close(struct stream *s);

/* Bytes of an earlier INPUT still wait for room in the FIFO. */
bool input_busy(const struct input *in);
/* Writes buf (n <= XLC_MAX_INPUT; only when !input_busy) or keeps what the
 * FIFO does not take until it is writable. */
void input_write(struct input *in, const void *buf, size_t n);
/* Bytes written to the FIFO since it was opened. */
uint64_t input_bytes(const struct input *in);

#endif
