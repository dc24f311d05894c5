#!/usr/bin/env bash
# Bootstrap a checkout on a fresh machine, then build the native library for this machine:
#   Bun      from the npm registry  (npm ci)            -> node_modules/.bin/bun
#   Zig      from PyPI "ziglang"    (pip, hash-checked) -> .tools/zig/ziglang/zig
#   yyjson   from PyPI sdist "yyjson"          (pip download, hash-checked) -> c/vendor/yyjson/
#   mimalloc from crates.io "libmimalloc-sys"  (cargo fetch, hash-checked)  -> c/vendor/mimalloc/
#   zig build -Doptimize=ReleaseFast                    -> zig-out/lib/
# Needs node/npm, python3 with pip, cargo and tar. Versions and hashes: scripts/versions.env.
# Idempotent: what is already in place at the pinned version is skipped, so a re-run takes seconds.
#
# usage: bash scripts/setup.sh [--force] [--no-build]
#   --force     fetch and install everything again, even what is in place
#   --no-build  stop after the toolchain and sources
# env: PYTHON (default python3), CARGO_HOME, JSONFLAT_ZIG_WHEEL_SHA256 (extra accepted wheel hashes)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=versions.env
source scripts/versions.env

FORCE=0
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --no-build) BUILD=0 ;;
    -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

PYTHON="${PYTHON:-python3}"
ZIG="$ROOT/.tools/zig/ziglang/zig"
BUN="$ROOT/node_modules/.bin/bun"
VENDOR="$ROOT/c/vendor"
STAMP="$VENDOR/.stamp"
START=$SECONDS

say() { printf 'setup: [%3ss] %s\n' "$((SECONDS - START))" "$*"; } # elapsed since start
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: $2"; }
need_pip() {
  need "$PYTHON" "install Python 3 with pip (or set PYTHON)"
  "$PYTHON" -m pip --version >/dev/null 2>&1 || die "$PYTHON has no pip module (try: $PYTHON -m ensurepip)"
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  else die "need sha256sum or shasum to check downloads"; fi
}

check_sha256() { # file expected what
  local got
  got="$(sha256_of "$1")"
  [[ "$got" == "$2" ]] || die "$3: sha256 mismatch
  file:     $1
  expected: $2 (scripts/versions.env)
  got:      $got
Refusing to use it. If the pin was bumped on purpose, update scripts/versions.env."
}

TMP="$(mktemp -d "${TMPDIR:-/tmp}/jsonflat-setup.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# Package managers are chatty; keep their output unless they fail, then show all of it.
quiet() { # log-name command...
  local log="$TMP/$1.log"
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    return 1
  fi
}

# --- pins that other tools read must agree with versions.env ------------------------------
[[ -f .zig-version ]] || die ".zig-version is missing (it should hold $ZIG_VERSION)"
pinned_zig="$(tr -d ' \t\r\n' <.zig-version)"
[[ "$pinned_zig" == "$ZIG_VERSION" ]] ||
  die ".zig-version says $pinned_zig but scripts/versions.env says ZIG_VERSION=$ZIG_VERSION; make them equal"
need node "install Node.js (it provides npm, which installs Bun)"
pinned_bun="$(node -p 'require("./package.json").devDependencies?.bun ?? ""')"
[[ "$pinned_bun" == "$BUN_VERSION" ]] ||
  die "package.json devDependencies.bun is '$pinned_bun' but scripts/versions.env says BUN_VERSION=$BUN_VERSION; make them equal"

# --- Bun ----------------------------------------------------------------------------------
# The lock file's hash is kept beside the packages, so a dependency added later is installed on the next run.
LOCK_STAMP="$ROOT/node_modules/.jsonflat-lock.sha256"
lock_hash() { [[ -f package-lock.json ]] && sha256sum package-lock.json | cut -d' ' -f1 || echo none; }
if [[ $FORCE == 0 && -x "$BUN" && "$("$BUN" --version 2>/dev/null)" == "$BUN_VERSION" &&
      "$(cat "$LOCK_STAMP" 2>/dev/null)" == "$(lock_hash)" ]]; then
  say "bun $BUN_VERSION: already installed"
else
  need npm "install Node.js with npm"
  if [[ -f package-lock.json ]]; then
    say "bun $BUN_VERSION: npm ci"
    quiet npm npm ci --no-audit --no-fund || die "npm ci failed (output above)"
  else
    say "bun $BUN_VERSION: npm install (no package-lock.json)"
    quiet npm npm install --no-audit --no-fund || die "npm install failed (output above)"
  fi
  have="$("$BUN" --version 2>/dev/null || true)"
  [[ "$have" == "$BUN_VERSION" ]] || die "expected bun $BUN_VERSION in node_modules/.bin, found '${have:-nothing}'"
  lock_hash > "$LOCK_STAMP"
fi

# --- Zig ----------------------------------------------------------------------------------
zig_version() { "$ZIG" version 2>/dev/null || true; }
if [[ $FORCE == 0 && -x "$ZIG" && "$(zig_version)" == "$ZIG_VERSION" ]]; then
  say "zig $ZIG_VERSION: already installed"
else
  need_pip
  say "zig $ZIG_VERSION: pip install ziglang (wheel is ~100 MB; hash-checked)"
  # --require-hashes makes pip refuse any wheel whose sha256 is not in the list.
  req="$TMP/zig-requirements.txt"
  {
    printf 'ziglang==%s' "$ZIG_VERSION"
    for h in $ZIG_WHEEL_SHA256S ${JSONFLAT_ZIG_WHEEL_SHA256:-}; do printf ' --hash=sha256:%s' "$h"; done
    printf '\n'
  } >"$req"
  rm -rf .tools/zig
  quiet zig "$PYTHON" -m pip install --disable-pip-version-check --no-deps --only-binary=:all: \
    --require-hashes --target .tools/zig -r "$req" ||
    die "could not install ziglang==$ZIG_VERSION (pip output above). A hash mismatch means this host's
wheel ($(uname -sm)) is not among those pinned in scripts/versions.env: verify it yourself, then pass
its sha256 in JSONFLAT_ZIG_WHEEL_SHA256."
  [[ "$(zig_version)" == "$ZIG_VERSION" ]] || die "installed zig reports '$(zig_version)', expected $ZIG_VERSION"
fi

# --- vendored C sources -------------------------------------------------------------------
stamp_text="yyjson $YYJSON_C_VERSION from pypi:yyjson==$YYJSON_PYPI_VERSION sha256:$YYJSON_SDIST_SHA256
mimalloc $MIMALLOC_C_VERSION from crates:libmimalloc-sys==$MIMALLOC_CRATE_VERSION sha256:$MIMALLOC_CRATE_SHA256"

vendor_complete() {
  [[ -f "$STAMP" && "$(cat "$STAMP")" == "$stamp_text" ]] &&
    [[ -f "$VENDOR/yyjson/yyjson.c" && -f "$VENDOR/yyjson/yyjson.h" ]] &&
    [[ -f "$VENDOR/mimalloc/include/mimalloc.h" && -f "$VENDOR/mimalloc/src/static.c" ]]
}

fetch_yyjson() { # into $1
  local dir="$TMP/yyjson" name="yyjson-$YYJSON_PYPI_VERSION"
  say "yyjson $YYJSON_C_VERSION: pip download yyjson==$YYJSON_PYPI_VERSION (sdist)"
  mkdir -p "$dir"
  printf 'yyjson==%s --hash=sha256:%s\n' "$YYJSON_PYPI_VERSION" "$YYJSON_SDIST_SHA256" >"$dir/requirements.txt"
  # pip prepares the sdist's metadata (in an isolated build environment) before saving it.
  quiet yyjson "$PYTHON" -m pip download --disable-pip-version-check --no-deps --no-binary=:all: \
    --require-hashes -r "$dir/requirements.txt" -d "$dir" ||
    die "could not download the yyjson sdist, or its hash did not match (pip output above)"
  check_sha256 "$dir/$name.tar.gz" "$YYJSON_SDIST_SHA256" "yyjson sdist"
  tar -xzf "$dir/$name.tar.gz" -C "$dir" "$name/yyjson/yyjson.c" "$name/yyjson/yyjson.h" "$name/LICENSE" ||
    die "yyjson sdist does not have the expected layout ($name/yyjson/yyjson.{c,h})"
  mkdir -p "$1/yyjson"
  cp "$dir/$name/yyjson/yyjson.c" "$dir/$name/yyjson/yyjson.h" "$1/yyjson/"
  cp "$dir/$name/LICENSE" "$1/yyjson/LICENSE" # covers both the binding and yyjson.c/.h (MIT)
  grep -q "#define YYJSON_VERSION_STRING \"$YYJSON_C_VERSION\"" "$1/yyjson/yyjson.h" ||
    die "yyjson.h in $name is not version $YYJSON_C_VERSION"
}

fetch_mimalloc() { # into $1
  local dir="$TMP/mimalloc" name="libmimalloc-sys-$MIMALLOC_CRATE_VERSION"
  say "mimalloc $MIMALLOC_C_VERSION: cargo fetch libmimalloc-sys $MIMALLOC_CRATE_VERSION"
  # A throwaway package whose only dependency is the crate: cargo downloads it (checking the
  # registry's checksum) into its cache, from which we take the .crate archive.
  mkdir -p "$dir/fetch/src"
  : >"$dir/fetch/src/lib.rs"
  cat >"$dir/fetch/Cargo.toml" <<EOF
[package]
name = "jsonflat-vendor-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
libmimalloc-sys = "=$MIMALLOC_CRATE_VERSION"

[workspace]
EOF
  (cd "$dir/fetch" && quiet mimalloc cargo fetch) || die "cargo fetch failed (output above)"
  local crate="" candidate
  for candidate in "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$name.crate"; do
    [[ -f "$candidate" && "$(sha256_of "$candidate")" == "$MIMALLOC_CRATE_SHA256" ]] && crate="$candidate" && break
    [[ -f "$candidate" ]] && crate="$candidate" # wrong hash: remembered so check_sha256 reports it
  done
  [[ -n "$crate" ]] || die "cargo fetch succeeded but $name.crate is not in ${CARGO_HOME:-$HOME/.cargo}/registry/cache/"
  check_sha256 "$crate" "$MIMALLOC_CRATE_SHA256" "$name.crate"
  local v2="$name/c_src/mimalloc/v2"
  tar -xzf "$crate" -C "$dir" "$v2/include" "$v2/src" "$v2/LICENSE" ||
    die "$name.crate does not have the expected layout ($v2/{include,src})"
  mkdir -p "$1/mimalloc"
  cp -R "$dir/$v2/include" "$dir/$v2/src" "$dir/$v2/LICENSE" "$1/mimalloc/"
  local want_num
  want_num="$(awk -F. '{ printf "%d%02d%02d", $1, $2, $3 }' <<<"$MIMALLOC_C_VERSION")"
  grep -q "#define MI_MALLOC_VERSION $want_num" "$1/mimalloc/include/mimalloc.h" ||
    die "mimalloc.h in $name is not version $MIMALLOC_C_VERSION"
}

if [[ $FORCE == 0 ]] && vendor_complete; then
  say "vendor sources: yyjson $YYJSON_C_VERSION, mimalloc $MIMALLOC_C_VERSION already in c/vendor"
else
  need_pip
  need cargo "install Rust's cargo (it fetches the mimalloc sources from crates.io)"
  need tar "install tar"
  # Assemble next to c/vendor (same file system) and swap it in with one rename, so a build
  # running meanwhile sees either the old tree or the new one, never half of it.
  mkdir -p .tools
  staging="$(mktemp -d "$ROOT/.tools/vendor.XXXXXX")"
  trap 'rm -rf "$TMP" "$staging"' EXIT
  fetch_yyjson "$staging"
  fetch_mimalloc "$staging"
  printf '%s\n' "$stamp_text" >"$staging/.stamp"
  chmod 755 "$staging" # mktemp makes it 0700
  old="$ROOT/.tools/vendor.old.$$"
  [[ -e "$VENDOR" ]] && mv "$VENDOR" "$old"
  mv "$staging" "$VENDOR"
  rm -rf "$old"
  say "vendor sources: c/vendor ready (yyjson $YYJSON_C_VERSION, mimalloc $MIMALLOC_C_VERSION)"
fi

# --- native library -----------------------------------------------------------------------
if [[ $BUILD == 1 ]]; then
  say "building libjsonflat for this machine: zig build -Doptimize=ReleaseFast"
  "$ZIG" build -Doptimize=ReleaseFast || die "zig build failed (output above)"
  lib="$(ls zig-out/lib/libjsonflat.so zig-out/lib/libjsonflat.dylib zig-out/lib/jsonflat.dll 2>/dev/null | head -n1 || true)"
  [[ -n "$lib" ]] || die "zig build succeeded but no library is in zig-out/lib/"
  say "library: $lib"
fi

say "done in $((SECONDS - START))s"
