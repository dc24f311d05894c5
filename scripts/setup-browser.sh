#!/usr/bin/env bash
# Installs Debian's chromium for the browser test (test/server-browser.test.ts) when it is missing.
# Says plainly when it cannot (no apt, not root, no network): the browser test then fails with the same
# message instead of passing silently (JSONFLAT_SKIP_BROWSER=1 turns that failure into a visible skip).
set -uo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "browser: $(chromium --version 2>/dev/null | head -1) at $(command -v chromium)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser: chromium is not installed and apt-get is not available: install chromium to run the browser test" >&2
  exit 1
fi
if [[ $(id -u) != 0 ]]; then
  echo "browser: chromium is not installed and apt-get needs root: run 'apt-get install chromium' as root" >&2
  exit 1
fi
echo "browser: installing chromium with apt-get (about 100 MB)"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >/tmp/jsonflat-apt-chromium.log 2>&1; then
  echo "browser: apt-get could not install chromium (see /tmp/jsonflat-apt-chromium.log)" >&2
  tail -5 /tmp/jsonflat-apt-chromium.log >&2
  exit 1
fi
echo "browser: $(chromium --version 2>/dev/null | head -1) installed"
