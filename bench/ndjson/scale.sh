#!/usr/bin/env bash
# NDJSON at scale (issue: NDJSON, coworkers and CLI): generated Open Library dump lines of several sizes
# flattened end to end by the CLI with 1 and 2 workers; time, throughput and peak RSS per run; jq -c doing
# the equivalent flatten on a slice for comparison. Writes bench/results/ndjson-<date>.md.
#
# usage: bash bench/ndjson/scale.sh [SIZES...]      (default: 1G 4G; 15G is the target scale: pass it explicitly)
# needs ~2x the largest size free in $JSONFLAT_BENCH_DIR (default /tmp/jsonflat-bench); deletes what it makes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BUN=node_modules/.bin/bun
DIR=${JSONFLAT_BENCH_DIR:-/tmp/jsonflat-bench}
SIZES=("${@:-1G 4G}")
read -r -a SIZES <<<"${SIZES[*]}"
mkdir -p "$DIR" bench/results
REPORT=bench/results/ndjson-$(date +%F).md
JQ_FILTER='[paths(scalars) as $p | {key: ($p|map(tostring)|join(".")), value: getpath($p)}] | from_entries'

# run LABEL COMMAND...: prints "seconds peak_rss_kb" of one run, output discarded to a file on the same disk.
measure() {
  local out="$DIR/out.ndjson"
  /usr/bin/time -f "%e %M" -o "$DIR/time.txt" "$@" >"$out"
  rm -f "$out"
  cat "$DIR/time.txt"
}

{
  echo "# NDJSON at scale ($(date +%F))"
  echo
  echo "$(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, Bun $($BUN --version), load $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Input: generated Open Library dump lines (bench/gen/openlibrary.ts, seed 42), JSON in TSV column 5."
  echo "Command: \`jsonflat flatten --ndjson --column 5 --workers N FILE > out\` (output written to the same disk)."
  echo
  echo "| input | workers | time (s) | MB/s | peak RSS (MiB) |"
  echo "|---|---:|---:|---:|---:|"
} >"$REPORT"

for size in "${SIZES[@]}"; do
  file="$DIR/ol-$size.txt"
  echo "== generating $size" >&2
  $BUN bench/gen/openlibrary.ts --bytes "$size" --seed 42 --out "$file" >&2
  bytes=$(stat -c %s "$file")
  for workers in 1 2; do
    echo "== $size, $workers worker(s)" >&2
    read -r secs rss < <(measure $BUN src/cli/main.ts flatten --ndjson --column 5 --workers "$workers" "$file")
    mbs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.0f", b / 1e6 / s }')
    echo "| $size ($((bytes / 1000000)) MB) | $workers | $secs | $mbs | $((rss / 1024)) |" >>"$REPORT"
  done
  if [[ $size == "${SIZES[0]}" ]] && command -v jq >/dev/null; then
    slice="$DIR/slice.ndjson"
    head -c 50000000 "$file" | head -n -1 | cut -f5 >"$slice"
    sbytes=$(stat -c %s "$slice")
    read -r jsecs _ < <(measure jq -c "$JQ_FILTER" "$slice")
    read -r fsecs _ < <(measure $BUN src/cli/main.ts flatten --ndjson --style flat "$slice")
    jmbs=$(awk -v b="$sbytes" -v s="$jsecs" 'BEGIN { printf "%.1f", b / 1e6 / s }')
    fmbs=$(awk -v b="$sbytes" -v s="$fsecs" 'BEGIN { printf "%.0f", b / 1e6 / s }')
    ratio=$(awk -v j="$jsecs" -v f="$fsecs" 'BEGIN { printf "%.0f", j / f }')
    JQ_NOTE="jq -c doing the equivalent flatten on a $((sbytes / 1000000)) MB slice of column 5: jq $jsecs s ($jmbs MB/s), jsonflat $fsecs s ($fmbs MB/s, process start included): ${ratio}x. Filter: \`$JQ_FILTER\`."
    rm -f "$slice"
  fi
  rm -f "$file"
done
if [[ -n ${JQ_NOTE:-} ]]; then printf '\n%s\n' "$JQ_NOTE" >>"$REPORT"; fi
cat "$REPORT"
