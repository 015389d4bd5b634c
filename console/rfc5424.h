/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One line as a syslog message (RFC 5424) framed by octet counting for TCP
 * (RFC 6587, 3.4.1): "LEN SP MSG", MSG being
 *
 *   <30>1 TIMESTAMP HOSTNAME APP-NAME - KIND [xen@32473 domid="5"
 *   domain="guest1" stream="qemu-dm-guest1.log" id="1"] the line
 *
 * (facility daemon, severity info). Pure: formats, sends nothing.
 */
#ifndef XENLOGD_RFC5424_H
#define XENLOGD_RFC5424_H

#include <stddef.h>

#include "forward.h"

#define RFC5424_SD_ID "xen@32473"
/* Room for the header and structured data of any line, its text aside. */
#define RFC5424_HEAD_MAX 2048

/* Writes the framed message into buf; returns its length, 0 if it does not
 * fit in size (RFC5424_HEAD_MAX + l->len always does). */
size_t rfc5424_frame(char *buf, size_t size, const struct fwd_line *l);

#endif
