#!/usr/bin/env bash
# HTTP load benchmark (issue 5): jsonflat serve against a plain Bun handler doing
# JSON.stringify(flat(await req.json())), with wrk on loopback; then 100,000 requests mixing valid and bad
# bodies at concurrency 64 against jsonflat alone (5xx, crashes, RSS before and after).
# Everything runs under `nice -n 10` (the machine is shared). Prints a Markdown report and saves it to
# bench/results/tmp/http-<date>.md; bodies are written to a scratch directory that is deleted at the end.
#
# usage: bash bench/http/run.sh [SECONDS per throughput run, default 10] [MIXED TOTAL, default 100000]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

SECONDS_PER_RUN=${1:-10}
TOTAL=${2:-100000}
BUN=node_modules/.bin/bun
JF_PORT=${JF_PORT:-18480}
BASE_PORT=${BASE_PORT:-18481}
CEIL_PORT=${CEIL_PORT:-18482}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16}
SCRATCH=$(mktemp -d /dev/shm/jsonflat-http-bench.XXXXXX)
mkdir -p bench/results/tmp
REPORT=bench/results/tmp/http-$(date +%F).md
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -n ${JSONFLAT_BENCH_KEEP:-} ]] || rm -rf "$SCRATCH"
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
  echo "installing wrk (apt)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

"$BUN" bench/http/bodies.ts "$SCRATCH"

port_free() { # PORT: a server left over from an earlier run would be measured instead of ours
  if curl -s -o /dev/null "http://127.0.0.1:$1/"; then echo "port $1 is already in use" >&2; exit 1; fi
}
wait_for() { # URL
  for _ in $(seq 100); do curl -sf "$1/healthz" -o /dev/null 2>/dev/null && return 0; curl -s "$1" -o /dev/null 2>/dev/null && return 0; sleep 0.1; done
  echo "server at $1 did not start" >&2; return 1
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# requests the jsonflat server has answered, /metrics itself left out
served() { curl -s "http://127.0.0.1:$JF_PORT/metrics" | awk '/^jsonflat_http_requests_total\{/ && !/route="\/metrics"/ { n += $NF } END { print n + 0 }'; }

port_free "$JF_PORT"
port_free "$BASE_PORT"
port_free "$CEIL_PORT"
nice -n 10 "$BUN" src/cli/main.ts serve --port "$JF_PORT" --no-access-log 2>"$SCRATCH/jsonflat.log" &
JF_PID=$!
PIDS+=("$JF_PID")
nice -n 10 "$BUN" bench/http/baseline.ts "$BASE_PORT" 2>"$SCRATCH/baseline.log" &
PIDS+=($!)
nice -n 10 "$BUN" bench/http/baseline.ts "$CEIL_PORT" ceiling 2>"$SCRATCH/ceiling.log" &
PIDS+=($!)
wait_for "http://127.0.0.1:$JF_PORT"
wait_for "http://127.0.0.1:$BASE_PORT"
wait_for "http://127.0.0.1:$CEIL_PORT"

# Stops the benchmark with the server's last words if it is gone (a crash must not pass unnoticed).
alive_or_die() {
  kill -0 "$JF_PID" 2>/dev/null && return 0
  wait "$JF_PID"; local status=$?
  echo "the jsonflat server (pid $JF_PID) died with status $status; its log ends:" >&2
  tail -30 "$SCRATCH/jsonflat.log" >&2
  exit 1
}

# run URL BODY -> "req/s p50 p99" from wrk --latency (latencies in ms)
run() {
  nice -n 10 wrk -t1 -c2 -d2s -s bench/http/post.lua "$1" -- "$2" >/dev/null # warm up
  nice -n 10 wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s bench/http/post.lua "$1" -- "$2" >"$SCRATCH/wrk.txt"
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad }' "$SCRATCH/wrk.txt"
}

# median FILE: the run (line) with the median requests/s
median() { sort -n "$1" | awk '{ rows[NR] = $0 } END { print rows[int((NR + 1) / 2)] }'; }

# The report goes to the terminal and the file; no subshell, so the processes started below stay in PIDS.
exec > >(tee "$REPORT")
{
  echo "# HTTP load ($(date -u '+%F %H:%M UTC'))"
  echo
  echo "Loopback, wrk 1 thread × $CONNECTIONS connections × ${SECONDS_PER_RUN} s per run, servers and wrk under \`nice -n 10\`."
  echo "$(nproc) cores shared with other jobs (load before: $(cut -d' ' -f1-3 /proc/loadavg)): numbers are lower bounds."
  echo "Bun $($BUN --version). jsonflat: \`jsonflat serve --no-access-log\` (one thread, no coworkers)."
  echo
  echo "Each row is the median of $ROUNDS runs, the three servers taking turns (so a burst of load from other jobs"
  echo "hits them alike). \`Bun, constant answer\` reads the body and answers \`{}\`: the HTTP layer's own ceiling."
  echo
  echo "| body | server | requests/s | p50 ms | p99 ms | non-2xx | ÷ Bun + flat |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for body in small.json large.json; do
    file="$SCRATCH/$body"
    size=$(stat -c %s "$file")
    : >"$SCRATCH/jf.txt"; : >"$SCRATCH/base.txt"; : >"$SCRATCH/ceil.txt"
    for _ in $(seq "$ROUNDS"); do
      run "http://127.0.0.1:$JF_PORT/flatten" "$file" >>"$SCRATCH/jf.txt"
      alive_or_die
      run "http://127.0.0.1:$BASE_PORT/" "$file" >>"$SCRATCH/base.txt"
      run "http://127.0.0.1:$CEIL_PORT/" "$file" >>"$SCRATCH/ceil.txt"
    done
    read -r b_rps b_p50 b_p99 b_bad < <(median "$SCRATCH/base.txt")
    for server in "jsonflat:jf" "Bun + flat:base" "Bun, constant answer:ceil"; do
      read -r rps p50 p99 bad < <(median "$SCRATCH/${server#*:}.txt")
      ratio=$(awk -v a="$rps" -v b="$b_rps" 'BEGIN { printf "%.2fx", a / b }')
      echo "| $body ($size B) | ${server%%:*} | $rps | $p50 | $p99 | $bad | $ratio |"
    done
  done
  echo

  # Mixed valid and bad requests against a fresh jsonflat server.
  alive_or_die
  kill "$JF_PID"; wait "$JF_PID" 2>/dev/null || true
  port_free "$JF_PORT"
  nice -n 10 "$BUN" src/cli/main.ts serve --port "$JF_PORT" --no-access-log 2>"$SCRATCH/jsonflat.log" &
  JF_PID=$!
  PIDS+=("$JF_PID")
  wait_for "http://127.0.0.1:$JF_PORT"
  metric() { curl -s "http://127.0.0.1:$JF_PORT/metrics" | awk -v name="$1" '$1 == name { print $2 }'; }
  mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
  ( while kill -0 "$JF_PID" 2>/dev/null; do rss_kb "$JF_PID" 2>/dev/null || true; sleep 0.5; done ) >"$SCRATCH/rss.txt" &
  SAMPLER=$!
  PIDS+=("$SAMPLER")
  echo "## $TOTAL mixed requests, concurrency 64 (wrk -t2 -c64), twice on one server"
  echo
  echo "16 kinds cycled (a 600 KB twitter.json body in 1 of 91): valid flatten/entries/search/schema, truncated,"
  echo "garbage, 100k-deep nesting, invalid UTF-8, text/plain, a bad option, a path conflict, NDJSON with bad lines"
  echo "(emit and fail), 404, GET on a POST route. Memory from the server's /metrics (RSS, live native bytes)."
  echo
  echo "| when | RSS MB | native live MB | answered | 5xx (server) | wrk |"
  echo "|---|---:|---:|---:|---:|---|"
  echo "| fresh server | $(mb "$(metric jsonflat_process_resident_bytes)") | $(mb "$(metric jsonflat_native_live_bytes)") | 0 | 0 | |"
  for round in 1 2; do
    target=$((round * TOTAL))
    start=$(date +%s.%N)
    nice -n 10 wrk -t2 -c64 -d600s -s bench/http/mixed.lua "http://127.0.0.1:$JF_PORT" -- "$SCRATCH/mixed.tsv" "$TOTAL" 2 >"$SCRATCH/mixed.txt" &
    WRK=$!
    PIDS+=("$WRK")
    # wrk's threads stop after their share, but wrk itself sleeps out -d: interrupt it (it then prints its
    # summary) once the server has answered every request.
    until [[ $(served) -ge $target ]] || ! kill -0 "$WRK" 2>/dev/null; do sleep 0.5; done
    sleep 1
    kill -INT "$WRK" 2>/dev/null || true
    wait "$WRK" || true
    elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    line=$(grep '^MIXED' "$SCRATCH/mixed.txt" || echo "MIXED (wrk printed no summary)")
    echo "| after round $round (${elapsed} s) | $(mb "$(metric jsonflat_process_resident_bytes)") | $(mb "$(metric jsonflat_native_live_bytes)") | $(served) | $(curl -s "http://127.0.0.1:$JF_PORT/metrics" | awk '/^jsonflat_http_requests_total\{.*status="5/ { n += $NF } END { print n + 0 }') | \`${line#MIXED }\` |"
    sleep 10
    echo "| round $round + 10 s idle | $(mb "$(metric jsonflat_process_resident_bytes)") | $(mb "$(metric jsonflat_native_live_bytes)") | | | |"
  done
  kill "$SAMPLER" 2>/dev/null || true
  alive=no; kill -0 "$JF_PID" 2>/dev/null && alive=yes
  echo
  echo "- peak RSS (sampled every 0.5 s): $(( $(sort -n "$SCRATCH/rss.txt" | tail -1) / 1024 )) MB"
  echo "- server process alive afterwards: $alive (pid $JF_PID, never restarted)"
  grep -c ' ERROR ' "$SCRATCH/jsonflat.log" | awk '{ print "- server log ERROR records: " $1 }' || true
}
echo "saved $REPORT" >&2
