"""The DuckDB peer (PyPI duckdb): its JSON functions flatten in SQL, file -> file.

read_json_objects reads each document (one, or one per line) as JSON; json_tree lists every node with its
JSONPath; the leaves (scalars, empty objects and arrays) are gathered back per document with
string_agg in document order (json_group_object is a macro that takes no ORDER BY), and COPY writes one flattened object per line.

    python duckdb_peer.py [--ndjson] INPUT OUTPUT
    python duckdb_peer.py [--ndjson] --runs R --min-seconds S INPUT     (the query into a temporary file)
"""
import json
import os
import sys
import tempfile
import time
import argparse

import duckdb

QUERY = """
COPY (
  SELECT '{{' || string_agg(to_json(regexp_replace(t.fullkey, '^\\$\\.?', '')) || ':' || t.value, ',' ORDER BY t.id) || '}}'
  FROM (SELECT row_number() OVER () AS doc, json FROM read_json_objects(?, format := '{fmt}', maximum_object_size := 1073741824)) AS d,
       json_tree(d.json) AS t
  WHERE t.type NOT IN ('OBJECT', 'ARRAY') OR t.value IN ('{{}}', '[]')
  GROUP BY d.doc ORDER BY d.doc
) TO '{out}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')
"""


def flatten_file(connection, source, target, ndjson):
    fmt = "newline_delimited" if ndjson else "auto"
    safe = target.replace("'", "''")
    connection.execute(QUERY.format(fmt=fmt, out=safe), [source])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ndjson", action="store_true")
    parser.add_argument("--runs", type=int, default=0)
    parser.add_argument("--min-seconds", type=float, default=0.0)
    parser.add_argument("input")
    parser.add_argument("output", nargs="?")
    args = parser.parse_args()
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    # Spill files go to the benchmark's scratch directory, never into the working tree.
    connection.execute("SET temp_directory = ?", [os.path.join(os.environ.get("JSONFLAT_BENCH_TMP", tempfile.gettempdir()), "duckdb.tmp")])
    if args.runs == 0:
        flatten_file(connection, args.input, args.output, args.ndjson)
        return
    with tempfile.TemporaryDirectory(dir=os.environ.get("JSONFLAT_BENCH_TMP")) as scratch:
        target = os.path.join(scratch, "out.ndjson")
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            passes = 0
            while True:
                flatten_file(connection, args.input, target, args.ndjson)
                passes += 1
                elapsed = time.perf_counter() - start
                if elapsed >= args.min_seconds:
                    break
            times.append(elapsed / passes)
        sys.stdout.write(json.dumps({"times": times, "outBytes": os.path.getsize(target)}) + "\n")


main()
