#!/usr/bin/env bash
# scripts/property-long.sh — long randomized runs of every fast-check property, outside CI.
#
#   bash scripts/property-long.sh [rounds] [scale] [test-file...]
#       rounds  how many rounds, each with a fresh seed (default 5)
#       scale   JSONFLAT_PROPERTY_SCALE, the factor on every property's numRuns (default 10)
#       files   default: every test/*.test.ts that calls checkProperty
#
# CI runs every property with one fixed seed (test/fixtures/property.ts), so its answer depends only on
# the commit; exploring new seeds is this script's job. Each round draws a fresh seed, prints it, and runs
# the property tests of those files (`bun test -t 'property:|properties'`, one process, the seed reaching
# every file) at `nice -n ${JF_PROPERTY_NICE:-10}`, logging to build/property/round-<seed>.log.
# JF_PROPERTY_SEEDS="s1 s2 ..." replays given seeds instead of drawing fresh ones.
# One summary line per round goes to stdout and to build/property/long-summary.txt; a failing round also
# prints the failing tests, fast-check's counterexamples and the replay command. Add each counterexample to
# its property's `examples` (and as a conformance case where it shows a rule) before fixing
# (docs/decisions.md, "Property tests"). Exit status: non-zero if any round failed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${1:-5}
SCALE=${2:-10}
shift 2 2>/dev/null || shift $#
case "$ROUNDS" in ''|*[!0-9]*) echo "usage: $0 [rounds] [scale] [test-file...]" >&2; exit 2;; esac
case "$SCALE" in ''|*[!0-9.]*) echo "usage: $0 [rounds] [scale] [test-file...] (scale: a positive number)" >&2; exit 2;; esac
BUN=node_modules/.bin/bun
NICE=${JF_PROPERTY_NICE:-10}
OUT=build/property
mkdir -p "$OUT"

if [ $# -gt 0 ]; then files=("$@"); else
  files=(); for f in test/*.test.ts; do grep -q 'checkProperty(' "$f" && [ "$f" != test/property-seed.test.ts ] && files+=("./$f"); done
fi
if [ -n "${JF_PROPERTY_SEEDS:-}" ]; then read -r -a seeds <<<"$JF_PROPERTY_SEEDS"; ROUNDS=${#seeds[@]}; else seeds=(); fi

# A fresh seed in [0, 2^31): fast-check's seeds are 32-bit integers.
fresh_seed() { echo $(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % 2147483648 )); }

echo "# $(date -u +%FT%TZ) $ROUNDS rounds, numRuns x$SCALE, nice $NICE: ${files[*]}" | tee -a "$OUT/long-summary.txt"
status=0
for ((i = 0; i < ROUNDS; i++)); do
  seed=${seeds[$i]:-$(fresh_seed)}
  log="$OUT/round-$seed.log"
  echo "round $((i + 1))/$ROUNDS: JSONFLAT_PROPERTY_SEED=$seed JSONFLAT_PROPERTY_SCALE=$SCALE"
  start=$(date +%s)
  # CI unset: the seed is given explicitly, and a CI runner's CI=true must not change how it is read.
  env -u CI JSONFLAT_PROPERTY_SEED="$seed" JSONFLAT_PROPERTY_SCALE="$SCALE" \
    nice -n "$NICE" "$BUN" test --timeout 3600000 -t 'property:|properties' "${files[@]}" >"$log" 2>&1
  rc=$?
  wall=$(( $(date +%s) - start ))
  pass=$(grep -aoE '^ *[0-9]+ pass$' "$log" | tail -1 | tr -dc '0-9')
  fail=$(grep -aoE '^ *[0-9]+ fail$' "$log" | tail -1 | tr -dc '0-9')
  result=ok
  if [ "$rc" != 0 ] || [ "${fail:-0}" != 0 ] || [ -z "$pass" ]; then result="FAILED (exit $rc)"; status=1; fi
  printf 'seed=%s scale=%s pass=%s fail=%s wall_s=%s result=%s log=%s\n' \
    "$seed" "$SCALE" "${pass:-?}" "${fail:-?}" "$wall" "$result" "$log" | tee -a "$OUT/long-summary.txt"
  if [ "$result" != ok ]; then
    grep -aE '^\(fail\) |^Counterexample: |^\{ seed: ' "$log" | sed 's/^/    /'
    echo "    replay: JSONFLAT_PROPERTY_SEED=$seed JSONFLAT_PROPERTY_SCALE=$SCALE $BUN test --timeout 3600000 -t 'property:|properties' ${files[*]}"
  fi
done
exit $status
