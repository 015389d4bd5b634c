/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's figures: what STATS brings, and how each is named and printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctlclient.h"
#include "figures.h"

#define DAYS 0x100      /* a day count, printed in seconds */

/* A new figure of the daemon is one entry here (name in base units). */
#define F(field, name, flags, help) \
    { name, flags, help, offsetof(struct xlc_daemon_info, field), \
      sizeof(((struct xlc_daemon_info *)0)->field) }
static const struct entry {
    const char *name;
    unsigned flags;
    const char *help;
    size_t off, size;
} table[] = {
    F(streams, "streams", 0, "Streams the daemon knows, in every state."),
    F(ready, "streams_ready", 0, "Streams that are ready (their data is copied)."),
    F(errored, "streams_error", 0, "Streams in error (xenlog list says why)."),
    F(started_ms, "start_time_seconds", FIG_MILLI, "When the daemon started, Unix time."),
    F(bytes_managed, "managed_bytes", 0,
      "Bytes in all the files the daemon manages, at the last retention pass."),
    F(files_managed, "managed_files", 0,
      "Files the daemon manages (live and finished streams), at the last retention pass."),
    F(bytes_live, "live_bytes", 0, "Of the bytes managed, those in the files of live streams."),
    F(files_removed, "retention_removed_files", FIG_COUNTER,
      "Files removed by retention since the daemon started."),
    F(bytes_removed, "retention_removed_bytes", FIG_COUNTER,
      "Bytes of the files removed by retention since the daemon started."),
    F(retention_runs, "retention_runs", FIG_COUNTER, "Retention passes since the daemon started."),
    F(last_retention_ms, "retention_last_run_seconds", FIG_MILLI,
      "When the last retention pass ran, Unix time (0: none yet)."),
    F(config_loads, "config_loads", FIG_COUNTER,
      "Policies put in force: at start and at each SIGHUP with a good config."),
    F(config_errors, "config_errors", FIG_COUNTER,
      "SIGHUPs whose config was refused (the policy in force was kept)."),
    F(reopens, "reopens", FIG_COUNTER, "Log files reopened (SIGHUP, file moved or removed)."),
    F(clamped, "clamped_streams", FIG_COUNTER,
      "Streams whose limit or copies was lowered to a cap of the policy."),
    F(max_total_size, "policy_max_total_bytes", 0,
      "The policy's cap on all the files managed (0: none)."),
    F(max_age_days, "policy_max_age_seconds", DAYS,
      "The policy's maximum age of finished streams' files (0: none)."),
    F(fwd_lines, "forward_lines", FIG_COUNTER, "Lines forwarded (taken within the rate)."),
    F(fwd_bytes, "forward_bytes", FIG_COUNTER, "Bytes of the lines forwarded."),
    F(fwd_rate_dropped, "forward_rate_dropped_lines", FIG_COUNTER,
      "Lines not forwarded: over a stream's forward_rate_lines or forward_rate_bytes."),
    F(fwd_cut, "forward_cut_lines", FIG_COUNTER, "Lines forwarded cut (longer than 8 KiB)."),
    F(fwd_journal_sent, "forward_journal_sent", FIG_COUNTER, "Lines the journal took."),
    F(fwd_journal_unsent, "forward_journal_unsent", FIG_COUNTER,
      "Lines the journal did not take (not running, or full)."),
    F(fwd_syslog_queued, "forward_syslog_queued", FIG_COUNTER,
      "Lines queued for a syslog collector."),
    F(fwd_syslog_unsent, "forward_syslog_unsent", FIG_COUNTER,
      "Lines not sent to a syslog collector (down, or its queue full)."),
    F(fwd_syslog_sent, "forward_syslog_sent", FIG_COUNTER,
      "Messages wholly written to a syslog collector."),
    F(fwd_syslog_lost, "forward_syslog_lost", FIG_COUNTER,
      "Messages queued, then lost when a collector's connection went."),
    F(fwd_connects, "forward_connects", FIG_COUNTER, "Connections made to syslog collectors."),
    F(fwd_connect_failures, "forward_connect_failures", FIG_COUNTER,
      "Connections to syslog collectors that failed."),
    F(fwd_disconnects, "forward_disconnects", FIG_COUNTER,
      "Connections to syslog collectors that went."),
    F(fwd_collectors, "forward_collectors", 0, "Syslog collectors in use."),
    F(fwd_collectors_up, "forward_collectors_up", 0, "Syslog collectors connected now."),
    F(zstd_in, "compress_in_bytes", FIG_COUNTER, "Bytes of old copies compressed (raw)."),
    F(zstd_out, "compress_out_bytes", FIG_COUNTER, "Bytes of the compressed copies written."),
    F(zstd_copies, "compress_copies", FIG_COUNTER, "Old copies compressed."),
};

size_t daemon_figures(const struct xlc_daemon_info *in, size_t len, struct figure *out)
{
    size_t n = 0;

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && n < MAX_DAEMON_FIGURES; i++) {
        const struct entry *e = &table[i];
        uint64_t v = 0;

        if (e->off + e->size > len)
            continue;               /* an older daemon */
        if (e->size == sizeof(uint32_t)) {
            uint32_t v32;

            memcpy(&v32, (const char *)in + e->off, sizeof(v32));
            v = v32;
        } else {
            memcpy(&v, (const char *)in + e->off, sizeof(v));
        }
        if (e->flags & DAYS)
            v *= 86400;
        out[n++] = (struct figure){ e->name, e->flags & ~(unsigned)DAYS, e->help, v };
    }
    return n;
}

int ctl_daemon_info(const char *run_dir, struct xlc_daemon_info *in, size_t *len)
{
    char *buf = malloc(XLC_MAX_MSG);
    struct xlc_hdr h;
    int fd = buf ? ctl_connect(run_dir) : -1, rc = -1;
    long n;

    *len = 0;
    memset(in, 0, sizeof(*in));
    if (fd < 0 || ctl_send(fd, XLC_STATS, NULL, 0) < 0)
        goto out;
    while ((n = ctl_recv(fd, &h, buf)) >= 0) {
        if (h.type == XLC_DAEMON) {
            *len = (size_t)n < sizeof(*in) ? (size_t)n : sizeof(*in);
            memcpy(in, buf, *len);
        } else if (h.type == XLC_END) {
            rc = 0;
            break;
        } else if (h.type == XLC_ERROR) {
            rc = 1;         /* a daemon older than STATS: "unknown request" */
            break;
        }
    }
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    return rc;
}
