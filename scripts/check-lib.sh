#!/usr/bin/env bash
# Checks the built libraries for the promises ARCHITECTURE.md makes about them:
#   - only jf_* is exported (ELF, Mach-O, PE);
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

failed=0
for lib in "${libs[@]}"; do
  problems=()
  notes=()
  if syms="$(exports "$lib")"; then
    extra="$(grep -v '^jf_' <<<"$syms" || true)"
    [[ -z "$extra" ]] || problems+=("exports non-jf_ symbols: $(tr '\n' ' ' <<<"$extra")")
    notes+=("$(grep -c '^jf_' <<<"$syms" || true) jf_* exports")
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
