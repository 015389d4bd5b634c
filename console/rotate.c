/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rotate.h"
#include "validate.h"

#define LOG_MODE 0640

static void copy_name(char *buf, size_t len, const char *base, unsigned i)
{
    if (i == 0)
        snprintf(buf, len, "%s", base);
    else
        snprintf(buf, len, "%s.%u", base, i);
}

int logfile_rotate(int dfd, const char *base, unsigned copies)
{
    char from[NAME_MAX_LEN + 8], to[NAME_MAX_LEN + 8];
    unsigned i;

    if (copies == 0)
        return unlinkat(dfd, base, 0) < 0 && errno != ENOENT ? -errno : 0;
    /* Oldest first: each rename replaces (and so removes) its target. */
    for (i = copies; i > 0; i--) {
        copy_name(from, sizeof(from), base, i - 1);
        copy_name(to, sizeof(to), base, i);
        if (renameat(dfd, from, dfd, to) < 0 && errno != ENOENT)
            return -errno;
    }
    return 0;
}

static int open_regular(int dfd, const char *base, int flags)
{
    struct stat st;
    int fd = openat(dfd, base, flags | O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
                    LOG_MODE);

    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -EINVAL;
    }
    return fd;
}

int logfile_create(int dfd, const char *base)
{
    int fd = open_regular(dfd, base, O_CREAT | O_EXCL);

    if (fd == -EEXIST) {
        /* Something appeared in between: it goes the way of old copies. */
        if (unlinkat(dfd, base, 0) < 0)
            return -errno;
        fd = open_regular(dfd, base, O_CREAT | O_EXCL);
    }
    return fd;
}

int logfile_append(int dfd, const char *base, off_t *size)
{
    int fd = open_regular(dfd, base, O_CREAT);
    off_t end;

    if (fd < 0)
        return fd;
    end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
        int e = errno;

        close(fd);
        return -e;
    }
    *size = end;
    return fd;
}
