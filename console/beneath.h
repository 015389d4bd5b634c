/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Opening paths from xenstore beneath the run and log dirs: no "..", no
 * symlink in any component (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS),
 * the right file type and owner. Each function returns NULL or a reason.
 */
#ifndef XENLOGD_BENEATH_H
#define XENLOGD_BENEATH_H

#include <stdbool.h>
#include <sys/types.h>

/* fd or -errno. */
int open_beneath(int dirfd, const char *rel, int flags, mode_t mode);

/* The FIFO at rel: owned by uid, mode 0600; opened O_RDWR|O_NONBLOCK. */
const char *fifo_open(int run_dirfd, const char *rel, uid_t uid, int *fd,
                      dev_t *dev, ino_t *ino);

/* The directory that holds the log file (an O_PATH descriptor). */
const char *logdir_open(int log_dirfd, const char *dir, int *dfd);

/* If base exists in dfd it must be a regular file owned by uid, one link. */
const char *logfile_check(int dfd, const char *base, uid_t uid, bool *exists);

#endif
