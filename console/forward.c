/* SPDX-License-Identifier: GPL-2.0-only */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "forward.h"
#include "journal.h"
#include "log.h"
#include "loop.h"
#include "rfc5424.h"

#define IDENT_MAX 48                /* RFC 5424 APP-NAME */
#define META_MAX 255                /* domain name and file name, at most */
#define FRAME_MAX (FWD_LINE_MAX + RFC5424_HEAD_MAX + JOURNAL_HEAD_MAX)

/* A collector and the streams that use it. */
struct link {
    struct collector *c;
    unsigned refs;
    struct link *next;
};

struct forward {
    struct loop *loop;
    char hostname[SYSLOG_HOSTNAME_MAX + 1];     /* the host's, for RFC 5424 */
    int journal_fd;                 /* -1 until the first line for the journal */
    struct link *links;
    unsigned nsinks;
    struct fwd_counters total;      /* every stream's, ended ones too */
    struct collector_figures cfig;
    char frame[FRAME_MAX];
};

struct fwd_sink {
    struct sink k;
    struct forward *f;
    struct link *link;              /* NULL: no collector */
    bool journal;
    struct fwd_meta m;
    char domain[META_MAX + 1], file[META_MAX + 1];
    char ident[IDENT_MAX + 1], hostname[SYSLOG_HOSTNAME_MAX + 1];
    unsigned rate_lines;
    uint64_t rate_bytes;
    uint64_t win_ms;                /* the current second of the rate limit */
    unsigned win_lines;
    uint64_t win_bytes;
    struct fwd_counters c;
    size_t plen;                    /* a line not ended yet */
    char part[FWD_LINE_MAX];
};

/* Counted for the stream and for the daemon. */
#define COUNT(s, field, n) ((s)->c.field += (n), (s)->f->total.field += (n))

static uint64_t realtime_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

struct forward *forward_new(struct loop *loop)
{
    struct forward *f = calloc(1, sizeof(*f));

    if (!f)
        return NULL;
    f->loop = loop;
    f->journal_fd = -1;
    if (gethostname(f->hostname, sizeof(f->hostname) - 1) < 0 ||
        !syslog_printable(f->hostname, strlen(f->hostname)))
        f->hostname[0] = '\0';      /* sent as "-" */
    return f;
}

void forward_free(struct forward *f)
{
    struct link *l, *next;

    if (!f)
        return;
    assert(f->nsinks == 0);
    for (l = f->links; l; l = next) {
        next = l->next;
        collector_free(l->c);
        free(l);
    }
    if (f->journal_fd >= 0)
        close(f->journal_fd);
    free(f);
}

void forward_tick(struct forward *f, uint64_t now)
{
    struct link **pp = &f->links, *l;

    while ((l = *pp) != NULL) {
        if (l->refs == 0 && collector_idle(l->c)) {
            *pp = l->next;
            collector_free(l->c);
            free(l);
            continue;
        }
        collector_tick(l->c, now);
        pp = &l->next;
    }
}

void forward_figures(const struct forward *f, struct fwd_figures *out)
{
    const struct link *l;

    memset(out, 0, sizeof(*out));
    out->total = f->total;
    out->syslog_sent = f->cfig.sent;
    out->syslog_lost = f->cfig.lost;
    out->connects = f->cfig.connects;
    out->connect_failures = f->cfig.connect_failures;
    out->disconnects = f->cfig.disconnects;
    for (l = f->links; l; l = l->next) {
        out->collectors++;
        out->collectors_up += collector_up(l->c);
    }
}

const struct fwd_counters *forward_counters(const struct fwd_sink *s)
{
    return &s->c;
}

static const struct sink_ops fwd_ops;

const struct fwd_counters *forward_counters_of(const struct sinks *l)
{
    const struct sink *k;

    for (k = l->head; k; k = k->next)
        if (k->ops == &fwd_ops)
            return &((const struct fwd_sink *)k)->c;
    return NULL;
}

static int journal_line(struct forward *f, const struct fwd_line *l)
{
    size_t n = journal_datagram(f->frame, sizeof(f->frame), l);

    if (n == 0)
        return -EMSGSIZE;
    if (f->journal_fd < 0 && (f->journal_fd = journal_open()) < 0) {
        int r = f->journal_fd;

        f->journal_fd = -1;
        return r;
    }
    return journal_send(f->journal_fd, f->frame, n);
}

/* Within the stream's rate? Counts the line in its second if so. */
static bool rate_ok(struct fwd_sink *s, size_t len, uint64_t now)
{
    if (now - s->win_ms >= 1000) {
        s->win_ms = now;
        s->win_lines = 0;
        s->win_bytes = 0;
    }
    if (s->win_lines >= s->rate_lines || s->win_bytes + len > s->rate_bytes)
        return false;
    s->win_lines++;
    s->win_bytes += len;
    return true;
}

/* One line (no newline) to wherever the stream forwards. */
static void send_line(struct fwd_sink *s, const char *msg, size_t len, uint64_t now,
                      uint64_t time_us)
{
    struct forward *f = s->f;
    struct fwd_line l = { &s->m, s->ident, s->hostname, time_us, msg, len };

    if (len && msg[len - 1] == '\r')
        l.len = --len;
    if (len == 0)
        return;                     /* empty lines are not forwarded */
    if (!rate_ok(s, len, now)) {
        COUNT(s, rate_dropped, 1);
        return;
    }
    COUNT(s, lines, 1);
    COUNT(s, bytes, len);
    if (s->journal) {
        if (journal_line(f, &l) == 0)
            COUNT(s, journal_sent, 1);
        else
            COUNT(s, journal_unsent, 1);
    }
    if (s->link) {
        size_t n = rfc5424_frame(f->frame, sizeof(f->frame), &l);

        if (n && collector_send(s->link->c, f->frame, n) == 0)
            COUNT(s, syslog_queued, 1);
        else
            COUNT(s, syslog_unsent, 1);
    }
}

/* Bytes as the stream wrote them: whole lines go, the end of a line is
 * kept for the next call; a line reaching FWD_LINE_MAX goes cut. */
static void feed(struct sink *k, const char *buf, size_t n)
{
    struct fwd_sink *s = (struct fwd_sink *)k;
    uint64_t now = now_ms(), t = realtime_us();

    while (n > 0) {
        const char *nl = memchr(buf, '\n', n);
        size_t take = nl ? (size_t)(nl - buf) : n, room = FWD_LINE_MAX - s->plen;
        bool cut = take > room || (take == room && !nl);

        if (cut)
            take = room;
        if (!nl && !cut) {
            memcpy(s->part + s->plen, buf, take);
            s->plen += take;
            return;
        }
        if (s->plen == 0) {
            send_line(s, buf, take, now, t);
        } else {
            memcpy(s->part + s->plen, buf, take);
            send_line(s, s->part, s->plen + take, now, t);
            s->plen = 0;
        }
        if (cut)
            COUNT(s, cut, 1);
        buf += take + !cut;
        n -= take + !cut;
    }
}

static void end(struct sink *k)
{
    struct fwd_sink *s = (struct fwd_sink *)k;

    if (s->plen)
        send_line(s, s->part, s->plen, now_ms(), realtime_us());
    log_info("stream %u/%u: forwarded %llu lines (%llu bytes); %llu over the rate, %llu cut; "
             "journal %llu sent, %llu unsent; collector %llu queued, %llu unsent",
             s->m.domid, s->m.id, (unsigned long long)s->c.lines,
             (unsigned long long)s->c.bytes, (unsigned long long)s->c.rate_dropped,
             (unsigned long long)s->c.cut, (unsigned long long)s->c.journal_sent,
             (unsigned long long)s->c.journal_unsent, (unsigned long long)s->c.syslog_queued,
             (unsigned long long)s->c.syslog_unsent);
    if (s->link)
        s->link->refs--;
    s->f->nsinks--;
    free(s);
}

static const struct sink_ops fwd_ops = { .feed = feed, .end = end };

/* The collector at t, shared; made (and connecting) if new. */
static struct link *link_get(struct forward *f, const struct fwd_target *t)
{
    struct link *l;

    for (l = f->links; l; l = l->next)
        if (collector_is(l->c, t)) {
            l->refs++;
            return l;
        }
    if (!(l = calloc(1, sizeof(*l))))
        return NULL;
    if (!(l->c = collector_new(f->loop, t, &f->cfig))) {
        free(l);
        return NULL;
    }
    l->refs = 1;
    l->next = f->links;
    f->links = l;
    return l;
}

/* SYSLOG_IDENTIFIER and APP-NAME: the file's name without ".log", if it is
 * printable ASCII of at most 48 characters; else "xenlogd". */
static void set_ident(struct fwd_sink *s)
{
    size_t len = strlen(s->file);

    if (len > 4 && strcmp(s->file + len - 4, ".log") == 0)
        len -= 4;
    if (len > IDENT_MAX || !syslog_printable(s->file, len))
        snprintf(s->ident, sizeof(s->ident), "xenlogd");
    else
        snprintf(s->ident, sizeof(s->ident), "%.*s", (int)len, s->file);
}

struct fwd_sink *forward_attach(struct forward *f, struct sinks *l, const struct policy *p,
                                const struct fwd_meta *m)
{
    const struct kind_policy *kp = policy_kind(p, m->kind);
    struct fwd_sink *s;

    assert(m->file);
    if (!kind_forwards(kp))
        return NULL;
    if (!(s = calloc(1, sizeof(*s))) ||
        (kp->forward_syslog.host[0] && !(s->link = link_get(f, &kp->forward_syslog)))) {
        log_err(ENOMEM, "stream %u/%u: forwarding", m->domid, m->id);
        free(s);
        return NULL;
    }
    s->f = f;
    s->k.ops = &fwd_ops;
    s->journal = kp->forward_journal;
    s->rate_lines = kp->forward_rate_lines;
    s->rate_bytes = kp->forward_rate_bytes;
    s->m = *m;
    snprintf(s->file, sizeof(s->file), "%s", m->file);
    s->m.file = s->file;
    if (m->domain) {
        snprintf(s->domain, sizeof(s->domain), "%s", m->domain);
        s->m.domain = s->domain;
    }
    set_ident(s);
    snprintf(s->hostname, sizeof(s->hostname), "%s",
             p->syslog_hostname[0] ? p->syslog_hostname : f->hostname);
    s->win_ms = now_ms();
    f->nsinks++;
    sinks_add(l, &s->k);
    return s;
}
