/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket's requests (docs/control.md): ATTACH and CONSOLE (a
 * client becomes a sink of its stream, a console also its input's typist),
 * LIST, STATS; a console's INPUT.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "client.h"
#include "compress.h"
#include "forward.h"
#include "ctlproto.h"
#include "log.h"
#include "stream.h"
#include "streams.h"
#include "util.h"

static void reader_feed(struct sink *k, const char *buf, size_t n)
{
    struct client *c = container_of(k, struct client, sink);

    queue_data(c, buf, n);
    flush(c);
}

/* The stream ends: the sink is detached already. A pipe reader's pipe
 * closes first: it reads to the end of the pipe, then END. */
static void reader_end(struct sink *k)
{
    struct client *c = container_of(k, struct client, sink);
    bool piped = c->pipe_wr >= 0;
    struct xlc_skipped sk = { .bytes = c->skipped, .offset = c->pipe_off };

    if (c->console)
        input_release(stream_input(c->s), &c->typist);
    c->console = false;
    c->s = NULL;
    pipe_close(c);
    if (c->skipped)
        enqueue(c, XLC_SKIPPED, &sk, piped ? sizeof(sk) : sizeof(sk.bytes), NULL, 0);
    enqueue(c, XLC_END, NULL, 0, NULL, 0);
    c->closing = true;
    flush(c);
}

static const struct sink_ops reader_ops = { .feed = reader_feed, .end = reader_end };

static void piped_feed(struct sink *k, const char *buf, size_t n)
{
    pipe_feed(container_of(k, struct client, sink), buf, n);
}

static void piped_tee(struct sink *k, int from, size_t n)
{
    pipe_tee(container_of(k, struct client, sink), from, n);
}

static void piped_tee_next(struct sink *k, int fifo, size_t n)
{
    pipe_tee_next(container_of(k, struct client, sink), fifo, n);
}

static void piped_moved(struct sink *k, size_t n)
{
    pipe_moved(container_of(k, struct client, sink), n);
}

/* A reader with a pipe (XLC_PIPE): live bytes zero copy. */
static const struct sink_ops piped_ops = {
    .feed = piped_feed, .tee = piped_tee, .tee_next = piped_tee_next,
    .moved = piped_moved, .end = reader_end,
};

static void backlog_chunk(void *arg, const char *buf, size_t n)
{
    enqueue(arg, XLC_DATA, buf, n, NULL, 0);
}

static void console_resume(struct typist *t)
{
    pause_input(container_of(t, struct client, typist), false);
}

/* A console whose peer left while the guest did not read: what it typed
 * and the guest has not taken goes, and the slot is free. */
static void take_over_hung_up(struct input *in)
{
    struct typist *t = input_typist(in);
    struct client *old = t ? container_of(t, struct client, typist) : NULL;

    if (old && old->hung_up) {
        log_info("stream %u/%u: console left with input untaken; slot taken over",
                 old->domid, old->id);
        client_free(old);
    }
}

/* A pipe for a reader that asked for one; false: ERROR sent. */
static bool open_pipe(struct client *c)
{
    int r = pipe_open(c);

    if (r == 0)
        return true;
    log_warn("control: cannot make a reader's pipe: %s", strerror(-r));
    send_error(c, r == -EMFILE || r == -ENFILE ? "daemon out of descriptors"
                                               : "cannot make a pipe");
    return false;
}

/* ATTACH, and CONSOLE: the same, and this client's INPUT goes to the
 * stream's input FIFO; one console at a time, readers without limit. */
static void do_attach(struct client *c, const struct xlc_attach *a, bool console)
{
    struct stream *s = streams_find(c->ctl->d, a->domid, a->id);
    struct input *in = s ? stream_input(s) : NULL;

    if (!s || !stream_ready(s)) {
        send_error(c, s ? "stream not ready" : "no such stream");
        return;
    }
    if (console && !in) {
        send_error(c, "stream has no input");
        return;
    }
    if (console)
        take_over_hung_up(in);
    if (console && input_typist(in)) {
        send_error(c, "console busy");
        return;
    }
    if (!console && (a->flags & XLC_FOLLOW) && (a->flags & XLC_PIPE) && !open_pipe(c))
        return;
    enqueue(c, XLC_OK, NULL, 0, NULL, 0);
    stream_backlog(s, a->backlog, backlog_chunk, c);
    if (!(a->flags & XLC_FOLLOW)) {
        enqueue(c, XLC_END, NULL, 0, NULL, 0);
        c->closing = true;
        return;
    }
    enqueue(c, XLC_LIVE, NULL, 0, NULL, 0);
    c->s = s;
    c->domid = a->domid;
    c->id = a->id;
    c->sink.ops = c->pipe_wr >= 0 ? &piped_ops : &reader_ops;
    stream_attach(s, &c->sink);
    if (console) {
        c->typist.resume = console_resume;
        input_claim(in, &c->typist);
        c->console = true;
        log_debug("stream %u/%u: console attached", c->domid, c->id);
    }
}

/* A message from the console: INPUT for the FIFO, anything else ends it. */
static void on_console_msg(struct client *c, const char *msg, size_t n)
{
    struct input *in = stream_input(c->s);
    struct xlc_request req;
    const char *why = NULL;

    if (xlc_parse_request(msg, n, &req, &why) < 0 || req.type != XLC_INPUT) {
        if (req.type != XLC_INPUT && why == NULL)
            why = "only INPUT after CONSOLE";
        log_warn("control: console of stream %u/%u: %s", c->domid, c->id, why);
        detach(c);
        send_error(c, why);
        flush(c);
        return;
    }
    input_write(in, req.input, req.input_len);
    if (input_busy(in))
        pause_input(c, true);
}

static void list_one(struct client *c, struct stream *s, unsigned domid, unsigned id)
{
    struct stream_figures f;
    const struct input *in = stream_input(s);
    struct xlc_stream_info info;

    stream_figures(s, &f);
    info = (struct xlc_stream_info){
        .domid = domid, .id = id, .copies = f.copies, .limit = f.limit,
        .bytes_in = f.bytes_in, .bytes_written = f.bytes_written,
        .rotations = f.rotations, .dropped = f.dropped, .since_ms = f.since_ms,
        .readers = stream_count_sinks(s, &reader_ops) + stream_count_sinks(s, &piped_ops),
        .input_bytes = input_bytes(in),
        .console = (in ? XLC_HAS_INPUT : 0) | (input_typist(in) ? XLC_CONSOLE_ON : 0),
    };
    info.state = f.state == STREAM_ACTIVE ? XLC_READY
               : f.state == STREAM_ERROR ? XLC_ERRORED : XLC_PENDING;
    info.file_len = (uint32_t)strlen(f.file);
    if (!enqueue(c, XLC_STREAM, &info, sizeof(info), f.file, info.file_len))
        c->skipped++;
}

struct list_arg {
    struct client *c;
    uint32_t domid;
};

static void list_each(void *arg, struct stream *s, unsigned domid, unsigned id)
{
    struct list_arg *la = arg;

    if (la->domid == XLC_ALL || domid == la->domid)
        list_one(la->c, s, domid, id);
}

static void do_list(struct client *c, uint32_t domid)
{
    struct list_arg la = { .c = c, .domid = domid };

    streams_each(c->ctl->d, list_each, &la);
    if (c->skipped)
        send_error(c, "too many streams for one reply");
    else
        enqueue(c, XLC_END, NULL, 0, NULL, 0);
    c->closing = true;
}

static void count_each(void *arg, struct stream *s, unsigned domid, unsigned id)
{
    struct xlc_daemon_info *in = arg;
    struct stream_figures f;

    (void)domid;
    (void)id;
    stream_figures(s, &f);
    in->ready += f.state == STREAM_ACTIVE;
    in->errored += f.state == STREAM_ERROR;
}

static void stats_forward(const struct xld *d, struct xlc_daemon_info *in)
{
    struct fwd_figures f;

    if (!d->forward)
        return;
    forward_figures(d->forward, &f);
    in->fwd_lines = f.total.lines;
    in->fwd_bytes = f.total.bytes;
    in->fwd_rate_dropped = f.total.rate_dropped;
    in->fwd_cut = f.total.cut;
    in->fwd_journal_sent = f.total.journal_sent;
    in->fwd_journal_unsent = f.total.journal_unsent;
    in->fwd_syslog_queued = f.total.syslog_queued;
    in->fwd_syslog_unsent = f.total.syslog_unsent;
    in->fwd_syslog_sent = f.syslog_sent;
    in->fwd_syslog_lost = f.syslog_lost;
    in->fwd_connects = f.connects;
    in->fwd_connect_failures = f.connect_failures;
    in->fwd_disconnects = f.disconnects;
    in->fwd_collectors = f.collectors;
    in->fwd_collectors_up = f.collectors_up;
}

static void stats_zstd(const struct xld *d, struct xlc_daemon_info *in)
{
    struct zworker_stats z;

    if (!d->zw)
        return;
    zworker_stats(d->zw, &z);
    in->zstd_in = z.in;
    in->zstd_out = z.out;
    in->zstd_copies = z.done;
}

/* STATS: the daemon's own figures (docs/control.md). */
static void do_stats(struct client *c)
{
    const struct xld *d = c->ctl->d;
    const struct xld_figures *f = &d->figures;
    struct xlc_daemon_info in = {
        .version = 2, .streams = d->nstreams, .started_ms = f->started_ms,
        .bytes_managed = f->bytes_managed, .files_managed = f->files_managed,
        .bytes_live = f->bytes_live, .files_removed = f->files_removed,
        .bytes_removed = f->bytes_removed, .retention_runs = f->retention_runs,
        .last_retention_ms = f->last_retention_ms, .config_loads = f->config_loads,
        .config_errors = f->config_errors, .reopens = f->reopens + d->files.moved,
        .clamped = f->clamped,
        .max_total_size = d->policy.max_total_size, .max_age_days = d->policy.max_age_days,
    };

    streams_each(c->ctl->d, count_each, &in);
    stats_forward(d, &in);
    stats_zstd(d, &in);
    enqueue(c, XLC_DAEMON, &in, sizeof(in), NULL, 0);
    enqueue(c, XLC_END, NULL, 0, NULL, 0);
    c->closing = true;
}

void client_request(struct client *c)
{
    static char msg[XLC_MAX_MSG + 1];
    struct xlc_request req;
    const char *why = NULL;
    ssize_t n;

    if (c->console && input_busy(stream_input(c->s))) {
        pause_input(c, true);   /* read on once the FIFO took the last INPUT */
        return;
    }
    n = recv(c->lf.fd, msg, sizeof(msg), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {           /* gone, or detached by Ctrl-C */
        client_free(c);
        return;
    }
    if (c->console) {
        on_console_msg(c, msg, (size_t)n);
        return;
    }
    if (c->s || c->closing)
        return;             /* one request per connection; readers say no more */
    c->last = now_ms();
    if (c->refused) {
        /* Answered only now: closing with its request unread would reset
         * the connection and lose the reason. */
        send_error(c, "permission denied");
    } else if (xlc_parse_request(msg, (size_t)n, &req, &why) < 0) {
        log_warn("control: bad request: %s", why);
        send_error(c, why);
    } else if (req.type == XLC_LIST) {
        do_list(c, req.domid);
    } else if (req.type == XLC_STATS) {
        do_stats(c);
    } else if (req.type == XLC_INPUT) {
        send_error(c, "INPUT before CONSOLE");
    } else {
        do_attach(c, &req.attach, req.type == XLC_CONSOLE);
    }
    flush(c);
}
