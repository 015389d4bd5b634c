/* SPDX-License-Identifier: GPL-2.0-only */
/* xenlog's side of xenlogd's control socket (docs/control.md). */
#ifndef XENLOG_CTLCLIENT_H
#define XENLOG_CTLCLIENT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctlproto.h"
#include "opts.h"

/* Connects to the socket in run_dir, or the one xenlogd advertises.
 * fd, or -1 with a message on stderr. */
int ctl_connect(const char *run_dir);
int ctl_send(int fd, uint16_t type, const void *body, size_t len);
/* Receives one message into buf (XLC_MAX_MSG bytes); body length, or -1
 * (error or end of connection). */
long ctl_recv(int fd, struct xlc_hdr *h, void *buf);
/* The same with recvmsg flags (e.g. MSG_DONTWAIT); *passed is the
 * descriptor the message carried (close-on-exec), or -1. */
long ctl_recv_fd(int fd, struct xlc_hdr *h, void *buf, int flags, int *passed);

/* xenlog attach / console / stats (tools/attach.c, console.c, stats.c). */
int cmd_attach(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_stats(int argc, char **argv);
extern const struct cmd_spec spec_attach, spec_console, spec_stats;

/* Helpers of attach.c that console.c shares. */
int ctl_write_all(const char *p, size_t len);           /* to stdout */
unsigned long ctl_screen_lines(void);
/* The bytes of backlog asked for lines (or bytes if lines is 0). */
uint32_t ctl_backlog_bytes(unsigned long lines, unsigned long bytes);
/* --lines N ('n') or --bytes N ('c') of attach and console: sets one and
 * zeroes the other; NULL, or what is wrong with N. */
const char *ctl_backlog_option(int c, const char *arg, unsigned long *lines,
                               unsigned long *bytes);
/* DOMAIN and ID|NAME of attach and console: 0, or -1 with a message. */
int ctl_target(const char *dom, const char *stream, uint32_t *domid, uint32_t *id);
/* ID|NAME of a stream of domid: a number, or the one stream whose file is
 * NAME or starts with NAME- or NAME. (message on stderr if none). */
int ctl_stream_id(const char *run_dir, uint32_t domid, const char *arg, uint32_t *id);

/* An attached reader (attach, console): what xenlogd's replies to ATTACH or
 * CONSOLE become. The backlog is kept until LIVE (or END), then its last
 * `lines` lines (all of it if lines is 0) go to out_backlog, once; the live
 * bytes go to out_live as they come. Both return 0, or -1 to stop. */
struct ctl_session {
    uint32_t domid, id;
    unsigned long lines;
    bool follow;                /* say when the stream ends */
    bool terminal;              /* the words of console (the user is at a terminal) */
    bool splice_out;            /* live bytes through a pipe may go to fd 1 by
                                 * splice(2), not through out_live: raw output */
    void (*say)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
    int (*out_backlog)(void *arg, const char *p, size_t n);
    int (*out_live)(void *arg, const char *p, size_t n);
    void *arg;
    char *backlog;              /* XLC_MAX_BACKLOG bytes */
    size_t blen;
    bool accepted, live;
};

/* One reply (h, n bytes of body): 1 go on, 0 the stream ended, -1 failure
 * (said through say). */
int ctl_reply(struct ctl_session *s, const struct xlc_hdr *h, const char *body, size_t n);
/* The note of a SKIPPED: bytes the reader missed (through say). */
void ctl_skipped(const struct ctl_session *s, uint64_t bytes);
/* attachpipe.c: the live part of an attach through a pipe (XLC_PIPE): its
 * bytes to s->out_live, the notes of SKIPPED where their gaps are, until
 * the pipe ends and END came. The exit status. Closes pipe. */
int ctl_pipe_loop(int sock, int pipe, struct ctl_session *s);

/* What a LIST brings: every stream (of domid, or XLC_ALL). */
typedef void ctl_stream_fn(const struct xlc_stream_info *in, const char *file, void *arg);
struct ctl_list_cb {
    ctl_stream_fn *stream;
    void *arg;
};
/* Calls cb for each; 0 or -1 (with a message on stderr). */
int ctl_list(const char *run_dir, uint32_t domid, const struct ctl_list_cb *cb);

/* "xenlog: MESSAGE" and eol on stderr ("\r\n" on a raw terminal). */
void ctl_vsay(const char *eol, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void ctl_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* eol "\n" */

#endif
