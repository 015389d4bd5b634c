#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/fuzz/run.sh [SECONDS]: builds the libFuzzer targets with ASan+UBSan
# and runs each for SECONDS (default 20; the test suite uses that). For a
# longer run: tests/fuzz/run.sh 3600. Crashes land in tests/fuzz/out/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
secs=${1:-20}
out=${FUZZ_OUT:-$here/out}
mkdir -p "$out"
command -v clang >/dev/null || { echo "skipped: clang not installed"; exit 77; }
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I$src/console -I$src/common"
clang $cflags -o "$out/fuzz_control" "$here/fuzz_control.c" "$src/common/ctlproto.c"
clang $cflags -o "$out/fuzz_validate" "$here/fuzz_validate.c" "$src/console/validate.c" \
    "$src/common/decimal.c"
clang $cflags -o "$out/fuzz_storepath" "$here/fuzz_storepath.c" "$src/console/storepath.c" \
    "$src/console/validate.c" "$src/common/decimal.c"
for t in fuzz_control fuzz_validate fuzz_storepath; do
    mkdir -p "$out/corpus-$t"
    echo "== $t for $secs s"
    (cd "$out" && ASAN_OPTIONS=detect_leaks=1 "./$t" -max_total_time="$secs" -max_len=4096 \
        -print_final_stats=1 "corpus-$t" 2>&1 | tail -n 12)
    [ "${PIPESTATUS[0]}" = 0 ] || exit 1
done
