#!/usr/bin/env bash
# jsonflat bytes -> bytes as % of the yyjson parse+write ceiling, side by side in one process.
#   bash bench/ceiling/ratio.sh [--rounds N] [FILE...]          (default: the bench corpus in ../shared/data/bench)
#   bash bench/ceiling/ratio.sh --only jsonflat|ceiling --calls N FILE   (untimed, for callgrind)
# Library: JSONFLAT_LIB, else zig-out/lib/libjsonflat.so. Builds the ceiling (build.sh) and the driver first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
ceiling=$(bash bench/ceiling/build.sh | tail -n 1)
driver=build/bench/ratio
if [ ! -x "$driver" ] || [ bench/ceiling/ratio.c -nt "$driver" ] || [ c/include/jsonflat.h -nt "$driver" ]; then
  zig=.tools/zig/ziglang/zig
  if [ -x "$zig" ]; then cc=("$zig" cc); else cc=(${CC:-cc}); fi
  "${cc[@]}" -O2 -std=c11 -Ic/include bench/ceiling/ratio.c -o "$driver.tmp" -ldl
  mv "$driver.tmp" "$driver"
fi
lib=${JSONFLAT_LIB:-zig-out/lib/libjsonflat.so}
opts=()
while [ $# -gt 0 ] && [[ $1 == --* ]]; do opts+=("$1" "$2"); shift 2; done
if [ $# -eq 0 ]; then
  set -- "$root"/../shared/data/bench/*.json
fi
exec "$driver" "$lib" "$ceiling" "${opts[@]}" "$@"
