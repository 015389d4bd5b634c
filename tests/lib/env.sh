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
export PATH=$build/tests/tools:$build/tests/bench:$build/tools:$PATH
