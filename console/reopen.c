/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reopening log files by name: all of them on SIGHUP (as xenconsoled does,
 * for logrotate's `create` and `postrotate` habits), and a file that was
 * moved or removed behind the daemon's back (an external `mv`), noticed by
 * a coarse check. The open itself is rotate.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "log.h"
#include "reopen.h"
#include "retention.h"
#include "rotate.h"
#include "stream.h"

int stream_reopen(struct stream *s, const char *why)
{
    const char *bad;
    bool exists;
    off_t size = 0;
    int fd;

    if (s->state != STREAM_ACTIVE || s->fd < 0 || s->dfd < 0)
        return 0;     /* a file that could not be written is retried anyway */
    if ((bad = logfile_check(s->dfd, s->p.file_base, s->d->uid, &exists))) {
        if (!s->reopen_failed)
            log_warn("stream %u/%u: cannot reopen %s (%s): %s; writing on to the open file",
                     s->domid, s->id, s->spec.file, why, bad);
        s->reopen_failed = true;
        return -EPERM;
    }
    fd = logfile_append(s->dfd, s->p.file_base, s->d->uid, &size, &bad);
    if (fd < 0) {
        if (!s->reopen_failed)
            log_warn("stream %u/%u: cannot reopen %s (%s): %s; writing on to the open file",
                     s->domid, s->id, s->spec.file, why, bad);
        s->reopen_failed = true;
        return fd;
    }
    close(s->fd);
    s->fd = fd;
    s->size = (uint64_t)size;
    s->reopen_failed = false;
    s->d->figures.reopens++;
    log_info("stream %u/%u: reopened %s (%s)", s->domid, s->id, s->spec.file, why);
    retention_note_stream(s->d->retention, s);
    return 1;
}

/* Does the file's name still lead to the open file? */
static bool moved(const struct stream *s)
{
    struct stat open_st, name_st;

    if (fstat(s->fd, &open_st) < 0)
        return false;
    if (fstatat(s->dfd, s->p.file_base, &name_st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT;
    return name_st.st_dev != open_st.st_dev || name_st.st_ino != open_st.st_ino;
}

static void each_active(struct xld *d, bool all)
{
    unsigned b;
    struct stream *s;

    for (b = 0; b < STREAM_BUCKETS; b++)
        for (s = d->buckets[b]; s; s = s->next) {
            if (s->state != STREAM_ACTIVE || s->fd < 0)
                continue;
            if (all)
                stream_reopen(s, "SIGHUP");
            else if (moved(s))
                stream_reopen(s, "moved or removed");
        }
}

void streams_reopen_all(struct xld *d)
{
    each_active(d, true);
}

void streams_check_moved(struct xld *d, uint64_t now)
{
    static uint64_t next;

    if (now < next)
        return;
    next = now + MOVED_CHECK_MS;
    each_active(d, false);
}
