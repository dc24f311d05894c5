#!/usr/bin/env bash
# Installs the real CSV readers the table tests check jsonflat's CSV and TSV against (DuckDB's read_csv and
# pandas' read_csv, test/table-readers.test.ts) into .tools/tables-venv, pinned by
# scripts/setup-tables.requirements.txt. Idempotent: quick when the venv matches the pins. Says plainly when
# it cannot (no python3 venv, no registry): the readers test then fails with the same message
# (JSONFLAT_SKIP_TABLE_READERS=1 turns that failure into a visible skip).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv=.tools/tables-venv
pins=scripts/setup-tables.requirements.txt
stamp=$venv/.requirements
if [[ -f $stamp ]] && cmp -s "$pins" "$stamp"; then
  echo "tables: $venv ready (duckdb, pandas)"
  exit 0
fi
mkdir -p .tools
if ! python3 -m venv "$venv" >/tmp/jsonflat-tables-venv.log 2>&1; then
  echo "tables: python3 -m venv failed (see /tmp/jsonflat-tables-venv.log): install python3-venv" >&2
  exit 1
fi
if ! "$venv/bin/pip" install -q --disable-pip-version-check -r "$pins" >>/tmp/jsonflat-tables-venv.log 2>&1; then
  echo "tables: pip could not install $pins (see /tmp/jsonflat-tables-venv.log)" >&2
  tail -5 /tmp/jsonflat-tables-venv.log >&2
  exit 1
fi
cp "$pins" "$stamp"
echo "tables: $venv ready (duckdb, pandas)"
