/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parking a stream's log file when descriptors run short (logfile.h). A
 * stream holds its FIFO and its file: 10,000 streams want 20,000
 * descriptors, more than some hosts allow. Most streams are idle most of
 * the time (a guest's console after boot), so when an open returns a
 * descriptor near the limit, the files idle longest are closed, and each
 * is opened again by name, checked as at the start, when its stream next
 * writes: what the name leads to then is where the bytes go, as after a
 * file was moved away (logfile_check()). Keeping the order costs a few
 * pointer moves per pump; there is no timer.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "logfile.h"
#include "rotate.h"

#define PARK_IDLE_MS 1000      /* a file used in the last second stays open */
#define RELIEVE_BATCH 1024     /* parked at most per relief */
#define URGENT_BATCH 16        /* ... when none is idle */

void logfile_unlink(struct logfile *lf)
{
    struct logfile_lru *l = lf->lru;

    if (!lf->linked)
        return;
    *(lf->lru_prev ? &lf->lru_prev->lru_next : &l->head) = lf->lru_next;
    *(lf->lru_next ? &lf->lru_next->lru_prev : &l->tail) = lf->lru_prev;
    lf->lru_prev = lf->lru_next = NULL;
    lf->linked = false;
}

static void push(struct logfile *lf)
{
    struct logfile_lru *l = lf->lru;

    lf->lru_prev = NULL;
    lf->lru_next = l->head;
    *(l->head ? &l->head->lru_prev : &l->tail) = lf;
    l->head = lf;
    lf->linked = true;
}

void logfile_used(struct logfile *lf, uint64_t now)
{
    if (!lf->lru || lf->fd < 0)
        return;
    lf->used_at = now;
    if (lf->lru->head != lf) {
        logfile_unlink(lf);
        push(lf);
    }
}

static void park(struct logfile *lf)
{
    struct stat st;

    lf->parked_dev = lf->parked_ino = 0;
    if (fstat(lf->fd, &st) == 0) {
        lf->parked_dev = (uint64_t)st.st_dev;
        lf->parked_ino = (uint64_t)st.st_ino;
    }
    logfile_unlink(lf);
    close(lf->fd);
    lf->fd = -1;
    lf->parked = true;
    lf->lru->parks++;
}

/* Parks from the least recently used end while the test holds. */
static unsigned park_while(struct logfile_lru *l, uint64_t now, unsigned max, bool idle_only)
{
    unsigned n = 0;

    while (l->tail && l->tail != l->head && n < max &&
           (!idle_only || now - l->tail->used_at >= PARK_IDLE_MS)) {
        struct logfile *lf = l->tail;

        if (lf->state != LOGFILE_WRITABLE || lf->fd < 0) {
            logfile_unlink(lf);     /* in trouble: its own retries hold it */
            continue;
        }
        park(lf);
        n++;
    }
    return n;
}

/* The files idle a second or more; with none, a few of those used least
 * recently all the same (more busy streams than descriptors: each pays an
 * open per wake-up, and loses nothing). Never the most recent one. */
unsigned logfile_relieve(struct logfile_lru *l, uint64_t now)
{
    unsigned n = park_while(l, now, RELIEVE_BATCH, true);

    if (n == 0)
        n = park_while(l, now, URGENT_BATCH, false);
    if (n && !l->said)
        log_info("descriptors short: closed the files of %u idle streams; each is opened "
                 "again by name when its stream writes", n);
    l->said = l->said || n;
    return n;
}

void logfile_pressure(struct logfile_lru *l, int fd, uint64_t now)
{
    if (l && l->fd_high > 0 && fd >= l->fd_high)
        logfile_relieve(l, now);
}

static int reopen(struct logfile *lf, uint64_t now, off_t *size, const char **why)
{
    int fd = file_reopen(lf->dfd, lf->base, lf->uid, size, why);

    if ((fd == -EMFILE || fd == -ENFILE) && logfile_relieve(lf->lru, now) > 0)
        fd = file_reopen(lf->dfd, lf->base, lf->uid, size, why);
    return fd;
}

/* The open file is not the one parked: say and count it, as
 * logfile_check() would. */
static void say_if_moved(const struct logfile *lf)
{
    struct stat st;

    if (fstat(lf->fd, &st) == 0 && ((uint64_t)st.st_dev != lf->parked_dev ||
                                    (uint64_t)st.st_ino != lf->parked_ino)) {
        log_info("stream %u/%u: reopened %s (moved or removed)", lf->domid, lf->id, lf->path);
        lf->lru->moved++;
    }
}

int logfile_unpark(struct logfile *lf, uint64_t now)
{
    const char *why = NULL;
    off_t size = 0;
    int fd;

    if (!lf->parked)
        return 0;
    if ((fd = reopen(lf, now, &size, &why)) < 0) {
        if (!lf->reopen_failed)
            log_warn("stream %u/%u: cannot open %s again: %s; discarding until it can be",
                     lf->domid, lf->id, lf->path, why ? why : strerror(-fd));
        lf->reopen_failed = true;
        if (lf->state == LOGFILE_WRITABLE) {
            lf->state = LOGFILE_DISCARDING;
            lf->err = -fd;
        }
        lf->retry_at = now + LOGFILE_RETRY_MS;
        return fd;
    }
    lf->parked = lf->reopen_failed = false;
    lf->fd = fd;
    lf->size = (uint64_t)size;
    lf->lru->unparks++;
    say_if_moved(lf);
    lf->used_at = now;
    push(lf);
    logfile_pressure(lf->lru, fd, now);
    return 0;
}
