/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The log file and its old copies inside one directory (an O_PATH fd):
 * f, f.1 .. f.N. Rotation only renames within that directory, so the total
 * size never grows during it and `tail --follow=name f` keeps following.
 */
#ifndef XENLOGD_ROTATE_H
#define XENLOGD_ROTATE_H

#include <sys/types.h>

/* The name of copy i: base for 0, else base.i. */
void copy_name(char *buf, size_t len, const char *base, unsigned i);

/* f.(N-1) -> f.N, ..., f -> f.1 (or unlink f when N = 0). 0 or -errno. */
int copies_shift(int dfd, const char *base, unsigned copies);

/*
 * Every log file is opened (not O_APPEND: see logfile.c) and checked on the descriptor in hand:
 * a regular file owned by uid with no other hard link. fd, or -errno with
 * *why the reason.
 */

/* A new empty f (exclusive create, mode 0640). */
int file_create(int dfd, const char *base, uid_t uid, const char **why);

/* f opened for appending (created if missing); *size its size. */
int file_append(int dfd, const char *base, uid_t uid, off_t *size, const char **why);

/* f again by name (SIGHUP, moved away, parked): checked as at the start,
 * created if missing, never through a symlink. fd or -errno, *why. */
int file_reopen(int dfd, const char *base, uid_t uid, off_t *size, const char **why);

/* name in dfd for reading (checked like every log file). fd or -errno. */
int file_open_ro(int dfd, const char *name, uid_t uid);
/* Old copy i (f.i) for reading. fd or -errno. */
int copy_open(int dfd, const char *base, unsigned i, uid_t uid);
/* Removes f.i. 0 or -errno. */
int copy_remove(int dfd, const char *base, unsigned i);

#endif
