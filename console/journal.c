/* SPDX-License-Identifier: GPL-2.0-only */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "journal.h"

/* KEY=VALUE\n, or the binary-safe form if the value holds a newline. */
static void field(struct fwd_out *o, const char *key, const char *v, size_t n)
{
    fwd_put(o, key, strlen(key));
    if (!memchr(v, '\n', n)) {
        fwd_put(o, "=", 1);
    } else {
        unsigned char le[8];
        uint64_t len = n;
        int i;

        for (i = 0; i < 8; i++)
            le[i] = (unsigned char)(len >> (8 * i));
        fwd_put(o, "\n", 1);
        fwd_put(o, le, sizeof(le));
    }
    fwd_put(o, v, n);
    fwd_put(o, "\n", 1);
}

static void field_s(struct fwd_out *o, const char *key, const char *v)
{
    field(o, key, v, strlen(v));
}

static void field_u(struct fwd_out *o, const char *key, unsigned v)
{
    char num[16];

    snprintf(num, sizeof(num), "%u", v);
    field_s(o, key, num);
}

size_t journal_datagram(char *buf, size_t size, const struct fwd_line *l)
{
    const struct fwd_meta *m = l->m;
    struct fwd_out o = { buf, 0, size };

    assert(m && l->ident && m->file);
    field(&o, "MESSAGE", l->msg, l->len);
    field_s(&o, "PRIORITY", "6");
    field_s(&o, "SYSLOG_FACILITY", "3");
    field_s(&o, "SYSLOG_IDENTIFIER", l->ident);
    field_u(&o, "XEN_DOMID", m->domid);
    if (m->domain)
        field_s(&o, "XEN_DOMAIN", m->domain);
    field_s(&o, "XEN_STREAM", m->file);
    field_u(&o, "XEN_STREAM_ID", m->id);
    field_s(&o, "XEN_LOG_KIND", kind_name(m->kind));
    return o.len <= size ? o.len : 0;
}

int journal_open(void)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    return fd < 0 ? -errno : fd;
}

int journal_send(int fd, const char *buf, size_t len)
{
    static const struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET };

    if (sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)&sa,
               sizeof(sa)) < 0)
        return -errno;
    return 0;
}
