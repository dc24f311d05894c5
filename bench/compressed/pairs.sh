#!/usr/bin/env bash
# Compressed input, round by round on a shared machine: the cases of run.sh that matter for the overlap target
# run back to back in each round, and each round's times are divided by that round's own "decoding alone" time
# (and by the "before" checkout's time of the same case), so that a round slowed by other jobs slows all of its
# cases alike. Prints every round, then the median of the per-round ratios, with wall and CPU (user+sys) seconds.
#   decode   Bun's decoding alone (bench/compressed/decode-only.ts)
#   gz       jsonflat flatten --ndjson --column 5 FILE           gz-w2: the same with --workers 2
#   plain    the same on the plain file PLAIN (when given)
#   old-gz, old-gz-w2: the same two from the checkout in JSONFLAT_BENCH_BEFORE (when set)
#
# usage: bash bench/compressed/pairs.sh FILE.gz [ROUNDS] [PLAIN]      (default 8 rounds)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BUN=$PWD/node_modules/.bin/bun
FILE=$(realpath "$1")
ROUNDS=${2:-8}
PLAIN=${3:+$(realpath "$3")}
FLAT=(src/cli/main.ts flatten --ndjson --column 5)

declare -A CMD=(
  [decode]="$BUN bench/compressed/decode-only.ts '$FILE'"
  [gz]="$BUN ${FLAT[*]} '$FILE'"
  [gz-w2]="$BUN ${FLAT[*]} --workers 2 '$FILE'"
)
ORDER=(decode gz gz-w2)
if [[ -n $PLAIN ]]; then CMD[plain]="$BUN ${FLAT[*]} '$PLAIN'"; ORDER+=(plain); fi
if [[ -n ${JSONFLAT_BENCH_BEFORE:-} ]]; then
  BEFORE=$(realpath "$JSONFLAT_BENCH_BEFORE")
  CMD[old-gz]="cd '$BEFORE' && $BUN ${FLAT[*]} '$FILE'"
  CMD[old-gz-w2]="cd '$BEFORE' && $BUN ${FLAT[*]} --workers 2 '$FILE'"
  ORDER+=(old-gz old-gz-w2)
fi

TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
for ((round = 1; round <= ROUNDS; round++)); do
  for name in "${ORDER[@]}"; do
    # wall seconds and CPU seconds (user + sys) of the whole command
    /usr/bin/time -f "$round $name %e %U %S" -a -o "$TIMES" bash -c "${CMD[$name]} >/dev/null"
  done
  echo "round $round: $(awk -v r="$round" '$1 == r { printf "%s %.2fs  ", $2, $3 }' "$TIMES")" >&2
done

echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the end; $ROUNDS rounds; file $FILE"
awk -v before="${JSONFLAT_BENCH_BEFORE:+1}" '
  { wall[$1, $2] = $3; cpu[$1, $2] = $4 + $5; names[$2] = 1; if ($1 > rounds) rounds = $1 }
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    printf "%-10s %9s %9s %16s %14s\n", "case", "wall s", "CPU s", "decode/case", "before/case"
    for (name in names) {
      delete w; delete c; delete d; delete b
      for (r = 1; r <= rounds; r++) {
        w[r] = wall[r, name]; c[r] = cpu[r, name]; d[r] = wall[r, "decode"] / wall[r, name]
        if (before && name !~ /^old-/) b[r] = wall[r, "old-" name] / wall[r, name]
      }
      printf "%-10s %9.3f %9.3f %16.2f %14s\n", name, median(w, rounds), median(c, rounds), median(d, rounds), (before && name !~ /^old-|decode|plain/) ? sprintf("%.2f", median(b, rounds)) : ""
    }
  }' "$TIMES" | sort
