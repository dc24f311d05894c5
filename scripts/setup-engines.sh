#!/usr/bin/env bash
# The engines the shard tests run jsonflat under (test/shard-engines.test.ts): GNU parallel (Debian apt) and
# Apache Spark in local mode (pyspark from PyPI, in its own venv under .tools/; Java 17 must be installed).
# Idempotent, versions pinned: a second run checks and does nothing.
# usage: bash scripts/setup-engines.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYSPARK_VERSION=4.3.0
VENV=.tools/spark-venv

if ! command -v parallel >/dev/null 2>&1; then
  echo "setup-engines: GNU parallel: apt-get install parallel"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq parallel >/dev/null
fi
parallel --version | head -1

if ! command -v java >/dev/null 2>&1; then
  echo "setup-engines: java not found: Spark needs a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)" >&2
  exit 1
fi

if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
  echo "setup-engines: pyspark $PYSPARK_VERSION: pip install into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "pyspark==$PYSPARK_VERSION"
fi
"$VENV/bin/python" -c "import pyspark; print('pyspark', pyspark.__version__)"
