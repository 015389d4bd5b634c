/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * blast BYTES [drain]: writes BYTES of numbered lines to stdout as fast as
 * it can (a 1 MiB block of lines made once and written again and again),
 * ending with the line "blast-end". A writer that costs next to nothing, so
 * that the benchmark measures the copy, not the producer. With "drain"
 * (stdout a FIFO), exits only once the FIFO is empty: the reader has taken
 * every byte (splice(2) takes them out only as they reach the file), which
 * ends a run through the daemon the way splicecopy's exit ends its run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BLOCK (1024 * 1024)

static int write_all(const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(1, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int drain(void)
{
    int left;

    while (ioctl(1, FIONREAD, &left) == 0 && left > 0)
        usleep(100);
    return 0;
}

int main(int argc, char **argv)
{
    static char block[BLOCK];
    unsigned long long bytes, done = 0;
    size_t used = 0;
    unsigned n = 0;

    if (argc != 2 && (argc != 3 || strcmp(argv[2], "drain") != 0))
        return 100;
    bytes = strtoull(argv[1], NULL, 10);
    while (used + 100 < BLOCK) {
        int len = snprintf(block + used, BLOCK - used,
                           "line %08u the quick brown fox jumps over the lazy dog %08u\n", n, n);
        used += (size_t)len;
        n++;
    }
    while (done + used <= bytes) {
        if (write_all(block, used) < 0)
            return 111;
        done += used;
    }
    if (write_all("blast-end\n", 10) < 0)
        return 111;
    return argc == 3 ? drain() : 0;
}
