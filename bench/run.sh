#!/usr/bin/env bash
# The whole benchmark in one command: install and build the peers (bench/peers/setup.sh), then run every
# workload against every peer under nice (bench/suite.ts), writing bench/results/<date>-<machine>.{json,md}
# and SVG charts. Arguments go to the suite (e.g. --quick, --sizes 100M,1G); see bench/README.md.
#   bash bench/run.sh                 # full run (about half an hour on 2 cores)
#   bash bench/run.sh --quick         # smoke: small inputs, one run each, results in bench/results/tmp/quick
#   bash bench/run.sh --no-setup ...  # skip installing peers
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
args=()
setup=1
for a in "$@"; do
  if [[ $a == --no-setup ]]; then setup=0; elif [[ $a != -- ]]; then args+=("$a"); fi
done
[[ -x node_modules/.bin/bun ]] || { echo "bench/run.sh: Bun is missing; run \`bash scripts/setup.sh\` first" >&2; exit 1; }
if ((setup)); then bash bench/peers/setup.sh; fi
exec nice -n 10 node_modules/.bin/bun bench/suite.ts "${args[@]}"
