/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "ctlproto.h"
#include "input.h"
#include "log.h"
#include "loop.h"
#include "stream.h"
#include "streams.h"
#include "util.h"

#define MAX_CLIENTS 1024
#define MAX_REFUSED 16                /* peers of another uid at once */
#define IDLE_MS 5000                  /* from accept to a whole request */
#define BACKOFF_MS 200                /* accept4 failing: the listener rests */
#define QUEUE_CAP (2u << 20)          /* per reader: backlog + live bytes */
#define DATA_CHUNK 32768u

struct client {
    struct loop_fd lf;
    struct control *ctl;
    struct stream *s;                 /* attached to, or NULL */
    struct sink sink;                 /* fed by s */
    struct typist typist;             /* the console's: its INPUT goes to s's input */
    unsigned domid, id;               /* of s */
    struct client *prev, *next;       /* in ctl->clients */
    char *q;                          /* queued messages, q[qoff..qlen) */
    size_t qoff, qlen;
    uint64_t skipped;                 /* not queued: the reader was too slow */
    bool closing;                     /* close once the queue is sent */
    bool refused;                     /* a peer of another uid */
    bool want_out;
    bool console;                     /* the typist of s's input */
    bool paused;                      /* input FIFO full: its socket is not read */
    bool hung_up;                     /* a paused console whose peer left */
    uint64_t last;                    /* accepted, or request read (ms) */
};

struct control {
    struct xld *d;
    struct loop_fd lf;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    struct client *clients;           /* newest first */
    unsigned nclients, nrefused;
    int reserve;                      /* a spare descriptor for EMFILE */
    uint64_t listen_again;            /* non-zero: the listener rests until then */
};

static void on_client(struct loop_fd *lf, uint32_t events);

/*
 * What the loop watches on a client. A paused console (its input waits for
 * room in the FIFO) is not read: its socket fills and its sender blocks.
 * Edge-triggered while paused, so that a peer that hangs up meanwhile is
 * reported once, not in a loop; its last INPUTs are still read on resume.
 */
static int set_events(struct client *c)
{
    uint32_t ev = c->paused ? EPOLLET | EPOLLRDHUP : EPOLLIN;

    if (c->want_out)
        ev |= EPOLLOUT;
    return loop_mod(c->ctl->d->loop, &c->lf, ev);
}

static void pause_input(struct client *c, bool paused)
{
    if (c->paused == paused)
        return;
    c->paused = paused;
    set_events(c);
}

static void detach(struct client *c)
{
    if (!c->s)
        return;
    if (c->console) {
        input_release(stream_input(c->s), &c->typist);
        c->console = false;
        pause_input(c, false);
    }
    stream_detach(c->s, &c->sink);
    c->s = NULL;
}

static void client_free(struct client *c)
{
    struct control *ctl = c->ctl;

    detach(c);
    loop_del(ctl->d->loop, &c->lf);
    close(c->lf.fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        ctl->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    ctl->nclients--;
    if (c->refused)
        ctl->nrefused--;
    free(c->q);
    free(c);
}

static size_t queued(const struct client *c)
{
    return c->qlen - c->qoff;
}

/* Appends one message; false if the queue has no room for it. */
static bool enqueue(struct client *c, uint16_t type, const void *a, size_t alen,
                    const void *b, size_t blen)
{
    struct xlc_hdr h = { .type = type, .len = (uint32_t)(alen + blen) };
    size_t need = sizeof(h) + alen + blen;

    if (queued(c) + need > QUEUE_CAP)
        return false;
    if (!c->q && !(c->q = malloc(QUEUE_CAP)))
        return false;
    if (c->qlen + need > QUEUE_CAP) {
        memmove(c->q, c->q + c->qoff, queued(c));
        c->qlen -= c->qoff;
        c->qoff = 0;
    }
    memcpy(c->q + c->qlen, &h, sizeof(h));
    if (alen)
        memcpy(c->q + c->qlen + sizeof(h), a, alen);
    if (blen)
        memcpy(c->q + c->qlen + sizeof(h) + alen, b, blen);
    c->qlen += need;
    return true;
}

/* Sends what is queued: 0 all sent, -EAGAIN the rest waits for EPOLLOUT,
 * or -errno (the peer is gone). Never frees the client. */
static int send_queued(struct client *c)
{
    while (queued(c)) {
        struct xlc_hdr h;
        ssize_t n;

        memcpy(&h, c->q + c->qoff, sizeof(h));
        n = send(c->lf.fd, c->q + c->qoff, sizeof(h) + h.len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!c->want_out) {
                c->want_out = true;
                if (set_events(c) < 0)
                    c->want_out = false;
            }
            return -EAGAIN;
        }
        if (n < 0)
            return -errno;
        c->qoff += sizeof(h) + h.len;
    }
    c->qoff = c->qlen = 0;
    if (c->want_out) {
        c->want_out = false;
        if (set_events(c) < 0)
            c->want_out = true;
    }
    return 0;
}

/* After send_queued() returned r: is the connection over? */
static bool over(const struct client *c, int r)
{
    return (r < 0 && r != -EAGAIN) || (r == 0 && c->closing);
}

/* Sends what is queued; frees the client once it is over. */
static void flush(struct client *c)
{
    if (over(c, send_queued(c)))
        client_free(c);
}

static void send_error(struct client *c, const char *why)
{
    enqueue(c, XLC_ERROR, why, strlen(why), NULL, 0);
    c->closing = true;
}

/* The bytes of the stream a reader may see; skip ahead if it is too slow. */
static void queue_data(struct client *c, const char *buf, size_t n)
{
    size_t off, len;

    if (c->skipped) {
        /* Resume only once half the queue has gone: no flapping. */
        if (queued(c) > QUEUE_CAP / 2 ||
            !enqueue(c, XLC_SKIPPED, &c->skipped, sizeof(c->skipped), NULL, 0)) {
            c->skipped += n;
            return;
        }
        c->skipped = 0;
    }
    for (off = 0; off < n; off += len) {
        len = n - off < DATA_CHUNK ? n - off : DATA_CHUNK;
        if (!enqueue(c, XLC_DATA, buf + off, len, NULL, 0)) {
            c->skipped += n - off;
            return;
        }
    }
}

static void reader_feed(struct sink *k, const char *buf, size_t n)
{
    struct client *c = container_of(k, struct client, sink);

    queue_data(c, buf, n);
    flush(c);
}

/* The stream ends: the sink is detached already. */
static void reader_end(struct sink *k)
{
    struct client *c = container_of(k, struct client, sink);

    if (c->console)
        input_release(stream_input(c->s), &c->typist);
    c->console = false;
    c->s = NULL;
    if (c->skipped)
        enqueue(c, XLC_SKIPPED, &c->skipped, sizeof(c->skipped), NULL, 0);
    enqueue(c, XLC_END, NULL, 0, NULL, 0);
    c->closing = true;
    flush(c);
}

static const struct sink_ops reader_ops = { .feed = reader_feed, .end = reader_end };

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
    c->sink.ops = &reader_ops;
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
        .readers = stream_count_sinks(s, &reader_ops), .input_bytes = input_bytes(in),
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

/* STATS: the daemon's own figures (docs/control.md). */
static void do_stats(struct client *c)
{
    const struct xld *d = c->ctl->d;
    const struct xld_figures *f = &d->figures;
    struct xlc_daemon_info in = {
        .version = 1, .streams = d->nstreams, .started_ms = f->started_ms,
        .bytes_managed = f->bytes_managed, .files_managed = f->files_managed,
        .bytes_live = f->bytes_live, .files_removed = f->files_removed,
        .bytes_removed = f->bytes_removed, .retention_runs = f->retention_runs,
        .last_retention_ms = f->last_retention_ms, .config_loads = f->config_loads,
        .config_errors = f->config_errors, .reopens = f->reopens, .clamped = f->clamped,
        .max_total_size = d->policy.max_total_size, .max_age_days = d->policy.max_age_days,
    };

    streams_each(c->ctl->d, count_each, &in);
    enqueue(c, XLC_DAEMON, &in, sizeof(in), NULL, 0);
    enqueue(c, XLC_END, NULL, 0, NULL, 0);
    c->closing = true;
}

static void on_request(struct client *c)
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

static void on_client(struct loop_fd *lf, uint32_t events)
{
    struct client *c = container_of(lf, struct client, lf);

    if (events & EPOLLOUT && over(c, send_queued(c))) {
        client_free(c);
        return;
    }
    if (c->paused) {        /* see set_events() */
        if (events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR))
            c->hung_up = true;
        return;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        on_request(c);
}

/* The oldest client that has not made its request; NULL if none. */
static struct client *oldest_idle(struct control *ctl)
{
    struct client *c, *found = NULL;

    for (c = ctl->clients; c; c = c->next)
        if (!c->s && !c->closing)
            found = c;
    return found;
}

/* Stops watching the listener for a while (see control_tick). */
static void listener_rest(struct control *ctl, int err)
{
    log_warn("control: cannot accept a connection: %s; trying again in %d ms",
             strerror(err), BACKOFF_MS);
    ctl->listen_again = now_ms() + BACKOFF_MS;
    loop_mod(ctl->d->loop, &ctl->lf, 0);
}

/*
 * No descriptor left: make room by closing the oldest idle client; if there
 * is none, take the connection with the spare descriptor and close it at
 * once, so that the listener does not stay readable. false: rest instead.
 */
static bool out_of_fds(struct control *ctl)
{
    struct client *idle = oldest_idle(ctl);
    int fd;

    if (idle) {
        log_warn("control: out of descriptors: closed the oldest idle connection");
        client_free(idle);
        return true;
    }
    if (ctl->reserve < 0)
        return false;
    close(ctl->reserve);
    fd = accept4(ctl->lf.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
        static const char why[] = "daemon out of descriptors";
        struct xlc_hdr h = { .type = XLC_ERROR, .len = sizeof(why) - 1 };
        char msg[sizeof(h) + sizeof(why) - 1];

        memcpy(msg, &h, sizeof(h));
        memcpy(msg + sizeof(h), why, sizeof(why) - 1);
        send(fd, msg, sizeof(msg), MSG_DONTWAIT | MSG_NOSIGNAL);
        close(fd);
        log_warn("control: out of descriptors: refused a connection");
    }
    ctl->reserve = fcntl(ctl->lf.fd, F_DUPFD_CLOEXEC, 0);
    return fd >= 0;
}

/* A peer of another uid: served only to be told no, and only a few at once. */
static bool refuse(struct control *ctl, struct client *c, const struct ucred *cred)
{
    if (ctl->nrefused >= MAX_REFUSED)
        return false;
    log_warn("control: refused a peer of uid %d", (int)cred->uid);
    c->refused = true;
    ctl->nrefused++;
    return true;
}

static void add_client(struct control *ctl, int fd)
{
    struct ucred cred;
    socklen_t clen = sizeof(cred);
    struct client *c, *idle;
    bool other;

    other = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 ||
            cred.uid != ctl->d->uid;
    if (other && ctl->nrefused >= MAX_REFUSED) {
        close(fd);
        return;
    }
    /* A full table makes room: the oldest connection still without a request goes. */
    if (ctl->nclients >= MAX_CLIENTS && (idle = oldest_idle(ctl)))
        client_free(idle);
    if (ctl->nclients >= MAX_CLIENTS || !(c = calloc(1, sizeof(*c)))) {
        log_warn("control: too many clients");
        close(fd);
        return;
    }
    c->ctl = ctl;
    c->lf.fd = fd;
    c->lf.fn = on_client;
    c->last = now_ms();
    if (loop_add(ctl->d->loop, &c->lf, EPOLLIN) < 0) {
        close(fd);
        free(c);
        return;
    }
    c->next = ctl->clients;
    if (c->next)
        c->next->prev = c;
    ctl->clients = c;
    ctl->nclients++;
    if (other)
        refuse(ctl, c, &cred);
}

static void on_accept(struct loop_fd *lf, uint32_t events)
{
    struct control *ctl = container_of(lf, struct control, lf);
    int n;

    (void)events;
    for (n = 0; n < 256; n++) {
        int fd = accept4(lf->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd >= 0) {
            add_client(ctl, fd);
            continue;
        }
        if (errno == EAGAIN || errno == EINTR)
            return;
        if (errno == ECONNABORTED || errno == EPROTO)
            continue;
        if (errno == EMFILE && out_of_fds(ctl))
            continue;
        listener_rest(ctl, errno);
        return;
    }
}

void control_tick(struct control *ctl, uint64_t now)
{
    struct client *c, *next;

    if (!ctl)
        return;
    if (ctl->listen_again && now >= ctl->listen_again) {
        ctl->listen_again = 0;
        if (ctl->reserve < 0)
            ctl->reserve = fcntl(ctl->lf.fd, F_DUPFD_CLOEXEC, 0);
        loop_mod(ctl->d->loop, &ctl->lf, EPOLLIN);
    }
    for (c = ctl->clients; c; c = next) {
        next = c->next;
        /* Before its request only: a reader may be slow (or stopped) as long as
         * it likes; what it has not taken waits in its bounded queue. */
        if (!c->s && !c->closing && now - c->last > IDLE_MS) {
            log_debug("control: closed a connection idle for %llu ms",
                      (unsigned long long)(now - c->last));
            client_free(c);
        }
    }
}

struct control *control_open(struct xld *d)
{
    struct control *ctl = calloc(1, sizeof(*ctl));
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    mode_t old;
    int fd, r;

    if (!ctl)
        return NULL;
    ctl->d = d;
    if (snprintf(ctl->path, sizeof(ctl->path), "%s/%s", d->run_dir, XLC_SOCKET) >=
        (int)sizeof(ctl->path)) {
        log_warn("control: run dir too long for a socket path");
        free(ctl);
        return NULL;
    }
    memcpy(sa.sun_path, ctl->path, sizeof(ctl->path));
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        free(ctl);
        return NULL;
    }
    unlink(ctl->path);      /* a socket left by a killed daemon */
    old = umask(077);
    r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    ctl->lf.fd = fd;
    ctl->lf.fn = on_accept;
    ctl->reserve = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (r < 0 || listen(fd, 64) < 0 || loop_add(d->loop, &ctl->lf, EPOLLIN) < 0) {
        log_err(errno, "control: cannot listen on %s", ctl->path);
        if (ctl->reserve >= 0)
            close(ctl->reserve);
        close(fd);
        free(ctl);
        return NULL;
    }
    return ctl;
}

void control_close(struct control *ctl)
{
    if (!ctl)
        return;
    while (ctl->clients)
        client_free(ctl->clients);
    loop_del(ctl->d->loop, &ctl->lf);
    close(ctl->lf.fd);
    if (ctl->reserve >= 0)
        close(ctl->reserve);
    unlink(ctl->path);
    free(ctl);
}

const char *control_path(const struct control *ctl)
{
    return ctl ? ctl->path : NULL;
}
