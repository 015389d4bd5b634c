/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <xenstore.h>

#include "log.h"
#include "loop.h"
#include "store.h"
#include "streams.h"
#include "util.h"

#define ROOT "/libxl"
#define ADVERT "/tool/xenlogd"
#define TOKEN "xenlogd"
#define PING_MS 2000
#define RECONNECT_MS 1000

struct store {
    struct xld *d;
    struct xs_handle *xsh;
    struct loop_fd lf;
    const char *control_path;
    uint64_t next_ping;
    uint64_t next_reconnect;
};

static void on_watch(struct loop_fd *lf, uint32_t events);

struct store *store_new(struct xld *d, const char *control_path)
{
    struct store *st = calloc(1, sizeof(*st));

    if (!st)
        return NULL;
    st->d = d;
    st->lf.fd = -1;
    st->lf.fn = on_watch;
    st->control_path = control_path;
    return st;
}

static void disconnect(struct store *st)
{
    if (st->lf.fd >= 0)
        loop_del(st->d->loop, &st->lf);
    st->lf.fd = -1;
    if (st->xsh)
        xs_close(st->xsh);
    st->xsh = NULL;
}

void store_free(struct store *st)
{
    if (!st)
        return;
    disconnect(st);
    free(st);
}

bool store_connected(const struct store *st)
{
    return st->xsh != NULL;
}

static bool advertise(struct store *st)
{
    char pid[16];
    const char *version = PACKAGE_VERSION;
    struct { const char *node, *value; } nodes[] = {
        { ADVERT "/pid", pid },
        { ADVERT "/version", version },
        { ADVERT "/run-dir", st->d->run_dir },
        { ADVERT "/log-dir", st->d->log_dir },
        { ADVERT "/control", st->control_path ? st->control_path : "" },
    };
    size_t i;

    snprintf(pid, sizeof(pid), "%d", (int)getpid());
    for (;;) {
        xs_transaction_t t = xs_transaction_start(st->xsh);

        if (t == XBT_NULL)
            return false;
        for (i = 0; i < ARRAY_SIZE(nodes); i++)
            if (!xs_write(st->xsh, t, nodes[i].node, nodes[i].value,
                          (unsigned)strlen(nodes[i].value)))
                break;
        if (i < ARRAY_SIZE(nodes)) {
            xs_transaction_end(st->xsh, t, true);
            return false;
        }
        if (xs_transaction_end(st->xsh, t, false))
            return true;
        if (errno != EAGAIN)
            return false;
    }
}

void store_unadvertise(struct store *st)
{
    if (st->xsh)
        xs_rm(st->xsh, XBT_NULL, ADVERT);
}

/* Every stream in the store goes through streams_changed(). */
static void scan(struct store *st)
{
    unsigned nd = 0, ni, i, j, domid, id;
    char **doms = xs_directory(st->xsh, XBT_NULL, ROOT, &nd);
    char path[64];

    for (i = 0; doms && i < nd; i++) {
        char **ids;

        if (!parse_id(doms[i], &domid))
            continue;
        snprintf(path, sizeof(path), ROOT "/%u/logging", domid);
        ids = xs_directory(st->xsh, XBT_NULL, path, &ni);
        for (j = 0; ids && j < ni; j++)
            if (parse_id(ids[j], &id))
                streams_changed(st->d, domid, id, false);
        free(ids);
    }
    free(doms);
}

/* Another live daemon advertised in this store? Two would split the data. */
static int other_daemon(struct store *st)
{
    unsigned len;
    char *v = xs_read(st->xsh, XBT_NULL, ADVERT "/pid", &len);
    uint64_t pid = 0;
    int other = 0;

    if (v && !parse_decimal(v, 1, 4194304, &pid) && (pid_t)pid != getpid() &&
        (kill((pid_t)pid, 0) == 0 || errno == EPERM))
        other = (int)pid;
    free(v);
    return other;
}

int store_connect(struct store *st)
{
    int other;

    st->xsh = xs_open(0);
    if (!st->xsh)
        return -1;
    if ((other = other_daemon(st)) != 0) {
        log_err(-1, "another xenlogd (pid %d) serves this xenstore", other);
        disconnect(st);
        errno = EEXIST;
        return -1;
    }
    if (!xs_watch(st->xsh, ROOT, TOKEN) || !advertise(st))
        goto fail;
    st->lf.fd = xs_fileno(st->xsh);
    if (st->lf.fd < 0 || loop_add(st->d->loop, &st->lf, EPOLLIN) < 0)
        goto fail;
    st->next_ping = now_ms() + PING_MS;
    scan(st);
    /* Streams we still hold whose nodes went away while we were not looking. */
    streams_check_gone(st->d, true, 0);
    return 0;
fail:
    log_err(errno, "xenstore: cannot watch " ROOT " or advertise " ADVERT);
    disconnect(st);
    return -1;
}

/*
 * /libxl/D/logging/I[/node]: that stream changed.
 * /libxl, /libxl/D, /libxl/D/logging: streams below may have gone.
 */
static void dispatch(struct store *st, const char *path)
{
    char comp[4][16];
    int n = 0;
    const char *p = path + strlen(ROOT);
    unsigned domid, id;

    if (strncmp(path, ROOT, strlen(ROOT)) != 0)
        return;
    while (*p == '/' && n < 4) {
        size_t len = strcspn(p + 1, "/");

        if (len >= sizeof(comp[0]))
            return;
        memcpy(comp[n], p + 1, len);
        comp[n][len] = '\0';
        n++;
        p += 1 + len;
    }
    if (*p && *p != '/')
        return;
    if (n == 0) {
        streams_check_gone(st->d, true, 0);
        return;
    }
    if (!parse_id(comp[0], &domid))
        return;
    if (n == 1 || (n == 2 && strcmp(comp[1], "logging") == 0)) {
        streams_check_gone(st->d, false, domid);
        return;
    }
    if (strcmp(comp[1], "logging") != 0 || !parse_id(comp[2], &id))
        return;
    if (n == 4 && (strcmp(comp[3], "state") == 0 || strcmp(comp[3], "error") == 0) &&
        streams_find(st->d, domid, id))
        return;     /* our own writes */
    streams_changed(st->d, domid, id, n == 4);
}

static void on_watch(struct loop_fd *lf, uint32_t events)
{
    struct store *st = container_of(lf, struct store, lf);
    char **vec;

    (void)events;
    while (st->xsh && (vec = xs_check_watch(st->xsh)) != NULL) {
        dispatch(st, vec[XS_WATCH_PATH]);
        free(vec);
    }
}

void store_tick(struct store *st, uint64_t now)
{
    if (st->xsh) {
        char *v;
        unsigned len;

        if (now < st->next_ping)
            return;
        st->next_ping = now + PING_MS;
        v = xs_read(st->xsh, XBT_NULL, ADVERT "/pid", &len);
        if (v || errno == ENOENT) {
            free(v);
            if (!v && !advertise(st))
                log_warn("xenstore: cannot advertise " ADVERT);
            return;
        }
        log_err(errno, "xenstore: connection lost; streams go on, reconnecting");
        disconnect(st);
        st->next_reconnect = now;
    }
    if (now < st->next_reconnect)
        return;
    st->next_reconnect = now + RECONNECT_MS;
    if (store_connect(st) == 0)
        log_info("xenstore: reconnected");
}

void spec_free(struct spec *sp)
{
    free(sp->pipe);
    free(sp->file);
    free(sp->limit);
    free(sp->copies);
    free(sp->input);
    memset(sp, 0, sizeof(*sp));
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

int store_read_spec(struct store *st, unsigned domid, unsigned id, struct spec *sp,
                    char **state)
{
    char dir[64];
    int err = 0;
    unsigned n;
    char **ls;

    memset(sp, 0, sizeof(*sp));
    *state = NULL;
    if (!st->xsh)
        return -1;
    snprintf(dir, sizeof(dir), ROOT "/%u/logging/%u", domid, id);
    ls = xs_directory(st->xsh, XBT_NULL, dir, &n);
    if (!ls)
        return errno == ENOENT ? 0 : -1;
    free(ls);
    sp->pipe = read_node(st, dir, "pipe", &err);
    sp->file = read_node(st, dir, "file", &err);
    sp->limit = read_node(st, dir, "limit", &err);
    sp->copies = read_node(st, dir, "copies", &err);
    sp->input = read_node(st, dir, "input", &err);      /* optional */
    *state = read_node(st, dir, "state", &err);
    if (err) {
        spec_free(sp);
        free(*state);
        *state = NULL;
        return -1;
    }
    return 1;
}

int store_set_state(struct store *st, unsigned domid, unsigned id, const char *state,
                    const char *error)
{
    char dir[64], path[96];
    unsigned n;

    if (!st->xsh)
        return -1;
    snprintf(dir, sizeof(dir), ROOT "/%u/logging/%u", domid, id);
    for (;;) {
        xs_transaction_t t = xs_transaction_start(st->xsh);
        char **ls;
        bool ok = true;

        if (t == XBT_NULL)
            return -1;
        ls = xs_directory(st->xsh, t, dir, &n);
        if (!ls) {
            xs_transaction_end(st->xsh, t, true);
            return errno == ENOENT ? 0 : -1;
        }
        free(ls);
        snprintf(path, sizeof(path), "%s/error", dir);
        if (error)
            ok = xs_write(st->xsh, t, path, error, (unsigned)strlen(error));
        else
            xs_rm(st->xsh, t, path);    /* a reason from an earlier try */
        snprintf(path, sizeof(path), "%s/state", dir);
        ok = ok && xs_write(st->xsh, t, path, state, (unsigned)strlen(state));
        if (!ok) {
            xs_transaction_end(st->xsh, t, true);
            return -1;
        }
        if (xs_transaction_end(st->xsh, t, false))
            return 1;
        if (errno != EAGAIN)
            return -1;
    }
}
