/**
 * @module server/document-stream — one JSON body flattened as it arrives (the native document stream): the
 * response starts after the first chunk of the body, memory stays bounded by the document's nesting depth,
 * its largest value and the chunk size, not by the body. Used for `/flatten` and `/schema` when the body is
 * larger than a chunk or of unknown length (chunked, compressed) and no coworker pool takes large bodies.
 */
import { JsonFlatError } from "../core/errors";
import { documentCallOptions, documentOutputs } from "../document/stream";
import { schemaDocumentStream } from "../query/document-stream";
import type { Coding } from "./encoding";
import type { Operation, RequestOptions } from "./query";
import type { Chunks } from "./stream";

const encoder = new TextEncoder();

/** Output held before a streamed JSON response starts: faults before it get a proper status. */
export const HELD_BACK_BYTES = 1 << 20;

/**
 * Whether a JSON body is streamed: `/flatten` and `/schema`, with no pool for large bodies, when its size is
 * unknown (no Content-Length, or a Content-Encoding) or over one chunk. Smaller bodies are read whole (one
 * native call, the result sent without a copy); `/search` answers its count first, so it reads the body whole.
 *
 * @example
 * streamsJsonBody("flatten", undefined, [], 1 << 20, false) // true: chunked body
 */
export function streamsJsonBody(operation: Operation, declared: number | undefined, codings: readonly Coding[], chunkBytes: number, pooled: boolean): boolean {
  if (pooled || (operation !== "flatten" && operation !== "schema")) return false;
  return codings.length > 0 || declared === undefined || declared > chunkBytes;
}

/**
 * The output chunks of `/flatten` or `/schema` over one JSON body read piece by piece; concatenated, the bytes
 * the whole-body path answers. A bad document throws its JsonFlatError (after the output before the fault).
 *
 * @example
 * for await (const chunk of documentBodyStream("flatten", body, { style: "pointer" }, 1 << 20)) write(chunk);
 */
export async function* documentBodyStream(operation: Operation, body: AsyncIterable<Uint8Array>, options: RequestOptions, chunkBytes: number): Chunks {
  const { query: _query, onError: _onError, column: _column, chunkBytes: _chunk, ...flatten } = options;
  if (operation === "schema") {
    const { mode: _mode, format: _format, ...rest } = flatten;
    yield encoder.encode(JSON.stringify(await schemaDocumentStream(body, { ...rest, chunkBytes })));
    return;
  }
  if (operation !== "flatten") throw new JsonFlatError("INVALID_OPTION", `${operation} reads its body whole`);
  const { o, flags } = documentCallOptions(flatten);
  yield* documentOutputs(body, o, flags, null, { chunkBytes });
}

/**
 * The last bytes of a streamed JSON response that failed after its output began: a newline, then the error
 * record `{"error":{code,message,offset,line,column}}` (as a late NDJSON error ends its response), so the body
 * is not valid JSON for any client, and says why on its last line.
 *
 * @example
 * lateError(new JsonFlatError("INVALID_JSON", "unexpected end of data", { offset: 9, line: 1, column: 10 }))
 */
export function lateError(error: JsonFlatError): Uint8Array {
  return encoder.encode(`\n${JSON.stringify({ error: error.toJSON() })}\n`);
}

/**
 * The first step of `chunks` once at least `bytes` of output are ready or the stream ended: its first chunks
 * joined (errors before then are thrown here, before any response exists).
 *
 * @example
 * const first = await heldBack(chunks, 1 << 20); // first.value: the response's first bytes
 */
export async function heldBack(chunks: Chunks, bytes: number): Promise<IteratorResult<Uint8Array, unknown>> {
  const held: Uint8Array[] = [];
  let size = 0;
  let step = await chunks.next();
  while (!step.done) {
    held.push(step.value);
    size += step.value.byteLength;
    if (size >= bytes) break;
    step = await chunks.next();
  }
  if (held.length === 0) return step;
  return { done: false, value: held.length === 1 ? held[0]! : Buffer.concat(held) };
}
