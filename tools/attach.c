/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlog attach: the backlog of a stream, then its live bytes, from xenlogd's
 * control socket. Byte-exact: the daemon sends the backlog and the live
 * bytes from one point, so nothing is shown twice or skipped at the switch.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ctlclient.h"

#define EXIT_FAIL 1
#define EXIT_USAGE 2

const char usage_attach[] =
"Usage: xenlog attach [--lines N | --bytes N] [--no-follow] DOMID ID|NAME\n"
"\n"
"Print the end of a stream's log (default: a screenful of lines, read back\n"
"across the last rotation if need be), then follow the stream live until\n"
"Ctrl-C or the end of the stream. NAME picks the stream whose file is NAME,\n"
"or starts with NAME- or NAME. (e.g. qemu-dm for qemu-dm-guest.log).\n"
"\n"
"  --lines N     backlog of N lines\n"
"  --bytes N     backlog of N bytes (at most 1 MiB)\n"
"  --no-follow   print the backlog and exit\n"
"  --run-dir DIR xenlogd's run dir (default: what it advertises)\n"
"\n"
"If the reader is too slow, xenlogd skips ahead and xenlog says how many\n"
"bytes were skipped; the writer and the log files are never slowed.\n";

bool ctl_all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

struct match {
    const char *name;
    uint32_t id;
    unsigned count;
};

static void match_name(const struct xlc_stream_info *in, const char *file, void *arg)
{
    struct match *m = arg;
    const char *base = strrchr(file, '/');
    size_t nl = strlen(m->name);

    base = base ? base + 1 : file;
    if (strcmp(base, m->name) == 0 ||
        (strncmp(base, m->name, nl) == 0 && (base[nl] == '-' || base[nl] == '.'))) {
        m->id = in->id;
        m->count++;
    }
}

int ctl_write_all(const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(1, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int ctl_print_backlog(const char *buf, size_t len, unsigned long lines)
{
    size_t start = len;
    unsigned long seen = 0;

    if (lines == 0)
        return ctl_write_all(buf, len);
    if (start && buf[start - 1] == '\n')
        start--;                /* the last line's own newline */
    while (start > 0) {
        if (buf[start - 1] == '\n' && ++seen == lines)
            break;
        start--;
    }
    return ctl_write_all(buf + start, len - start);
}

int ctl_stream_id(const char *run_dir, uint32_t domid, const char *arg, uint32_t *id)
{
    struct match m = { .name = arg };

    if (ctl_all_digits(arg)) {
        *id = (uint32_t)strtoul(arg, NULL, 10);
        return 0;
    }
    if (ctl_list(run_dir, domid, match_name, &m) < 0)
        return -1;
    if (m.count != 1) {
        fprintf(stderr, "xenlog: %s streams of domain %u match '%s'\n",
                m.count ? "several" : "no", domid, m.name);
        return -1;
    }
    *id = m.id;
    return 0;
}

unsigned long ctl_screen_lines(void)
{
    struct winsize ws;

    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 1)
        return ws.ws_row - 1;
    return 24;
}

bool ctl_backlog_option(int c, const char *arg, unsigned long *lines, unsigned long *bytes)
{
    char *end;
    unsigned long v = strtoul(arg, &end, 10);

    if (*end || !ctl_all_digits(arg)) {
        fprintf(stderr, "xenlog: --%s: not a number\n", c == 'n' ? "lines" : "bytes");
        return false;
    }
    if (c == 'c' && v > XLC_MAX_BACKLOG) {
        fprintf(stderr, "xenlog: --bytes: 0 to %u\n", XLC_MAX_BACKLOG);
        return false;
    }
    *(c == 'n' ? lines : bytes) = v;
    *(c == 'n' ? bytes : lines) = 0;
    return true;
}

int cmd_attach(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "lines", required_argument, NULL, 'n' },
        { "bytes", required_argument, NULL, 'c' },
        { "no-follow", no_argument, NULL, 'N' },
        { "run-dir", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xlc_attach a = { .flags = XLC_FOLLOW };
    unsigned long lines = ctl_screen_lines(), bytes = 0;
    const char *run_dir = NULL;
    char *buf, *backlog = NULL;
    size_t blen = 0;
    bool live = false;
    struct xlc_hdr h;
    long n;
    int c, fd, rc = EXIT_FAIL;

    optind = 1;
    while ((c = getopt_long(argc, argv, "n:c:h", lopts, NULL)) != -1) {
        switch (c) {
        case 'n':
        case 'c':
            if (!ctl_backlog_option(c, optarg, &lines, &bytes))
                return EXIT_USAGE;
            break;
        case 'N': a.flags = 0; break;
        case 'r': run_dir = optarg; break;
        case 'h': fputs(usage_attach, stdout); return 0;
        default: fputs(usage_attach, stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind != 2 || !ctl_all_digits(argv[optind])) {
        fputs(usage_attach, stderr);
        return EXIT_USAGE;
    }
    a.domid = (uint32_t)strtoul(argv[optind], NULL, 10);
    if (ctl_stream_id(run_dir, a.domid, argv[optind + 1], &a.id) < 0)
        return EXIT_FAIL;
    a.backlog = lines ? (uint32_t)(lines * 512 < XLC_MAX_BACKLOG ? lines * 512 : XLC_MAX_BACKLOG)
                      : (uint32_t)bytes;
    buf = malloc(XLC_MAX_MSG);
    backlog = malloc(XLC_MAX_BACKLOG);
    fd = buf && backlog ? ctl_connect(run_dir) : -1;
    if (fd < 0 || ctl_send(fd, XLC_ATTACH, &a, sizeof(a)) < 0)
        goto out;
    while ((n = ctl_recv(fd, &h, buf)) >= 0) {
        switch (h.type) {
        case XLC_OK:
            break;
        case XLC_DATA:
            if (live) {
                if (ctl_write_all(buf, (size_t)n) < 0)
                    goto out;
            } else if (blen + (size_t)n <= XLC_MAX_BACKLOG) {
                memcpy(backlog + blen, buf, (size_t)n);
                blen += (size_t)n;
            }
            break;
        case XLC_LIVE:
            if (ctl_print_backlog(backlog, blen, lines) < 0)
                goto out;
            live = true;
            break;
        case XLC_SKIPPED: {
            unsigned long long sk = 0;

            if (n == sizeof(sk))
                memcpy(&sk, buf, sizeof(sk));
            fprintf(stderr, "xenlog: reader too slow, %llu bytes skipped\n", sk);
            break;
        }
        case XLC_END:
            if (!live && ctl_print_backlog(backlog, blen, lines) < 0)
                goto out;
            if (a.flags & XLC_FOLLOW)
                fprintf(stderr, "xenlog: stream %u/%u ended\n", a.domid, a.id);
            rc = 0;
            goto out;
        case XLC_ERROR:
            fprintf(stderr, "xenlog: stream %u/%u: %.*s\n", a.domid, a.id, (int)n, buf);
            goto out;
        default:
            break;
        }
    }
    fprintf(stderr, "xenlog: connection to xenlogd lost\n");
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    free(backlog);
    return rc;
}
