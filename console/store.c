/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "log.h"
#include "loop.h"
#include "store.h"
#include "storepath.h"
#include "util.h"
#include "xstxn.h"

#define ADVERT "/tool/xenlogd"
#define TOKEN "xenlogd"
#define PING_MS 2000
#define RECONNECT_MS 1000
#define STOP_WAIT_S 2
#define STATE_BATCH 64      /* states written in one transaction, at most */

/* One request (loop -> store thread) or one answer (store thread -> loop). */
struct msg {
    struct msg *next;
    enum { M_READ, M_STATE, M_UNADVERTISE, M_PATH, M_SPEC } kind;
    unsigned domid, id;
    bool rewritten;
    struct store_path path;   /* M_PATH */
    int r;                    /* M_SPEC: 1 found, 0 gone, -1 the store failed */
    struct spec sp;           /* M_SPEC */
    char *state, *error;      /* M_SPEC: state; M_STATE: state and error */
};

struct queue {
    struct msg *head, **tail;
};

/* Domains' names, read once for a burst of streams (a domain starts
 * several at once): an entry lives NAME_TTL_MS. Domain ids are not reused
 * that fast. The store thread's only. */
#define NAME_CACHE 64
#define NAME_TTL_MS 1000
struct name_cache {
    unsigned domid;
    uint64_t at;              /* 0: empty */
    char *name;               /* NULL: the domain has none */
};

struct store {
    struct xld *d;
    const struct store_events *on;
    char *control_path;       /* a copy: the control socket may go first */
    /* The store thread's, once it runs. Two connections: libxenstore reads
     * every answer on a handle with a watch through a thread of its own (a
     * hand-off and two context switches per call); the requests go on xsh,
     * which has no watch and reads its answers itself. */
    struct xs_handle *xsh;    /* requests */
    struct xs_handle *xw;     /* the watch on STORE_ROOT */
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;       /* guards the queues and the flags below */
    pthread_cond_t cond;
    struct queue req, ev;
    int req_fd;               /* eventfd: wakes the store thread */
    struct loop_fd lf;        /* eventfd: wakes the loop */
    bool stop, exited, unadvertised;
    struct name_cache names[NAME_CACHE];  /* the store thread's */
};

static void on_events(struct loop_fd *lf, uint32_t events);

/* ---- queues (both threads) ---- */

static void q_init(struct queue *q)
{
    q->head = NULL;
    q->tail = &q->head;
}

static void msg_free(struct msg *m)
{
    spec_free(&m->sp);
    free(m->state);
    free(m->error);
    free(m);
}

static void q_clear(struct queue *q)
{
    struct msg *m;

    while ((m = q->head) != NULL) {
        q->head = m->next;
        msg_free(m);
    }
    q->tail = &q->head;
}

static void wake(int fd)
{
    uint64_t one = 1;

    if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        log_warn("store: eventfd: %s", strerror(errno));
}

/* Appends m to q (under the lock) and wakes the other side on fd. */
static void post(struct store *st, struct queue *q, int fd, struct msg *m)
{
    m->next = NULL;
    pthread_mutex_lock(&st->mu);
    *q->tail = m;
    q->tail = &m->next;
    pthread_mutex_unlock(&st->mu);
    wake(fd);
}

static struct msg *q_pop(struct store *st, struct queue *q)
{
    struct msg *m;

    pthread_mutex_lock(&st->mu);
    m = q->head;
    if (m) {
        q->head = m->next;
        if (!q->head)
            q->tail = &q->head;
    }
    pthread_mutex_unlock(&st->mu);
    return m;
}

/* The head of q if it is of that kind. */
static struct msg *q_pop_kind(struct store *st, struct queue *q, int kind)
{
    struct msg *m;

    pthread_mutex_lock(&st->mu);
    m = q->head;
    if (m && (int)m->kind == kind) {
        q->head = m->next;
        if (!q->head)
            q->tail = &q->head;
    } else {
        m = NULL;
    }
    pthread_mutex_unlock(&st->mu);
    return m;
}

static struct msg *msg_new(int kind, unsigned domid, unsigned id)
{
    struct msg *m = calloc(1, sizeof(*m));

    if (!m) {
        log_err(ENOMEM, "store: stream %u/%u: request lost", domid, id);
        return NULL;
    }
    m->kind = kind;
    m->domid = domid;
    m->id = id;
    return m;
}

/* ---- the loop's side ---- */

struct store *store_new(struct xld *d, const char *control_path,
                        const struct store_events *ev)
{
    struct store *st = calloc(1, sizeof(*st));

    if (!st)
        return NULL;
    st->d = d;
    st->on = ev;
    st->control_path = control_path ? strdup(control_path) : NULL;
    st->lf.fd = st->req_fd = -1;
    st->lf.fn = on_events;
    q_init(&st->req);
    q_init(&st->ev);
    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->cond, NULL);
    return st;
}

void store_request_spec(struct store *st, unsigned domid, unsigned id, bool rewritten)
{
    struct msg *m = msg_new(M_READ, domid, id);

    if (!m)
        return;
    m->rewritten = rewritten;
    post(st, &st->req, st->req_fd, m);
}

void store_set_state(struct store *st, unsigned domid, unsigned id, const char *state,
                     const char *error)
{
    struct msg *m = msg_new(M_STATE, domid, id);

    if (!m)
        return;
    m->state = strdup(state);
    m->error = error ? strdup(error) : NULL;
    if (!m->state || (error && !m->error)) {
        msg_free(m);
        return;
    }
    post(st, &st->req, st->req_fd, m);
}

static void on_path(struct store *st, const struct store_path *p)
{
    switch (p->kind) {
    case SP_ALL:
        st->on->check_gone(st->d, true, 0);
        break;
    case SP_DOMAIN:
        st->on->check_gone(st->d, false, p->domid);
        break;
    case SP_STREAM:
        if (p->own && st->on->known(st->d, p->domid, p->id))
            break;      /* our own writes */
        st->on->changed(st->d, p->domid, p->id, p->node);
        break;
    default:
        break;
    }
}

static void on_events(struct loop_fd *lf, uint32_t events)
{
    struct store *st = container_of(lf, struct store, lf);
    uint64_t n;
    struct msg *m;

    (void)events;
    if (read(lf->fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
        log_warn("store: eventfd: %s", strerror(errno));
    while ((m = q_pop(st, &st->ev)) != NULL) {
        if (m->kind == M_PATH) {
            on_path(st, &m->path);
        } else if (m->kind == M_SPEC) {
            st->on->spec_read(st->d, m->domid, m->id, m->r, &m->sp, m->state, m->rewritten);
            m->state = NULL;    /* both handed over */
            memset(&m->sp, 0, sizeof(m->sp));
        }
        msg_free(m);
    }
}

void store_tick(struct store *st, uint64_t now)
{
    (void)st;
    (void)now;
}

/* Waits (at most STOP_WAIT_S) for *flag, under the lock. */
static bool wait_for(struct store *st, const bool *flag)
{
    struct timespec until;
    bool ok;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += STOP_WAIT_S;
    pthread_mutex_lock(&st->mu);
    while (!*flag && pthread_cond_timedwait(&st->cond, &st->mu, &until) == 0)
        ;
    ok = *flag;
    pthread_mutex_unlock(&st->mu);
    return ok;
}

void store_unadvertise(struct store *st)
{
    struct msg *m;

    if (!st->started) {
        if (st->xsh)
            xs_rm(st->xsh, XBT_NULL, ADVERT);
        return;
    }
    if (!(m = msg_new(M_UNADVERTISE, 0, 0)))
        return;
    post(st, &st->req, st->req_fd, m);
    if (!wait_for(st, &st->unadvertised))
        log_warn("xenstore does not answer: " ADVERT " left in place");
}

void store_free(struct store *st)
{
    if (!st)
        return;
    if (st->started) {
        pthread_mutex_lock(&st->mu);
        st->stop = true;
        pthread_mutex_unlock(&st->mu);
        wake(st->req_fd);
        if (!wait_for(st, &st->exited)) {
            /* Blocked in a call to a hung xenstored: leave it (we exit). */
            log_warn("xenstore does not answer: not waiting for it");
            pthread_detach(st->thread);
            return;
        }
        pthread_join(st->thread, NULL);
    }
    if (st->lf.fd >= 0) {
        loop_del(st->d->loop, &st->lf);
        close(st->lf.fd);
    }
    if (st->req_fd >= 0)
        close(st->req_fd);
    for (unsigned i = 0; i < NAME_CACHE; i++)
        free(st->names[i].name);
    free(st->control_path);
    if (st->xsh)
        xs_close(st->xsh);
    if (st->xw)
        xs_close(st->xw);
    q_clear(&st->req);
    q_clear(&st->ev);
    pthread_cond_destroy(&st->cond);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

/* ---- xenstore calls: the first connection, then the store thread only ---- */

#define TXN_TRIES 100               /* conflicts before a transaction is given up */

struct advert {
    const struct advert_node { const char *node, *value; } *nodes;
    size_t n;
};

static int write_advert(struct xs_handle *xsh, xs_transaction_t t, void *arg)
{
    const struct advert *a = arg;
    size_t i;

    for (i = 0; i < a->n; i++)
        if (!xs_write(xsh, t, a->nodes[i].node, a->nodes[i].value,
                      (unsigned)strlen(a->nodes[i].value)))
            return -errno;
    return 0;
}

static bool advertise(struct store *st)
{
    char pid[16];
    const char *version = PACKAGE_VERSION;
    const struct advert_node nodes[] = {
        { ADVERT "/pid", pid },
        { ADVERT "/version", version },
        { ADVERT "/run-dir", st->d->run_dir },
        { ADVERT "/log-dir", st->d->log_dir },
        { ADVERT "/control", st->control_path ? st->control_path : "" },
        { ADVERT "/policy", "1" },  /* limit and copies may be left out */
    };
    struct advert a = { .nodes = nodes, .n = ARRAY_SIZE(nodes) };

    snprintf(pid, sizeof(pid), "%d", (int)getpid());
    return xs_txn_retry(st->xsh, write_advert, &a, TXN_TRIES) == 0;
}

/* Another live daemon advertised in this store? Two would split the data. */
static int other_daemon_of(struct xs_handle *xsh)
{
    unsigned len;
    char *v = xs_read(xsh, XBT_NULL, ADVERT "/pid", &len);
    uint64_t pid = 0;
    int other = 0;

    if (v && !parse_decimal(v, 1, 4194304, &pid) && (pid_t)pid != getpid() &&
        (kill((pid_t)pid, 0) == 0 || errno == EPERM))
        other = (int)pid;
    free(v);
    return other;
}

int store_other_daemon(void)
{
    struct xs_handle *xsh = xs_open(0);
    int other;

    if (!xsh)
        return -(errno ? errno : EIO);
    other = other_daemon_of(xsh);
    xs_close(xsh);
    return other;
}

static void disconnect(struct store *st)
{
    if (st->xsh)
        xs_close(st->xsh);
    if (st->xw)
        xs_close(st->xw);
    st->xsh = st->xw = NULL;
}

/* Opens, checks for another daemon, watches, advertises. 0 or -errno. */
static int connect_store(struct store *st)
{
    int other, r;

    if (!(st->xsh = xs_open(0)) || !(st->xw = xs_open(0))) {
        r = -errno;
        disconnect(st);
        return r;
    }
    if ((other = other_daemon_of(st->xsh)) != 0) {
        log_err(-1, "another xenlogd (pid %d) serves this xenstore", other);
        disconnect(st);
        return -EEXIST;
    }
    if (!xs_watch(st->xw, STORE_ROOT, TOKEN) || !advertise(st)) {
        r = errno ? -errno : -EIO;
        log_err(-r, "xenstore: cannot watch " STORE_ROOT " or advertise " ADVERT);
        disconnect(st);
        return r;
    }
    return 0;
}

static void post_path(struct store *st, enum store_path_kind kind, unsigned domid,
                      unsigned id)
{
    struct msg *m = msg_new(M_PATH, domid, id);

    if (!m)
        return;
    m->path.kind = kind;
    m->path.domid = domid;
    m->path.id = id;
    post(st, &st->ev, st->lf.fd, m);
}

/* Every stream in the store is looked at; then those we hold that are gone. */
static void scan(struct store *st)
{
    unsigned nd = 0, ni, i, j, domid, id;
    char **doms = xs_directory(st->xsh, XBT_NULL, STORE_ROOT, &nd);
    char path[64];

    for (i = 0; doms && i < nd; i++) {
        char **ids;

        if (!parse_id(doms[i], &domid))
            continue;
        snprintf(path, sizeof(path), STORE_ROOT "/%u/logging", domid);
        ids = xs_directory(st->xsh, XBT_NULL, path, &ni);
        for (j = 0; ids && j < ni; j++)
            if (parse_id(ids[j], &id))
                post_path(st, SP_STREAM, domid, id);
        free(ids);
    }
    free(doms);
    post_path(st, SP_ALL, 0, 0);
}

static char *read_node(struct store *st, const char *dir, const char *node, int *err)
{
    char path[96];
    unsigned len;
    char *v;

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    v = xs_read(st->xsh, XBT_NULL, path, &len);
    if (!v && errno != ENOENT)
        *err = errno;
    if (v && strlen(v) != len) {    /* embedded NUL: not a string */
        free(v);
        v = strdup("");
    }
    return v;
}

static bool listed(char **ls, unsigned n, const char *name)
{
    unsigned i;

    for (i = 0; i < n; i++)
        if (strcmp(ls[i], name) == 0)
            return true;
    return false;
}

static char *read_listed(struct store *st, const char *dir, char **ls, unsigned n,
                         const char *node, int *err)
{
    return listed(ls, n, node) ? read_node(st, dir, node, err) : NULL;
}

static char *fetch_domain_name(struct store *st, unsigned domid)
{
    char path[64];
    unsigned len;
    char *v;

    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    v = xs_read(st->xsh, XBT_NULL, path, &len);
    if (v && strlen(v) != len) {
        free(v);
        v = NULL;
    }
    return v;
}

/* The domain's name (boot markers, forwarding), a copy; NULL if it has none. */
static char *read_domain_name(struct store *st, unsigned domid)
{
    struct name_cache *c = &st->names[domid % NAME_CACHE];
    uint64_t now = now_ms();

    if (!c->at || c->domid != domid || now - c->at >= NAME_TTL_MS) {
        free(c->name);
        c->name = fetch_domain_name(st, domid);
        c->domid = domid;
        c->at = now;
    }
    return c->name ? strdup(c->name) : NULL;
}

/* 1: the stream's directory exists (nodes filled in, NULL if missing);
 * 0: it does not; -1: the store failed. */
static int read_spec(struct store *st, unsigned domid, unsigned id, struct spec *sp,
                     char **state)
{
    char dir[64];
    int err = 0;
    unsigned n;
    char **ls;

    memset(sp, 0, sizeof(*sp));
    *state = NULL;
    if (!st->xsh)
        return -ENOTCONN;
    snprintf(dir, sizeof(dir), STORE_ROOT "/%u/logging/%u", domid, id);
    ls = xs_directory(st->xsh, XBT_NULL, dir, &n);
    if (!ls)
        return errno == ENOENT ? 0 : -errno;
    /* Only the nodes listed: an absent one costs no round trip. A node
     * written after the listing fires the watch, and all is read again. */
    sp->pipe = read_listed(st, dir, ls, n, "pipe", &err);
    sp->file = read_listed(st, dir, ls, n, "file", &err);
    sp->limit = read_listed(st, dir, ls, n, "limit", &err);
    sp->copies = read_listed(st, dir, ls, n, "copies", &err);
    sp->input = read_listed(st, dir, ls, n, "input", &err);
    sp->timestamp = read_listed(st, dir, ls, n, "timestamp", &err);
    sp->compress = read_listed(st, dir, ls, n, "compress", &err);
    *state = read_listed(st, dir, ls, n, "state", &err);
    free(ls);
    sp->domain = read_domain_name(st, domid);
    if (err) {
        spec_free(sp);
        free(*state);
        *state = NULL;
        return -err;
    }
    return 1;
}

/* In transaction t: 1 written, 0 the stream is gone, -1 the store failed. */
static int put_state(struct store *st, xs_transaction_t t, const struct msg *m)
{
    char dir[64], path[96];
    unsigned n;
    char **ls;
    bool ok = true, had_error;

    snprintf(dir, sizeof(dir), STORE_ROOT "/%u/logging/%u", m->domid, m->id);
    ls = xs_directory(st->xsh, t, dir, &n);
    if (!ls)
        return errno == ENOENT ? 0 : -1;
    had_error = listed(ls, n, "error");
    free(ls);
    snprintf(path, sizeof(path), "%s/error", dir);
    if (m->error)
        ok = xs_write(st->xsh, t, path, m->error, (unsigned)strlen(m->error));
    else if (had_error)
        xs_rm(st->xsh, t, path);    /* a reason from an earlier try */
    snprintf(path, sizeof(path), "%s/state", dir);
    ok = ok && xs_write(st->xsh, t, path, m->state, (unsigned)strlen(m->state));
    return ok ? 1 : -1;
}

/*
 * The states of n streams in one transaction (a stream's state is written
 * only if its directory still exists): r[i] is 1 written, 0 gone. 0, or -1
 * if the store failed (nothing written).
 */
struct states {
    struct store *st;
    struct msg **ms;
    size_t n;
    int *r;
};

static int put_states(struct xs_handle *xsh, xs_transaction_t t, void *arg)
{
    const struct states *a = arg;
    size_t i;

    (void)xsh;
    for (i = 0; i < a->n; i++)
        if ((a->r[i] = put_state(a->st, t, a->ms[i])) < 0)
            return -EIO;
    return 0;
}

static int set_states(struct store *st, struct msg **ms, size_t n, int *r)
{
    struct states a = { .st = st, .ms = ms, .n = n, .r = r };

    if (!st->xsh)
        return -ENOTCONN;
    return xs_txn_retry(st->xsh, put_states, &a, TXN_TRIES);
}

/*
 * M_STATE first and those right behind it in the queue (a burst of streams
 * becoming ready), in one transaction: two round trips per stream instead
 * of four. A stream found gone goes back to the loop as M_SPEC r = 0.
 */
static void serve_states(struct store *st, struct msg *first)
{
    struct msg *ms[STATE_BATCH];
    int r[STATE_BATCH];
    size_t n = 0, i;

    ms[n++] = first;
    while (n < STATE_BATCH && (ms[n] = q_pop_kind(st, &st->req, M_STATE)) != NULL)
        n++;
    if (set_states(st, ms, n, r) < 0) {
        for (i = 0; i < n; i++) {
            log_warn("stream %u/%u: could not write state %s", ms[i]->domid, ms[i]->id,
                     ms[i]->state);
            msg_free(ms[i]);
        }
        return;
    }
    for (i = 0; i < n; i++) {
        struct msg *m = ms[i];

        if (r[i] != 0) {
            msg_free(m);
            continue;
        }
        free(m->state);     /* removed meanwhile: the loop finishes it */
        free(m->error);
        m->state = m->error = NULL;
        m->kind = M_SPEC;
        m->r = 0;
        post(st, &st->ev, st->lf.fd, m);
    }
}

/* A request, on the store thread. */
static void serve(struct store *st, struct msg *m)
{
    switch (m->kind) {
    case M_READ:
        m->kind = M_SPEC;
        m->r = read_spec(st, m->domid, m->id, &m->sp, &m->state);
        if (m->r < 0) {
            msg_free(m);     /* the store failed: the rescan on reconnect decides */
            return;
        }
        post(st, &st->ev, st->lf.fd, m);
        return;
    case M_STATE:
        serve_states(st, m);
        return;
    case M_UNADVERTISE:
        if (st->xsh)
            xs_rm(st->xsh, XBT_NULL, ADVERT);
        pthread_mutex_lock(&st->mu);
        st->unadvertised = true;
        pthread_cond_broadcast(&st->cond);
        pthread_mutex_unlock(&st->mu);
        break;
    default:
        break;
    }
    msg_free(m);
}

/* The same stream as the previous event: one look at it serves both. */
static bool merge(struct msg *last, const struct store_path *p)
{
    if (!last || p->kind != SP_STREAM || last->path.kind != SP_STREAM ||
        last->path.domid != p->domid || last->path.id != p->id)
        return false;
    last->path.node = last->path.node || p->node;
    last->path.own = last->path.own && p->own;
    return true;
}

/* Hands a batch of messages to the loop: one lock, one wake-up. */
static void post_all(struct store *st, struct queue *batch)
{
    if (!batch->head)
        return;
    pthread_mutex_lock(&st->mu);
    *st->ev.tail = batch->head;
    st->ev.tail = batch->tail;
    pthread_mutex_unlock(&st->mu);
    wake(st->lf.fd);
}

/*
 * Every event queued, as one batch. A writer's transaction fires one event
 * per node (pipe, file, limit, copies: four in a row for one stream); those
 * in a row for the same stream become one, so it is read once, not four
 * times.
 */
static void on_watch(struct store *st)
{
    struct queue batch;
    struct msg *last = NULL;
    struct store_path p;
    char **vec;

    q_init(&batch);
    while (st->xw && (vec = xs_check_watch(st->xw)) != NULL) {
        store_path_parse(vec[XS_WATCH_PATH], &p);
        free(vec);
        if (p.kind == SP_NONE || merge(last, &p))
            continue;
        if (!(last = msg_new(M_PATH, p.domid, p.id)))
            continue;
        last->path = p;
        *batch.tail = last;
        batch.tail = &last->next;
    }
    post_all(st, &batch);
}

/* The ping, and reconnection after a lost store. */
static void keepalive(struct store *st, uint64_t now, uint64_t *next)
{
    if (now < *next)
        return;
    if (st->xsh) {
        unsigned len;
        char *v = xs_read(st->xsh, XBT_NULL, ADVERT "/pid", &len);

        *next = now + PING_MS;
        if (v || errno == ENOENT) {
            free(v);
            if (!v && !advertise(st))
                log_warn("xenstore: cannot advertise " ADVERT);
            return;
        }
        log_err(errno, "xenstore: connection lost; streams go on, reconnecting");
        disconnect(st);
    }
    *next = now + RECONNECT_MS;
    if (connect_store(st) == 0) {
        log_info("xenstore: reconnected");
        *next = now + PING_MS;
        scan(st);
    }
}

static bool stopping(struct store *st)
{
    bool stop;

    pthread_mutex_lock(&st->mu);
    stop = st->stop;
    pthread_mutex_unlock(&st->mu);
    return stop;
}

static void *store_main(void *arg)
{
    struct store *st = arg;
    uint64_t next = now_ms() + PING_MS;

    scan(st);
    while (!stopping(st)) {
        struct pollfd p[2] = {
            { .fd = st->req_fd, .events = POLLIN },
            { .fd = st->xw ? xs_fileno(st->xw) : -1, .events = POLLIN },
        };
        uint64_t cnt, now = now_ms();
        struct msg *m;

        poll(p, 2, next > now ? (int)(next - now) : 0);
        if (p[0].revents && read(st->req_fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
            log_warn("store: eventfd: %s", strerror(errno));
        while (!stopping(st) && (m = q_pop(st, &st->req)) != NULL)
            serve(st, m);
        if (p[1].revents)
            on_watch(st);
        keepalive(st, now_ms(), &next);
    }
    pthread_mutex_lock(&st->mu);
    st->exited = true;
    pthread_cond_broadcast(&st->cond);
    pthread_mutex_unlock(&st->mu);
    return NULL;
}

int store_connect(struct store *st)
{
    int err;

    if ((err = connect_store(st)) < 0)
        return err;
    st->req_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    st->lf.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (st->req_fd < 0 || st->lf.fd < 0 || loop_add(st->d->loop, &st->lf, EPOLLIN) < 0) {
        log_err(errno, "store: eventfd");
        return -EIO;
    }
    /* Signals stay blocked in the new thread: they go to main's signalfd. */
    err = pthread_create(&st->thread, NULL, store_main, st);
    if (err) {
        log_err(err, "store: cannot start its thread");
        return -err;
    }
    st->started = true;
    return 0;
}

void spec_free(struct spec *sp)
{
    free(sp->pipe);
    free(sp->file);
    free(sp->limit);
    free(sp->copies);
    free(sp->input);
    free(sp->timestamp);
    free(sp->compress);
    free(sp->domain);
    memset(sp, 0, sizeof(*sp));
}
