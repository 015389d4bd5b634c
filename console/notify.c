/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"

static int notify_fd = -1;

/* $NOTIFY_SOCKET: an absolute path, or "@name" for an abstract socket. */
static int notify_addr(const char *name, struct sockaddr_un *sa, socklen_t *len)
{
    size_t n = strlen(name);

    if ((name[0] != '/' && name[0] != '@') || n < 2 || n >= sizeof(sa->sun_path))
        return -EINVAL;
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, name, n);
    if (name[0] == '@')
        sa->sun_path[0] = '\0';     /* abstract: no terminating NUL counted */
    else
        n++;
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    return 0;
}

int notify_open(void)
{
    const char *name = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    socklen_t len;
    int fd, r;

    if (!name)
        return 0;
    r = notify_addr(name, &sa, &len);
    if (r < 0)
        return r;
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
        r = -errno;
        close(fd);
        return r;
    }
    notify_fd = fd;
    return 0;
}

int notify_send(const char *msg)
{
    size_t n = strlen(msg);
    ssize_t w;

    if (notify_fd < 0)
        return 0;
    w = write(notify_fd, msg, n);
    if (w < 0)
        return -errno;
    return (size_t)w == n ? 0 : -EMSGSIZE;
}

void notify_close(void)
{
    if (notify_fd >= 0)
        close(notify_fd);
    notify_fd = -1;
}
