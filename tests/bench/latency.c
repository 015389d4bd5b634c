/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * latency FIFO FILE LINES INTERVAL_MS [SAMPLES]: writes LINES lines of 120
 * bytes into FIFO, one every INTERVAL_MS, and times each from just before
 * its write(2) to the moment FILE has grown to hold it ("visible": a reader
 * of FILE can read it). FILE must exist and not rotate during the run.
 * Prints "p50_us N p99_us N max_us N"; with SAMPLES, also appends each
 * line's time (µs, one per line) to that file, so that runs taken in turns
 * can be pooled. The wait is an inotify IN_MODIFY on FILE
 * (splice(2) into a file reports one), each event followed by an fstat; a
 * 1 ms poll timeout covers a missed event, so the figure is never too low.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LINE 120

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return (x > y) - (x < y);
}

static off_t size_of(int fd)
{
    struct stat st;

    return fstat(fd, &st) < 0 ? -1 : st.st_size;
}

/* Waits until fd's file holds want bytes; the nanoseconds waited, or -1. */
static int wait_size(int fd, int ino, off_t want)
{
    char ev[4096];
    int spins = 0;

    while (size_of(fd) < want) {
        struct pollfd p = { .fd = ino, .events = POLLIN };

        if (++spins > 10000)       /* 10 s of 1 ms timeouts: it never came */
            return -1;
        if (poll(&p, 1, 1) > 0 && read(ino, ev, sizeof(ev)) < 0 && errno != EAGAIN)
            return -1;
    }
    return 0;
}

/* Appends the n times to path, in µs, one per line. */
static int save(const char *path, const long long *lat, unsigned n)
{
    FILE *f = fopen(path, "a");
    unsigned i;
    int r = 0;

    if (!f)
        return -1;
    for (i = 0; i < n; i++)
        if (fprintf(f, "%lld\n", lat[i] / 1000) < 0)
            r = -1;
    return fclose(f) == 0 ? r : -1;
}

int main(int argc, char **argv)
{
    unsigned lines, interval_ms, i;
    long long *lat;
    int out, file, ino;
    off_t base;

    if (argc != 5 && argc != 6)
        return 100;
    lines = (unsigned)strtoul(argv[3], NULL, 10);
    interval_ms = (unsigned)strtoul(argv[4], NULL, 10);
    lat = calloc(lines ? lines : 1, sizeof(*lat));
    out = open(argv[1], O_WRONLY | O_CLOEXEC);
    file = open(argv[2], O_RDONLY | O_CLOEXEC);
    ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (!lat || out < 0 || file < 0 || ino < 0 ||
        inotify_add_watch(ino, argv[2], IN_MODIFY) < 0) {
        perror("latency");
        return 111;
    }
    base = size_of(file);
    for (i = 0; i < lines; i++) {
        char line[LINE + 8];
        long long t0;

        memset(line, 'x', LINE);
        snprintf(line, 18, "latency %08u ", i % 100000000u);
        line[17] = ' ';
        line[LINE - 1] = '\n';
        t0 = now_ns();
        if (write(out, line, LINE) != LINE || wait_size(file, ino, base + (off_t)(i + 1) * LINE) < 0) {
            fprintf(stderr, "latency: line %u: not written or never visible\n", i);
            return 111;
        }
        lat[i] = now_ns() - t0;
        usleep(interval_ms * 1000);
    }
    if (argc == 6 && save(argv[5], lat, lines) < 0) {
        perror("latency: samples");
        return 111;
    }
    qsort(lat, lines, sizeof(*lat), cmp);
    printf("p50_us %lld p99_us %lld max_us %lld\n", lat[lines / 2] / 1000,
           lat[(lines * 99) / 100 < lines ? (lines * 99) / 100 : lines - 1] / 1000,
           lat[lines - 1] / 1000);
    free(lat);
    return 0;
}
