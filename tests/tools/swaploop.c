/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swaploop DIR N SECONDS: exchanges DIR/aI and DIR/bI (renameat2
 * RENAME_EXCHANGE) for I = 0..N-1 round robin, as fast as it can, for
 * SECONDS or until SIGTERM; prints the number of exchanges. The attacker of t-daemon-race.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    unsigned long n, i, swaps = 0;
    time_t end;
    int dfd;

    if (argc != 4 || (n = strtoul(argv[2], NULL, 10)) == 0) {
        fprintf(stderr, "usage: swaploop DIR N SECONDS\n");
        return 2;
    }
    dfd = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        perror(argv[1]);
        return 1;
    }
    signal(SIGTERM, on_term);
    end = time(NULL) + atoi(argv[3]);
    for (i = 0; !stop && time(NULL) < end; i = (i + 1) % n) {
        char a[32], b[32];

        snprintf(a, sizeof(a), "a%lu", i);
        snprintf(b, sizeof(b), "b%lu", i);
        if (syscall(SYS_renameat2, dfd, a, dfd, b, RENAME_EXCHANGE) == 0)
            swaps++;
    }
    printf("%lu\n", swaps);
    return 0;
}
