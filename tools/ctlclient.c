/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenstore.h>

#include "ctlclient.h"

int ctl_connect(const char *run_dir)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char *adv = NULL;
    int fd, n;

    if (run_dir) {
        n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", run_dir, XLC_SOCKET);
    } else {
        struct xs_handle *xsh = xs_open(XS_OPEN_READONLY);
        unsigned len;

        if (xsh) {
            adv = xs_read(xsh, XBT_NULL, "/tool/xenlogd/control", &len);
            xs_close(xsh);
        }
        if (!adv || !*adv) {
            fprintf(stderr, "xenlog: xenlogd is not running (no /tool/xenlogd/control)\n");
            free(adv);
            return -1;
        }
        n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", adv);
    }
    if (n < 0 || (size_t)n >= sizeof(sa.sun_path)) {
        fprintf(stderr, "xenlog: control socket path too long\n");
        free(adv);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "xenlog: cannot connect to %s: %s\n", sa.sun_path, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    free(adv);
    return fd;
}

int ctl_send(int fd, uint16_t type, const void *body, size_t len)
{
    char msg[sizeof(struct xlc_hdr) + 64];
    size_t n = xlc_encode(msg, sizeof(msg), type, body, len);

    if (!n)
        return -1;
    return send(fd, msg, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* The descriptor a message carried (SCM_RIGHTS), or -1; any more are closed. */
static int passed_fd(struct msghdr *mh)
{
    struct cmsghdr *cm;
    int fd = -1;

    for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
        size_t i, nfd;

        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < nfd; i++) {
            int one;

            memcpy(&one, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
            if (fd < 0)
                fd = one;
            else
                close(one);
        }
    }
    return fd;
}

long ctl_recv_fd(int fd, struct xlc_hdr *h, void *buf, int flags, int *passed)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * 4)];
    } u;
    struct iovec iov = { buf, XLC_MAX_MSG };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t n;
    long len = -1;

    *passed = -1;
    do {
        mh.msg_control = u.buf;
        mh.msg_controllen = sizeof(u.buf);
        n = recvmsg(fd, &mh, flags | MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n >= 0)
        *passed = passed_fd(&mh);
    /* errno says why: an end of the connection (0 bytes) or a message cut
     * wrong must never read as the EAGAIN of an earlier call. */
    if (n == 0)
        errno = ECONNRESET;
    else if (n > 0 && (len = xlc_decode(buf, (size_t)n, h)) < 0)
        errno = EPROTO;
    if (n <= 0 || len < 0) {
        if (*passed >= 0)
            close(*passed);
        *passed = -1;
        return -1;
    }
    memmove(buf, (char *)buf + sizeof(*h), (size_t)len);
    return len;
}

long ctl_recv(int fd, struct xlc_hdr *h, void *buf)
{
    int passed;
    long n = ctl_recv_fd(fd, h, buf, 0, &passed);

    if (passed >= 0)
        close(passed);      /* not asked for */
    return n;
}

/* Where the last `lines` lines of buf start (0 if lines is 0). */
static size_t backlog_start(const char *buf, size_t len, unsigned long lines)
{
    size_t start = len;
    unsigned long seen = 0;

    if (lines == 0)
        return 0;
    if (start && buf[start - 1] == '\n')
        start--;                /* the last line's own newline */
    while (start > 0) {
        if (buf[start - 1] == '\n' && ++seen == lines)
            break;
        start--;
    }
    return start;
}

/* The backlog, once: its last s->lines lines. */
static int show_backlog(struct ctl_session *s)
{
    size_t start = backlog_start(s->backlog, s->blen, s->lines);

    s->live = true;
    return s->out_backlog(s->arg, s->backlog + start, s->blen - start);
}

static int on_data(struct ctl_session *s, const char *body, size_t n)
{
    if (s->live)
        return s->out_live(s->arg, body, n) < 0 ? -1 : 1;
    if (s->blen + n <= XLC_MAX_BACKLOG) {
        memcpy(s->backlog + s->blen, body, n);
        s->blen += n;
    }
    return 1;
}

void ctl_skipped(const struct ctl_session *s, uint64_t bytes)
{
    if (s->terminal) {
        s->say("stream %u/%u: output too fast for this terminal, bytes skipped", s->domid,
               s->id);
        return;
    }
    s->say("reader too slow, %llu bytes skipped", (unsigned long long)bytes);
}

static void on_skipped(struct ctl_session *s, const char *body, size_t n)
{
    uint64_t sk = 0;

    if (n >= sizeof(sk))
        memcpy(&sk, body, sizeof(sk));
    ctl_skipped(s, sk);
}

int ctl_reply(struct ctl_session *s, const struct xlc_hdr *h, const char *body, size_t n)
{
    switch (h->type) {
    case XLC_OK:
        s->accepted = true;
        return 1;
    case XLC_DATA:
        return on_data(s, body, n);
    case XLC_LIVE:
        return show_backlog(s) < 0 ? -1 : 1;
    case XLC_SKIPPED:
        on_skipped(s, body, n);
        return 1;
    case XLC_END:
        if (!s->live && show_backlog(s) < 0)
            return -1;
        if (s->follow)
            s->say("stream %u/%u ended", s->domid, s->id);
        return 0;
    case XLC_ERROR:
        s->say("stream %u/%u: %.*s", s->domid, s->id, (int)n, body);
        return -1;
    default:
        return 1;
    }
}

int ctl_list(const char *run_dir, uint32_t domid, const struct ctl_list_cb *cb)
{
    char *buf = malloc(XLC_MAX_MSG + 1);
    struct xlc_hdr h;
    int fd = buf ? ctl_connect(run_dir) : -1, rc = -1;
    long n;

    if (fd < 0 || ctl_send(fd, XLC_LIST, &domid, sizeof(domid)) < 0)
        goto out;
    while ((n = ctl_recv(fd, &h, buf)) >= 0) {
        struct xlc_stream_info in;

        if (h.type == XLC_END) {
            rc = 0;
            break;
        }
        if (h.type == XLC_ERROR) {
            fprintf(stderr, "xenlog: xenlogd: %.*s\n", (int)n, buf);
            break;
        }
        if (h.type != XLC_STREAM || (size_t)n < sizeof(in))
            continue;
        memcpy(&in, buf, sizeof(in));
        if (in.file_len != (size_t)n - sizeof(in))
            continue;
        buf[n] = '\0';
        cb->stream(&in, buf + sizeof(in), cb->arg);
    }
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    return rc;
}

void ctl_vsay(const char *eol, const char *fmt, va_list ap)
{
    fputs("xenlog: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(eol, stderr);
}

void ctl_say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ctl_vsay("\n", fmt, ap);
    va_end(ap);
}
