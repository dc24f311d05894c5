#!/usr/bin/env bash
# Installs and builds the benchmark's peers; a peer that cannot be had is reported and left out (the suite
# then skips it with the same reason). Idempotent and quick when everything is there.
#   Debian: jq, gron (apt-get, when root and missing; --no-apt skips this step)
#   PyPI:   bench/.venv with requirements.txt (pinned): flatten_json, pandas, duckdb
#   Go:     build/bench/goflat from bench/peers/go (standard library only)
#   C:      build/bench/yyjson_cli and the ceiling library (bench/ceiling/build.sh)
# npm `flat` and Bun come with the project's own `npm ci` (scripts/setup.sh); Node from Debian when missing.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
say() { echo "bench setup: $*" >&2; }

if [[ ${1:-} != --no-apt ]]; then
  missing=()
  command -v jq >/dev/null || missing+=(jq)
  command -v gron >/dev/null || missing+=(gron)
  command -v node >/dev/null || missing+=(nodejs)
  if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
      say "apt-get install ${missing[*]}"
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null 2>&1 ||
        say "skip: apt-get could not install ${missing[*]} (those peers will be skipped)"
    else
      say "skip: ${missing[*]} missing and apt-get unavailable without root"
    fi
  fi
fi

venv=bench/.venv
stamp=$venv/.requirements
if [[ ! -f $stamp ]] || ! cmp -s bench/peers/requirements.txt "$stamp"; then
  if python3 -m venv "$venv" >/dev/null 2>&1 && "$venv/bin/pip" install -q --disable-pip-version-check -r bench/peers/requirements.txt >&2; then
    cp bench/peers/requirements.txt "$stamp"
    say "bench/.venv ready"
  else
    say "skip: could not make bench/.venv (the Python peers will be skipped)"
  fi
fi

mkdir -p build/bench
if command -v go >/dev/null; then
  (cd bench/peers/go && GOFLAGS=-mod=mod go build -o ../../../build/bench/goflat .) || say "skip: go build failed (the Go peer will be skipped)"
else
  say "skip: go is not installed (the Go peer will be skipped)"
fi

bash bench/ceiling/build.sh >/dev/null || say "skip: bench/ceiling/build.sh failed (the ceiling will be skipped)"
exit 0
