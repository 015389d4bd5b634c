# SPDX-License-Identifier: GPL-2.0-only
# tools/: the xenlog command.
bin_PROGRAMS += tools/xenlog
tools_xenlog_SOURCES = tools/xenlog.c \
	tools/ctlclient.c tools/ctlclient.h tools/attach.c tools/attachpipe.c tools/console.c tools/stats.c \
	tools/opts.c tools/opts.h tools/domain.c tools/domain.h tools/size.c tools/size.h \
	tools/figures.c tools/figures.h \
	tools/json.c tools/json.h tools/jsonlines.c tools/jsonlines.h \
	common/exitcode.h
tools_xenlog_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/libxl-glue -I$(srcdir)/common
tools_xenlog_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS) $(XENSTORE_CFLAGS)
tools_xenlog_LDADD = libxl-glue/libxenlog.la common/libctl.la common/libcommon.la $(XENTOOLLOG_LIBS) $(XENSTORE_LIBS)
dist_man_MANS += docs/xenlog.1
