/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlog console: an interactive console on a console stream. Like attach
 * (backlog, then live output, shared with every other reader and logged by
 * xenlogd as always), and what is typed goes to the component's input
 * (INPUT messages; xenlogd writes them to the stream's input FIFO).
 *
 * On a terminal: raw mode, restored on every way out; Ctrl-] leaves.
 * Otherwise stdin is forwarded as it is (every byte) and, at its end, the
 * command leaves once the output has been quiet for --idle milliseconds.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "clock.h"
#include "ctlclient.h"
#include "size.h"

#define ESCAPE 0x1d             /* Ctrl-] */
#define DEFAULT_LINES 10
#define DEFAULT_IDLE_MS 1000

static const struct opt console_opts[] = {
    { "lines", 'n', "N", 'n', "backlog of N lines (default 10)" },
    { "bytes", 'c', "N", 'c', "backlog of N bytes (at most 1 MiB)" },
    { "idle", 0, "MS", 'i',
      "stdin not a terminal: after its end, leave once the output was quiet for MS ms "
      "(default 1000)" },
    { 0 },
};

const struct cmd_spec spec_console = {
    "console", "[OPTIONS] DOMAIN ID|NAME",
    "Interactive console on a console stream (one made by `xenlog serial` or\n"
    "xenlog_console_open()): print the end of its log and then its live output,\n"
    "and send what is typed to the component's input (e.g. a guest's serial\n"
    "port). xenlogd still logs everything, and `xenlog attach` readers still see\n"
    "it. One console per stream at a time: another gets \"console busy\".\n"
    "\n"
    "On a terminal the terminal is put in raw mode (restored on exit) and\n"
    "Ctrl-] leaves. When stdin is not a terminal every byte of it is sent,\n"
    "and at its end xenlog waits until no output came for MS milliseconds.\n"
    "\n"
    "Exits 0 on Ctrl-], at the end of input, or at the end of the stream; 1 if\n"
    "xenlogd refuses (no such stream, no input, console busy) or goes away.\n",
    console_opts, 2, 2, false,
};

struct console_args {
    unsigned long lines, bytes;
    uint64_t idle;
};

static const char *console_option(int key, const char *arg, void *data)
{
    struct console_args *a = data;

    if (key == 'i')
        return parse_u64(arg, 86400000, &a->idle) ? NULL : "milliseconds, at most a day";
    return ctl_backlog_option(key, arg, &a->lines, &a->bytes);
}

static volatile sig_atomic_t got_signal;
static struct termios saved_tty;
static bool raw_tty;

static void on_signal(int sig)
{
    got_signal = sig;
}

static void restore_tty(void)
{
    if (raw_tty) {
        tcsetattr(0, TCSAFLUSH, &saved_tty);
        raw_tty = false;
    }
}

static int enter_raw(void)
{
    struct termios t;

    if (tcgetattr(0, &saved_tty) < 0)
        return -1;
    t = saved_tty;
    cfmakeraw(&t);
    if (tcsetattr(0, TCSAFLUSH, &t) < 0)
        return -1;
    raw_tty = true;
    return 0;
}

/* A message for the user; in raw mode lines need a carriage return. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ctl_vsay(raw_tty ? "\r\n" : "\n", fmt, ap);
    va_end(ap);
}

struct console {
    int sock;
    struct ctl_session s;       /* domid, id, the backlog, accepted */
    char *buf;                  /* one received message */
    char out[sizeof(struct xlc_hdr) + XLC_MAX_INPUT];   /* one INPUT to send */
    size_t outlen;
    uint64_t last_output;
};

/* Sends the pending INPUT if the socket takes it; -1 if xenlogd is gone.
 * While xenlogd's input FIFO is full it stops reading us: send blocks
 * (EAGAIN) and stdin is not read meanwhile (backpressure). */
static int send_input(struct console *c)
{
    ssize_t n;

    if (!c->outlen)
        return 0;
    n = send(c->sock, c->out, c->outlen, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    c->outlen = 0;
    return 0;
}

static void queue_input(struct console *c, const char *p, size_t len)
{
    c->outlen = xlc_encode(c->out, sizeof(c->out), XLC_INPUT, p, len);
}

/* One message from xenlogd: 1 go on, 0 the stream ended, -1 failure. */
static int on_message(struct console *c)
{
    struct xlc_hdr h;
    ssize_t r = recv(c->sock, c->buf, XLC_MAX_MSG, MSG_DONTWAIT);
    long n;

    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return 1;
    if (r < (ssize_t)sizeof(h)) {
        say("stream %u/%u: connection to xenlogd lost", c->s.domid, c->s.id);
        return -1;
    }
    n = xlc_decode(c->buf, (size_t)r, &h);
    if (n < 0)
        return -1;
    if (h.type == XLC_DATA)
        c->last_output = clock_mono_ms();
    return ctl_reply(&c->s, &h, c->buf + sizeof(h), (size_t)n);
}

static int write_out(void *arg, const char *p, size_t n)
{
    (void)arg;
    return ctl_write_all(p, n);
}

/* Reads stdin into one INPUT; 1 go on, 0 leave (Ctrl-] or end of input
 * on a terminal), 2 end of input (not a terminal), -1 failure. */
static int on_stdin(struct console *c, bool tty)
{
    char in[XLC_MAX_INPUT];
    ssize_t n = read(0, in, sizeof(in));
    const char *esc;

    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 1 : -1;
    if (n == 0)
        return tty ? 0 : 2;
    esc = tty ? memchr(in, ESCAPE, (size_t)n) : NULL;
    if (esc) {
        if (esc > in)
            queue_input(c, in, (size_t)(esc - in));
        return 0;
    }
    queue_input(c, in, (size_t)n);
    return 1;
}

/* Ctrl-]: leave once the last bytes are handed over, or after 2 s if xenlogd
 * does not take them (the guest does not read): the user asked to leave. */
static void drain_input(struct console *c)
{
    uint64_t until = clock_mono_ms() + 2000;

    while (c->outlen && !got_signal && clock_mono_ms() < until) {
        struct pollfd o = { .fd = c->sock, .events = POLLOUT };

        if (poll(&o, 1, 100) < 0 && errno != EINTR)
            break;
        if (send_input(c) < 0)
            break;
    }
}

/* stdin is readable: 1 go on, 0 leave (done), -1 failure. */
static int on_stdin_ready(struct console *c, bool tty, bool *stdin_open)
{
    int r = on_stdin(c, tty);

    if (r < 0)
        return -1;
    if (r == 0 || r == 2) {
        *stdin_open = false;
        c->last_output = clock_mono_ms();
    }
    /* Try at once; what the socket does not take waits for POLLOUT. */
    if (send_input(c) < 0)
        return -1;
    if (r == 0) {
        drain_input(c);
        return 0;
    }
    return 1;
}

/* How long poll may wait: -1 forever, or until the output has been quiet
 * for idle_ms after the end of stdin; 0: it has, leave. */
static int poll_timeout(const struct console *c, bool stdin_open, unsigned idle_ms)
{
    uint64_t quiet;

    if (stdin_open || c->outlen)
        return -1;
    quiet = clock_mono_ms() - c->last_output;
    return quiet >= idle_ms ? 0 : (int)(idle_ms - quiet);
}

static int run(struct console *c, bool tty, unsigned idle_ms)
{
    bool stdin_open = true;

    for (;;) {
        struct pollfd p[2] = {
            { .fd = c->sock, .events = POLLIN | (c->outlen ? POLLOUT : 0) },
            /* typed bytes only once xenlogd accepted us, one INPUT at a time */
            { .fd = stdin_open && c->s.accepted && !c->outlen ? 0 : -1, .events = POLLIN },
        };
        int timeout = poll_timeout(c, stdin_open, idle_ms), r;

        if (timeout == 0)
            return 0;
        if (got_signal) {
            say("stream %u/%u: stopped by signal %d", c->s.domid, c->s.id, (int)got_signal);
            return XL_EXIT_FAILURE;
        }
        if (poll(p, 2, timeout) < 0) {
            if (errno == EINTR)
                continue;
            return XL_EXIT_FAILURE;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            r = on_message(c);
            if (r <= 0)
                return r == 0 ? 0 : XL_EXIT_FAILURE;
        }
        if (p[0].revents & POLLOUT && send_input(c) < 0)
            return XL_EXIT_FAILURE;
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            r = on_stdin_ready(c, tty, &stdin_open);
            if (r <= 0)
                return r == 0 ? 0 : XL_EXIT_FAILURE;
        }
    }
}

/* The signals that end a console (no SA_RESTART: poll wakes up). */
static void catch_signals(void)
{
    static const int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGQUIT };
    struct sigaction sa = { .sa_handler = on_signal };

    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);   /* a closed stdout is an error, not a death in raw mode */
}

/* Signals, the terminal, then the console's loop: the exit status. */
static int console_run(struct console *c, unsigned idle_ms)
{
    bool tty;

    catch_signals();
    tty = isatty(0);
    if (tty) {
        if (enter_raw() < 0) {
            fprintf(stderr, "xenlog: cannot put the terminal in raw mode: %s\n",
                    strerror(errno));
            return XL_EXIT_FAILURE;
        }
        say("console of stream %u/%u; escape character is ^]", c->s.domid, c->s.id);
    }
    return run(c, tty, idle_ms);
}

int cmd_console(int argc, char **argv)
{
    struct console_args args = { DEFAULT_LINES, 0, DEFAULT_IDLE_MS };
    struct xlc_attach a = { .flags = XLC_FOLLOW };
    struct console c = { .sock = -1 };
    const char *ops[2];
    int rc = XL_EXIT_FAILURE;

    opts_parse(argc, argv, &spec_console, console_option, &args, ops, NULL);
    if (ctl_target(ops[0], ops[1], &a.domid, &a.id) < 0)
        return XL_EXIT_FAILURE;
    c.s = (struct ctl_session){ .domid = a.domid, .id = a.id, .lines = args.lines,
                                .follow = true, .terminal = true, .say = say, .out_backlog = write_out,
                                .out_live = write_out };
    a.backlog = ctl_backlog_bytes(args.lines, args.bytes);
    c.buf = malloc(XLC_MAX_MSG);
    c.s.backlog = malloc(XLC_MAX_BACKLOG);
    if (c.buf && c.s.backlog)
        c.sock = ctl_connect(common.run_dir);
    if (c.sock >= 0 && ctl_send(c.sock, XLC_CONSOLE, &a, sizeof(a)) == 0)
        rc = console_run(&c, (unsigned)args.idle);
    restore_tty();
    if (c.sock >= 0)
        close(c.sock);
    free(c.buf);
    free(c.s.backlog);
    return rc;
}
