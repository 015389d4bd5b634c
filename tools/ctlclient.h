/* SPDX-License-Identifier: GPL-2.0-only */
/* xenlog's side of xenlogd's control socket (docs/control.md). */
#ifndef XENLOG_CTLCLIENT_H
#define XENLOG_CTLCLIENT_H

#include <stdbool.h>
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

/* xenlog attach / console / stats (tools/attach.c, console.c, stats.c). */
int cmd_attach(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_stats(int argc, char **argv);
extern const char usage_attach[], usage_console[], usage_stats[];

/* Helpers of attach.c that console.c shares. */
bool ctl_all_digits(const char *s);
int ctl_write_all(const char *p, size_t len);           /* to stdout */
/* The last `lines` lines of buf (all of it if lines == 0) to stdout. */
int ctl_print_backlog(const char *buf, size_t len, unsigned long lines);
unsigned long ctl_screen_lines(void);
/* --lines N ('n') or --bytes N ('c') of attach and console: sets one and
 * zeroes the other; false (with a message on stderr) if N is bad. */
bool ctl_backlog_option(int c, const char *arg, unsigned long *lines, unsigned long *bytes);
/* ID|NAME of a stream of domid: a number, or the one stream whose file is
 * NAME or starts with NAME- or NAME. (message on stderr if none). */
int ctl_stream_id(const char *run_dir, uint32_t domid, const char *arg, uint32_t *id);

/* Every stream (of domid, or XLC_ALL): calls fn for each; 0 or -1. */
typedef void ctl_stream_fn(const struct xlc_stream_info *in, const char *file, void *arg);
int ctl_list(const char *run_dir, uint32_t domid, ctl_stream_fn *fn, void *arg);

#endif
