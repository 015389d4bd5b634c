/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Opening paths from xenstore beneath the run and log dirs: no "..", no
 * symlink in any component (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS),
 * the right file type and owner. Each function returns NULL or a reason.
 */
#ifndef XENLOGD_BENEATH_H
#define XENLOGD_BENEATH_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/* fd or -errno. */
int open_beneath(int dirfd, const char *rel, int flags, mode_t mode);

/* What an object opened by open_checked() must be. */
struct want {
    mode_t type;        /* S_IFREG or S_IFIFO */
    uid_t uid;          /* its owner */
    mode_t perm;        /* its permission bits, or (mode_t)-1 for any */
    bool one_link;      /* no other hard link (a file outside could be one) */
};

/* NULL if st is what w says, else the reason. */
const char *want_check(const struct stat *st, const struct want *w);

/*
 * rel beneath dirfd opened with flags (plus O_CLOEXEC|O_NOCTTY), only if it
 * is what w says: looked at through O_PATH first (nothing else is opened),
 * then exactly that object is reopened and checked again on the descriptor
 * in hand. fd, or -errno with *why the reason.
 */
int open_checked(int dirfd, const char *rel, int flags, const struct want *w,
                 const char **why);

/* The FIFO at rel: owned by uid, mode 0600; opened O_RDWR|O_NONBLOCK. */
const char *fifo_open(int run_dirfd, const char *rel, uid_t uid, int *fd,
                      dev_t *dev, ino_t *ino);

/* The directory that holds the log file (an O_PATH descriptor). */
const char *logdir_open(int log_dirfd, const char *dir, int *dfd);

/* If base exists in dfd it must be a regular file owned by uid, one link. */
const char *file_check(int dfd, const char *base, uid_t uid, bool *exists);

#endif
