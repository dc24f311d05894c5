#!/usr/bin/env bash
# bench/durability/journal.sh [SIZE, default 1G] [ROUNDS, default 3]
#
# A journaled NDJSON job against the same job without a journal: `jsonflat flatten --ndjson --column 5` on
# generated Open Library dump lines (bench/gen/openlibrary.ts, seed 42), 1 and 2 workers, output to a file.
# Per workers count, each round runs, in turn:
#   plain      -o FILE, no journal (the output may still be in the page cache when the command returns)
#   plain+sync the same, then `sync FILE` (fsync): the output made durable once, at the end, inside the timing
#   journal    -o FILE --journal DIR (fdatasync of the output before every chunk's WAL record, a done record)
# on this disk (OUT_DIR, default bench/results/tmp) and, with TMPFS_DIR (default /dev/shm when it exists), on a
# tmpfs where fsync costs nothing: there the difference is the journal's own work (CRC-32C, records, writes).
# The output of the previous run is deleted and `sync` run before each timed run, so no run pays for another's
# writeback. Per case, the best (lowest) wall time and, separately, the lowest CPU time (user + system, of the
# process and its workers) of the rounds: on a shared machine CPU time is the steadier measure of the work done.
# Prints a Markdown table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SIZE=${1:-1G}
ROUNDS=${2:-3}
BUN=node_modules/.bin/bun
OUT_DIR=${OUT_DIR:-bench/results/tmp}
TMPFS_DIR=${TMPFS_DIR:-$([ -d /dev/shm ] && echo /dev/shm/jsonflat-journal-bench || true)}
mkdir -p "$OUT_DIR"
INPUT="$OUT_DIR/journal-bench-ol-$SIZE.txt"
trap 'rm -rf "$INPUT" "$OUT_DIR"/journal-bench-* ${TMPFS_DIR:+"$TMPFS_DIR"}' EXIT

echo "== generating $SIZE of Open Library lines" >&2
$BUN bench/gen/openlibrary.ts --bytes "$SIZE" --seed 42 --out "$INPUT" >&2
BYTES=$(stat -c %s "$INPUT")

# one CASE DIR WORKERS: "wall_seconds cpu_seconds" of one run
one() {
  local kind=$1 dir=$2 workers=$3 out="$2/journal-bench-out.ndjson" wal="$2/journal-bench-out.wal"
  rm -rf "$out" "$wal"
  sync
  sleep 1
  local cmd="$BUN src/cli/main.ts flatten --ndjson --column 5 --workers $workers $INPUT -o $out"
  case $kind in
    plain+sync) cmd="$cmd && sync $out" ;;
    journal) cmd="$cmd --journal $wal" ;;
  esac
  /usr/bin/time -f "%e %U %S" -o "$dir/journal-bench-time.txt" bash -c "$cmd"
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$dir/journal-bench-time.txt"
}

lower() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

declare -A BEST CPU
run_cases() {
  local where=$1 dir=$2
  mkdir -p "$dir"
  for workers in 1 2; do
    for round in $(seq "$ROUNDS"); do
      for kind in plain plain+sync journal; do
        read -r s c < <(one "$kind" "$dir" "$workers")
        echo "   $where, $workers worker(s), $kind, round $round: $s s wall, $c s CPU" >&2
        key="$where|$workers|$kind"
        if [[ -z ${BEST[$key]:-} ]] || lower "$s" "${BEST[$key]}"; then BEST[$key]=$s; fi
        if [[ -z ${CPU[$key]:-} ]] || lower "$c" "${CPU[$key]}"; then CPU[$key]=$c; fi
      done
    done
  done
  rm -rf "$dir"/journal-bench-out* "$dir"/journal-bench-time.txt
}

run_cases disk "$OUT_DIR"
if [[ -n $TMPFS_DIR ]]; then run_cases tmpfs "$TMPFS_DIR"; fi

echo
echo "Input: $((BYTES / 1000000)) MB, $(nproc) cores, Bun $($BUN --version), load $(cut -d' ' -f1-3 /proc/loadavg); best of $ROUNDS rounds."
echo
echo "| output on | workers | plain s (MB/s) | plain + sync s | journal s (MB/s) | journal vs plain | journal vs plain + sync | CPU s plain / journal | CPU overhead |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for where in disk ${TMPFS_DIR:+tmpfs}; do
  for workers in 1 2; do
    p=${BEST[$where|$workers|plain]}
    ps=${BEST[$where|$workers|plain+sync]}
    j=${BEST[$where|$workers|journal]}
    cp=${CPU[$where|$workers|plain]}
    cj=${CPU[$where|$workers|journal]}
    awk -v w="$where" -v n="$workers" -v p="$p" -v ps="$ps" -v j="$j" -v b="$BYTES" -v cp="$cp" -v cj="$cj" 'BEGIN {
      printf "| %s | %d | %.2f (%.0f) | %.2f | %.2f (%.0f) | %+.1f %% | %+.1f %% | %.2f / %.2f | %+.1f %% |\n", w, n, p, b / 1e6 / p, ps, j, b / 1e6 / j, (j / p - 1) * 100, (j / ps - 1) * 100, cp, cj, (cj / cp - 1) * 100
    }'
  done
done
