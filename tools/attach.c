/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlog attach: the backlog of a stream, then its live bytes, from xenlogd's
 * control socket. Byte-exact: the daemon sends the backlog and the live
 * bytes from one point, so nothing is shown twice or skipped at the switch.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../common/exitcode.h"
#include "ctlclient.h"
#include "domain.h"
#include "size.h"

static const struct opt attach_opts[] = {
    { "lines", 'n', "N", 'n', "backlog of N lines (default: a screenful)" },
    { "bytes", 'c', "N", 'c', "backlog of N bytes (at most 1 MiB)" },
    { "no-follow", 0, NULL, 'N', "print the backlog and exit" },
    { 0 },
};

const struct cmd_spec spec_attach = {
    "attach", "[OPTIONS] DOMAIN ID|NAME",
    "Print the end of a stream's log (default: a screenful of lines, read back\n"
    "across the last rotation if need be), then follow the stream live until\n"
    "Ctrl-C or the end of the stream. NAME picks the stream whose file is NAME,\n"
    "or starts with NAME- or NAME. (e.g. qemu-dm for qemu-dm-guest.log).\n"
    "If the reader is too slow, xenlogd skips ahead and xenlog says how many\n"
    "bytes were skipped; the writer and the log files are never slowed.\n",
    attach_opts, 2, 2, false,
};

bool ctl_all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

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

int ctl_print_backlog(const char *buf, size_t len, unsigned long lines)
{
    size_t start = len;
    unsigned long seen = 0;

    if (lines == 0)
        return ctl_write_all(buf, len);
    if (start && buf[start - 1] == '\n')
        start--;                /* the last line's own newline */
    while (start > 0) {
        if (buf[start - 1] == '\n' && ++seen == lines)
            break;
        start--;
    }
    return ctl_write_all(buf + start, len - start);
}

int ctl_stream_id(const char *run_dir, uint32_t domid, const char *arg, uint32_t *id)
{
    struct match m = { .name = arg };

    uint64_t v;

    if (ctl_all_digits(arg)) {
        if (parse_u64(arg, UINT32_MAX - 1, &v)) {
            *id = (uint32_t)v;
            return 0;
        }
        fprintf(stderr, "xenlog: bad stream id '%s'\n", arg);
        return -1;
    }
    struct ctl_list_cb cb = { match_name, &m };

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

struct attach_args {
    unsigned long lines, bytes;
    uint32_t flags;
};

static const char *attach_option(int key, const char *arg, void *data)
{
    struct attach_args *a = data;

    if (key == 'N') {
        a->flags = 0;
        return NULL;
    }
    return ctl_backlog_option(key, arg, &a->lines, &a->bytes);
}

int cmd_attach(int argc, char **argv)
{
    struct attach_args args = { ctl_screen_lines(), 0, XLC_FOLLOW };
    struct xlc_attach a = { 0 };
    const char *run_dir, *ops[2];
    unsigned long lines;
    char *buf, *backlog = NULL;
    size_t blen = 0;
    bool live = false;
    struct xlc_hdr h;
    long n;
    int fd, rc = XL_EXIT_FAILURE;

    opts_parse(argc, argv, &spec_attach, attach_option, &args, ops, NULL);
    run_dir = common.run_dir;
    if (ctl_target(ops[0], ops[1], &a.domid, &a.id) < 0)
        return XL_EXIT_FAILURE;
    a.flags = args.flags;
    lines = args.lines;
    a.backlog = lines ? (uint32_t)(lines * 512 < XLC_MAX_BACKLOG ? lines * 512 : XLC_MAX_BACKLOG)
                      : (uint32_t)args.bytes;
    buf = malloc(XLC_MAX_MSG);
    backlog = malloc(XLC_MAX_BACKLOG);
    fd = buf && backlog ? ctl_connect(run_dir) : -1;
    if (fd < 0 || ctl_send(fd, XLC_ATTACH, &a, sizeof(a)) < 0)
        goto out;
    while ((n = ctl_recv(fd, &h, buf)) >= 0) {
        switch (h.type) {
        case XLC_OK:
            break;
        case XLC_DATA:
            if (live) {
                if (ctl_write_all(buf, (size_t)n) < 0)
                    goto out;
            } else if (blen + (size_t)n <= XLC_MAX_BACKLOG) {
                memcpy(backlog + blen, buf, (size_t)n);
                blen += (size_t)n;
            }
            break;
        case XLC_LIVE:
            if (ctl_print_backlog(backlog, blen, lines) < 0)
                goto out;
            live = true;
            break;
        case XLC_SKIPPED: {
            unsigned long long sk = 0;

            if (n == sizeof(sk))
                memcpy(&sk, buf, sizeof(sk));
            fprintf(stderr, "xenlog: reader too slow, %llu bytes skipped\n", sk);
            break;
        }
        case XLC_END:
            if (!live && ctl_print_backlog(backlog, blen, lines) < 0)
                goto out;
            if (a.flags & XLC_FOLLOW)
                fprintf(stderr, "xenlog: stream %u/%u ended\n", a.domid, a.id);
            rc = 0;
            goto out;
        case XLC_ERROR:
            fprintf(stderr, "xenlog: stream %u/%u: %.*s\n", a.domid, a.id, (int)n, buf);
            goto out;
        default:
            break;
        }
    }
    fprintf(stderr, "xenlog: connection to xenlogd lost\n");
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    free(backlog);
    return rc;
}
