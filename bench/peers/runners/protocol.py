"""The benchmark runner protocol (see protocol.mjs) for the Python peers.

    python RUNNER.py [--ndjson] [--form bytes|object] INPUT OUTPUT            file -> file
    python RUNNER.py [--ndjson] [--form bytes|object] --runs R --min-seconds S INPUT
        reads INPUT once, then R times repeats the pass in memory for S seconds (at least once); prints
        {"times":[seconds per pass, one per run...],"outBytes":N}
"""
import argparse
import json
import sys
import time


def run_runner(flatten_text, flatten_object=None, flatten_lines=None):
    """Runs a runner's kernels as the command line asks.

    flatten_text(bytes) -> str: one document to its flattened JSON text.
    flatten_object(str) -> object: one document's text to a flattened object (a dict, a DataFrame...).
    flatten_lines(list of bytes lines) -> str: NDJSON lines to their flattened lines (default: one by one).
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--ndjson", action="store_true")
    parser.add_argument("--form", default="bytes", choices=["bytes", "object"])
    parser.add_argument("--runs", type=int, default=0)
    parser.add_argument("--min-seconds", type=float, default=0.0)
    parser.add_argument("input")
    parser.add_argument("output", nargs="?")
    args = parser.parse_args()
    if args.runs == 0 and not args.output:
        parser.error("OUTPUT is needed without --runs")
    if args.form == "object" and (flatten_object is None or args.ndjson):
        parser.error("this runner has no object form for that input")
    lines_kernel = flatten_lines or (lambda lines: "".join(flatten_text(line) + "\n" for line in lines))

    if args.runs == 0:
        with open(args.input, "rb") as src, open(args.output, "w", encoding="utf-8") as dst:
            if args.ndjson:
                batch = []
                for line in src:
                    line = line.rstrip(b"\r\n")
                    if line:
                        batch.append(line)
                    if len(batch) == 10000:
                        dst.write(lines_kernel(batch))
                        batch = []
                if batch:
                    dst.write(lines_kernel(batch))
            else:
                dst.write(flatten_text(src.read()))
        return

    with open(args.input, "rb") as src:
        data = src.read()
    if args.form == "object":
        text = data.decode("utf-8")
        kernel = lambda: len(flatten_object(text))
    elif args.ndjson:
        lines = [line for line in data.split(b"\n") if line.strip()]
        kernel = lambda: len(lines_kernel(lines).encode("utf-8"))
    else:
        kernel = lambda: len(flatten_text(data).encode("utf-8"))
    times = []
    out_bytes = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        passes = 0
        while True:
            out_bytes = kernel()
            passes += 1
            elapsed = time.perf_counter() - start
            if elapsed >= args.min_seconds:
                break
        times.append(elapsed / passes)
    sys.stdout.write(json.dumps({"times": times, "outBytes": out_bytes}) + "\n")
