/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The figures `xenlog stats` prints, in every format from one table each:
 * a stream's (stats.c) and the daemon's (figures.c, from STATS).
 */
#ifndef XENLOG_FIGURES_H
#define XENLOG_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "ctlproto.h"

/* How a figure is printed: a counter gets _total in Prometheus; a boolean
 * is true/false in JSON; MILLI: the value is in thousandths (ms as s). */
enum { FIG_COUNTER = 1, FIG_BOOL = 2, FIG_MILLI = 4, FIG_CONSOLE_ONLY = 8 };

struct figure {
    const char *name;       /* JSON key; Prometheus xenlogd_[stream_]NAME[_total] */
    unsigned flags;
    const char *help;
    uint64_t value;
};

#define MAX_DAEMON_FIGURES 48

/* The daemon's figures that a DAEMON body of len bytes holds (an older
 * daemon sends fewer fields), in table order, into out; how many. */
size_t daemon_figures(const struct xlc_daemon_info *in, size_t len, struct figure *out);

/* The daemon's figures (STATS): 0 and *len bytes in *in; 1 if the daemon
 * does not know STATS (it is older); -1 on failure (message on stderr). */
int ctl_daemon_info(const char *run_dir, struct xlc_daemon_info *in, size_t *len);

#endif
