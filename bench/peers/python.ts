/**
 * @module python — the PyPI peers, run with the benchmark's own virtual environment (bench/.venv, pinned in
 * bench/peers/requirements.txt, made by bench/peers/setup.sh): `flatten_json`, `pandas.json_normalize` and
 * DuckDB's JSON functions.
 */
import { RUNNERS, VENV_PYTHON, firstLine, needs, runnerArgs, type Peer } from "./peer";

function pythonPeer(id: string, label: string, module: string, script: string, options: Partial<Peer> = {}): Peer {
  const runner = `${RUNNERS}/${script}`;
  return {
    id,
    label,
    language: "Python",
    missing: () =>
      needs(VENV_PYTHON, "bash bench/peers/setup.sh makes bench/.venv") ??
      (Bun.spawnSync([VENV_PYTHON, "-c", `import ${module}`]).exitCode === 0 ? undefined : `python module ${module} is not installed in bench/.venv`),
    version: () => `${module} ${firstLine([VENV_PYTHON, "-c", `import importlib.metadata as m; print(m.version("${module.replace("_", "-")}"))`])}, ${firstLine([VENV_PYTHON, "--version"])}`,
    file: ({ input, output, ndjson }) => ({ argv: [VENV_PYTHON, runner, ...(ndjson ? ["--ndjson"] : []), input, output] }),
    memory: (job, form, runs, minSeconds) => ({ argv: [VENV_PYTHON, runner, ...runnerArgs(job, form, runs, minSeconds)] }),
    ...options,
  };
}

export const flattenJson = pythonPeer("flatten_json", "flatten_json (Python)", "flatten_json", "flatten_json_peer.py");
export const pandas = pythonPeer("pandas", "pandas.json_normalize", "pandas", "pandas_peer.py", {
  partial: "flattens objects only; arrays stay whole",
  note: "json_normalize flattens objects only: arrays stay whole in one cell; NDJSON batches of 10,000 become one frame (every column on every row)",
});
export const duckdb = pythonPeer("duckdb", "DuckDB json_tree (Python)", "duckdb", "duckdb_peer.py", {
  // NDJSON only: json_tree over one multi-megabyte document spends 10-36 s on twitter.json (0.6 MB) alone.
  file: ({ input, output, ndjson }) => (ndjson ? { argv: [VENV_PYTHON, `${RUNNERS}/duckdb_peer.py`, "--ndjson", input, output] } : undefined),
  memory: (job, form, runs, minSeconds) =>
    form === "bytes" && job.ndjson ? { argv: [VENV_PYTHON, `${RUNNERS}/duckdb_peer.py`, ...runnerArgs(job, form, runs, minSeconds).filter((a) => a !== "--form" && a !== "bytes")] } : undefined,
  note: "NDJSON only (SQL over files: read_json_objects + json_tree + string_agg); its in-memory row is the same query writing a scratch file",
});
