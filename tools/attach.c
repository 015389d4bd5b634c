/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlog attach: the backlog of a stream, then its live bytes, from xenlogd's
 * control socket. Byte-exact: the daemon sends the backlog and the live
 * bytes from one point, so nothing is shown twice or skipped at the switch.
 */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exitcode.h"
#include "ctlclient.h"
#include "decimal.h"
#include "domain.h"
#include "jsonlines.h"
#include "size.h"

static const struct opt attach_opts[] = {
    { "lines", 'n', "N", 'n', "backlog of N lines (default: a screenful)" },
    { "bytes", 'c', "N", 'c', "backlog of N bytes (at most 1 MiB)" },
    { "no-follow", 0, NULL, 'N', "print the backlog and exit" },
    { "json", 0, NULL, 'j', "JSON lines: one object per line (time, domid, domain, stream, line)" },
    { "no-pipe", 0, NULL, 'P', "live bytes as messages on the control socket, not through a pipe" },
    { 0 },
};

const struct cmd_spec spec_attach = {
    "attach", "[OPTIONS] DOMAIN ID|NAME",
    "Print the end of a stream's log (default: a screenful of lines, read back\n"
    "across the last rotation if need be), then follow the stream live until\n"
    "Ctrl-C or the end of the stream. NAME picks the stream whose file is NAME,\n"
    "or starts with NAME- or NAME. (e.g. qemu-dm for qemu-dm-guest.log).\n"
    "If the reader is too slow, xenlogd skips ahead and xenlog says how many\n"
    "bytes were skipped; the writer and the log files are never slowed.\n"
    "With --json, each line is one JSON object (see xenlog(1)).\n",
    attach_opts, 2, 2, false,
};

struct match {
    const char *name;
    uint32_t id;
    unsigned count;
};

static void match_name(const struct xlc_stream_info *in, const char *file, void *arg)
{
    struct match *m = arg;
    const char *base = strrchr(file, '/');
    size_t nl = strlen(m->name);

    base = base ? base + 1 : file;
    if (strcmp(base, m->name) == 0 ||
        (strncmp(base, m->name, nl) == 0 && (base[nl] == '-' || base[nl] == '.'))) {
        m->id = in->id;
        m->count++;
    }
}

int ctl_write_all(const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(1, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int ctl_stream_id(const char *run_dir, uint32_t domid, const char *arg, uint32_t *id)
{
    struct match m = { .name = arg };
    struct ctl_list_cb cb = { match_name, &m };
    uint64_t v;

    if (all_digits(arg)) {
        if (parse_u64(arg, UINT32_MAX - 1, &v)) {
            *id = (uint32_t)v;
            return 0;
        }
        fprintf(stderr, "xenlog: bad stream id '%s'\n", arg);
        return -1;
    }
    if (ctl_list(run_dir, domid, &cb) < 0)
        return -1;
    if (m.count != 1) {
        fprintf(stderr, "xenlog: %s streams of domain %u match '%s'\n",
                m.count ? "several" : "no", domid, m.name);
        return -1;
    }
    *id = m.id;
    return 0;
}

unsigned long ctl_screen_lines(void)
{
    struct winsize ws;

    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 1)
        return ws.ws_row - 1;
    return 24;
}

const char *ctl_backlog_option(int c, const char *arg, unsigned long *lines,
                               unsigned long *bytes)
{
    uint64_t v;

    if (!parse_u64(arg, c == 'c' ? XLC_MAX_BACKLOG : ULONG_MAX, &v))
        return c == 'c' ? "0 to 1048576 bytes" : "not a number";
    *(c == 'n' ? lines : bytes) = (unsigned long)v;
    *(c == 'n' ? bytes : lines) = 0;
    return NULL;
}

int ctl_target(const char *dom, const char *stream, uint32_t *domid, uint32_t *id)
{
    if (domain_resolve(dom, domid) < 0)
        return -1;
    return ctl_stream_id(common.run_dir, *domid, stream, id);
}

uint32_t ctl_backlog_bytes(unsigned long lines, unsigned long bytes)
{
    if (!lines)
        return (uint32_t)bytes;
    return (uint32_t)(lines * 512 < XLC_MAX_BACKLOG ? lines * 512 : XLC_MAX_BACKLOG);
}

/* What a daemon older than XLC_PIPE answers to it. */
#define OLD_DAEMON "ATTACH: unknown flags"

struct attach_args {
    unsigned long lines, bytes;
    uint32_t flags;
    bool json, no_pipe;
};

static const char *attach_option(int key, const char *arg, void *data)
{
    struct attach_args *a = data;

    if (key == 'N') {
        a->flags = 0;
        return NULL;
    }
    if (key == 'j') {
        a->json = true;
        return NULL;
    }
    if (key == 'P') {
        a->no_pipe = true;
        return NULL;
    }
    return ctl_backlog_option(key, arg, &a->lines, &a->bytes);
}

static int write_out(void *arg, const char *p, size_t n)
{
    (void)arg;
    return ctl_write_all(p, n);
}

static int json_backlog(void *arg, const char *p, size_t n)
{
    return jsonl_feed(arg, p, n, true);
}

static int json_live(void *arg, const char *p, size_t n)
{
    return jsonl_feed(arg, p, n, false);
}

/* The file of stream domid/id from a LIST. */
struct find_file {
    uint32_t id;
    char *file;
};

static void find_file(const struct xlc_stream_info *in, const char *file, void *arg)
{
    struct find_file *f = arg;

    if (in->id == f->id && !f->file)
        f->file = strdup(file);
}

/* The stream's name for --json: its file's base name without ".log", else
 * its id. malloc'd; NULL if out of memory. */
static char *stream_name(uint32_t domid, uint32_t id)
{
    struct find_file f = { .id = id };
    struct ctl_list_cb cb = { find_file, &f };
    char *name = NULL;

    if (ctl_list(common.run_dir, domid, &cb) == 0 && f.file && *f.file) {
        const char *base = strrchr(f.file, '/');
        size_t len;

        name = strdup(base ? base + 1 : f.file);
        len = name ? strlen(name) : 0;
        if (len > 4 && !strcmp(name + len - 4, ".log"))
            name[len - 4] = '\0';
    } else if (asprintf(&name, "%u", (unsigned)id) < 0) {
        name = NULL;
    }
    free(f.file);
    return name;
}

/* --json: the session's output as JSON lines into j (domain and stream
 * names looked up now). 0 or -1. */
static int json_session(struct ctl_session *s, struct jsonl *j, char **domain, char **stream)
{
    *domain = domain_name(s->domid);
    *stream = stream_name(s->domid, s->id);
    if (!*stream || jsonl_init(j, s->domid, *domain, *stream) < 0)
        return -1;
    s->out_backlog = json_backlog;
    s->out_live = json_live;
    s->arg = j;
    return 0;
}

/* Receives replies until the end of the stream: its exit status; with a
 * pipe (LIVE carried one), the live part from it. *old: the daemon does
 * not know XLC_PIPE (nothing was said or shown). */
static int attach_loop(int fd, struct ctl_session *s, bool *old)
{
    char *buf = malloc(XLC_MAX_MSG);
    struct xlc_hdr h;
    long n;
    int r = 1, pipe = -1;

    if (!buf)
        return XL_EXIT_FAILURE;
    while (r > 0 && pipe < 0 && (n = ctl_recv_fd(fd, &h, buf, 0, &pipe)) >= 0) {
        if (h.type == XLC_ERROR && !s->accepted && n == (long)strlen(OLD_DAEMON) &&
            !memcmp(buf, OLD_DAEMON, (size_t)n)) {
            *old = true;
            break;
        }
        if (pipe >= 0 && h.type != XLC_LIVE) {
            close(pipe);
            pipe = -1;
        }
        r = ctl_reply(s, &h, buf, (size_t)n);
    }
    free(buf);
    if (*old)
        return XL_EXIT_FAILURE;
    if (pipe >= 0 && r > 0)
        return ctl_pipe_loop(fd, pipe, s);
    if (pipe >= 0)
        close(pipe);
    if (r > 0)
        ctl_say("connection to xenlogd lost");
    return r == 0 ? XL_EXIT_OK : XL_EXIT_FAILURE;
}

/* Sends a and follows the replies: the exit status. A daemon that does not
 * know XLC_PIPE is asked again without it. */
static int attach_run(struct xlc_attach *a, struct ctl_session *s)
{
    int rc = XL_EXIT_FAILURE;
    bool old = false;

    s->backlog = malloc(XLC_MAX_BACKLOG);
    for (int tries = 0; s->backlog && tries < 2; tries++) {
        int fd = ctl_connect(common.run_dir);

        if (fd < 0)
            break;
        if (ctl_send(fd, XLC_ATTACH, a, sizeof(*a)) == 0)
            rc = attach_loop(fd, s, &old);
        close(fd);
        if (!old || !(a->flags & XLC_PIPE))
            break;
        a->flags &= ~XLC_PIPE;
        old = false;
    }
    free(s->backlog);
    return rc;
}

int cmd_attach(int argc, char **argv)
{
    struct attach_args args = { ctl_screen_lines(), 0, XLC_FOLLOW, false, false };
    struct xlc_attach a = { 0 };
    struct ctl_session s = { .say = ctl_say, .out_backlog = write_out, .out_live = write_out };
    struct jsonl j = { 0 };
    char *domain = NULL, *stream = NULL;
    const char *ops[2];
    int rc = XL_EXIT_FAILURE;

    opts_parse(argc, argv, &spec_attach, attach_option, &args, ops, NULL);
    if (ctl_target(ops[0], ops[1], &a.domid, &a.id) < 0)
        return XL_EXIT_FAILURE;
    a.flags = args.flags | (args.no_pipe ? 0 : XLC_PIPE);
    a.backlog = ctl_backlog_bytes(args.lines, args.bytes);
    s.domid = a.domid;
    s.id = a.id;
    s.lines = args.lines;
    s.follow = a.flags & XLC_FOLLOW;
    s.splice_out = !args.json;
    if (!args.json || json_session(&s, &j, &domain, &stream) == 0)
        rc = attach_run(&a, &s);
    if (args.json && j.line && jsonl_end(&j) < 0)
        rc = XL_EXIT_FAILURE;
    jsonl_free(&j);
    free(domain);
    free(stream);
    return rc;
}
