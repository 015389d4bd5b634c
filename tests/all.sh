#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The whole test command (README, .ci/run): installs what is needed, builds,
# runs cppcheck, the test suite, the suite again under AddressSanitizer+UBSan,
# the daemon's tests under valgrind, and the system test on a real Xen
# hypervisor inside QEMU. Ends with one line "N passed, N failed, N skipped".
#
#   XENLOGD_SKIP="asan valgrind xen host"   skips parts (for a quick local run)
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
skip=" ${XENLOGD_SKIP:-} "
total_pass=0 total_fail=0 total_skip=0
log=$src/tests/out-all
mkdir -p "$log"

tally() {   # tally LABEL OUTPUT-FILE: adds the counts of a run.sh closing line
    local line
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
    if [ -z "$line" ]; then
        echo "$1: no result line"; total_fail=$((total_fail + 1)); return
    fi
    total_pass=$((total_pass + $(echo "$line" | sed -E 's/(^|.*[^0-9])([0-9]+) passed.*/\2/')))
    total_fail=$((total_fail + $(echo "$line" | sed -E 's/.*[^0-9]([0-9]+) failed.*/\1/')))
    case $line in *skipped*)
        total_skip=$((total_skip + $(echo "$line" | sed -E 's/.*[^0-9]([0-9]+) skipped.*/\1/')));;
    esac
}

step() {    # step NAME CMD...: a check that counts as one test
    echo "== $1"
    if "${@:2}" >"$log/$1.log" 2>&1; then
        total_pass=$((total_pass + 1)); echo "PASS $1"
    else
        total_fail=$((total_fail + 1)); echo "FAIL $1"; tail -n 30 "$log/$1.log"
    fi
}

configured() {  # configured ARGS...: the build dir was configured with each of ARGS
    local a
    [ -f Makefile ] && [ -x config.status ] || return 1
    for a in "$@"; do ./config.status --config | tr -d "'" | tr ' ' '\n' | grep -qxF -- "$a" || return 1; done
}
build() {   # build DIR [CONFIGURE-ARGS...]
    local dir=$1; shift
    mkdir -p "$dir" && cd "$dir" &&
        { configured "$@" || "$src/configure" -q "$@"; } && make -j2 -s && cd "$src"
}

step install-deps tests/install-deps.sh
[ -x configure ] || step autogen ./autogen.sh
# Warnings are errors in CI (configure --enable-werror).
step build build build --enable-werror
step cppcheck cppcheck --enable=warning,style,performance,portability --error-exitcode=1 \
    --inline-suppr -q --suppress=missingIncludeSystem -I console -I libxl-glue -I common \
    common console libxl-glue tools tests/tools tests/shim tests/bench tests/fuzz tests/glue

if [ -d build/console ]; then
    TOP_BUILDDIR=build RUN_LABEL=tests tests/run.sh | tee "$log/run.out"
    tally tests "$log/run.out"
fi

case $skip in *" asan "*) ;; *)
    step build-asan build build-asan --enable-sanitizers --enable-werror
    if [ -d build-asan/console ]; then
        export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=98
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        TOP_BUILDDIR=build-asan RUN_LABEL=asan BOUND_BYTES=67108864 tests/run.sh t- |
            tee "$log/asan.out"
        tally asan "$log/asan.out"
        unset ASAN_OPTIONS UBSAN_OPTIONS
    fi
esac

case $skip in *" valgrind "*) ;; *)
    XENLOGD_WRAP="valgrind -q --vgdb=no --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect" \
        TOP_BUILDDIR=build RUN_LABEL=valgrind BOUND_BYTES=33554432 MANY_STREAMS=200 \
        ATTACH_BYTES=16777216 tests/run.sh t-daemon t-attach t-qemu t-console | tee "$log/valgrind.out"
    tally valgrind "$log/valgrind.out"
esac

# Real Xen 4.17 booted under QEMU (TCG): the system test (tests/xen-system/
# SYSTEM-TEST.md): xl create with the drop-in, guests flooding, SIGKILL of
# xenlogd mid-flood, backpressure, fallback without the daemon.
case $skip in *" xen "*) ;; *)
    echo "== xen-system"
    tests/xen-system/run.sh build 2>&1 | tee "$log/xen-system.out"
    tally xen-system "$log/xen-system.out"
esac

# A Debian 12 Xen host with systemd booted under QEMU, running xenlogd from the
# packages built here (tests/xen-host/README.md): service order, xendomains
# and plain xl create, restart mid-flood, policy, off/on, purge, hardening.
case $skip in *" host "*) ;; *)
    echo "== xen-host"
    tests/xen-host/run.sh build 2>&1 | tee "$log/xen-host.out"
    tally xen-host "$log/xen-host.out"
esac

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
