#!/usr/bin/env bash
# scripts/fuzz-long.sh — the long fuzzing run: each target until it has used a
# given amount of CPU time (not wall time: the machine may be shared).
#
#   scripts/fuzz-long.sh [cpu-minutes-per-target] [target...]
#       default: 30 minutes, every c/fuzz/fuzz_*.c target
#
# Builds through scripts/fuzz.sh (JF_FUZZ_BUILD_ONLY=1: same flags, seeds,
# dictionary), then runs the targets JF_FUZZ_JOBS at a time (default 1) at
# `nice -n ${JF_FUZZ_NICE:-19}`, each with -max_len=65536 -timeout=10
# -rss_limit_mb=2048 over its persistent corpus build/fuzz/corpus/<target>/.
# A watcher reads the process's user+system time from /proc and stops it
# (SIGINT: libFuzzer prints its final stats) when the budget is spent; a
# crash stops it earlier. One summary line per target goes to stdout and to
# build/fuzz/long-summary.txt: CPU seconds, wall seconds, executions,
# coverage, corpus size, result, reproducer. Logs: build/fuzz/long-<target>.log.
# Exit status: non-zero if any target found something.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
MINUTES=${1:-30}
shift || true
case "$MINUTES" in ''|*[!0-9.]*) echo "usage: $0 [cpu-minutes] [target...]" >&2; exit 2;; esac
BUDGET=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')
JOBS=${JF_FUZZ_JOBS:-1}
NICE=${JF_FUZZ_NICE:-19}
OUT=build/fuzz
TICK=$(getconf CLK_TCK)

JF_FUZZ_BUILD_ONLY=1 bash scripts/fuzz.sh || exit 1
if [ $# -gt 0 ]; then targets=("$@"); else
  targets=(); for f in c/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi
# Private copies of the binaries and seeds, so that a smoke run (which rebuilds) cannot disturb a long one.
RUN=$(mktemp -d "$OUT/long-run.XXXXXX")
trap 'rm -rf "$RUN"' EXIT
for t in "${targets[@]}"; do cp "$OUT/$t" "$RUN/$t" && cp -r "$OUT/seeds/$t" "$RUN/seeds-$t"; done

# CPU seconds used so far by process $1 (and its reaped children), or empty once it is gone.
cpu_seconds() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  # Fields after the command name (which may hold spaces): utime is 14, stime 15, cutime 16, cstime 17.
  awk -v t="$TICK" '{ sub(/^.*\) /, ""); print int(($12 + $13 + $14 + $15) / t) }' <<<"$stat"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Runs one target to its CPU budget; prints its summary line.
run_one() {
  local t=$1 lg="$OUT/long-$t.log" start cpu=0 rc
  mkdir -p "$OUT/corpus/$t" "$OUT/seeds/$t"
  start=$(date +%s)
  nice -n "$NICE" "$RUN/$t" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -dict=c/fuzz/dict/json.dict \
    -print_final_stats=1 -artifact_prefix="$OUT/artifacts/long-$t-" "$OUT/corpus/$t" "$RUN/seeds-$t" >"$lg" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    cpu=$(cpu_seconds "$pid") || break
    if [ "$cpu" -ge "$BUDGET" ]; then kill -INT "$pid"; break; fi
    sleep 5
  done
  wait "$pid"; rc=$?
  local wall=$(( $(date +%s) - start ))
  local execs last cov ft corp result=ok
  execs=$(grep -oE 'stat::number_of_executed_units: +[0-9]+' "$lg" | awk '{print $2}' | tail -1)
  last=$(grep -E '^#[0-9]+' "$lg" | grep -E 'cov: ' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | awk '{print $2}')
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | awk '{print $2}')
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | awk '{print $2}')
  if grep -qE '^==[0-9]+==ERROR|^SUMMARY: |fuzz check failed|leak: live_blocks|runtime error|Test unit written' "$lg"; then
    result="FOUND: $(grep -m1 -oE 'ERROR: [A-Za-z]+: [a-z-]+|fuzz check failed at [^ ]+|leak: live_blocks|runtime error: .{0,60}' "$lg" | head -1)"
    result+=" ($(grep -oE 'Test unit written to [^ ]+' "$lg" | head -1 | awk '{print $5}'))"
  elif [ "$rc" = 72 ] && [ "$cpu" -lt "$BUDGET" ]; then
    result="interrupted before the budget (SIGINT from outside)"
  elif [ "$rc" != 0 ] && [ "$cpu" -lt "$BUDGET" ]; then
    result="exit $rc before the budget"
  fi
  printf '%s cpu_s=%s wall_s=%s execs=%s cov=%s ft=%s corpus=%s result=%s\n' \
    "$t" "$cpu" "$wall" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result" | tee -a "$OUT/long-summary.txt"
  [ "$result" = ok ]
}

echo "# $(date -u +%FT%TZ) budget ${MINUTES} CPU-min per target, nice $NICE, $JOBS at a time" >>"$OUT/long-summary.txt"
status=0
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n || status=1; running=$((running - 1)); fi
done
while [ "$running" -gt 0 ]; do wait -n || status=1; running=$((running - 1)); done
exit $status
