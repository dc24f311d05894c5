#!/usr/bin/env bash
# The document stream against jf_flatten on the same records in pieces, native, side by side (stream_ratio.c).
#   bash bench/giant/stream-ratio.sh FILE [--chunk BYTES] [--piece BYTES] [--rounds N]
#   bash bench/giant/stream-ratio.sh FILE --only stream|pieces|none   (one untimed pass, for callgrind; none: the driver alone)
# FILE: an array document, e.g. `bun bench/giant/generate.ts --bytes 64M --shape array --out /tmp/g.json`.
# Library: JSONFLAT_LIB, else zig-out/lib/libjsonflat.so.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
driver=build/bench/stream_ratio
mkdir -p build/bench
if [ ! -x "$driver" ] || [ bench/giant/stream_ratio.c -nt "$driver" ] || [ c/include/jsonflat.h -nt "$driver" ]; then
  zig=.tools/zig/ziglang/zig
  if [ -x "$zig" ]; then cc=("$zig" cc); else cc=(${CC:-cc}); fi
  "${cc[@]}" -O2 -std=c11 -Ic/include bench/giant/stream_ratio.c -o "$driver.tmp" -ldl
  mv "$driver.tmp" "$driver"
fi
file=$1
shift
exec "$driver" "${JSONFLAT_LIB:-zig-out/lib/libjsonflat.so}" "$file" "$@"
