/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * splicecopy FIFO FILE BYTES [LIMIT]: the baseline of the benchmark: opens
 * FIFO O_RDWR and splices into FILE until BYTES bytes have moved; with
 * LIMIT, FILE is truncated every LIMIT bytes, so that it keeps as little in
 * the page cache as the daemon's rotated files. The least a bounded
 * FIFO -> file copy can cost. The FIFO gets the daemon's default size
 * (1 MiB, F_SETPIPE_SZ, as xenlogd's --fifo-size does), so that both copy
 * through the same buffer. At the end prints "cpu_ns N", its own CPU
 * time (user + system), for the benchmark's CPU per GiB.
 *
 * splicecopy --epoll FIFO FILE BYTES: the same copy as an event loop does
 * it: the FIFO non-blocking, each splice after epoll_wait(2) says it is
 * readable. Not a logger, only the wake-up path any daemon serving many
 * FIFOs from one thread has: the floor of its write -> visible latency.
 *
 * splicecopy --epoll-at-end FIFO FILE BYTES: the same, each splice going to
 * the file's real end, read by fstat(2) just before it, as xenlogd's do
 * (splice(2) refuses O_APPEND files; without it a copytruncate would leave
 * a hole): the floor of a one-thread loop that keeps that promise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int print_cpu(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) < 0)
        return 111;
    printf("cpu_ns %lld\n",
           ((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
               ((long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL);
    return 0;
}

#define FIFO_SIZE (1024 * 1024)     /* xenlogd's default --fifo-size */

/* --epoll: in is non-blocking; waits on epoll before each splice, which
 * goes to the file's real end if at_end (--epoll-at-end). */
static int copy_epoll(int in, int out, unsigned long long want, int at_end)
{
    struct epoll_event ev = { .events = EPOLLIN };
    unsigned long long done = 0;
    int ep = epoll_create1(EPOLL_CLOEXEC);

    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, in, &ev) < 0) {
        perror("splicecopy: epoll");
        return 111;
    }
    while (done < want) {
        struct stat st;
        loff_t end;
        ssize_t n;

        if (epoll_wait(ep, &ev, 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            perror("splicecopy: epoll_wait");
            return 111;
        }
        if (at_end && fstat(out, &st) < 0) {
            perror("splicecopy: fstat");
            return 111;
        }
        end = at_end ? st.st_size : 0;
        n = splice(in, NULL, out, at_end ? &end : NULL, 1 << 20,
                   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n < 0 && errno != EAGAIN) {
            perror("splicecopy: splice");
            return 111;
        }
        done += n > 0 ? (unsigned long long)n : 0;
    }
    close(ep);
    return print_cpu();
}

int main(int argc, char **argv)
{
    unsigned long long want, done = 0, limit, size = 0;
    int in, out;

    if (argc == 5 && (strcmp(argv[1], "--epoll") == 0 || strcmp(argv[1], "--epoll-at-end") == 0)) {
        in = open(argv[2], O_RDWR | O_NONBLOCK | O_CLOEXEC);
        out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        if (in < 0 || out < 0) {
            perror("splicecopy: open");
            return 111;
        }
        if (fcntl(in, F_SETPIPE_SZ, FIFO_SIZE) < 0)
            perror("splicecopy: F_SETPIPE_SZ");
        return copy_epoll(in, out, strtoull(argv[4], NULL, 10),
                          strcmp(argv[1], "--epoll-at-end") == 0);
    }
    if (argc != 4 && argc != 5)
        return 100;
    want = strtoull(argv[3], NULL, 10);
    limit = argc == 5 ? strtoull(argv[4], NULL, 10) : 0;
    in = open(argv[1], O_RDWR | O_CLOEXEC);
    out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (in < 0 || out < 0) {
        perror("splicecopy: open");
        return 111;
    }
    if (fcntl(in, F_SETPIPE_SZ, FIFO_SIZE) < 0)
        perror("splicecopy: F_SETPIPE_SZ");     /* best effort, like the daemon */
    while (done < want) {
        size_t len = 1 << 20;
        ssize_t n;

        if (limit && size >= limit) {
            if (ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0)
                return 111;
            size = 0;
        }
        if (limit && limit - size < len)
            len = (size_t)(limit - size);
        n = splice(in, NULL, out, NULL, len, SPLICE_F_MOVE);

        if (n <= 0) {
            perror("splicecopy: splice");
            return 111;
        }
        done += (unsigned long long)n;
        size += (unsigned long long)n;
    }
    return print_cpu();
}
