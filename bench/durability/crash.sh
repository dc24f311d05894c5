#!/usr/bin/env bash
# bench/durability/crash.sh — the long power-loss and fault enumeration (minutes; CI runs the short one).
#
#   1. c/test/test_wal_crash.c with JF_CRASH_FULL=1: a third workload with large unsynced batches and more
#      sector subsets per crash point (scripts/ctest.sh plain, no sanitizer: the states are what takes time);
#   2. test/journal-crash.test.ts with JSONFLAT_JOURNAL_CRASH_FULL=1: every resume of every crash point
#      recorded and crashed in turn.
# Each prints how many crash points, states and injected faults it checked. Exit status non-zero on any failure.
# What the model assumes and what the runs found: docs/hardening.md, "Durability: power loss and I/O faults".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
JF_CRASH_FULL=1 nice -n 10 bash scripts/ctest.sh plain test_wal_crash
JSONFLAT_JOURNAL_CRASH_FULL=1 nice -n 10 node_modules/.bin/bun test --timeout 600000 test/journal-crash.test.ts
