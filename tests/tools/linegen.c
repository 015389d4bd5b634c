/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * linegen SEED BYTES [LINES_PER_SEC] [FIRST]: writes numbered lines to stdout
 * until at least BYTES bytes; prints "last N" to stderr at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lines.h"

#define CHUNK (64 * 1024)

static int write_all(const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(1, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static char buf[CHUNK + 256];
    uint64_t seed, bytes, done = 0, n, rate;
    size_t used = 0;
    struct timespec t0, now;

    if (argc < 3) {
        fputs("usage: linegen SEED BYTES [LINES_PER_SEC] [FIRST]\n", stderr);
        return 100;
    }
    seed = strtoull(argv[1], NULL, 10);
    bytes = strtoull(argv[2], NULL, 10);
    rate = argc > 3 ? strtoull(argv[3], NULL, 10) : 0;
    n = argc > 4 ? strtoull(argv[4], NULL, 10) : 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (; done < bytes; n++) {
        size_t len = lines_make(buf + used, seed, n);

        used += len;
        done += len;
        if (rate) {
            /* Paced: one line at a time, at `rate` lines a second. */
            double due, el;

            if (write_all(buf, used) < 0)
                return 111;
            used = 0;
            due = (double)(n + 1) / (double)rate;
            clock_gettime(CLOCK_MONOTONIC, &now);
            el = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
            if (due > el)
                usleep((useconds_t)((due - el) * 1e6));
        } else if (used >= CHUNK) {
            if (write_all(buf, used) < 0)
                return 111;
            used = 0;
        }
    }
    if (used && write_all(buf, used) < 0)
        return 111;
    fprintf(stderr, "last %llu\n", (unsigned long long)(n - 1));
    return 0;
}
