/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Readiness for systemd (Type=notify), without libsystemd: a datagram to
 * $NOTIFY_SOCKET. The socket is made and connected by notify_open(), before
 * the sandbox (which allows no new socket to be made); later messages are a
 * plain write() on it.
 */
#ifndef XENLOGD_NOTIFY_H
#define XENLOGD_NOTIFY_H

/* 0 if $NOTIFY_SOCKET is unset (nothing to do) or now connected; else a
 * negative errno (then notify_send() does nothing). */
int notify_open(void);

/* Send one message, e.g. "READY=1": 0, or a negative errno. */
int notify_send(const char *msg);

void notify_close(void);

#endif
