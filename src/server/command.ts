/**
 * @module server/command — `jsonflat serve`: its flags, and running the server until it is stopped.
 */
import { parseArgs } from "node:util";
import { log } from "../core/log";
import { SERVE_HELP } from "./help";
import { startServer } from "./serve";


const SIZE = /^(\d+)([KMG]i?B?)?$/i;
const UNITS: Record<string, number> = { K: 1 << 10, M: 1 << 20, G: 1 << 30 };

/** A usage mistake of `serve`: the message, for the caller's usual "Try --help" report. */
export class ServeUsageError extends Error {}

function whole(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || value.trim() === "") throw new ServeUsageError(`--${name} expects a whole number ≥ ${min}, got "${value}"`);
  return n;
}

function size(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = SIZE.exec(value.trim());
  if (!match) throw new ServeUsageError(`--max-body expects bytes, optionally with K, M or G (16M), got "${value}"`);
  const n = Number(match[1]) * (match[2] ? UNITS[match[2][0]!.toUpperCase()]! : 1);
  if (!Number.isSafeInteger(n) || n < 1) throw new ServeUsageError(`--max-body must be at least 1 byte, got "${value}"`);
  return n;
}

/**
 * Runs `jsonflat serve` with its arguments (after the word `serve`); resolves with the exit status once the
 * server has stopped. Throws `ServeUsageError` for bad flags.
 *
 * @example
 * process.exitCode = await serveCommand(["--port", "8080", "--workers", "2"]);
 */
export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "max-body": { type: "string" },
        workers: { type: "string" },
        "chunk-bytes": { type: "string" },
        "no-access-log": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new ServeUsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const running = await startServer({
    port: whole("port", values.port, 0) ?? 8080,
    host: values.host ?? "127.0.0.1",
    maxBodyBytes: size(values["max-body"]),
    workers: whole("workers", values.workers, 0) ?? 0,
    chunkBytes: whole("chunk-bytes", values["chunk-bytes"], 1),
    accessLog: !values["no-access-log"],
  });
  log.info("jsonflat serving", { url: running.url.href, pid: process.pid });
  await running.stopped;
  log.info("jsonflat stopped");
  return 0;
}
