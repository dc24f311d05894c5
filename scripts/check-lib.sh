#!/usr/bin/env bash
# Checks the built libraries for the promises ARCHITECTURE.md makes about them:
#   - the file format and CPU match the target folder (ELF/Mach-O/PE; x86-64 or aarch64), by `file`;
#   - the exports are exactly the JF_API functions of c/include/jsonflat.h (ELF, Mach-O, PE);
#   - ELF: DF_1_NODELETE is set (never unloaded) and there is no static TLS (dlopen-able);
#   - linux-gnu folders: no glibc symbol newer than 2.17 (loads on old distributions).
# usage: bash scripts/check-lib.sh [library...]   (default: every library under zig-out/)
# Uses binutils or LLVM tools when present; a check whose tool is missing is reported as skipped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

have() { command -v "$1" >/dev/null 2>&1; }
NM=""; for t in llvm-nm nm; do have "$t" && { NM="$t"; break; }; done
OBJDUMP=""; for t in objdump llvm-objdump; do have "$t" && { OBJDUMP="$t"; break; }; done
READELF=""; for t in readelf llvm-readelf; do have "$t" && { READELF="$t"; break; }; done

if [[ $# -gt 0 ]]; then
  libs=("$@")
else
  shopt -s nullglob
  libs=(zig-out/*/libjsonflat.so zig-out/*/libjsonflat.dylib zig-out/*/jsonflat.dll)
  shopt -u nullglob
fi
[[ ${#libs[@]} -gt 0 ]] || { echo "check-lib: no libraries under zig-out/ (run zig build first)" >&2; exit 1; }

# Prints the exported (defined, global) symbol names of $1, one per line, or fails if no tool.
exports() {
  case "$1" in
    *.so) [[ -n $NM ]] && "$NM" -D --defined-only "$1" | awk 'NF >= 3 { print $3 }' ;;
    # Mach-O names carry a leading underscore; the two dyld header symbols are always there.
    *.dylib) [[ $NM == llvm-nm ]] && "$NM" --extern-only --defined-only "$1" |
      awk 'NF >= 3 { print $3 }' | sed 's/^_//' | grep -v -x -e '__dso_handle' -e '_mh_dylib_header' ;;
    *.dll) [[ -n $OBJDUMP ]] && "$OBJDUMP" -p "$1" |
      awk '/\[Ordinal\/Name Pointer\] Table/ { on = 1; next } on && /^\t\[/ { print $NF; next } on { on = 0 }' ;;
    *) return 1 ;;
  esac
}

# The functions the header declares (one `JF_API type name(` per line), sorted.
EXPECTED="$(grep -oE '^JF_API [^(]*\bjf_[a-z0-9_]+\(' c/include/jsonflat.h | grep -oE 'jf_[a-z0-9_]+\($' | tr -d '(' | sort)"

# A pattern (bash regex) for what `file` says of the library $1: format and CPU from its folder name
# (zig-out/lib: this host), plus a short name for the report.
expected_format() {
  local dir arch
  dir="$(basename "$(dirname "$1")")"
  arch="${dir%%-*}"
  [[ $dir == lib ]] && arch="$(uname -m)"
  case "$1:$arch" in
    *.so:x86_64) echo "^ELF 64-bit LSB shared object, x86-64|ELF x86-64" ;;
    *.so:aarch64) echo "^ELF 64-bit LSB shared object, ARM aarch64|ELF aarch64" ;;
    *.dylib:x86_64) echo "^Mach-O 64-bit x86_64 dynamically linked shared library|Mach-O x86_64" ;;
    *.dylib:aarch64) echo "^Mach-O 64-bit arm64 dynamically linked shared library|Mach-O arm64" ;;
    *.dll:x86_64) echo "^PE32\+ executable \(DLL\).* x86-64|PE32+ DLL x86-64" ;;
  esac
}

failed=0
for lib in "${libs[@]}"; do
  problems=()
  notes=()
  if have file && want="$(expected_format "$lib")" && [[ -n $want ]]; then
    got="$(file -b "$lib")"
    if [[ $got =~ ${want%|*} ]]; then notes+=("${want##*|}"); else problems+=("format: $got (want ${want##*|})"); fi
  else
    notes+=("format not checked (no \`file\` or unknown target)")
  fi
  if syms="$(exports "$lib")"; then
    extra="$(grep -v '^jf_' <<<"$syms" || true)"
    [[ -z "$extra" ]] || problems+=("exports non-jf_ symbols: $(tr '\n' ' ' <<<"$extra")")
    missing="$(comm -23 <(echo "$EXPECTED") <(sort <<<"$syms"))"
    unexpected="$(comm -13 <(echo "$EXPECTED") <(grep '^jf_' <<<"$syms" | sort))"
    [[ -z "$missing" ]] || problems+=("missing exports: $(tr '\n' ' ' <<<"$missing")")
    [[ -z "$unexpected" ]] || problems+=("exports not in jsonflat.h: $(tr '\n' ' ' <<<"$unexpected")")
    notes+=("$(grep -c '^jf_' <<<"$syms" || true) jf_* exports = jsonflat.h")
  else
    notes+=("exports not checked (no tool for this format)")
  fi
  if [[ "$lib" == *.so ]]; then
    if [[ -n $READELF ]]; then
      dyn="$("$READELF" -d "$lib")"
      grep -q 'FLAGS_1.*NODELETE' <<<"$dyn" && notes+=("nodelete") || problems+=("DF_1_NODELETE not set")
      ! grep -q 'STATIC_TLS' <<<"$dyn" || problems+=("uses static TLS (DF_STATIC_TLS): dlopen may fail")
    else
      notes+=("dynamic section not checked (no readelf)")
    fi
    if [[ "$lib" == *-linux-gnu/* && -n $NM ]]; then
      newest="$("$NM" -D "$lib" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n | tail -n1)"
      if [[ -n "$newest" && "$(printf '%s\n2.17\n' "$newest" | sort -t. -k1,1n -k2,2n | tail -n1)" != "2.17" ]]; then
        problems+=("needs glibc $newest (> 2.17)")
      else
        notes+=("glibc <= 2.17")
      fi
    fi
  fi
  size="$(wc -c <"$lib" | tr -d ' ')"
  if [[ ${#problems[@]} -eq 0 ]]; then
    printf 'ok    %-42s %7s bytes  %s\n' "$lib" "$size" "$(IFS=,; echo "${notes[*]}" | sed 's/,/, /g')"
  else
    failed=1
    printf 'FAIL  %-42s %s\n' "$lib" "$(printf '%s; ' "${problems[@]}" | sed 's/; $//')"
  fi
done
exit $failed
