/**
 * @module server/document — one JSON document in, one JSON result out: the request bytes go to the native core
 * (or to a coworker when the body is large and a pool is given) and the native result bytes are the response.
 */
import type { Pool } from "../coworker/pool";
import { flattenBytes } from "../document/flatten";
import type { NativeBytes, NativeOutput } from "../native";
import { searchBytes } from "../query/search";
import { unflattenBytes } from "../document/unflatten";
import type { Operation, RequestOptions } from "./query";
import { unflattenOptions } from "./query";
import { typesOfDocument, typesMediaType } from "../query/types-output";
import { schemaTypes } from "./types";

/**
 * Where large bodies may run: a coworker pool and the body size from which it is used.
 *
 * @example
 * const offload: Offload = { pool: new Pool({ size: 2 }), minBytes: 1 << 20 };
 */
export interface Offload {
  pool: Pool;
  minBytes: number;
}

/**
 * The result of one document: the body parts in order, the native blocks behind them, and extra headers.
 *
 * @example
 * const { parts } = await runDocument("flatten", bytes, {});
 */
export interface DocumentResult {
  parts: (Uint8Array | NativeBytes)[];
  owners: NativeBytes[];
  headers: Record<string, string>;
}

const encoder = new TextEncoder();
const NEWLINE = 0x0a;
const COMMA = 0x2c;

/**
 * Runs `operation` on one document; throws `JsonFlatError` for bad input or options.
 *
 * @example
 * const result = await runDocument("flatten", encoder.encode('{"a":[1]}'), { style: "pointer" });
 */
export async function runDocument(operation: Operation, body: Uint8Array, options: RequestOptions, offload?: Offload): Promise<DocumentResult> {
  const { query, ...rest } = options;
  const useWorker = offload !== undefined && offload.pool.size > 0 && body.byteLength >= offload.minBytes;
  switch (operation) {
    case "flatten":
      if (useWorker) return whole((await offload.pool.run("flatten", { input: body, options: rest }, { transfer: true })).bytes);
      return whole(flattenBytes(body, rest));
    case "unflatten":
      if (useWorker) return whole((await offload.pool.run("unflatten", { input: body, options: unflattenOptions(rest) }, { transfer: true })).bytes);
      return whole(unflattenBytes(body, unflattenOptions(rest)));
    case "schema": {
      const types = schemaTypes(rest);
      if (!types) return whole(flattenBytes(body, { ...rest, mode: "schema", format: undefined }));
      const text = typesOfDocument(types, body, rest);
      return { parts: [encoder.encode(text)], owners: [], headers: { "content-type": typesMediaType(types) } };
    }
    case "search":
      return hitsObject(searchBytes(body, query!, { style: rest.style, delimiter: rest.delimiter, maxNesting: rest.maxNesting, replaceInvalidUtf8: rest.replaceInvalidUtf8 }));
  }
}

function whole(bytes: Uint8Array | NativeBytes): DocumentResult {
  return { parts: [bytes], owners: [], headers: {} };
}

/**
 * `{"count":n,"hits":[["path",value],...]}` around the native hit lines: each line's newline becomes the comma
 * between array elements, in place (a newline is never inside a JSON line), so the hits are not copied.
 */
function hitsObject(lines: NativeBytes & NativeOutput): DocumentResult {
  const count = lines.leaves;
  for (let at = lines.indexOf(NEWLINE); at >= 0; at = lines.indexOf(NEWLINE, at + 1)) lines[at] = COMMA;
  const hits = lines.subarray(0, Math.max(0, lines.byteLength - 1));
  return {
    parts: [encoder.encode(`{"count":${count},"hits":[`), hits, encoder.encode("]}")],
    owners: [lines],
    headers: { "x-jsonflat-count": String(count) },
  };
}
