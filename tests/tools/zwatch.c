/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The watcher: sums st_size of every file in the directory, as often as it
 * can. A sample counts only if the names and their inodes are the same
 * before and after it: then every file it summed existed throughout, and
 * since files only grow under their name (append, .tmp written), the sum
 * is never more than the real total at the moment the sample ended. So a
 * counted sample above the budget is a real violation.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zcheck.h"

#define MAXF 4096

struct entry {
    char name[sizeof(((struct dirent *)0)->d_name) + 1];
    ino_t ino;
};

struct zwatch {
    pthread_t thread;
    int dirfd;
    uint64_t budget;
    atomic_bool stop;
    struct zwatch_result res;
    struct entry a[MAXF], b[MAXF];
};

/* The names and inodes in the directory, sums of sizes; count or -1. */
static int list(struct zwatch *z, struct entry *e, uint64_t *size, uint64_t *blocks)
{
    int fd = openat(z->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *de;
    int n = 0;

    if (!d) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *size = *blocks = 0;
    while ((de = readdir(d)) && n < MAXF) {
        struct stat st;

        if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
            continue;
        if (fstatat(z->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            n = -1;      /* gone meanwhile: not a stable sample */
            break;
        }
        snprintf(e[n].name, sizeof(e[n].name), "%s", de->d_name);
        e[n].ino = st.st_ino;
        *size += (uint64_t)st.st_size;
        *blocks += (uint64_t)st.st_blocks * 512;
        n++;
    }
    closedir(d);
    return n;
}

static bool same(const struct entry *a, int na, const struct entry *b, int nb)
{
    int i, j;

    if (na != nb)
        return false;
    for (i = 0; i < na; i++) {
        for (j = 0; j < nb; j++)
            if (a[i].ino == b[j].ino && strcmp(a[i].name, b[j].name) == 0)
                break;
        if (j == nb)
            return false;
    }
    return true;
}

/* One sample into z->res; true if it counted. */
static bool sample(struct zwatch *z)
{
    uint64_t size, blocks, s2, b2;
    int na = list(z, z->a, &size, &blocks), nb;

    nb = na < 0 ? -1 : list(z, z->b, &s2, &b2);
    z->res.samples++;
    if (na < 0 || nb < 0 || !same(z->a, na, z->b, nb))
        return false;
    z->res.counted++;
    if (size > z->res.max_total)
        z->res.max_total = size;
    if (blocks > z->res.max_blocks)
        z->res.max_blocks = blocks;
    if (size > z->budget && z->res.violations++ == 0) {
        struct stat st;
        int i;

        for (i = 0; i < na; i++)
            if (fstatat(z->dirfd, z->a[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                fprintf(stderr, "violation: %s ino %lu now %lld\n", z->a[i].name,
                        (unsigned long)z->a[i].ino, (long long)st.st_size);
    }
    return true;
}

static void *watch(void *arg)
{
    struct zwatch *z = arg;

    while (!atomic_load(&z->stop))
        sample(z);
    return NULL;
}

void zwatch_once(int dirfd, struct zwatch_result *res)
{
    struct zwatch *z = calloc(1, sizeof(*z));

    if (!z)
        abort();
    z->dirfd = dirfd;
    z->budget = UINT64_MAX;
    while (!sample(z))
        ;
    *res = z->res;
    free(z);
}

struct zwatch *zwatch_start(int dirfd, uint64_t budget)
{
    struct zwatch *z = calloc(1, sizeof(*z));

    if (!z)
        return NULL;
    z->dirfd = dirfd;
    z->budget = budget;
    if (pthread_create(&z->thread, NULL, watch, z)) {
        free(z);
        return NULL;
    }
    return z;
}

void zwatch_stop(struct zwatch *z, struct zwatch_result *res)
{
    atomic_store(&z->stop, true);
    pthread_join(z->thread, NULL);
    *res = z->res;
    free(z);
}
