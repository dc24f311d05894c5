/**
 * @module server/body — reads a request body under a byte limit: whole (one JSON document) or as a stream of
 * pieces (NDJSON), failing with `INPUT_TOO_LARGE` as soon as the limit is passed, before reading further.
 * A compressed body (`Content-Encoding`) is decoded on the way, the limit holding for the bytes sent and for
 * the decoded bytes alike.
 */
import { JsonFlatError } from "../core/errors";
import { decodeBody, type Coding } from "./encoding";

/** Bytes read off the connection so far (before decoding), for the access log and the metrics. */
export interface Counted {
  bytesIn: number;
}

/** A body that could not be read (the client broke off): the client's failure, reported as `IO`. */
function unreadable(error: unknown): JsonFlatError {
  return new JsonFlatError("IO", `the request body could not be read: ${(error as Error)?.message ?? String(error)}`);
}

function tooLarge(limit: number): JsonFlatError {
  return new JsonFlatError("INPUT_TOO_LARGE", `the request body is over the limit of ${limit} bytes`);
}

/**
 * The declared body length, or undefined when the body is chunked; a malformed header is refused.
 *
 * @example
 * declaredLength(req) // 2048
 */
export function declaredLength(req: Request): number | undefined {
  const header = req.headers.get("content-length");
  if (header === null) return undefined;
  // A repeated header with one value ("2, 2") is one length (RFC 9110 section 8.6); Bun refuses differing ones.
  const values = new Set(header.split(",").map((v) => v.trim()));
  const [value = ""] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(value)) throw new JsonFlatError("INVALID_JSON", `malformed content-length: ${header.slice(0, 100)}`);
  return Number(value);
}

/**
 * The whole body as bytes, decoded when `codings` are given, refused with `INPUT_TOO_LARGE` once it passes
 * `limit` (at once when the declared length is over it; while reading when the body is chunked or decoded).
 * `counted.bytesIn` ends as the number of bytes sent.
 *
 * @example
 * const bytes = await readBody(req, 64 << 20, ["gzip"], { bytesIn: 0 });
 */
export async function readBody(req: Request, limit: number, codings: readonly Coding[] = [], counted: Counted = { bytesIn: 0 }): Promise<Uint8Array> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) throw tooLarge(limit);
  // A declared length is enforced by the server, so the body cannot outgrow it: read it in one go.
  if (codings.length === 0 && (declared !== undefined || !req.body)) {
    let bytes: Uint8Array;
    try {
      bytes = await req.bytes();
    } catch (error) {
      throw unreadable(error);
    }
    counted.bytesIn = bytes.byteLength;
    return bytes;
  }
  const pieces: Uint8Array[] = [];
  let total = 0;
  for await (const piece of bodyPieces(req, limit, codings, counted)) {
    pieces.push(piece);
    total += piece.byteLength;
  }
  const whole = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    whole.set(piece, at);
    at += piece.byteLength;
  }
  return whole;
}

/**
 * The body as the pieces the client sends, never held whole; throws `INPUT_TOO_LARGE` when the total passes
 * `limit` and `IO` when the client breaks off the upload.
 *
 * @example
 * for await (const piece of limitedBody(req, 1 << 30)) count += piece.length;
 */
export async function* limitedBody(req: Request, limit: number): AsyncGenerator<Uint8Array> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) throw tooLarge(limit);
  if (!req.body) return;
  let total = 0;
  const reader = req.body.getReader();
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        throw unreadable(error);
      }
      if (next.done) return;
      total += next.value.byteLength;
      if (total > limit) throw tooLarge(limit);
      yield next.value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The body as a stream of decoded pieces, never held whole: `limitedBody` with `codings` undone (each layer
 * under `limit` as well), counting the bytes sent in `counted.bytesIn`.
 *
 * @example
 * for await (const piece of bodyPieces(req, 1 << 30, ["zstd"], counted)) lines.push(piece);
 */
export function bodyPieces(req: Request, limit: number, codings: readonly Coding[], counted: Counted): AsyncIterable<Uint8Array> {
  return decodeBody(counting(limitedBody(req, limit), counted), codings, limit);
}

async function* counting(body: AsyncIterable<Uint8Array>, counted: Counted): AsyncGenerator<Uint8Array> {
  for await (const piece of body) {
    counted.bytesIn += piece.byteLength;
    yield piece;
  }
}
