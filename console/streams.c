/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>

#include "config.h"
#include "forward.h"
#include "log.h"
#include "names.h"
#include "retention.h"
#include "store.h"
#include "stream.h"
#include "streams.h"

#define TRIM_AFTER 64               /* streams freed before memory goes back */

static void release_names(struct xld *d, const struct stream *s);

static unsigned bucket(unsigned domid, unsigned id)
{
    return ((domid * 2654435761u) ^ (id * 40503u)) % STREAM_BUCKETS;
}

struct stream *streams_find(struct xld *d, unsigned domid, unsigned id)
{
    struct stream *s;

    for (s = d->buckets[bucket(domid, id)]; s; s = s->next)
        if (s->domid == domid && s->id == id)
            return s;
    return NULL;
}

bool streams_known(struct xld *d, unsigned domid, unsigned id)
{
    return streams_find(d, domid, id) != NULL;
}

static struct stream *add(struct xld *d, unsigned domid, unsigned id)
{
    struct stream *s = calloc(1, sizeof(*s));
    unsigned b = bucket(domid, id);

    if (!s)
        return NULL;
    s->d = d;
    s->domid = domid;
    s->id = id;
    s->state = STREAM_PENDING;
    s->lf.fd = s->log.fd = s->log.dfd = -1;
    s->first_seen = now_ms();
    params_free(&s->p);     /* empty names until validated */
    stream_tick_on(s);
    s->next = d->buckets[b];
    d->buckets[b] = s;
    d->nstreams++;
    return s;
}

static void forget(struct xld *d, struct stream *s)
{
    struct stream **pp = &d->buckets[bucket(s->domid, s->id)];

    while (*pp != s)
        pp = &(*pp)->next;
    *pp = s->next;
    d->nstreams--;
    stream_tick_off(s);
    if (s->state == STREAM_ACTIVE) {
        stream_drain_close(s);
        release_names(d, s);
        retention_note_stream(d->retention, s);
        retention_soon(d->retention);
        log_info("stream %u/%u: finished (%llu bytes, %llu rotations)", s->domid, s->id,
                 (unsigned long long)s->log.fig.written,
                 (unsigned long long)s->log.fig.rotations);
    }
    spec_free(&s->spec);
    params_free(&s->p);
    free(s);
    d->freed_since_trim++;
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool spec_eq(const struct spec *a, const struct spec *b)
{
    return str_eq(a->pipe, b->pipe) && str_eq(a->file, b->file) &&
           str_eq(a->limit, b->limit) && str_eq(a->copies, b->copies) &&
           str_eq(a->input, b->input) && str_eq(a->timestamp, b->timestamp) &&
           str_eq(a->compress, b->compress);
}

static void fail(struct stream *s, const char *reason)
{
    s->state = STREAM_ERROR;
    stream_tick_off(s);
    log_warn("stream %u/%u: %s", s->domid, s->id, reason);
    store_set_state(s->d->store, s->domid, s->id, "error", reason);
}

/* The names a live stream holds: its FIFOs share one namespace (one's
 * pipe may not be another's input), its file another. */
static int name_keys(const struct stream *s, char keys[3][2 * PATH_MAX + 4])
{
    int n = 0;

    snprintf(keys[n++], sizeof(keys[0]), "p:%s", s->p.pipe_rel);
    if (s->p.input_rel[0])
        snprintf(keys[n++], sizeof(keys[0]), "p:%s", s->p.input_rel);
    snprintf(keys[n++], sizeof(keys[0]), "f:%s/%s", s->p.file_dir, s->p.file_base);
    return n;
}

static void release_names(struct xld *d, const struct stream *s)
{
    static char keys[3][2 * PATH_MAX + 4];
    int i, n = name_keys(s, keys);

    for (i = 0; i < n; i++)
        names_del(&d->names, keys[i], s);
}

/* Another live stream on the same pipe, input or file? NULL once s holds
 * its names, else the reason (in buf). */
static const char *claim_names(struct xld *d, struct stream *s, char *buf, size_t len)
{
    static char keys[3][2 * PATH_MAX + 4];
    int i, k, n = name_keys(s, keys), r = 0;
    const struct stream *o;
    void *other = NULL;

    for (i = 0; i < n && (r = names_add(&d->names, keys[i], s, &other)) == 0; i++)
        ;
    if (r == 0)
        return NULL;
    for (k = 0; k < i; k++)
        names_del(&d->names, keys[k], s);
    if (r != -EEXIST) {
        snprintf(buf, len, "%s", strerror(-r));
        return buf;
    }
    o = other;
    snprintf(buf, len, "%s: in use by stream %u/%u",
             keys[i][0] == 'f' ? "file" : i == 0 ? "pipe" : "input", o->domid, o->id);
    return buf;
}

/* The host's policy: defaults for absent nodes, caps (config.h). */
static void apply_policy(struct stream *s, char *note, size_t len)
{
    enum log_kind k = kind_of(s->p.file_base, s->p.input_rel[0] != '\0');
    unsigned clamped = policy_apply(&s->d->policy, k, &s->p);

    snprintf(note, len, ", %s%s%s%s", kind_name(k), clamped ? ", clamped: " : "",
             clamped & POLICY_CLAMPED_LIMIT ? "limit " : "",
             clamped & POLICY_CLAMPED_COPIES ? "copies " : "");
    if (clamped) {
        note[strlen(note) - 1] = '\0';
        s->d->figures.clamped++;
    }
}

/* Forwarding, if the stream's kind forwards (xenlogd.conf(5)). */
static void attach_forward(struct stream *s)
{
    struct fwd_meta m = {
        .domid = s->domid, .id = s->id, .domain = s->spec.domain, .file = s->p.file_base,
        .kind = kind_of(s->p.file_base, s->p.input_rel[0] != '\0'),
    };

    forward_attach(s->d->forward, &s->sinks, &s->d->policy, &m);
}

static void start(struct stream *s, bool adopt)
{
    struct xld *d = s->d;
    char err[512], note[64];
    const char *why, *node = NULL;

    if (!spec_validate(&s->spec, d->run_dir, d->log_dir, &s->p, err, sizeof(err))) {
        fail(s, err);
        return;
    }
    apply_policy(s, note, sizeof(note));
    if ((why = claim_names(d, s, err, sizeof(err)))) {
        fail(s, why);
        return;
    }
    if (stream_open(s, adopt, &why, &node) < 0) {
        release_names(d, s);
        snprintf(err, sizeof(err), "%s: %s", node, why);
        fail(s, err);
        return;
    }
    s->state = STREAM_ACTIVE;
    stream_tick_off(s);
    attach_forward(s);
    /* Written by the store thread; a stream removed meanwhile comes back
     * as streams_spec_read(r = 0) and is finished. */
    retention_note_stream(d->retention, s);
    store_set_state(d->store, s->domid, s->id, "ready", NULL);
    log_info("stream %u/%u: %s %s (limit %llu, copies %u%s)%s%s", s->domid, s->id,
             adopt ? "adopted" : "ready", s->spec.file,
             (unsigned long long)s->p.limit, s->p.copies, note,
             s->in ? ", input " : "", s->in ? s->spec.input : "");
}

void streams_changed(struct xld *d, unsigned domid, unsigned id, bool rewritten)
{
    store_request_spec(d->store, domid, id, rewritten);
}

void streams_spec_read(struct xld *d, unsigned domid, unsigned id, int r, struct spec *spp,
                       char *state, bool rewritten)
{
    struct stream *s = streams_find(d, domid, id);
    struct spec sp = *spp;

    memset(spp, 0, sizeof(*spp));
    if (r < 0) {
        spec_free(&sp);
        free(state);
        return;
    }
    if (r == 0) {
        if (s)
            forget(d, s);
        spec_free(&sp);
        free(state);
        return;
    }
    /* A stream in error is tried again when a node is written, even with the
     * same value (the FIFO made since, or descriptors freed). */
    if (s && (s->state == STREAM_ACTIVE ||
              (s->state == STREAM_ERROR && !rewritten && spec_eq(&s->spec, &sp)))) {
        spec_free(&sp);
        free(state);
        return;
    }
    if (!s && !(s = add(d, domid, id))) {
        log_err(ENOMEM, "stream %u/%u", domid, id);
        spec_free(&sp);
        free(state);
        return;
    }
    spec_free(&s->spec);
    s->spec = sp;
    if (s->state == STREAM_ERROR) {
        s->state = STREAM_PENDING;
        s->first_seen = now_ms();
        stream_tick_on(s);
    }
    if (sp.pipe && sp.file)
        start(s, state && strcmp(state, "ready") == 0);
    free(state);
}

void streams_check_gone(struct xld *d, bool all, unsigned domid)
{
    unsigned b;
    struct stream *s, *next;

    for (b = 0; b < STREAM_BUCKETS; b++)
        for (s = d->buckets[b]; s; s = next) {
            next = s->next;
            if (all || s->domid == domid)
                streams_changed(d, s->domid, s->id, false);
        }
}

void streams_tick(struct xld *d, uint64_t now)
{
    struct stream *s, *next;

    /* A burst of streams gone (a host shutting down its guests): their
     * memory goes back to the system, not only to malloc. */
    if (d->freed_since_trim >= TRIM_AFTER) {
        retention_repack(d->retention);
        malloc_trim(0);
        d->freed_since_trim = 0;
    }

    for (s = d->ticking; s; s = next) {
        next = s->tick_next;
        if (s->state == STREAM_ACTIVE) {
            logfile_retry(&s->log, now);
            if (s->log.state == LOGFILE_WRITABLE)
                stream_tick_off(s);
        } else if (s->state != STREAM_PENDING) {
            stream_tick_off(s);
        } else if (now - s->first_seen >= d->setup_timeout_ms) {
            char err[64];

            snprintf(err, sizeof(err), "%s: missing", !s->spec.pipe ? "pipe" : "file");
            fail(s, err);
        }
    }
}

void streams_each(struct xld *d, streams_fn *fn, void *arg)
{
    unsigned b;
    struct stream *s, *next;

    for (b = 0; b < STREAM_BUCKETS; b++)
        for (s = d->buckets[b]; s; s = next) {
            next = s->next;
            fn(arg, s, s->domid, s->id);
        }
}

void streams_reopen_all(struct xld *d)
{
    unsigned b;
    struct stream *s;

    for (b = 0; b < STREAM_BUCKETS; b++)
        for (s = d->buckets[b]; s; s = s->next)
            stream_reopen(s, "SIGHUP");
}

void streams_close_all(struct xld *d)
{
    unsigned b;
    struct stream *s, *next;

    for (b = 0; b < STREAM_BUCKETS; b++) {
        for (s = d->buckets[b]; s; s = next) {
            next = s->next;
            if (s->state == STREAM_ACTIVE)
                release_names(d, s);
            sinks_end(&s->sinks);   /* forwarders send their last partial line */
            stream_close(s);
            spec_free(&s->spec);
            params_free(&s->p);
            free(s);
        }
        d->buckets[b] = NULL;
    }
    d->nstreams = 0;
}
