#!/usr/bin/env bash
# scripts/ctest.sh — build and run the native unit tests (c/test/test_*.c).
#
#   scripts/ctest.sh [asan|valgrind|all|plain] [name-filter]
#
# Each test program is linked with every c/src/*.c, yyjson.c and mimalloc's
# static.c, twice:
#   asan      clang (gcc when clang is absent and cannot be installed) -O1 -g
#             -fsanitize=address,undefined, mimalloc built with
#             MI_TRACK_ASAN=1 so ASan sees every mimalloc block (use after free,
#             overflow past the requested size);
#   valgrind  gcc -O1 -g, run under valgrind --leak-check=full; mimalloc built
#             with MI_TRACK_VALGRIND=1 so memcheck tracks each mimalloc block as a
#             malloc-like block (leaks, invalid reads, use of uninitialised bytes
#             are reported for our blocks, not hidden inside mimalloc's pages).
#             Skipped with a message when valgrind is absent and cannot be
#             installed. Runs a smaller deep-nesting test and data matrix
#             (JF_TEST_DEEP, JF_TEST_QUICK).
#   plain     the valgrind build run directly (quick local iteration; not
#             part of "all").
# Builds into build/ctest/<config>/. Exit status non-zero on any failure; the
# last line is "N passed, N failed" summed over every program and config.
#
# clang for the sanitizer build because its UBSan checks more than gcc's:
# adding 0 to a NULL pointer, for one, which gcc lets pass.
# Environment: CC (default gcc), ASAN_CC (default clang), JF_DATA_DIR (default ../shared/data),
# JF_NO_APT=1 (never call apt-get), CTEST_JOBS (default nproc).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MODE=${1:-all}
FILTER=${2:-}
case "$MODE" in asan|valgrind|all|plain) ;; *) echo "usage: $0 [asan|valgrind|all|plain] [name-filter]" >&2; exit 2;; esac

CC=${CC:-gcc}
JOBS=${CTEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
export JF_DATA_DIR=${JF_DATA_DIR:-$(cd "$ROOT/.." && pwd)/shared/data}
START=$(date +%s)

log() { printf '[ctest] %s\n' "$*"; }

apt_install() {
  # Installs Debian packages when we may (root, apt-get present, not disabled).
  [ "${JF_NO_APT:-0}" = 1 ] && return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  [ "$(id -u)" = 0 ] || return 1
  log "installing $* with apt-get"
  { apt-get install -y -qq "$@" || { apt-get update -qq && apt-get install -y -qq "$@"; }; } \
    >"${TMPDIR:-/tmp}/jf-ctest-apt.log" 2>&1
}

if ! command -v "$CC" >/dev/null 2>&1; then
  apt_install gcc libc6-dev || { echo "ctest: $CC not found" >&2; exit 1; }
fi
ASAN_CC=${ASAN_CC:-clang}
if [ "$MODE" = asan ] || [ "$MODE" = all ]; then
  command -v "$ASAN_CC" >/dev/null 2>&1 || apt_install clang || true
  if ! command -v "$ASAN_CC" >/dev/null 2>&1; then
    log "$ASAN_CC not found: the ASan+UBSan build uses $CC (whose UBSan checks less)"
    ASAN_CC=$CC
  fi
fi

# Vendored sources (gitignored): fetched by scripts/setup.sh.
if [ ! -f c/vendor/yyjson/yyjson.c ] || [ ! -f c/vendor/mimalloc/src/static.c ]; then
  if [ -x scripts/setup.sh ] || [ -f scripts/setup.sh ]; then
    log "vendored sources missing: running scripts/setup.sh"
    bash scripts/setup.sh || { echo "ctest: scripts/setup.sh failed" >&2; exit 1; }
  fi
  [ -f c/vendor/yyjson/yyjson.c ] && [ -f c/vendor/mimalloc/src/static.c ] \
    || { echo "ctest: c/vendor is missing (run scripts/setup.sh)" >&2; exit 1; }
fi

HAVE_VALGRIND=0
if [ "$MODE" = valgrind ] || [ "$MODE" = all ]; then
  if ! command -v valgrind >/dev/null 2>&1; then apt_install valgrind || true; fi
  if command -v valgrind >/dev/null 2>&1; then HAVE_VALGRIND=1
  else log "valgrind not found: skipping the valgrind run"; fi
fi

COMMON="-std=c11 -fvisibility=hidden -Dyyjson_api= -DYYJSON_DISABLE_UTILS=1"
COMMON+=" -fno-strict-aliasing -Ic/include -Ic/src -Ic/vendor/yyjson -Ic/vendor/mimalloc/include"
WARN="-Wall -Wextra -Wno-unused-function"
TEST_DEFS="-D_POSIX_C_SOURCE=200809L -Ic/test"

SRCS=(c/src/*.c)
TESTS=()
for t in c/test/test_*.c; do
  [ -e "$t" ] || continue
  [ -n "$FILTER" ] && [[ "$(basename "$t" .c)" != *"$FILTER"* ]] && continue
  TESTS+=("$t")
done
[ ${#TESTS[@]} -gt 0 ] || { echo "ctest: no tests match" >&2; exit 1; }

# par_run LOG CMD... : runs the commands, at most JOBS at once, appending
# their output to LOG; fails if any fails.
par_run() {
  local logf=$1; shift
  local c i=0 rc=0
  local pids=()
  for c in "$@"; do
    bash -c "$c" >"$logf.$i" 2>&1 &
    pids+=($!)
    i=$((i + 1))
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 0.05; done
  done
  local p
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  local k
  for ((k = 0; k < i; k++)); do cat "$logf.$k" >>"$logf"; rm -f "$logf.$k"; done
  return $rc
}

# build_config NAME "CFLAGS" "MIMALLOC_EXTRA" "LDFLAGS" COMPILER
# Compiles objects in parallel, then links one binary per test.
build_config() {
  local name=$1 cflags=$2 mi_extra=$3 ldflags=$4 cc=$5
  local dir=build/ctest/$name
  mkdir -p "$dir/obj"
  rm -f "$dir"/obj/*.o "$dir"/build.log
  local cmds=()
  local s
  for s in "${SRCS[@]}"; do
    cmds+=("$cc $COMMON $cflags $WARN -c $s -o $dir/obj/src_$(basename "$s" .c).o")
  done
  cmds+=("$cc $COMMON $cflags -c c/vendor/yyjson/yyjson.c -o $dir/obj/yyjson.o")
  cmds+=("$cc $COMMON $cflags -DNDEBUG $mi_extra -c c/vendor/mimalloc/src/static.c -o $dir/obj/mimalloc.o")
  # One object per test too, so that linking is the only serial step.
  local t
  for t in "${TESTS[@]}"; do
    cmds+=("$cc $COMMON $cflags $WARN $TEST_DEFS -c $t -o $dir/obj/$(basename "$t" .c).test.o")
  done
  if ! par_run "$dir/build.log" "${cmds[@]}"; then
    cat "$dir/build.log"
    echo "ctest: build ($name) failed" >&2
    return 1
  fi
  for t in "${TESTS[@]}"; do
    local b; b=$(basename "$t" .c)
    if ! $cc $cflags "$dir/obj/$b.test.o" "$dir"/obj/src_*.o "$dir/obj/yyjson.o" "$dir/obj/mimalloc.o" \
        -o "$dir/$b" $ldflags -pthread >>"$dir/build.log" 2>&1; then
      cat "$dir/build.log"
      echo "ctest: link of $b ($name) failed" >&2
      return 1
    fi
  done
  if grep -q 'warning:' "$dir/build.log"; then
    log "compiler warnings ($name):"
    grep -A3 'warning:' "$dir/build.log" | head -40
  fi
  return 0
}

TOTAL_PASS=0
TOTAL_FAIL=0
FAILED_RUNS=()

# run_config NAME PREFIX... : runs every test binary of a config in parallel,
# then prints each log and adds up the "N passed, N failed" lines.
run_config() {
  local name=$1; shift
  local dir=build/ctest/$name
  local t b
  local pids=()
  for t in "${TESTS[@]}"; do
    b=$(basename "$t" .c)
    ( cd "$ROOT" && "$@" "$dir/$b" >"$dir/$b.log" 2>&1; echo $? >"$dir/$b.rc" ) &
    pids+=($!)
    # keep at most JOBS runs at once
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n 2>/dev/null || sleep 0.1; done
  done
  wait
  for t in "${TESTS[@]}"; do
    b=$(basename "$t" .c)
    local rc; rc=$(cat "$dir/$b.rc" 2>/dev/null || echo 99)
    local line; line=$(grep -E '^[A-Za-z0-9_]+: [0-9]+ passed, [0-9]+ failed$' "$dir/$b.log" | tail -1)
    local p=0 f=0
    if [ -n "$line" ]; then
      p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/' <<<"$line")
      f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/' <<<"$line")
    fi
    if [ "$rc" != 0 ] || [ -z "$line" ]; then
      # A crash, a sanitizer or valgrind error, or a missing summary counts as a failure.
      [ "$f" = 0 ] && f=1
      FAILED_RUNS+=("$name/$b (exit $rc)")
      echo "---- $name/$b: FAILED (exit $rc) ----"
      tail -n 80 "$dir/$b.log"
    else
      echo "---- $name/$b: $p passed, $f failed ----"
      grep -vE '^[A-Za-z0-9_]+: [0-9]+ passed, [0-9]+ failed$' "$dir/$b.log" | head -n 20
    fi
    TOTAL_PASS=$((TOTAL_PASS + p))
    TOTAL_FAIL=$((TOTAL_FAIL + f))
  done
}

BUILD_FAIL=0
if [ "$MODE" = asan ] || [ "$MODE" = all ]; then
  log "building (asan+ubsan) into build/ctest/asan"
  build_config asan "-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
    "-DMI_TRACK_ASAN=1" "-fsanitize=address,undefined" "$ASAN_CC" &
  ASAN_BUILD=$!
fi
if [ "$HAVE_VALGRIND" = 1 ] || [ "$MODE" = plain ]; then
  MI_VG="-DMI_TRACK_VALGRIND=1"
  if [ ! -f /usr/include/valgrind/memcheck.h ]; then
    log "valgrind headers missing: mimalloc blocks are not tracked (install valgrind's headers)"
    MI_VG=""
  fi
  log "building (plain -O1 -g) into build/ctest/valgrind"
  build_config valgrind "-O1 -g" "$MI_VG" "" "$CC" &
  VG_BUILD=$!
fi
if [ -n "${ASAN_BUILD:-}" ]; then wait "$ASAN_BUILD" || BUILD_FAIL=1; fi
if [ -n "${VG_BUILD:-}" ]; then wait "$VG_BUILD" || BUILD_FAIL=1; fi
if [ "$BUILD_FAIL" = 1 ]; then
  echo "0 passed, 1 failed"
  exit 1
fi

if [ "$MODE" = plain ]; then
  log "running the plain build (no valgrind)"
  run_config valgrind env
fi
if [ "$MODE" = asan ] || [ "$MODE" = all ]; then
  log "running under ASan/UBSan"
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  run_config asan env
fi
if [ "$HAVE_VALGRIND" = 1 ]; then
  log "running under valgrind"
  run_config valgrind env JF_TEST_DEEP=${JF_TEST_DEEP_VALGRIND:-100000} JF_TEST_QUICK=1 \
    valgrind -q --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes --num-callers=30
fi

END=$(date +%s)
log "done in $((END - START)) s"
if [ ${#FAILED_RUNS[@]} -gt 0 ]; then
  log "failed: ${FAILED_RUNS[*]}"
fi
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
[ "$TOTAL_FAIL" = 0 ] && [ ${#FAILED_RUNS[@]} = 0 ]
