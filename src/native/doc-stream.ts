/**
 * @module native/doc-stream — one JSON document of any size through the native stream (jsonflat.h "One
 * document of any size, streamed"): start with options, feed chunks, finish; each call's output is copied
 * out, since the stream reuses its buffer.
 */
import type { ResolvedOptions } from "../core/options";
import { NO_FLAGS, type Calls, type NativeCallFlags } from "./call";
import { copyBytes, nonEmpty, type Pointer } from "./ffi";
import type { DocStreamHandle, QueryHandle } from "./handle";

/** What one feed or finish produced. */
export interface DocStreamOutput {
  /** The output bytes of this call (a copy in JS memory). */
  bytes: Uint8Array;
  /** Leaves written since the start (search: hits). */
  leaves: number;
  /** Integers beyond ±(2^53−1) written since the start. */
  unsafeIntegers: number;
}

/** Gives the array (of exactly `length` bytes) a call's output is copied into. */
export type OutputBuffer = (length: number) => Uint8Array;

/** The streamed-document part of the native surface. */
export interface DocStreamNative {
  /** Starts a stream (a search when `query` is given); `chunkBytes` is the size of the chunks fed. */
  docStreamNew(options: ResolvedOptions, query: QueryHandle | null, chunkBytes: number, flags?: NativeCallFlags): DocStreamHandle;
  /**
   * Feeds the next bytes; throws the document's JsonFlatError when it is invalid. The output is copied into
   * `into(length)` when given (a reused buffer), else into a new array.
   */
  docStreamFeed(stream: DocStreamHandle, chunk: Uint8Array, into?: OutputBuffer): DocStreamOutput;
  /** Ends the document; throws when it is invalid or truncated. */
  docStreamFinish(stream: DocStreamHandle, into?: OutputBuffer): DocStreamOutput;
  docStreamFree(stream: DocStreamHandle): void;
}


/**
 * The streamed-document calls of one loaded library.
 *
 * @example
 * const n = docStreamCalls(calls);
 * const s = n.docStreamNew(resolveOptions(), null, 1 << 20);
 * n.docStreamFeed(s, bytes).bytes; // '{"a":1' ...
 * n.docStreamFinish(s).bytes;      // ... '}'
 * n.docStreamFree(s);
 */
export function docStreamCalls(c: Calls): DocStreamNative {
  const { symbols, options, result } = c;
  const output = (p: Pointer | null, into: OutputBuffer | undefined): DocStreamOutput => {
    const [at, length, counters] = c.resultOf(p);
    return { bytes: copyBytes(at, length, into ? into(length) : new Uint8Array(length)), ...counters };
  };
  return {
    docStreamNew: (o, query, chunkBytes, flags = NO_FLAGS) => {
      c.encode(o, flags);
      // jf_doc_stream_new fills a bare jf_error: it sits at the start of the scratch result struct.
      return c.compiled(symbols.jf_doc_stream_new(options.bytes, query, chunkBytes, result.bytes));
    },
    docStreamFeed: (stream, chunk, into) => output(symbols.jf_doc_stream_feed(stream, nonEmpty(chunk), chunk.byteLength, result.bytes), into),
    docStreamFinish: (stream, into) => output(symbols.jf_doc_stream_finish(stream, result.bytes), into),
    docStreamFree: (stream) => symbols.jf_doc_stream_free(stream),
  };
}
