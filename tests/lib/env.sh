# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests/run.sh, the benchmark and the demo: where the built
# programs are. TOP_BUILDDIR defaults to the source tree (an in-tree build).
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${TOP_BUILDDIR:-$src}" && pwd)
export TOP_SRCDIR=$src TOP_BUILDDIR=$build
export XENLOGD=${XENLOGD:-$build/console/xenlogd}
export XENLOG=${XENLOG:-$build/tools/xenlog}
export XENLOG_DROPIN=${XENLOG_DROPIN:-$build/libxl-glue/.libs/xenlog-libxl-dropin.so}
export XSD_SHIM=${XSD_SHIM:-$build/tests/shim/xsd-shim.so}
# check_programs: builds the test helpers (check_PROGRAMS, the shim) in the
# build dir, if it has a Makefile (make check does it by itself).
check_programs() {
    [ ! -f "$build/Makefile" ] || make -C "$build" -s check-programs >&2
}
export PATH=$build/tests/tools:$build/tests/bench:$build/tools:$PATH
