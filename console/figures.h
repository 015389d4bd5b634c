/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon-wide figures `xenlog stats` shows (XLC_FIGURE in a LIST reply,
 * docs/control.md). A new figure is one entry of the table in figures.c:
 * xenlog prints it (text, JSON, Prometheus) with no change of its own.
 */
#ifndef XENLOGD_FIGURES_H
#define XENLOGD_FIGURES_H

#include <stddef.h>

#include "xenlogd.h"

/* Encodes figure i (0, 1, ...) as the body of an XLC_FIGURE into buf
 * (cap bytes); its length, or 0 after the last figure. */
size_t figure_encode(const struct xld *d, size_t i, char *buf, size_t cap);

#endif
