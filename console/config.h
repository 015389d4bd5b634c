/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host-wide policy: defaults and caps of limit/copies per log kind, what
 * is done with each kind's lines (timestamps, compression, boot markers,
 * forwarding), retention of the files of finished streams; read from
 * xenlogd.conf(5). Parsing touches nothing but the one file it reads, except
 * a forward_syslog host name, looked up while lookups are allowed (at start,
 * before the sandbox; see config_lookups_end()).
 */
#ifndef XENLOGD_CONFIG_H
#define XENLOGD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "validate.h"

/* The kind of a stream's log, by the name of its file (xenlogd.conf(5)). */
enum log_kind { KIND_QEMU_DM, KIND_QDISK, KIND_BOOTLOADER, KIND_SERIAL, KIND_OTHER, KIND_COUNT };

enum compress_kind { COMPRESS_NONE, COMPRESS_ZSTD };

#define FWD_RATE_LINES_MAX 1000000u
#define FWD_RATE_BYTES_MAX (1ULL << 30)
#define SYSLOG_HOST_MAX 253         /* a DNS name; a numeric address is shorter */
#define SYSLOG_HOSTNAME_MAX 255     /* RFC 5424 HOSTNAME */

/* forward_syslog = HOST:PORT; host "": off. A name whose lookup failed at
 * start has addrlen 0 and why: its collector stays down (collector.c). */
struct fwd_target {
    char host[SYSLOG_HOST_MAX + 1]; /* as written (without the brackets of IPv6) */
    uint16_t port;
    socklen_t addrlen;
    struct sockaddr_storage addr;   /* numeric, or looked up at load time */
    char why[96];                   /* addrlen 0: why the lookup failed */
};

struct kind_policy {
    uint64_t limit, max_limit;      /* default and cap of `limit` */
    unsigned copies, max_copies;    /* default and cap of `copies` */
    bool timestamp;                 /* prefix each line with the time it came */
    enum compress_kind compress;    /* rotated copies compressed */
    bool boot_marker;               /* a line when a domain's stream (re)starts */
    bool forward_journal;           /* lines to the local journal */
    struct fwd_target forward_syslog;   /* lines to a syslog collector (TCP) */
    unsigned forward_rate_lines;    /* per second per stream, forwarding only */
    uint64_t forward_rate_bytes;    /* per second per stream, forwarding only */
};

struct policy {
    struct kind_policy kind[KIND_COUNT];
    char syslog_hostname[SYSLOG_HOSTNAME_MAX + 1];  /* "": the host's name */
    unsigned max_age_days;          /* 0: files of finished streams never age out */
    uint64_t max_total_size;        /* 0: no cap on all the files managed */
    unsigned retention_interval;    /* seconds between retention passes */
};

/* The built-in policy: what a host without a config file gets. */
void policy_defaults(struct policy *p);

/* Logs each forward_syslog name of p that was not found at start. */
void policy_warn_unresolved(const struct policy *p);

/* The settings of one kind of log. */
static inline const struct kind_policy *policy_kind(const struct policy *p, enum log_kind k)
{
    return &p->kind[k < KIND_COUNT ? k : KIND_OTHER];
}

/* Does this kind forward its lines anywhere? */
static inline bool kind_forwards(const struct kind_policy *kp)
{
    return kp->forward_journal || kp->forward_syslog.host[0] != '\0';
}

/* 1 to len printable US-ASCII characters, no blank (RFC 5424 HOSTNAME,
 * APP-NAME)? */
bool syslog_printable(const char *s, size_t len);

/*
 * From now on a forward_syslog host name is not looked up (the sandbox
 * allows no lookup): a later load takes the address a name had when the
 * daemon started, and refuses a name it has not seen (file:line). Called
 * by sandbox_enter().
 */
void config_lookups_end(void);

/*
 * Reads path into *p (starting from the built-in defaults). 0: read; 1: the
 * file does not exist (*p = the defaults); negative errno: an error, with
 * "path:line: what is wrong" (or "path: why") in err, and *p untouched.
 */
int config_load(const char *path, struct policy *p, char *err, size_t errlen);

/* Parses a whole config text (for config_load and tests); as above. */
int config_parse(const char *name, const char *text, struct policy *p, char *err,
                 size_t errlen);

/* Absent limit/copies of a valid stream take its kind's defaults; values
 * above the kind's caps are lowered to them; absent timestamp and compress
 * nodes take the kind's setting, and boot_marker is the kind's. Returns
 * POLICY_CLAMPED_* bits. */
#define POLICY_CLAMPED_LIMIT 1u
#define POLICY_CLAMPED_COPIES 2u
unsigned policy_apply(const struct policy *p, enum log_kind k, struct params *pr);

/* The kind of a file (its last path component) and its section name. */
enum log_kind kind_of(const char *base, bool has_input);
const char *kind_name(enum log_kind k);

#endif
