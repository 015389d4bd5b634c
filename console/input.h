/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A console stream's input: what its console typist sends, written to the
 * input FIFO (node `input`) that the component reads (QEMU's pipe chardev
 * reads PATH.in). A small path of its own beside the data path:
 *
 *   console socket --INPUT--> input_write() --write(2)--> input FIFO
 *
 * Writes never block. What the FIFO does not take waits here (at most one
 * INPUT message) and, while it waits, the typist is not read (input_busy());
 * once the FIFO is writable again (EPOLLOUT) the rest is written and the
 * typist's resume() is called. Nothing is dropped: the typist is slowed
 * down instead. One typist at a time (input_claim()).
 */
#ifndef XENLOGD_INPUT_H
#define XENLOGD_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct input;
struct loop;

/* The one client whose INPUT goes to the FIFO. */
struct typist {
    void (*resume)(struct typist *t);   /* the FIFO took what waited */
};

struct input_spec {
    struct loop *loop;
    int run_dirfd;
    const char *rel;          /* beneath the run dir; "" for no input */
    uid_t uid;
    dev_t pipe_dev;           /* the stream's pipe, which input must not be */
    ino_t pipe_ino;
    unsigned domid, id;       /* for messages */
};

/* Opens sp->rel like the pipe: beneath the run dir, a FIFO of uid, mode
 * 0600, O_RDWR|O_NONBLOCK. *in is NULL for no input. NULL or a reason. */
const char *input_open(struct input **in, const struct input_spec *sp);
/* Closes and frees *in (NULL is fine); *in becomes NULL. */
void input_close(struct input **in);

/* Bytes of an earlier INPUT still wait for room in the FIFO. */
bool input_busy(const struct input *in);
/* Writes buf (n <= XLC_MAX_INPUT; only when !input_busy) or keeps what the
 * FIFO does not take until it is writable. */
void input_write(struct input *in, const void *buf, size_t n);
/* Bytes written to the FIFO since it was opened. */
uint64_t input_bytes(const struct input *in);

/* The typist slot: -EBUSY if taken. */
int input_claim(struct input *in, struct typist *t);
void input_release(struct input *in, const struct typist *t);
/* The typist, or NULL. */
struct typist *input_typist(const struct input *in);

#endif
