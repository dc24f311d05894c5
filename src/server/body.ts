/**
 * @module server/body — reads a request body under a byte limit: whole (one JSON document) or as a stream of
 * pieces (NDJSON), failing with `INPUT_TOO_LARGE` as soon as the limit is passed, before reading further.
 */
import { JsonFlatError } from "../errors";

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
  if (!/^\d{1,15}$/.test(header)) throw new JsonFlatError("INVALID_JSON", `malformed content-length: ${header}`);
  return Number(header);
}

/**
 * The whole body as bytes, refused with `INPUT_TOO_LARGE` once it passes `limit` (at once when the declared
 * length is over it; while reading when the body is chunked).
 *
 * @example
 * const bytes = await readBody(req, 64 << 20);
 */
export async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) throw tooLarge(limit);
  // A declared length is enforced by the server, so the body cannot outgrow it: read it in one go.
  if (declared !== undefined || !req.body) {
    try {
      return await req.bytes();
    } catch (error) {
      throw unreadable(error);
    }
  }
  const pieces: Uint8Array[] = [];
  let total = 0;
  for await (const piece of limitedBody(req, limit)) {
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
