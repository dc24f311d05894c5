#!/usr/bin/env bash
# scripts/verify-target.sh — runs the Bun test suite with a library built for another Linux target,
# under that target's own Bun build (from the npm registry, at the pinned BUN_VERSION).
#
#   scripts/verify-target.sh TARGET [bun test arguments...]     (default: every test file)
#
#   TARGET         Bun package                        runs through                               library
#   aarch64-gnu    @oven/bun-linux-aarch64            qemu-aarch64 -L /usr/aarch64-linux-gnu     zig-out/aarch64-linux-gnu/
#   aarch64-musl   @oven/bun-linux-aarch64-musl       qemu-aarch64 -L .tools/aarch64-musl-root   zig-out/aarch64-linux-musl/
#   x64-musl       @oven/bun-linux-x64-musl           Debian's musl loader, natively             zig-out/x86_64-linux-musl/
#
# Bun's musl builds need libstdc++.so.6 and libgcc_s.so.1 built for musl, which Debian does not ship.
# They run instead with Debian's glibc builds of those two plus scripts/musl-shim/glibc-compat.c, the
# handful of glibc-only symbols they import, built with zig cc for musl:
#   x64-musl      under the soname ld-linux-x86-64.so.2 that x86-64 libstdc++ lists as needed, all three
#                 in .tools/musl-compat/ on LD_LIBRARY_PATH;
#   aarch64-musl  aarch64 libstdc++ needs no loader by name, so the sysroot's copies of the two get the
#                 shim added to their needed list (patchelf). The sysroot .tools/aarch64-musl-root/ holds
#                 Debian's musl:arm64 (apt-get download; needs `dpkg --add-architecture arm64`), whose
#                 loader searches /lib/aarch64-linux-musl, where the three libraries go.
#
# Under qemu, child processes (CLI runs, crash tests) are aarch64 Buns too, and without binfmt_misc the
# kernel cannot exec them: the tests start children through JSONFLAT_TEST_BUN (test/fixtures/child-bun.ts),
# here a wrapper named `bun` that runs the target's Bun under qemu. A preload (the WAL fault shim) is
# meant for the guest, so the wrapper hands it to qemu's -E instead of letting the host loader see it.
#
# Needs (installed with apt-get when missing and allowed): qemu-user, plus libc6-arm64-cross for
# aarch64-gnu; libstdc++6-arm64-cross, libgcc-s1-arm64-cross, patchelf and musl:arm64 for aarch64-musl;
# musl for x64-musl. The Bun package is fetched once with `npm pack` into .tools/bun-<target>/. The
# library must have been built by `zig build -Dall`; the test run loads it through JSONFLAT_LIB.
# Prints bun's own summary; exit status is bun's.
# With JF_EACH_FILE=1 each test file runs in its own bun process (one crash or hang under emulation
# cannot hide the other files' results); a failing file's log tail is printed, and a per-file table of
# pass/fail counts and seconds (to budget CI's 90 minutes) and an "N passed, N failed" total end the output.
# Environment: JF_NO_APT=1 (never call apt-get).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=versions.env
source scripts/versions.env
ZIG=.tools/zig/ziglang/zig

TARGET=${1:-}
[ -n "$TARGET" ] || { echo "usage: $0 aarch64-gnu|aarch64-musl|x64-musl [bun test args...]" >&2; exit 2; }
shift

may_apt() { [ "${JF_NO_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ]; }
apt_need() { # file-or-command package...
  command -v "$1" >/dev/null 2>&1 || [ -e "$1" ] && return 0
  may_apt || { echo "verify-target: $1 missing (apt-get install ${*:2})" >&2; exit 1; }
  shift
  { apt-get install -y -qq "$@" || { apt-get update -qq && apt-get install -y -qq "$@"; }; } >/dev/null
}

# Debian's musl:arm64 unpacked into a sysroot for qemu -L, with the C++ runtime beside its libc.
aarch64_musl_root() { # dir
  local root=$1 lib=$1/lib/aarch64-linux-musl cross=/usr/aarch64-linux-gnu/lib
  [ -e "$root/lib/ld-musl-aarch64.so.1" ] || aarch64_musl_unpack "$root"
  cp -f "$cross/libstdc++.so.6" "$cross/libgcc_s.so.1" "$lib/"
  "$ZIG" cc -target aarch64-linux-musl -shared -fPIC -O2 -Wl,-soname,libglibc-compat.so \
    scripts/musl-shim/glibc-compat.c -o "$lib/libglibc-compat.so"
  patchelf --add-needed libglibc-compat.so "$lib/libstdc++.so.6"
  patchelf --add-needed libglibc-compat.so "$lib/libgcc_s.so.1"
}

aarch64_musl_unpack() { # dir
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    may_apt || { echo "verify-target: needs dpkg --add-architecture arm64" >&2; exit 1; }
    dpkg --add-architecture arm64 && apt-get update -qq >/dev/null
  fi
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq musl:arm64 2>/dev/null) || { apt-get update -qq >/dev/null && (cd "$tmp" && apt-get download -qq musl:arm64); }
  mkdir -p "$1"
  dpkg-deb -x "$tmp"/musl_*_arm64.deb "$1"
  rm -rf "$tmp"
  ln -sf ld-musl-aarch64.so.1 "$1/lib/libc.musl-aarch64.so.1"
}

# A `bun` that runs the target's Bun under qemu with the given sysroot (see the header).
qemu_wrapper() { # wrapper sysroot bun
  mkdir -p "$(dirname "$1")"
  cat >"$1" <<WRAPPER
#!/bin/sh
if [ -n "\${LD_PRELOAD:-}" ]; then
  preload=\$LD_PRELOAD; unset LD_PRELOAD
  exec qemu-aarch64 -L "$2" -E LD_PRELOAD="\$preload" "$3" "\$@"
fi
exec qemu-aarch64 -L "$2" "$3" "\$@"
WRAPPER
  chmod +x "$1"
}

case "$TARGET" in
  aarch64-gnu)
    PKG=@oven/bun-linux-aarch64; LIB=zig-out/aarch64-linux-gnu/libjsonflat.so
    apt_need qemu-aarch64 qemu-user
    apt_need /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 libc6-arm64-cross
    ;;
  aarch64-musl)
    PKG=@oven/bun-linux-aarch64-musl; LIB=zig-out/aarch64-linux-musl/libjsonflat.so
    apt_need qemu-aarch64 qemu-user
    apt_need patchelf patchelf
    apt_need /usr/aarch64-linux-gnu/lib/libstdc++.so.6 libstdc++6-arm64-cross libgcc-s1-arm64-cross
    ;;
  x64-musl)
    PKG=@oven/bun-linux-x64-musl; LIB=zig-out/x86_64-linux-musl/libjsonflat.so
    apt_need /lib/ld-musl-x86_64.so.1 musl
    ;;
  *) echo "verify-target: unknown target $TARGET (aarch64-gnu, aarch64-musl, x64-musl)" >&2; exit 2 ;;
esac
[ -f "$LIB" ] || { echo "verify-target: $LIB missing (run: $ZIG build -Dall)" >&2; exit 1; }

DIR=.tools/bun-$TARGET
if [ ! -x "$DIR/bin/bun" ]; then
  mkdir -p "$DIR"
  tarball=$(cd "$DIR" && npm pack --silent "$PKG@$BUN_VERSION" | tail -n1)
  tar -xzf "$DIR/$tarball" -C "$DIR" --strip-components=1
  rm -f "$DIR/$tarball"
  chmod +x "$DIR/bin/bun"
fi
BUN=$ROOT/$DIR/bin/bun
file -b "$BUN" 2>/dev/null | sed 's/^/verify-target: bun binary: /' || true
file -b "$LIB" 2>/dev/null | sed 's/^/verify-target: library: /' || true

export JSONFLAT_LIB=$ROOT/$LIB
case "$TARGET" in
  aarch64-gnu)
    qemu_wrapper "$ROOT/$DIR/wrap/bun" /usr/aarch64-linux-gnu "$BUN"
    export JSONFLAT_TEST_BUN=$ROOT/$DIR/wrap/bun
    ;;
  aarch64-musl)
    aarch64_musl_root "$ROOT/.tools/aarch64-musl-root"
    qemu_wrapper "$ROOT/$DIR/wrap/bun" "$ROOT/.tools/aarch64-musl-root" "$BUN"
    export JSONFLAT_TEST_BUN=$ROOT/$DIR/wrap/bun
    ;;
  x64-musl)
    COMPAT=$ROOT/.tools/musl-compat
    mkdir -p "$COMPAT"
    cp -f /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1 "$COMPAT/"
    "$ZIG" cc -target x86_64-linux-musl -shared -fPIC -O2 -Wl,-soname,ld-linux-x86-64.so.2 \
      scripts/musl-shim/glibc-compat.c -o "$COMPAT/ld-linux-x86-64.so.2"
    export LD_LIBRARY_PATH=$COMPAT${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    ;;
esac
run=("${JSONFLAT_TEST_BUN:-$BUN}")
echo "verify-target: ${run[*]} test $* (JSONFLAT_LIB=$LIB)"
"${run[@]}" --version
if [ "${JF_EACH_FILE:-0}" = 1 ]; then
  files=("$@")
  [ ${#files[@]} -gt 0 ] || mapfile -t files < <(ls test/*.test.ts)
  summary=()
  status=0 passed=0 failed=0
  for f in "${files[@]}"; do
    log=$(mktemp) t0=$SECONDS
    rc=0; "${run[@]}" test --timeout 300000 "$f" >"$log" 2>&1 || rc=$?
    p=$(grep -aoE '^ *[0-9]+ pass$' "$log" | tail -1 | tr -dc '0-9' || true)
    fl=$(grep -aoE '^ *[0-9]+ fail$' "$log" | tail -1 | tr -dc '0-9' || true)
    summary+=("$(printf '%-36s exit %3s  %5s pass %5s fail %5ss' "$f" "$rc" "${p:-?}" "${fl:-?}" "$((SECONDS - t0))")")
    passed=$((passed + ${p:-0}))
    # A file that failed without a count (a crash, say) counts as one failure.
    failed=$((failed + ${fl:-0})); [ $rc = 0 ] || [ "${fl:-0}" != 0 ] || failed=$((failed + 1))
    if [ $rc != 0 ]; then
      status=1
      echo "verify-target: $f failed (exit $rc); the end of its log:"
      tail -n 60 "$log" | sed 's/^/    /'
    fi
    rm -f "$log"
  done
  printf '%s\n' "${summary[@]}"
  echo "$passed passed, $failed failed"
  exit $status
fi
# Emulation is 5-20x slower than native: allow 5 minutes a test.
"${run[@]}" test --timeout 300000 "$@"
