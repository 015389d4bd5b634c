/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The log file and its old copies inside one directory (an O_PATH fd):
 * f, f.1 .. f.N. Rotation only renames within that directory, so the total
 * size never grows during it and `tail --follow=name f` keeps following.
 */
#ifndef XENLOGD_ROTATE_H
#define XENLOGD_ROTATE_H

#include <sys/types.h>

/* f.(N-1) -> f.N, ..., f -> f.1 (or unlink f when N = 0). 0 or -errno. */
int logfile_rotate(int dfd, const char *base, unsigned copies);

/*
 * Every log file is opened O_APPEND and checked on the descriptor in hand:
 * a regular file owned by uid with no other hard link. fd, or -errno with
 * *why the reason.
 */

/* A new empty f (exclusive create, mode 0640). */
int logfile_create(int dfd, const char *base, uid_t uid, const char **why);

/* f opened for appending (created if missing); *size its size. */
int logfile_append(int dfd, const char *base, uid_t uid, off_t *size, const char **why);

/* An old copy (f.1) for reading. fd or -errno. */
int logfile_open_copy(int dfd, const char *name, uid_t uid);

#endif
