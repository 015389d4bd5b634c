/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The connection to xenstore: opening it (refusing a second daemon), the
 * advertisement under /tool/xenlogd, the ping that notices a dead xenstored
 * and the reconnection after it (store-int.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store-int.h"
#include "util.h"
#include "xstxn.h"

#define TOKEN "xenlogd"
#define PING_MS 2000
#define RECONNECT_MS 1000

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

static int advertise(struct store *st)
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
    return xs_txn_retry(st->xsh, write_advert, &a, TXN_TRIES);
}

void store_unadvertise_now(struct store *st)
{
    if (st->xsh)
        xs_rm(st->xsh, XBT_NULL, ADVERT);
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

void store_conn_close(struct store *st)
{
    if (st->xsh)
        xs_close(st->xsh);
    if (st->xw)
        xs_close(st->xw);
    st->xsh = st->xw = NULL;
}

int store_conn_open(struct store *st)
{
    int other, r;

    if (!(st->xsh = xs_open(0)) || !(st->xw = xs_open(0))) {
        r = -(errno ? errno : EIO);
        store_conn_close(st);
        return r;
    }
    if ((other = other_daemon_of(st->xsh)) != 0) {
        log_err(-1, "another xenlogd (pid %d) serves this xenstore", other);
        store_conn_close(st);
        return -EEXIST;
    }
    /* xs_fileno() makes libxenstore's watch pipe: before advertising, so the
     * daemon holds all it holds when idle once advertised (tests count). */
    r = xs_watch(st->xw, STORE_ROOT, TOKEN) && xs_fileno(st->xw) >= 0 ? advertise(st)
                                                                       : -(errno ? errno : EIO);
    if (r < 0) {
        log_err(-r, "xenstore: cannot watch " STORE_ROOT " or advertise " ADVERT);
        store_conn_close(st);
        return r;
    }
    return 0;
}

/* The ping: 0 the store answers (advertised again if the node was gone),
 * else -errno. */
static int ping(struct store *st)
{
    unsigned len;
    char *v = xs_read(st->xsh, XBT_NULL, ADVERT "/pid", &len);

    if (!v && errno != ENOENT)
        return -(errno ? errno : EIO);
    if (!v && advertise(st) < 0)
        log_warn("xenstore: cannot advertise " ADVERT);
    free(v);
    return 0;
}

void store_keepalive(struct store *st, uint64_t now, uint64_t *next)
{
    if (now < *next)
        return;
    if (st->xsh) {
        int r = ping(st);

        *next = now + PING_MS;
        if (r == 0)
            return;
        log_err(-r, "xenstore: connection lost; streams go on, reconnecting");
        store_conn_close(st);
    }
    *next = now + RECONNECT_MS;
    if (store_conn_open(st) == 0) {
        log_info("xenstore: reconnected");
        *next = now + PING_MS;
        store_scan(st);
    }
}
