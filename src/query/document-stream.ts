/**
 * @module query/document-stream — search and schema over ONE document of any size, read as it arrives (the
 * native document stream): the same hits as `searchBytes` and the same schema as `schema` on the whole
 * document, in memory bounded by its nesting depth, its largest value and the chunk size (schema: plus its
 * distinct paths).
 */
import { resolveOptions, type FlattenOptions } from "../core/options";
import { documentOutputs, type DocumentStreamOptions } from "../document/stream";
import type { DocumentSource } from "../document/source";
import type { Schema } from "./schema";
import { compileQuery, Query, type SearchOptions, type SearchQuery } from "./search";

/** How a document stream is read: chunk size, progress, cancellation. */
export type DocumentReadOptions = Pick<DocumentStreamOptions, "chunkBytes" | "onProgress" | "signal" | "compression" | "maxDecompressedBytes">;

/**
 * The hits of one document of any size as JSON lines `["path",value]\n`, chunk by chunk, byte for byte what
 * `searchBytes` writes for the whole document; returns the number of hits. With a `limit`, the rest of the
 * document is still read (an invalid document is an error however early the limit was reached, as in
 * `searchBytes`).
 *
 * @example
 * const hits = searchDocumentStream("big.json", { key: "id" });
 * for await (const lines of hits) process.stdout.write(lines);
 */
export async function* searchDocumentStream(
  source: DocumentSource,
  query: SearchQuery | Query,
  options: SearchOptions & DocumentReadOptions = {},
): AsyncGenerator<Uint8Array, number> {
  const compiled = query instanceof Query ? query : compileQuery(query);
  try {
    const o = resolveOptions({ ...options, mode: "leaf" });
    const outputs = documentOutputs(source, o, {}, compiled.pointer, options);
    for (;;) {
      const next = await outputs.next();
      if (next.done) return next.value.leaves; // a search's leaves are its hits
      yield next.value;
    }
  } finally {
    if (compiled !== query) compiled.dispose();
  }
}

/**
 * The schema of one document of any size (per grouped path: type counts, documents, short key), the same as
 * `schema` on the whole document.
 *
 * @example
 * const s = await schemaDocumentStream(Bun.file("big.json"));
 * s["statuses[].user.id"].types // { integer: 100 }
 */
export async function schemaDocumentStream(
  source: DocumentSource,
  options: Omit<FlattenOptions, "mode"> & DocumentReadOptions = {},
): Promise<Schema> {
  const o = resolveOptions({ ...options, mode: "schema" });
  const parts: Uint8Array[] = [];
  for await (const out of documentOutputs(source, o, {}, null, options)) parts.push(out);
  return JSON.parse(new TextDecoder().decode(Buffer.concat(parts)));
}
