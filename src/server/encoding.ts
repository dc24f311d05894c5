/**
 * @module server/encoding — request bodies sent with a `Content-Encoding` (gzip, deflate, br, zstd): the codings
 * come from the header, and the body is decoded as a stream with the body limit on the decoded bytes too, so a
 * small compressed body cannot grow without bound (a decompression bomb is 413, never a full memory).
 */
import { JsonFlatError } from "../core/errors";
import { HttpError } from "./http-error";

/** A content coding the server decodes. */
export type Coding = "gzip" | "deflate" | "br" | "zstd";

/** What a 415 for an unknown coding names in `Accept-Encoding` (RFC 9110 section 15.5.16). */
export const ACCEPTED_CODINGS = "gzip, deflate, br, zstd";

/** Header spellings → coding; `x-gzip` is gzip (RFC 9110 section 8.4.1.3). */
const CODINGS = new Map<string, Coding>([
  ["gzip", "gzip"],
  ["x-gzip", "gzip"],
  ["deflate", "deflate"],
  ["br", "br"],
  ["zstd", "zstd"],
]);

/** More layers than this is no real client, only a way to make the server stack decoders. */
const MAX_CODINGS = 3;

function unsupported(message: string): HttpError {
  return new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", message, { "accept-encoding": ACCEPTED_CODINGS });
}

/**
 * The codings of a request body, in the order they were applied (decode in reverse); `identity` and empty
 * entries are skipped. An unknown coding, or more than three, is a 415 naming the accepted ones.
 *
 * @example
 * contentCodings(new Request("http://x/", { method: "POST", headers: { "content-encoding": "gzip" } })) // ["gzip"]
 */
export function contentCodings(req: Request): Coding[] {
  const header = req.headers.get("content-encoding");
  if (header === null) return [];
  const codings: Coding[] = [];
  for (const entry of header.split(",")) {
    const name = entry.trim().toLowerCase();
    if (name === "" || name === "identity") continue;
    const coding = CODINGS.get(name);
    if (!coding) throw unsupported(`content-encoding ${JSON.stringify(name.slice(0, 40))} is not supported; send ${ACCEPTED_CODINGS} or none`);
    codings.push(coding);
  }
  if (codings.length > MAX_CODINGS) throw unsupported(`at most ${MAX_CODINGS} content codings, got ${codings.length}`);
  return codings;
}

/**
 * `body` with every coding undone, as a stream of pieces; each decoded layer is refused with `INPUT_TOO_LARGE`
 * once it passes `limit` bytes, and data that is not valid for its coding (corrupt, cut short, trailing bytes)
 * is `IO`. Errors of `body` itself (its own limit, a broken-off upload) pass through unchanged.
 *
 * @example
 * for await (const piece of decodeBody(limitedBody(req, limit), ["gzip"], limit)) parser.push(piece);
 */
export function decodeBody(body: AsyncIterable<Uint8Array>, codings: readonly Coding[], limit: number): AsyncIterable<Uint8Array> {
  let decoded = body;
  for (const coding of [...codings].reverse()) decoded = decodeLayer(decoded, coding, limit);
  return decoded;
}

async function* decodeLayer(body: AsyncIterable<Uint8Array>, coding: Coding, limit: number): AsyncGenerator<Uint8Array> {
  const { format, source } = await chooseFormat(body, coding);
  // The decoder pulls from the body only as its output is read: a bomb is never expanded ahead of the limit.
  const decoder = new DecompressionStream(format as ConstructorParameters<typeof DecompressionStream>[0]) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
  const reader = toStream(source).pipeThrough(decoder).getReader();
  let total = 0;
  try {
    for (;;) {
      let step: Awaited<ReturnType<typeof reader.read>>;
      try {
        step = await reader.read();
      } catch (error) {
        throw error instanceof JsonFlatError ? error : new JsonFlatError("IO", `the request body is not valid ${coding} data (${describe(error)})`);
      }
      if (step.done) return;
      total += step.value.byteLength;
      if (total > limit) throw new JsonFlatError("INPUT_TOO_LARGE", `the request body is over the limit of ${limit} bytes once decoded (${coding})`);
      yield step.value;
    }
  } finally {
    // Stops the decoder and the body under it when the reader stops early; its own failure is already reported.
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The decoder format for `coding`. HTTP's `deflate` is the zlib format, but some clients send raw deflate:
 * the first two bytes tell them apart (a zlib header is a multiple of 31 with compression method 8).
 */
async function chooseFormat(body: AsyncIterable<Uint8Array>, coding: Coding): Promise<{ format: string; source: AsyncIterable<Uint8Array> }> {
  if (coding === "gzip" || coding === "zstd") return { format: coding, source: body };
  if (coding === "br") return { format: "brotli", source: body };
  const iterator = body[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  while (size < 2) {
    const step = await iterator.next();
    if (step.done) break;
    head.push(step.value);
    size += step.value.byteLength;
  }
  const first = head.length === 1 ? head[0]! : Bun.concatArrayBuffers(head, Infinity, true);
  const zlib = first.byteLength >= 2 && (first[0]! & 0x0f) === 8 && first[0]! >> 4 <= 7 && ((first[0]! << 8) | first[1]!) % 31 === 0;
  return { format: zlib ? "deflate" : "deflate-raw", source: prepend(head, iterator) };
}

async function* prepend(head: Uint8Array[], rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* head;
    for (let step = await rest.next(); !step.done; step = await rest.next()) yield step.value;
  } finally {
    await rest.return?.();
  }
}

/** An async iterable as a byte stream that pulls one piece per read and ends the iterable when cancelled. */
function toStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const step = await iterator.next();
        if (step.done) controller.close();
        else controller.enqueue(step.value);
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
