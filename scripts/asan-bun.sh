#!/usr/bin/env bash
# scripts/asan-bun.sh — the Bun test suite against an ASan+UBSan build of the library.
#
#   scripts/asan-bun.sh [bun test arguments...]     (default: every test file)
#
# Builds build/asan/libjsonflat.so with clang -O1 -g -fsanitize=address,undefined
# -shared-libasan (c/src/*.c, yyjson, and mimalloc with MI_TRACK_ASAN=1 so that
# ASan sees every mimalloc block: use after free, reads past the requested size),
# then runs `bun test` with
#   LD_PRELOAD=<clang's libclang_rt.asan-x86_64.so>   (the runtime must be the
#              first library loaded: Bun itself is not instrumented)
#   JSONFLAT_LIB=build/asan/libjsonflat.so            (src/native/ffi.ts loads it)
#   ASAN_OPTIONS=detect_leaks=0:...                   (LeakSanitizer would report
#              Bun's own allocations at exit; leaks of the library are proven by
#              its live-block counter in test/leak.test.ts and the soak test)
#   UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Any ASan or UBSan report aborts the process with its stack; the script then
# fails and prints the report. Exit status: bun's, or 1 on a sanitizer report.
# Environment: CLANG (default clang), JF_ASAN_LOG (default build/asan/bun-test.log).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CLANG=${CLANG:-clang}
OUT=build/asan
LOG=${JF_ASAN_LOG:-$OUT/bun-test.log}
BUN=$ROOT/node_modules/.bin/bun
command -v "$CLANG" >/dev/null 2>&1 || { echo "asan-bun: $CLANG not found (apt-get install clang)" >&2; exit 1; }
[ -f c/vendor/yyjson/yyjson.c ] || { echo "asan-bun: c/vendor missing (run scripts/setup.sh)" >&2; exit 1; }
RUNTIME=$("$CLANG" -print-file-name=libclang_rt.asan-x86_64.so)
[ -f "$RUNTIME" ] || { echo "asan-bun: no ASan runtime at $RUNTIME" >&2; exit 1; }

mkdir -p "$OUT/obj"
FLAGS="-std=c11 -fPIC -fvisibility=hidden -Dyyjson_api= -DYYJSON_DISABLE_UTILS=1 -fno-strict-aliasing"
FLAGS+=" -Ic/include -Ic/src -Ic/vendor/yyjson -Ic/vendor/mimalloc/include"
FLAGS+=" -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -shared-libasan"
pids=()
for s in c/src/*.c c/vendor/yyjson/yyjson.c; do
  "$CLANG" $FLAGS -c "$s" -o "$OUT/obj/$(basename "$s" .c).o" &
  pids+=($!)
done
"$CLANG" $FLAGS -DNDEBUG -DMI_TRACK_ASAN=1 -c c/vendor/mimalloc/src/static.c -o "$OUT/obj/mimalloc.o" &
pids+=($!)
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ $fail = 0 ] || { echo "asan-bun: build failed" >&2; exit 1; }
"$CLANG" $FLAGS -shared -pthread "$OUT"/obj/*.o -o "$OUT/libjsonflat.so" || exit 1
echo "asan-bun: built $OUT/libjsonflat.so; running bun test ${*:-(all files)} (log: $LOG)"

export LD_PRELOAD=$RUNTIME
export JSONFLAT_LIB=$ROOT/$OUT/libjsonflat.so
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:allocator_may_return_null=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# ASan makes the library 2-5x slower and large-input tests pass Bun's timeouts: allow 5 minutes a test.
"$BUN" test --timeout 300000 "$@" 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
if grep -qE '^==[0-9]+==ERROR|runtime error:|AddressSanitizer|UndefinedBehaviorSanitizer' "$LOG"; then
  echo "asan-bun: SANITIZER REPORT (see $LOG):"
  grep -m1 -A30 -E '^==[0-9]+==ERROR|runtime error:' "$LOG"
  exit 1
fi
echo "asan-bun: no sanitizer report; bun test exit $status"
exit "$status"
