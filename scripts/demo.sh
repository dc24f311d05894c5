#!/usr/bin/env bash
# The README's main job: set up, then flatten the bench corpus's citm_catalog.json and print
# a summary. The demo itself is scripts/demo.ts; arguments are passed on to it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
[[ -f scripts/demo.ts ]] || { echo "demo: scripts/demo.ts does not exist yet" >&2; exit 1; }
exec node_modules/.bin/bun scripts/demo.ts "$@"
