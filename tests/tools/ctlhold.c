/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctlhold SOCKET N SECONDS: opens N connections to xenlogd's control socket
 * (retrying those the listen queue refuses, for up to 10 s) and holds them
 * without a request. Prints "open K" once made, then after SECONDS
 * "closed C": how many of them the daemon has closed by then.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int try_connect(const struct sockaddr_un *sa)
{
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct rlimit rl;
    struct pollfd *p;
    long n, open_ = 0, closed = 0, i;
    time_t end;

    if (argc != 4 || (n = atol(argv[2])) <= 0 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "usage: ctlhold SOCKET N SECONDS\n");
        return 2;
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    strcpy(sa.sun_path, argv[1]);
    p = calloc((size_t)n, sizeof(*p));
    if (!p)
        return 1;
    end = time(NULL) + 10;
    while (open_ < n && time(NULL) < end) {
        int fd = try_connect(&sa);

        if (fd < 0) {
            if (errno != EAGAIN) {
                perror("connect");
                return 1;
            }
            usleep(10000);
            continue;
        }
        p[open_].fd = fd;
        p[open_++].events = POLLIN;
    }
    printf("open %ld\n", open_);
    fflush(stdout);
    sleep((unsigned)atoi(argv[3]));
    poll(p, (nfds_t)open_, 0);
    for (i = 0; i < open_; i++)
        if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[256];

            if (recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0 ||
                recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT) == 0)
                closed++;
        }
    printf("closed %ld\n", closed);
    for (i = 0; i < open_; i++)
        close(p[i].fd);
    free(p);
    return 0;
}
