/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * splicecopy FIFO FILE BYTES: the baseline of the benchmark: opens FIFO
 * O_RDWR and splices into FILE until BYTES bytes have moved. The least a
 * FIFO -> file copy can cost.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    unsigned long long want, done = 0;
    int in, out;

    if (argc != 4)
        return 100;
    want = strtoull(argv[3], NULL, 10);
    in = open(argv[1], O_RDWR | O_CLOEXEC);
    out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (in < 0 || out < 0) {
        perror("splicecopy: open");
        return 111;
    }
    while (done < want) {
        ssize_t n = splice(in, NULL, out, NULL, 1 << 20, SPLICE_F_MOVE);

        if (n <= 0) {
            perror("splicecopy: splice");
            return 111;
        }
        done += (unsigned long long)n;
    }
    return 0;
}
