#!/usr/bin/env bash
# bench/durability/run.sh [seconds per case, default 3]
#
# The durability benchmarks, in order:
#   1. wal_bench.c  C threads (1, 2, 8) calling jf_wal_append_sync with 200-byte records, then appends without
#                   sync; against zig-out/lib/libjsonflat.so.
#   2. the same under the fault shim with every fdatasync slowed by JF_BENCH_SYNC_DELAY_US (default 2000 µs):
#                   a disk without a volatile write cache, where group commit matters most (Linux, needs a C
#                   compiler; skipped otherwise or with JF_BENCH_SYNC_DELAY_US=0).
#   3. wal.bench.ts Bun Workers (1, 2, 8) calling appendAndSync, then appends without sync.
#   4. log.bench.ts 2 Bun Workers logging to one file: the native logger (text, JSON) against console.log.
# The WAL runs in bench/results/tmp/ (gitignored; on the repository's disk). Results: bench/durability/RESULTS.md.
# The journaled-job overhead has its own scripts (minutes and 2 GB of scratch): bench/durability/journal.sh and
# journal-cpu.ts. The long power-loss and fault enumeration is bench/durability/crash.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SECS=${1:-3}
ZIG=.tools/zig/ziglang/zig
BUN=node_modules/.bin/bun
DELAY=${JF_BENCH_SYNC_DELAY_US:-2000}

"$ZIG" build
mkdir -p build/bench build/faults bench/results/tmp
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || CC="$ZIG cc"
$CC -O2 -std=c11 -Ic/include bench/durability/wal_bench.c -Lzig-out/lib -ljsonflat -Wl,-rpath,"$PWD/zig-out/lib" \
  -pthread -o build/bench/wal_bench

echo "== C threads, this disk"
./build/bench/wal_bench bench/results/tmp/wal-bench "$SECS"

if [ "$(uname -s)" = Linux ] && [ "$DELAY" != 0 ] &&
  $CC -shared -fPIC -O1 -o build/faults/libjffault.so c/test/faults/faultshim.c -ldl 2>/dev/null; then
  echo
  echo "== C threads, every fdatasync slowed by ${DELAY} µs (fault shim)"
  LD_PRELOAD="$PWD/build/faults/libjffault.so" JF_FAULT_MATCH=wal-bench JF_FAULT_SYNC_DELAY_US="$DELAY" \
    ./build/bench/wal_bench bench/results/tmp/wal-bench "$SECS"
fi

echo
echo "== Bun Workers"
"$BUN" bench/durability/wal.bench.ts "" "$SECS"

echo
echo "== logger"
"$BUN" bench/durability/log.bench.ts
