#!/usr/bin/env bash
# Builds the yyjson parse+write ceiling used by bench/flatten.bench.ts and bench/run.sh:
#   build/bench/libjfbench_ceiling.<so|dylib>   (dlopened by the mitata benchmark)
#   build/bench/yyjson_cli                     (the ceiling as a file -> file program, bench/peers/yyjson.ts)
# Prints the library's path on its last line.
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

fresh() { # target sources...: the target exists and is newer than every source
  local target=$1 s
  shift
  [ -f "$target" ] && [ "${force:-}" != "--force" ] || return 1
  for s in "$@" "$0"; do [ "$target" -nt "$s" ] || return 1; done
}
force=${1:-}
cli=build/bench/yyjson_cli
cli_src=bench/ceiling/yyjson_cli.c
if fresh "$out" "$src" "$yy" "$mi" && fresh "$cli" "$cli_src" "$yy" "$mi"; then
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
"${compiler[@]}" -O3 -std=c11 -Dyyjson_api= -DNDEBUG -DYYJSON_DISABLE_UTILS=1 \
  -DMI_DEBUG=0 -DMI_SECURE=0 -DMI_STAT=0 \
  -Wno-builtin-macro-redefined '-D__DATE__="n/a"' '-D__TIME__="n/a"' \
  -Ic/vendor/yyjson -Ic/vendor/mimalloc/include "$cli_src" "$yy" "$mi" -o "$cli.tmp" -lpthread
mv "$cli.tmp" "$cli"
echo "$out"
