/**
 * @module lines/sources — where a large input lives: a local path, an `http(s)://` URL or an `s3://bucket/key`
 * object, each as its size plus ranged reads, so a shard (or a `range`) fetches only its own bytes.
 */
import type { FileHandle } from "node:fs/promises";
import { JsonFlatError } from "../core/errors";

/** Opens a local file for reading; node:fs/promises loads on first use, sparing the CLI's start its cost. */
async function openFile(path: string): Promise<FileHandle> {
  const { open } = await import("node:fs/promises");
  return open(path, "r");
}

/**
 * A file that can be read by byte ranges without reading what lies before them.
 *
 * @example
 * const source = openSource("https://example.org/dump.txt");
 * const size = await source.size();
 * for await (const bytes of source.read(0, Math.min(size, 1 << 20))) use(bytes);
 */
export interface RangedSource {
  /** How errors name the source: the path, or the URL without its query and credentials. */
  readonly name: string;
  /** Its size in bytes (asked once, then remembered). */
  size(): Promise<number>;
  /** The bytes `[start, end)`, in order, as they arrive; exactly `end - start` bytes or an `IO` error. */
  read(start: number, end: number): AsyncIterable<Uint8Array>;
  /** Every byte, in order, without asking for the size first (a server without range requests serves this). */
  whole(): AsyncIterable<Uint8Array>;
}

/** Options of `openSource`: S3 settings for `s3://` sources (default: Bun's, from `S3_*` / `AWS_*` variables). */
export interface SourceOptions {
  s3?: Bun.S3Options;
}

/**
 * True for locations read over the network: `http://`, `https://` and `s3://`.
 *
 * @example
 * isRemote("s3://dumps/ol_cdump.txt") // true
 */
export function isRemote(location: string): boolean {
  return /^(https?|s3):\/\//i.test(location);
}

/**
 * The source behind a location: `http(s)://` (HTTP range requests), `s3://bucket/key` (Bun's S3 client) or a
 * local path.
 *
 * @example
 * const size = await openSource("s3://dumps/ol_cdump.txt").size();
 */
export function openSource(location: string, options: SourceOptions = {}): RangedSource {
  if (/^https?:\/\//i.test(location)) return new HttpSource(location);
  if (/^s3:\/\//i.test(location)) return new S3Source(location, options.s3);
  return new FileSource(location);
}

function io(name: string, why: string): JsonFlatError {
  return new JsonFlatError("IO", `cannot read ${name}: ${why}`);
}

function checkRange(name: string, start: number, end: number, size: number): void {
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start <= end && end <= size)) {
    throw new JsonFlatError("INVALID_OPTION", `byte range ${start}:${end} is not inside ${name} (${size} bytes)`);
  }
}

/** Cuts a stream of pieces to exactly `want` bytes; fewer is an `IO` error (the body was cut short). */
async function* exactly(name: string, pieces: AsyncIterable<Uint8Array>, want: number): AsyncGenerator<Uint8Array> {
  let got = 0;
  for await (const piece of pieces) {
    const take = Math.min(piece.byteLength, want - got);
    if (take > 0) yield take === piece.byteLength ? piece : piece.subarray(0, take);
    got += take;
    if (got === want) return;
  }
  if (got < want) throw io(name, `the body ended after ${got} of ${want} bytes`);
}

/*------------------------------------------------------------------------------
 * Local files
 *----------------------------------------------------------------------------*/

const FILE_BLOCK = 4 << 20;

class FileSource implements RangedSource {
  private known?: number;

  constructor(readonly name: string) {}

  async size(): Promise<number> {
    if (this.known === undefined) {
      try {
        const file = await openFile(this.name);
        try {
          this.known = (await file.stat()).size;
        } finally {
          await file.close();
        }
      } catch (error) {
        throw io(this.name, (error as Error).message);
      }
    }
    return this.known;
  }

  async *read(start: number, end: number): AsyncGenerator<Uint8Array> {
    checkRange(this.name, start, end, await this.size());
    const file = await openFile(this.name);
    try {
      for (let pos = start; pos < end; ) {
        // A fresh buffer per read: the consumer may keep a piece until it asks for the next.
        const block = new Uint8Array(Math.min(FILE_BLOCK, end - pos));
        const { bytesRead } = await file.read(block, 0, block.length, pos);
        if (bytesRead === 0) throw io(this.name, `it ended at ${pos}, before ${end}`);
        pos += bytesRead;
        yield block.subarray(0, bytesRead);
      }
    } finally {
      await file.close();
    }
  }

  async *whole(): AsyncGenerator<Uint8Array> {
    yield* this.read(0, await this.size());
  }
}

/*------------------------------------------------------------------------------
 * HTTP(S) with range requests
 *----------------------------------------------------------------------------*/

/** The URL as errors may show it: no credentials, no query (a presigned URL's signature stays out of logs). */
function publicName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    throw new JsonFlatError("INVALID_OPTION", "not a valid URL");
  }
}

class HttpSource implements RangedSource {
  readonly name: string;
  private known?: number;

  constructor(private readonly url: string) {
    this.name = publicName(url);
  }

  private async request(range: string | undefined, method = "GET"): Promise<Response> {
    try {
      return await fetch(this.url, { method, headers: range ? { range } : {}, redirect: "follow" });
    } catch (error) {
      throw io(this.name, (error as Error).message);
    }
  }

  /** HEAD for the size and `Accept-Ranges`; a server that does not say so is asked for byte 0 alone. */
  async size(): Promise<number> {
    if (this.known !== undefined) return this.known;
    const head = await this.request(undefined, "HEAD");
    const length = Number(head.headers.get("content-length"));
    if (head.ok && head.headers.get("accept-ranges")?.toLowerCase() === "bytes" && Number.isSafeInteger(length)) {
      return (this.known = length);
    }
    const probe = await this.request("bytes=0-0");
    await probe.body?.cancel();
    const total = /\/(\d+)\s*$/.exec(probe.headers.get("content-range") ?? "");
    if (probe.status === 206 && total) return (this.known = Number(total[1]));
    if (probe.status === 416) return (this.known = 0); // an empty file has no byte 0
    if (!probe.ok) throw io(this.name, `HTTP ${probe.status}`);
    throw new JsonFlatError("NOT_SUPPORTED", `${this.name} does not serve byte ranges (no 206 answer to a Range request), which a shard or a range needs; without them it is read whole`);
  }

  async *read(start: number, end: number): AsyncGenerator<Uint8Array> {
    checkRange(this.name, start, end, await this.size());
    if (start === end) return;
    const response = await this.request(`bytes=${start}-${end - 1}`);
    if (response.status !== 206) {
      await response.body?.cancel();
      throw io(this.name, `HTTP ${response.status} to a request for bytes ${start}-${end - 1} (206 expected)`);
    }
    const from = /bytes\s+(\d+)-/.exec(response.headers.get("content-range") ?? "");
    if (!from || Number(from[1]) !== start) {
      await response.body?.cancel();
      throw io(this.name, `the server answered another range (${response.headers.get("content-range")}) to bytes ${start}-${end - 1}`);
    }
    yield* exactly(this.name, response.body as unknown as AsyncIterable<Uint8Array>, end - start);
  }

  async *whole(): AsyncGenerator<Uint8Array> {
    const response = await this.request(undefined);
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw io(this.name, `HTTP ${response.status}`);
    }
    const declared = response.headers.get("content-length");
    const pieces = response.body as unknown as AsyncIterable<Uint8Array>;
    if (declared !== null && !response.headers.get("content-encoding")) yield* exactly(this.name, pieces, Number(declared));
    else yield* pieces;
  }
}

/*------------------------------------------------------------------------------
 * S3 through Bun's client
 *----------------------------------------------------------------------------*/

class S3Source implements RangedSource {
  readonly name: string;
  private readonly file: Bun.S3File;
  private known?: number;

  constructor(location: string, options: Bun.S3Options | undefined) {
    const match = /^s3:\/\/([^/]+)\/(.+)$/i.exec(location);
    if (!match) throw new JsonFlatError("INVALID_OPTION", "an S3 location is s3://BUCKET/KEY");
    this.name = `s3://${match[1]}/${match[2]}`;
    this.file = new Bun.S3Client({ ...options, bucket: match[1] }).file(match[2]!);
  }

  async size(): Promise<number> {
    if (this.known === undefined) {
      try {
        this.known = (await this.file.stat()).size;
      } catch (error) {
        throw io(this.name, (error as Error).message);
      }
    }
    return this.known;
  }

  async *read(start: number, end: number): AsyncGenerator<Uint8Array> {
    checkRange(this.name, start, end, await this.size());
    if (start === end) return;
    let body: ReadableStream<Uint8Array>;
    try {
      body = this.file.slice(start, end).stream();
    } catch (error) {
      throw io(this.name, (error as Error).message);
    }
    try {
      yield* exactly(this.name, body as unknown as AsyncIterable<Uint8Array>, end - start);
    } catch (error) {
      throw error instanceof JsonFlatError ? error : io(this.name, (error as Error).message);
    }
  }

  async *whole(): AsyncGenerator<Uint8Array> {
    yield* this.read(0, await this.size());
  }
}
