#!/usr/bin/env bash
# Compressed input read directly (issue 17): Open Library edition lines repeated to SIZE bytes, gzip'd (and
# zstd'd when the zstd tool is there), then, in the same run and interleaved round by round:
#   decompression alone: `gzip -dc FILE.gz > /dev/null`, and Bun's own (bench/compressed/decode-only.ts)
#   jsonflat on the compressed file: `jsonflat flatten --ndjson --column 5 FILE.gz > /dev/null`, and with --workers 2
#   the pipe users write today: `gzip -dc FILE.gz | jsonflat flatten --ndjson --column 5 - > /dev/null`
#   jsonflat on the plain file (the flattening ceiling of one thread)
#   jsonflat with --workers 3 (the decoding thread and a pool of two), and a .br file (brotli quality 5)
# Throughput is decoded (plain) MB per second of wall time, median of ROUNDS. Writes
# bench/results/compressed-<date>.md. Figures on a shared machine: compare the rows of one run, not across runs.
# JSONFLAT_BENCH_BEFORE=DIR (a checkout of an older commit, with node_modules and zig-out) adds its
# `jsonflat FILE.gz` cases to the same rounds, for a before/after comparison measured side by side.
#
# usage: bash bench/compressed/run.sh [SIZE_MB] [ROUNDS]     (default 300 MB, 3 rounds; needs ~2x SIZE in $DIR)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BUN=node_modules/.bin/bun
DIR=${JSONFLAT_BENCH_DIR:-/tmp/jsonflat-bench-compressed}
SIZE_MB=${1:-300}
ROUNDS=${2:-3}
SAMPLE=../shared/data/openlibrary/editions-head-n1000.txt
mkdir -p "$DIR" bench/results
REPORT=bench/results/compressed-$(date +%F).md
PLAIN="$DIR/editions-${SIZE_MB}M.txt"

if [[ ! -f $PLAIN.gz ]]; then
  echo "== building $PLAIN (${SIZE_MB} MB) and its .gz" >&2
  : >"$PLAIN"
  while (($(stat -c %s "$PLAIN") < SIZE_MB * 1000000)); do cat "$SAMPLE" >>"$PLAIN"; done
  gzip -6 -k -f "$PLAIN"
fi
HAVE_ZSTD=0
if command -v zstd >/dev/null; then
  HAVE_ZSTD=1
  [[ -f $PLAIN.zst ]] || zstd -q -f "$PLAIN" -o "$PLAIN.zst"
fi
[[ -f $PLAIN.br ]] || $BUN -e 'const z = require("node:zlib"); const f = process.argv.at(-1); Bun.write(f + ".br", z.brotliCompressSync(require("node:fs").readFileSync(f), { params: { [z.constants.BROTLI_PARAM_QUALITY]: 5 } }))' "$PLAIN"
BYTES=$(stat -c %s "$PLAIN")

# The cases, by name; each is one shell command.
declare -A CMD=(
  ["gzip -dc > /dev/null"]="gzip -dc '$PLAIN.gz' >/dev/null"
  ["Bun's gzip decoding alone"]="$BUN bench/compressed/decode-only.ts '$PLAIN.gz' >/dev/null"
  ["jsonflat FILE.gz"]="$BUN src/cli/main.ts flatten --ndjson --column 5 '$PLAIN.gz' >/dev/null"
  ["gzip -dc FILE.gz | jsonflat -"]="gzip -dc '$PLAIN.gz' | $BUN src/cli/main.ts flatten --ndjson --column 5 - >/dev/null"
  ["jsonflat --workers 2 FILE.gz"]="$BUN src/cli/main.ts flatten --ndjson --column 5 --workers 2 '$PLAIN.gz' >/dev/null"
  ["jsonflat FILE (plain)"]="$BUN src/cli/main.ts flatten --ndjson --column 5 '$PLAIN' >/dev/null"
)
CMD["jsonflat --workers 3 FILE.gz"]="$BUN src/cli/main.ts flatten --ndjson --column 5 --workers 3 '$PLAIN.gz' >/dev/null"
CMD["Bun's brotli decoding alone"]="$BUN bench/compressed/decode-only.ts '$PLAIN.br' >/dev/null"
CMD["jsonflat FILE.br"]="$BUN src/cli/main.ts flatten --ndjson --column 5 '$PLAIN.br' >/dev/null"
ORDER=("gzip -dc > /dev/null" "Bun's gzip decoding alone" "jsonflat FILE.gz" "jsonflat --workers 2 FILE.gz" "jsonflat --workers 3 FILE.gz" "gzip -dc FILE.gz | jsonflat -" "jsonflat FILE (plain)")
if [[ -n ${JSONFLAT_BENCH_BEFORE:-} ]]; then
  BEFORE=$(cd "$JSONFLAT_BENCH_BEFORE" && pwd)
  CMD["before: jsonflat FILE.gz"]="(cd '$BEFORE' && '$PWD/$BUN' src/cli/main.ts flatten --ndjson --column 5 '$PLAIN.gz' >/dev/null)"
  CMD["before: jsonflat --workers 2 FILE.gz"]="(cd '$BEFORE' && '$PWD/$BUN' src/cli/main.ts flatten --ndjson --column 5 --workers 2 '$PLAIN.gz' >/dev/null)"
  CMD["before: jsonflat FILE.br"]="(cd '$BEFORE' && '$PWD/$BUN' src/cli/main.ts flatten --ndjson --column 5 '$PLAIN.br' >/dev/null)"
  ORDER+=("before: jsonflat FILE.gz" "before: jsonflat --workers 2 FILE.gz")
fi
ORDER+=("Bun's brotli decoding alone" "jsonflat FILE.br")
[[ -n ${JSONFLAT_BENCH_BEFORE:-} ]] && ORDER+=("before: jsonflat FILE.br")
if ((HAVE_ZSTD)); then
  CMD["zstd -dc > /dev/null"]="zstd -dc '$PLAIN.zst' >/dev/null"
  CMD["Bun's zstd decoding alone"]="$BUN bench/compressed/decode-only.ts '$PLAIN.zst' >/dev/null"
  CMD["jsonflat FILE.zst"]="$BUN src/cli/main.ts flatten --ndjson --column 5 '$PLAIN.zst' >/dev/null"
  CMD["zstd -dc FILE.zst | jsonflat -"]="zstd -dc '$PLAIN.zst' | $BUN src/cli/main.ts flatten --ndjson --column 5 - >/dev/null"
  ORDER+=("zstd -dc > /dev/null" "Bun's zstd decoding alone" "jsonflat FILE.zst" "zstd -dc FILE.zst | jsonflat -")
fi

declare -A TIMES
for ((round = 1; round <= ROUNDS; round++)); do
  for name in "${ORDER[@]}"; do
    start=$(date +%s.%N)
    bash -o pipefail -c "${CMD[$name]}"
    end=$(date +%s.%N)
    TIMES[$name]+="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') "
    echo "== round $round: $name: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f s", b - a }')" >&2
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
{
  echo "# Compressed input ($(date +%F))"
  echo
  echo "$(nproc) cores, Bun $($BUN --version), load $(cut -d' ' -f1-3 /proc/loadavg) at the end (a shared machine: other jobs ran)."
  [[ -n ${JSONFLAT_BENCH_BEFORE:-} ]] && echo "\"before\" rows: the checkout in $JSONFLAT_BENCH_BEFORE at $(cat "$JSONFLAT_BENCH_BEFORE/.commit" 2>/dev/null || echo "an unnamed commit")."
  echo "Input: $SAMPLE repeated to $((BYTES / 1000000)) MB; brotli -5: $(($(stat -c %s "$PLAIN.br") / 1000000)) MB; gzip -6: $(($(stat -c %s "$PLAIN.gz") / 1000000)) MB$( ((HAVE_ZSTD)) && echo "; zstd -3: $(($(stat -c %s "$PLAIN.zst") / 1000000)) MB (the zstd window sees the repeats, so its ratio flatters it)")."
  echo "Median of $ROUNDS interleaved rounds; MB/s of decoded bytes per second of wall time, process start included."
  echo "Command: \`bash bench/compressed/run.sh $SIZE_MB $ROUNDS\`."
  echo
  echo "| case | seconds | MB/s (decoded) |"
  echo "|---|---:|---:|"
  for name in "${ORDER[@]}"; do
    secs=$(echo "${TIMES[$name]}" | median)
    echo "| \`$name\` | $secs | $(awk -v b="$BYTES" -v s="$secs" 'BEGIN { printf "%.0f", b / 1e6 / s }') |"
  done
  echo
  echo "Rounds (seconds): "
  for name in "${ORDER[@]}"; do echo "- \`$name\`: ${TIMES[$name]}"; done
} >"$REPORT"
cat "$REPORT"
