# SPDX-License-Identifier: GPL-2.0-only
# Test helpers and the xenstored shim: built by `make check` or `make
# check-programs` (tests/run.sh and the bench make the latter first), not by
# every `make`.
check_PROGRAMS += tests/tools/linegen tests/tools/linecheck tests/tools/boundwatch \
	tests/tools/ctlraw tests/tools/swaploop tests/tools/ctlhold
tests_tools_linegen_SOURCES = tests/tools/linegen.c tests/tools/lines.h
tests_tools_linecheck_SOURCES = tests/tools/linecheck.c tests/tools/lines.h
tests_tools_boundwatch_SOURCES = tests/tools/boundwatch.c
tests_tools_ctlraw_SOURCES = tests/tools/ctlraw.c
tests_tools_swaploop_SOURCES = tests/tools/swaploop.c
tests_tools_ctlhold_SOURCES = tests/tools/ctlhold.c
# zcheck drives the compressed history (console/compress*.c) directly.
check_PROGRAMS += tests/tools/zcheck
tests_tools_zcheck_SOURCES = tests/tools/zcheck.c tests/tools/zwatch.c tests/tools/zcheck.h \
	console/compress.c console/compress-worker.c console/compress-tail.c \
	console/rotate.c console/beneath.c console/log.c console/seccomp.c
tests_tools_zcheck_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/common
tests_tools_zcheck_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS) $(ZSTD_CFLAGS) $(SECCOMP_CFLAGS)
tests_tools_zcheck_LDADD = common/libcommon.la $(XENTOOLLOG_LIBS) $(ZSTD_LIBS) $(SECCOMP_LIBS)

# The shim is loaded into Debian's xenstored, never sanitized.
SHIM = tests/shim/xsd-shim.so
$(SHIM): $(srcdir)/tests/shim/xsd-shim.c
	@mkdir -p tests/shim
	$(AM_V_CC)$(CC) -std=gnu11 -O2 -Wall -Wextra $(WERROR_CFLAGS) -fPIC -shared -o $@ $< -ldl
CLEANFILES += $(SHIM)

# make check XENLOGD_TESTS="NAME..." runs only those (tests/run.sh patterns).
check-local: all check-programs
	TOP_BUILDDIR=$(abs_top_builddir) $(srcdir)/tests/run.sh $(XENLOGD_TESTS)

check_PROGRAMS += tests/bench/blast tests/bench/splicecopy tests/bench/xsmany \
	tests/bench/latency
tests_bench_blast_SOURCES = tests/bench/blast.c
tests_bench_splicecopy_SOURCES = tests/bench/splicecopy.c
tests_bench_xsmany_SOURCES = tests/bench/xsmany.c
tests_bench_xsmany_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS)
tests_bench_xsmany_LDADD = $(XENSTORE_LIBS)
tests_bench_latency_SOURCES = tests/bench/latency.c
bench: all check-programs
	TOP_BUILDDIR=$(abs_top_builddir) $(srcdir)/tests/bench/bench.sh

check-programs: $(check_PROGRAMS) $(SHIM)
.PHONY: bench check-programs
