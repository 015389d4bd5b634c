/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "rotate.h"
#include "validate.h"

#define LOG_MODE 0640

void copy_name(char *buf, size_t len, const char *base, unsigned i)
{
    if (i == 0)
        snprintf(buf, len, "%s", base);
    else
        snprintf(buf, len, "%s.%u", base, i);
}

int copies_shift(int dfd, const char *base, unsigned copies)
{
    char from[NAME_MAX_LEN + 8], to[NAME_MAX_LEN + 8];
    unsigned i;

    if (copies == 0)
        return unlinkat(dfd, base, 0) < 0 && errno != ENOENT ? -errno : 0;
    /* The oldest goes first, by unlink: then no rename replaces a file.
     * A rename over an existing file makes ext4 (auto_da_alloc) write the
     * renamed file out synchronously, in the renaming thread: 2.6 ms per
     * rename with the data path stopped (tests/bench/PROFILE.md). */
    copy_name(to, sizeof(to), base, copies);
    if (unlinkat(dfd, to, 0) < 0 && errno != ENOENT)
        return -errno;
    for (i = copies; i > 0; i--) {
        copy_name(from, sizeof(from), base, i - 1);
        copy_name(to, sizeof(to), base, i);
        if (renameat(dfd, from, dfd, to) < 0 && errno != ENOENT)
            return -errno;
    }
    return 0;
}

/* The flags of every log file: no controlling tty, never blocks. Not
 * O_APPEND, which splice(2) refuses: stream.c writes at the file's real end
 * instead (an outside truncation leaves no hole). */
#define LOG_FLAGS (O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

/* A file this call created: still checked on the descriptor. */
static int create_new(int dfd, const char *base, uid_t uid, const char **why)
{
    const struct want w = { .type = S_IFREG, .uid = uid, .perm = (mode_t)-1, .one_link = true };
    struct stat st;
    int fd = openat(dfd, base, LOG_FLAGS | O_CREAT | O_EXCL | O_NOFOLLOW, LOG_MODE);

    if (fd < 0) {
        fd = -errno;
        *why = strerror(-fd);
        return fd;
    }
    if (fstat(fd, &st) < 0) {
        *why = strerror(errno);
        close(fd);
        return -EIO;
    }
    if ((*why = want_check(&st, &w))) {
        close(fd);
        return -EPERM;
    }
    return fd;
}

int file_create(int dfd, const char *base, uid_t uid, const char **why)
{
    int fd = create_new(dfd, base, uid, why);

    if (fd == -EEXIST) {
        /* Something appeared in between: it goes the way of old copies. */
        if (unlinkat(dfd, base, 0) < 0) {
            *why = strerror(errno);
            return -errno;
        }
        fd = create_new(dfd, base, uid, why);
    }
    return fd;
}

int file_append(int dfd, const char *base, uid_t uid, off_t *size, const char **why)
{
    const struct want w = { .type = S_IFREG, .uid = uid, .perm = (mode_t)-1, .one_link = true };
    struct stat st;
    int fd = open_checked(dfd, base, LOG_FLAGS, &w, why);

    if (fd == -ENOENT)
        fd = create_new(dfd, base, uid, why);
    if (fd < 0)
        return fd;
    if (fstat(fd, &st) < 0) {
        *why = strerror(errno);
        close(fd);
        return -EIO;
    }
    *size = st.st_size;
    return fd;
}

int file_reopen(int dfd, const char *base, uid_t uid, off_t *size, const char **why)
{
    bool exists;

    if ((*why = file_check(dfd, base, uid, &exists)))
        return -EPERM;
    return file_append(dfd, base, uid, size, why);
}

int file_open_ro(int dfd, const char *name, uid_t uid)
{
    const struct want w = { .type = S_IFREG, .uid = uid, .perm = (mode_t)-1, .one_link = true };
    const char *why;

    return open_checked(dfd, name, O_RDONLY | O_NONBLOCK, &w, &why);
}

int copy_open(int dfd, const char *base, unsigned i, uid_t uid)
{
    char name[NAME_MAX_LEN + 16];

    copy_name(name, sizeof(name), base, i);
    return file_open_ro(dfd, name, uid);
}

int copy_remove(int dfd, const char *base, unsigned i)
{
    char name[NAME_MAX_LEN + 16];

    copy_name(name, sizeof(name), base, i);
    return unlinkat(dfd, name, 0) < 0 ? -errno : 0;
}
