#!/usr/bin/env bash
# Builds the yyjson parse+write ceiling used by bench/flatten.bench.ts:
#   build/bench/libjfbench_ceiling.<so|dylib>
# Compiler: .tools/zig/ziglang/zig cc (the toolchain the library is built with) when present,
# else $CC, else cc. -O3 either way. Rebuilds only when a source is newer than the library.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

case "$(uname -s)" in
  Darwin) ext=dylib ;;
  *) ext=so ;;
esac
out="build/bench/libjfbench_ceiling.$ext"
src=bench/ceiling/yyjson_roundtrip.c
yy=c/vendor/yyjson/yyjson.c
mi=c/vendor/mimalloc/src/static.c

for f in "$yy" "$mi"; do
  if [ ! -f "$f" ]; then
    echo "bench/ceiling/build.sh: $f is missing; run \`bash scripts/setup.sh\` first" >&2
    exit 1
  fi
done

if [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$yy" ] && [ "$out" -nt "$mi" ] && [ "$out" -nt "$0" ] && [ "${1:-}" != "--force" ]; then
  echo "$out"
  exit 0
fi

zig=.tools/zig/ziglang/zig
if [ -x "$zig" ]; then
  compiler=("$zig" cc)
else
  compiler=(${CC:-cc})
fi

tls=()
[ "$(uname -s)" = Linux ] && tls=(-DMI_LOCAL_DYNAMIC_TLS=1 -ftls-model=local-dynamic)

mkdir -p build/bench
# yyjson and mimalloc configured as build.zig configures them for the library: no yyjson utils,
# standard JSON only, everything hidden but our two symbols; mimalloc in release mode without
# overriding malloc, with dlopen-able TLS.
"${compiler[@]}" -O3 -std=c11 -fPIC -shared -fvisibility=hidden -Dyyjson_api= \
  -DNDEBUG -DYYJSON_DISABLE_UTILS=1 \
  -DMI_DEBUG=0 -DMI_SECURE=0 -DMI_STAT=0 "${tls[@]}" \
  -Wno-builtin-macro-redefined '-D__DATE__="n/a"' '-D__TIME__="n/a"' \
  -Ic/vendor/yyjson -Ic/vendor/mimalloc/include "$src" "$yy" "$mi" -o "$out.tmp" -lpthread
mv "$out.tmp" "$out"
echo "$out"
