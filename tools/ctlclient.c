/* SPDX-License-Identifier: GPL-2.0-only */
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
    struct xlc_hdr h = { .type = type, .len = (uint32_t)len };

    if (len > sizeof(msg) - sizeof(h))
        return -1;
    memcpy(msg, &h, sizeof(h));
    if (len)
        memcpy(msg + sizeof(h), body, len);
    return send(fd, msg, sizeof(h) + len, MSG_NOSIGNAL) == (ssize_t)(sizeof(h) + len) ? 0 : -1;
}

long ctl_recv(int fd, struct xlc_hdr *h, void *buf)
{
    ssize_t n;

    do
        n = recv(fd, buf, XLC_MAX_MSG, 0);
    while (n < 0 && errno == EINTR);
    if (n < (ssize_t)sizeof(*h))
        return -1;
    memcpy(h, buf, sizeof(*h));
    if (h->len != (size_t)n - sizeof(*h))
        return -1;
    memmove(buf, (char *)buf + sizeof(*h), h->len);
    return (long)h->len;
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
