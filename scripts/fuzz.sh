#!/usr/bin/env bash
# scripts/fuzz.sh — build and run the libFuzzer targets (c/fuzz/fuzz_*.c).
#
#   scripts/fuzz.sh [seconds-per-target]      (default 60)
#
# Builds with clang -fsanitize=fuzzer,address,undefined into build/fuzz/ (the
# library sources and yyjson carry coverage; mimalloc is built with ASan and
# MI_TRACK_ASAN=1 so freed and out-of-bounds mimalloc memory is poisoned).
# Seeds: JSONTestSuite's test_parsing/*.json plus small slices of the shared
# bench files and Open Library lines, written under build/fuzz/seeds/ (the
# data is never copied into the repository). The working corpus persists in
# build/fuzz/corpus/<target>/ between runs. All targets run at the same time
# (one process each) with -max_len=65536 -timeout=10 -rss_limit_mb=2048 and
# the dictionary c/fuzz/dict/json.dict.
# Exit status: non-zero if any target crashed, leaked, timed out or ran out of
# memory; the reproducer is left in build/fuzz/artifacts/.
#
# Environment: JF_DATA_DIR (default ../shared/data), JF_NO_APT=1, CLANG,
# JF_FUZZ_CFLAGS (extra compiler flags, for local exploration only),
# JF_FUZZ_BUILD_ONLY=1 (build the targets and seeds, run nothing: the long
# runs of scripts/fuzz-long.sh use that).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SECS=${1:-60}
case "$SECS" in ''|*[!0-9]*) echo "usage: $0 [seconds-per-target]" >&2; exit 2;; esac
DATA=${JF_DATA_DIR:-$(cd "$ROOT/.." && pwd)/shared/data}
OUT=build/fuzz
START=$(date +%s)

log() { printf '[fuzz] %s\n' "$*"; }

apt_install() {
  [ "${JF_NO_APT:-0}" = 1 ] && return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  [ "$(id -u)" = 0 ] || return 1
  log "installing $* with apt-get"
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; }; } \
    >"${TMPDIR:-/tmp}/jf-fuzz-apt.log" 2>&1
}

# clang with its libFuzzer runtime (Debian: clang + libclang-rt-<N>-dev).
CLANG=${CLANG:-clang}
if ! command -v "$CLANG" >/dev/null 2>&1; then
  apt_install clang || { echo "fuzz: clang not found and not installable" >&2; exit 1; }
fi
fuzzer_ok() {
  echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
    | "$CLANG" -x c - -fsanitize=fuzzer,address,undefined -o "${TMPDIR:-/tmp}/jf-fuzz-probe" >/dev/null 2>&1
}
if ! fuzzer_ok; then
  major=$("$CLANG" -dumpversion 2>/dev/null | cut -d. -f1)
  apt_install "libclang-rt-$major-dev" || apt_install libclang-rt-dev || true
  fuzzer_ok || { echo "fuzz: $CLANG cannot link -fsanitize=fuzzer (install libclang-rt-<version>-dev)" >&2; exit 1; }
fi

if [ ! -f c/vendor/yyjson/yyjson.c ] || [ ! -f c/vendor/mimalloc/src/static.c ]; then
  [ -f scripts/setup.sh ] && { log "vendored sources missing: running scripts/setup.sh"; bash scripts/setup.sh || exit 1; }
  [ -f c/vendor/yyjson/yyjson.c ] || { echo "fuzz: c/vendor is missing (run scripts/setup.sh)" >&2; exit 1; }
fi

COMMON="-std=c11 -fvisibility=hidden -Dyyjson_api= -DYYJSON_DISABLE_UTILS=1"
COMMON+=" -fno-strict-aliasing -Ic/include -Ic/src -Ic/vendor/yyjson -Ic/vendor/mimalloc/include -Ic/fuzz"
SAN="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
# Extra flags for local exploration (e.g. JF_FUZZ_CFLAGS=-fno-sanitize=nonnull-attribute to
# look past a known report); empty in CI.
SAN+=" ${JF_FUZZ_CFLAGS:-}"

mkdir -p "$OUT/obj" "$OUT/artifacts" "$OUT/seeds" "$OUT/corpus"
rm -f "$OUT"/obj/*.o
log "building into $OUT"
pids=()
for s in c/src/*.c; do
  "$CLANG" $COMMON $SAN -fsanitize=fuzzer-no-link -c "$s" -o "$OUT/obj/src_$(basename "$s" .c).o" &
  pids+=($!)
done
"$CLANG" $COMMON $SAN -fsanitize=fuzzer-no-link -c c/vendor/yyjson/yyjson.c -o "$OUT/obj/yyjson.o" &
pids+=($!)
"$CLANG" $COMMON $SAN -DNDEBUG -DMI_TRACK_ASAN=1 -c c/vendor/mimalloc/src/static.c -o "$OUT/obj/mimalloc.o" &
pids+=($!)
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ $fail = 0 ] || { echo "fuzz: build failed" >&2; exit 1; }
LIBOBJS=("$OUT"/obj/src_*.o "$OUT/obj/yyjson.o" "$OUT/obj/mimalloc.o")

TARGETS=()
for f in c/fuzz/fuzz_*.c; do
  t=$(basename "$f" .c)
  "$CLANG" $COMMON $SAN -fsanitize=fuzzer "$f" "${LIBOBJS[@]}" -pthread -o "$OUT/$t" \
    || { echo "fuzz: build of $t failed" >&2; exit 1; }
  TARGETS+=("$t")
done
"$CLANG" $COMMON $SAN c/fuzz/make_seeds.c "${LIBOBJS[@]}" -pthread -o "$OUT/make_seeds" \
  || { echo "fuzz: build of make_seeds failed" >&2; exit 1; }

# Seeds (rebuilt every run; cheap).
rm -rf "$OUT/seeds"
for t in "${TARGETS[@]}"; do mkdir -p "$OUT/seeds/$t"; done
seed_files=()
[ -d "$DATA/JSONTestSuite/test_parsing" ] && seed_files+=("$DATA"/JSONTestSuite/test_parsing/*.json)
[ -d "$DATA/bench" ] && seed_files+=("$DATA"/bench/*.json)
[ -d "$DATA/openlibrary" ] && seed_files+=("$DATA"/openlibrary/*.txt)
if [ ${#seed_files[@]} = 0 ]; then
  log "no shared data under $DATA: fuzzing from an empty corpus"
else
  ASAN_OPTIONS=detect_leaks=0 "$OUT/make_seeds" "$OUT/seeds" "${seed_files[@]}" | sed 's/^/[fuzz] /'
fi

if [ "${JF_FUZZ_BUILD_ONLY:-0}" = 1 ]; then log "built ${TARGETS[*]}"; exit 0; fi

# Run every target at once, one process each.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log "running ${TARGETS[*]} for ${SECS}s each"
declare -A PID
for t in "${TARGETS[@]}"; do
  mkdir -p "$OUT/corpus/$t" "$OUT/seeds/$t"
  "$OUT/$t" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -dict=c/fuzz/dict/json.dict -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t-" \
    "$OUT/corpus/$t" "$OUT/seeds/$t" >"$OUT/$t.log" 2>&1 &
  PID[$t]=$!
done

status=0
printf '\n%-16s %8s %12s %10s %7s %7s %7s  %s\n' target exit execs exec/s cov ft corpus result
for t in "${TARGETS[@]}"; do
  wait "${PID[$t]}"; rc=$?
  lg="$OUT/$t.log"
  execs=$(grep -oE 'stat::number_of_executed_units: +[0-9]+' "$lg" | awk '{print $2}' | tail -1)
  eps=$(grep -oE 'stat::average_exec_per_sec: +[0-9]+' "$lg" | awk '{print $2}' | tail -1)
  last=$(grep -E '^#[0-9]+' "$lg" | grep -E 'cov: ' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | awk '{print $2}')
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | awk '{print $2}')
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | awk '{print $2}')
  if [ "$rc" = 0 ]; then result=ok; else
    result="FAILED"
    status=1
  fi
  printf '%-16s %8s %12s %10s %7s %7s %7s  %s\n' "$t" "$rc" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
done
for t in "${TARGETS[@]}"; do
  lg="$OUT/$t.log"
  if grep -qE '^==[0-9]+==ERROR|^SUMMARY: |fuzz check failed|leak: live_blocks|runtime error' "$lg"; then
    echo
    echo "---- $t: first report (full log: $lg) ----"
    grep -m1 -nE '^==[0-9]+==ERROR|fuzz check failed|leak: live_blocks|runtime error' "$lg" | cut -d: -f1 \
      | { read -r n; sed -n "$((n > 5 ? n - 5 : 1)),$((n + 40))p" "$lg"; }
    ls -1 "$OUT/artifacts/$t-"* 2>/dev/null | sed 's/^/artifact: /'
  fi
done
END=$(date +%s)
log "done in $((END - START)) s"
if [ $status = 0 ]; then log "no crash"; else log "FAILURE: reproduce with $OUT/<target> $OUT/artifacts/<file>"; fi
exit $status
