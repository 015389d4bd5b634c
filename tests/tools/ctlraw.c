/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctlraw SOCKET MSG...: sends raw messages to xenlogd's control socket on
 * one connection, in order, then prints every reply, one line each, until
 * the daemon closes the connection or nothing came for 2 seconds.
 *   MSG: attach:D,I,B,F | console:D,I,B,F | input:TEXT | inputn:N (N bytes
 *        of 'x') | type:T,N (type T, N zero bytes) | stats
 *   replies: OK, DATA <bytes>, LIVE, END, SKIPPED, ERROR <reason>, TYPE <n>,
 *        DAEMON name=value ... (the fields of STATS's reply)
 * For tests of the protocol's error paths (t-console).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../common/ctlproto.h"

static char msg[XLC_MAX_MSG + sizeof(struct xlc_hdr)];

static int build(const char *arg, size_t *len)
{
    struct xlc_hdr h = { 0 };
    struct xlc_attach a;
    char *body = msg + sizeof(h);
    unsigned t, n;

    if (sscanf(arg, "attach:%u,%u,%u,%u", &a.domid, &a.id, &a.backlog, &a.flags) == 4 ||
        sscanf(arg, "console:%u,%u,%u,%u", &a.domid, &a.id, &a.backlog, &a.flags) == 4) {
        h.type = arg[0] == 'a' ? XLC_ATTACH : XLC_CONSOLE;
        h.len = sizeof(a);
        memcpy(body, &a, sizeof(a));
    } else if (strcmp(arg, "stats") == 0) {
        h.type = XLC_STATS;
        h.len = 0;
    } else if (strncmp(arg, "input:", 6) == 0) {
        h.type = XLC_INPUT;
        h.len = (uint32_t)strlen(arg + 6);
        memcpy(body, arg + 6, h.len);
    } else if (sscanf(arg, "inputn:%u", &n) == 1 && n <= XLC_MAX_MSG - sizeof(h)) {
        h.type = XLC_INPUT;
        h.len = n;
        memset(body, 'x', n);
    } else if (sscanf(arg, "type:%u,%u", &t, &n) == 2 && n <= XLC_MAX_MSG - sizeof(h)) {
        h.type = (uint16_t)t;
        h.len = n;
        memset(body, 0, n);
    } else {
        return -1;
    }
    memcpy(msg, &h, sizeof(h));
    *len = sizeof(h) + h.len;
    return 0;
}

static void print_daemon(const char *body, size_t len)
{
    struct xlc_daemon_info in;

    memset(&in, 0, sizeof(in));
    memcpy(&in, body, len < sizeof(in) ? len : sizeof(in));
    printf("DAEMON version=%u streams=%u ready=%u errored=%u started_ms=%llu "
           "bytes_managed=%llu files_managed=%llu bytes_live=%llu files_removed=%llu "
           "bytes_removed=%llu retention_runs=%llu last_retention_ms=%llu config_loads=%llu "
           "config_errors=%llu reopens=%llu clamped=%llu max_total_size=%llu "
           "max_age_days=%u\n", in.version, in.streams, in.ready, in.errored,
           (unsigned long long)in.started_ms, (unsigned long long)in.bytes_managed,
           (unsigned long long)in.files_managed, (unsigned long long)in.bytes_live,
           (unsigned long long)in.files_removed, (unsigned long long)in.bytes_removed,
           (unsigned long long)in.retention_runs, (unsigned long long)in.last_retention_ms,
           (unsigned long long)in.config_loads, (unsigned long long)in.config_errors,
           (unsigned long long)in.reopens, (unsigned long long)in.clamped,
           (unsigned long long)in.max_total_size, in.max_age_days);
}

int main(int argc, char **argv)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct xlc_hdr h;
    size_t len;
    int fd, i;

    if (argc < 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "usage: ctlraw SOCKET MSG...\n");
        return 2;
    }
    strcpy(sa.sun_path, argv[1]);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        perror("ctlraw: connect");
        return 1;
    }
    for (i = 2; i < argc; i++) {
        if (build(argv[i], &len) < 0) {
            fprintf(stderr, "ctlraw: bad message '%s'\n", argv[i]);
            return 2;
        }
        if (send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len) {
            perror("ctlraw: send");
            return 1;
        }
    }
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (poll(&p, 1, 2000) <= 0)
            break;
        n = recv(fd, msg, sizeof(msg), 0);
        if (n < (ssize_t)sizeof(h))
            break;
        memcpy(&h, msg, sizeof(h));
        switch (h.type) {
        case XLC_OK: puts("OK"); break;
        case XLC_DATA: printf("DATA %u\n", h.len); break;
        case XLC_LIVE: puts("LIVE"); break;
        case XLC_END: puts("END"); break;
        case XLC_SKIPPED: puts("SKIPPED"); break;
        case XLC_DAEMON: print_daemon(msg + sizeof(h), h.len); break;
        case XLC_ERROR: printf("ERROR %.*s\n", (int)h.len, msg + sizeof(h)); break;
        default: printf("TYPE %u\n", h.type); break;
        }
    }
    close(fd);
    return 0;
}
