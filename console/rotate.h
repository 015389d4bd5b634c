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

/* A new empty f (exclusive create, mode 0640). fd or -errno. */
int logfile_create(int dfd, const char *base);

/* f opened for appending at its end (created if missing). fd or -errno. */
int logfile_append(int dfd, const char *base, off_t *size);

#endif
