/**
 * @module server/stream — NDJSON in, NDJSON out as each chunk of lines is done: the body is read piece by
 * piece (never whole), whole lines go to the native core chunk by chunk, and every output chunk is written
 * from native memory before the next one is made.
 */
import { JsonFlatError } from "../core/errors";
import { flattenStream, type StreamOptions } from "../lines/ndjson";
import { schemaStream } from "../query/schema";
import { searchStream } from "../query/search";
import { unflattenBytes } from "../document/unflatten";
import type { Operation, RequestOptions } from "./query";
import { streamOptions, unflattenOptions } from "./query";

/** Output chunks of a stream, each valid until the next one is asked for; the return value is ignored. */
export type Chunks = AsyncGenerator<Uint8Array, unknown>;

/**
 * The output chunks of `operation` over an NDJSON body. Schema has one merged result (one JSON line);
 * the others give one output line per input line (search: one line per hit).
 *
 * @example
 * for await (const chunk of streamOperation("flatten", body, { onError: "emit" }, 1 << 20)) write(chunk);
 */
export function streamOperation(operation: Operation, body: AsyncIterable<Uint8Array>, options: RequestOptions, chunkBytes: number): Chunks {
  const stream = streamOptions(options, chunkBytes);
  switch (operation) {
    case "flatten":
      return flattenStream(body, stream);
    case "search":
      return searchStream(body, options.query!, stream);
    case "schema":
      return schemaLine(body, stream);
    case "unflatten":
      return unflattenLines(body, options, stream);
  }
}

const encoder = new TextEncoder();

async function* schemaLine(body: AsyncIterable<Uint8Array>, options: StreamOptions): AsyncGenerator<Uint8Array, void> {
  const { format: _format, mode: _mode, ...rest } = options;
  yield encoder.encode(`${JSON.stringify(await schemaStream(body, rest))}\n`);
}

/**
 * An error record line, the same shape as `onError: "emit"` writes: `{"error":{...},"line":n}`.
 *
 * @example
 * errorRecord(new JsonFlatError("INVALID_JSON", "bad", { line: 3 })) // '{"error":{...},"line":3}\n' as bytes
 */
export function errorRecord(error: JsonFlatError): Uint8Array {
  const info = error.toJSON();
  return encoder.encode(`${JSON.stringify(info.line === undefined ? { error: info } : { error: info, line: info.line })}\n`);
}

/*------------------------------------------------------------------------------
 * Unflatten, line by line
 *----------------------------------------------------------------------------*/

/** Whole lines of a byte stream with their 1-based numbers and byte offsets; a partial line is kept until its end. */
async function* splitLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<{ bytes: Uint8Array; line: number; offset: number }> {
  let pending: Uint8Array[] = [];
  let line = 0;
  let offset = 0;
  for await (const piece of body) {
    let start = 0;
    for (let nl = piece.indexOf(0x0a); nl >= 0; nl = piece.indexOf(0x0a, start)) {
      const tail = piece.subarray(start, nl);
      const bytes = pending.length ? join([...pending, tail]) : tail;
      pending = [];
      yield { bytes, line: ++line, offset };
      offset += bytes.byteLength + 1;
      start = nl + 1;
    }
    if (start < piece.byteLength) pending.push(piece.slice(start));
  }
  if (pending.length) yield { bytes: join(pending), line: ++line, offset };
}

/** One buffer holding `pieces` in order (views are copied as views, not whole buffers). */
function join(pieces: Uint8Array[]): Uint8Array {
  return Bun.concatArrayBuffers(pieces, Infinity, true);
}

function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0d);
}

function relocate(error: JsonFlatError, line: number, offset: number): JsonFlatError {
  return new JsonFlatError(error.code, error.message.replace(/ at line \d+/, ` at line ${line}`), {
    offset: error.offset === undefined ? undefined : offset + error.offset,
    line,
    column: error.column,
  });
}

/** Unflattens each line; output lines are gathered into chunks of about `chunkBytes`. */
async function* unflattenLines(body: AsyncIterable<Uint8Array>, options: RequestOptions, stream: StreamOptions): AsyncGenerator<Uint8Array, void> {
  const o = unflattenOptions(options);
  const onError = stream.onError ?? "fail";
  if (!["fail", "skip", "emit"].includes(onError)) throw new JsonFlatError("INVALID_OPTION", `onError must be fail, skip or emit, got ${onError}`);
  const limit = stream.chunkBytes!;
  let out: Uint8Array[] = [];
  let size = 0;
  for await (const { bytes, line, offset } of splitLines(body)) {
    const text = bytes.at(-1) === 0x0d ? bytes.subarray(0, -1) : bytes;
    if (isBlank(text)) continue;
    try {
      const result = unflattenBytes(text, o);
      out.push(result.slice(), NEWLINE_BYTES);
      size += result.byteLength + 1;
      result.dispose();
    } catch (error) {
      if (!(error instanceof JsonFlatError)) throw error;
      const located = relocate(error, line, offset);
      if (onError === "fail") throw located;
      if (onError === "emit") {
        const record = errorRecord(located);
        out.push(record);
        size += record.byteLength;
      }
    }
    if (size >= limit) {
      yield join(out);
      out = [];
      size = 0;
    }
  }
  if (size) yield join(out);
}

const NEWLINE_BYTES = new Uint8Array([0x0a]);
