/**
 * @module server/help — the `jsonflat serve` flags as `--help` shows them (no imports: the CLI loads it always).
 */

/**
 * `jsonflat serve` usage, shown in `jsonflat --help` as well.
 *
 * @example
 * process.stdout.write(SERVE_HELP);
 */
export const SERVE_HELP = `Serve options (jsonflat serve):
      --port N             TCP port (default 8080; 0 picks a free one)
      --host ADDR          interface to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every one)
      --max-body SIZE      largest request body, bytes or with K/M/G (default 64M); larger ones get 413
      --workers N          coworkers for JSON bodies of 1 MiB and more (default 0: all in the server thread)
      --chunk-bytes N      NDJSON input bytes per native call (default 1048576)
      --no-access-log      no per-request log record (default: one info record per request on stderr)
  Routes: POST /flatten, /unflatten, /search, /schema (options as query parameters, e.g. ?style=pointer&max-depth=2;
  body application/json or application/x-ndjson, optionally Content-Encoding gzip, deflate, br or zstd: the
  body limit holds for the decoded bytes too); GET / (explorer page), /healthz, /metrics (Prometheus).
  POST /schema?types=json-schema (closed=true for additionalProperties false) or ?types=typescript&name=T:
  types from data, as jsonflat schema --json-schema / --typescript writes them.
  Without --workers, a JSON body for /flatten or /schema over --chunk-bytes (or chunked, or compressed) is
  flattened as it arrives; after the first MiB of output a fault ends the response with an {"error":…} line.
  SIGTERM or SIGINT stops it gracefully: in-flight requests finish first.
`;
