/* SPDX-License-Identifier: GPL-2.0-only */
/* xenlog's side of xenlogd's control socket (docs/control.md). */
#ifndef XENLOG_CTLCLIENT_H
#define XENLOG_CTLCLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "../console/ctlproto.h"

/* A run dir given on the command line before the command (or NULL). */
void ctl_set_run_dir(const char *run_dir);
/* run_dir if not NULL, else the one set with ctl_set_run_dir. */
const char *ctl_default_run_dir(const char *run_dir);

/* Connects to the socket in run_dir, or the one xenlogd advertises.
 * fd, or -1 with a message on stderr. */
int ctl_connect(const char *run_dir);
int ctl_send(int fd, uint16_t type, const void *body, size_t len);
/* Receives one message into buf (XLC_MAX_MSG bytes); body length, or -1
 * (error or end of connection). */
long ctl_recv(int fd, struct xlc_hdr *h, void *buf);

/* xenlog attach / xenlog stats (tools/attach.c, tools/stats.c). */
int cmd_attach(int argc, char **argv);
int cmd_stats(int argc, char **argv);
extern const char usage_attach[], usage_stats[];

/* Every stream (of domid, or XLC_ALL): calls fn for each; 0 or -1. */
typedef void ctl_stream_fn(const struct xlc_stream_info *in, const char *file, void *arg);
int ctl_list(const char *run_dir, uint32_t domid, ctl_stream_fn *fn, void *arg);

#endif
