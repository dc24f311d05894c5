#!/usr/bin/env bash
# Differential check for speed work: a baseline build of libjsonflat against the current one, byte for byte.
#   cp zig-out/lib/libjsonflat.so /tmp/base.so   (before the change)
#   bash bench/ceiling/same.sh /tmp/base.so [FILE...]   (default: bench corpus, Open Library samples, JSONTestSuite)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
base=$1
shift
driver=build/bench/same
mkdir -p build/bench
if [ ! -x "$driver" ] || [ bench/ceiling/same.c -nt "$driver" ]; then
  zig=.tools/zig/ziglang/zig
  if [ -x "$zig" ]; then cc=("$zig" cc); else cc=(${CC:-cc}); fi
  "${cc[@]}" -O2 -std=c11 -Ic/include bench/ceiling/same.c -o "$driver.tmp" -ldl
  mv "$driver.tmp" "$driver"
fi
data="$root/../shared/data"
if [ $# -eq 0 ]; then
  set -- "$data"/bench/*.json "$data"/openlibrary/*.txt "$data"/JSONTestSuite/test_parsing/*.json
fi
exec "$driver" "$base" "${JSONFLAT_LIB:-zig-out/lib/libjsonflat.so}" "$@"
