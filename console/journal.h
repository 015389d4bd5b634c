/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One line to the local journal through its native protocol: a datagram of
 * KEY=VALUE fields, one a line, to systemd-journald's socket (a value with a
 * newline goes in the binary-safe form: KEY, newline, its length as 64-bit
 * little endian, the value, newline). Fields: MESSAGE, PRIORITY=6,
 * SYSLOG_FACILITY=3, SYSLOG_IDENTIFIER, XEN_DOMID, XEN_DOMAIN (if known),
 * XEN_STREAM (the file's base name), XEN_STREAM_ID, XEN_LOG_KIND.
 */
#ifndef XENLOGD_JOURNAL_H
#define XENLOGD_JOURNAL_H

#include <stddef.h>

#include "forward.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define JOURNAL_HEAD_MAX 2048       /* the fields of any line, its text aside */

/* The datagram for a line in buf; its length, 0 if it does not fit. */
size_t journal_datagram(char *buf, size_t size, const struct fwd_line *l);

/* A socket to send datagrams from (non-blocking); negative errno. */
int journal_open(void);
/* Sends one datagram without waiting: 0, or negative errno (-EAGAIN: the
 * journal is behind; -ENOENT, -ECONNREFUSED: it does not run). */
int journal_send(int fd, const char *buf, size_t len);

#endif
