#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs what building and testing xenlogd needs on Debian 12 (as root).
set -eu
pkgs=(
    build-essential autoconf automake libtool pkg-config   # the build
    libxen-dev                                             # libxenstore, libxenctrl, libxentoollog
    libseccomp-dev                                         # the seccomp filter (console/seccomp.c)
    libzstd-dev zstd                                       # compressed history (console/compress*.c), t-compress
    libfuse3-dev fuse3                                     # tests/fuse/faultfs.c (t-daemon-faults)
    xen-utils-4.17 xenstore-utils                          # the real xenstored and xenstore-* tools
    qemu-system-x86                                        # a real producer
    valgrind cppcheck clang libclang-rt-14-dev             # checks, sanitizers, libFuzzer
    coreutils procps psmisc util-linux bc
    bsdutils                                               # script(1): a pty for t-console
    shellcheck                                             # tests/xen-system, tests/xen-host scripts
    python3                                                # F_GETPIPE_SZ, FIONREAD in t-daemon-fifosize
    python3-prometheus-client                              # the real parser, t-xenlog-prometheus
    dpkg-dev debhelper lintian git libseccomp-dev          # t-pkg-debs (Build-Depends), t-pkg-distcheck
    systemd man-db strace                                  # t-pkg-unit: systemd-analyze, syscalls
    debootstrap qemu-utils e2fsprogs                       # tests/xen-host: the host image, its qcow2 overlay
    rsyslog                                                # t-fwd-syslog: a real syslog collector (imtcp, mmpstrucdata)
)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # Xen's init scripts cannot start without a hypervisor; that is expected.
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
