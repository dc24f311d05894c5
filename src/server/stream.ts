/**
 * @module server/stream — NDJSON in, NDJSON out as each chunk of lines is done: the body is read piece by
 * piece (never whole) through the library's line streams (one native line engine for every operation), and
 * every output chunk is written from native memory before the next one is made.
 */
import type { JsonFlatError } from "../core/errors";
import { flattenStream, unflattenStream, type StreamOptions } from "../lines/index";
import { schemaStream } from "../query/schema";
import { searchStream } from "../query/search";
import type { Operation, RequestOptions } from "./query";
import { streamOptions, unflattenOptions } from "./query";
import { typesOfLines, type TypesRequest } from "../query/types-output";
import { schemaTypes } from "./types";

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
  // A body's coding is its Content-Encoding, decoded before here, never sniffed (docs/decisions.md, Compressed input).
  const stream = { ...streamOptions(options, chunkBytes), compression: "none" as const };
  switch (operation) {
    case "flatten":
      return flattenStream(body, stream);
    case "search":
      return searchStream(body, options.query!, stream);
    case "schema":
      return schemaLine(body, stream, schemaTypes(options));
    case "unflatten":
      return unflattenStream(body, { ...unflattenOptions(options), onError: stream.onError, column: stream.column, chunkBytes: stream.chunkBytes, compression: stream.compression });
  }
}

const encoder = new TextEncoder();

async function* schemaLine(body: AsyncIterable<Uint8Array>, options: StreamOptions, types: TypesRequest | undefined): AsyncGenerator<Uint8Array, void> {
  const { format: _format, mode: _mode, ...rest } = options;
  if (types) yield encoder.encode(await typesOfLines(types, body, rest));
  else yield encoder.encode(`${JSON.stringify(await schemaStream(body, rest))}\n`);
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
