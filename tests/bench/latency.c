/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * latency LINES INTERVAL_MS FIFO FILE [FIFO FILE]...: writes LINES lines of
 * 120 bytes into each FIFO, one line every INTERVAL_MS, to each FIFO in
 * turn (so that whatever else the machine does falls on every copier
 * alike), and times each line from just before its write(2) to the moment
 * the FIFO's FILE has grown to hold it ("visible": a reader of FILE can
 * read it). Each FILE must exist and not rotate during the run. Prints one
 * line per pair, in order: "p50_us N p99_us N max_us N". The wait is an
 * inotify IN_MODIFY on FILE (splice(2) into a file reports one), each
 * event followed by an fstat; a 1 ms poll timeout covers a missed event,
 * so the figure is never too low.
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

/* Waits until fd's file holds want bytes: 0, or -1 if it never did. */
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

#define MAX_PAIRS 8

struct pair {
    int out, file, ino;
    off_t base;
    long long *lat;
};

static int pair_open(struct pair *p, const char *fifo, const char *file, unsigned lines)
{
    p->lat = calloc(lines ? lines : 1, sizeof(*p->lat));
    p->out = open(fifo, O_WRONLY | O_CLOEXEC);
    p->file = open(file, O_RDONLY | O_CLOEXEC);
    p->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (!p->lat || p->out < 0 || p->file < 0 || p->ino < 0 ||
        inotify_add_watch(p->ino, file, IN_MODIFY) < 0)
        return -1;
    p->base = size_of(p->file);
    return 0;
}

/* Line i into p; its time in p->lat[i]. */
static int one_line(struct pair *p, unsigned i)
{
    char line[LINE + 8];
    long long t0;

    memset(line, 'x', LINE);
    snprintf(line, 18, "latency %08u ", i % 100000000u);
    line[17] = ' ';
    line[LINE - 1] = '\n';
    t0 = now_ns();
    if (write(p->out, line, LINE) != LINE ||
        wait_size(p->file, p->ino, p->base + (off_t)(i + 1) * LINE) < 0)
        return -1;
    p->lat[i] = now_ns() - t0;
    return 0;
}

static void report(struct pair *p, unsigned lines)
{
    qsort(p->lat, lines, sizeof(*p->lat), cmp);
    printf("p50_us %lld p99_us %lld max_us %lld\n", p->lat[lines / 2] / 1000,
           p->lat[(lines * 99) / 100 < lines ? (lines * 99) / 100 : lines - 1] / 1000,
           p->lat[lines - 1] / 1000);
}

int main(int argc, char **argv)
{
    struct pair pairs[MAX_PAIRS];
    unsigned lines, interval_ms, i, k, np = (unsigned)(argc - 3) / 2;

    if (argc < 5 || (argc - 3) % 2 || np > MAX_PAIRS)
        return 100;
    lines = (unsigned)strtoul(argv[1], NULL, 10);
    interval_ms = (unsigned)strtoul(argv[2], NULL, 10);
    if (!lines)
        return 100;
    for (k = 0; k < np; k++)
        if (pair_open(&pairs[k], argv[3 + 2 * k], argv[4 + 2 * k], lines) < 0) {
            perror(argv[3 + 2 * k]);
            return 111;
        }
    for (i = 0; i < lines; i++)
        for (k = 0; k < np; k++) {
            /* Each round starts one further on: no copier always first. */
            unsigned j = (i + k) % np;

            if (one_line(&pairs[j], i) < 0) {
                fprintf(stderr, "latency: %s: line %u not written or never visible\n",
                        argv[3 + 2 * j], i);
                return 111;
            }
            usleep(interval_ms * 1000);
        }
    for (k = 0; k < np; k++) {
        report(&pairs[k], lines);
        free(pairs[k].lat);
    }
    return 0;
}
