/**
 * @module native/split — one document split at the elements of one of its arrays (jsonflat.h "One document
 * split at its array's elements"): the structural scan that finds the cuts, and the doc-stream calls that make
 * a stream one range of the split.
 */
import { LAYOUT, readError, Struct, u64 } from "./layout";
import type { Calls } from "./call";
import type { DocStreamOutput, OutputBuffer } from "./doc-stream";
import { copyBytes, nonEmpty } from "./ffi";
import type { DocStreamHandle } from "./handle";

const P = LAYOUT.jf_split_plan.fields;

function isCut(start: readonly string[] | SplitCut): start is SplitCut {
  return !Array.isArray(start);
}

function cutOf(four: BigUint64Array): SplitCut {
  const [offset, index, line, column] = Array.from(four, Number) as [number, number, number, number];
  return { offset, index, line, column };
}
const encoder = new TextEncoder();

/** Where a later range starts: a cut of `splitScan`. */
export interface SplitCut {
  /** Byte offset of the range: a comma of the array. */
  offset: number;
  /** Index of the element after the comma. */
  index: number;
  /** Line (1-based) and column (1-based, code points) of `offset`. */
  line: number;
  column: number;
}

/** What `splitScan` found in the bytes it was given. */
export interface SplitPlan {
  /** Whether the array at the path is there (a scan from a cut: always). */
  found: boolean;
  /** Its elements seen whole (as far as the scan went). */
  elements: number;
  /** Byte offsets of the containers on the path, the root first and the array last (a scan from the start). */
  opens: number[];
  /** Byte offset of the array's `]`, or -1 when the scan stopped before it. */
  close: number;
  /** Where the ranges after the first start, in order. */
  cuts: SplitCut[];
  /** The last comma of the array seen: where a scan of more bytes goes on. */
  resume?: SplitCut;
}

/** The split part of the native surface. */
export interface SplitNative {
  /**
   * Finds the array at `path` (member names) in `doc`, the document's first bytes, and cuts it every
   * `rangeBytes` or more; given a cut instead of a path, `doc` is the document from that cut's comma on.
   */
  splitScan(doc: Uint8Array, start: readonly string[] | SplitCut, rangeBytes: number): SplitPlan;
  /** Makes a new stream the first range of a split (see `SplitPlan.opens`). */
  docStreamDescendAt(stream: DocStreamHandle, opens: readonly number[]): void;
  /** Makes a new stream a later range of a split, starting at `cut`. */
  docStreamResume(stream: DocStreamHandle, path: readonly string[], cut: SplitCut): void;
  /** Ends a range fed up to the next cut; throws the document's error when it does not end between elements. */
  docStreamPause(stream: DocStreamHandle, into?: OutputBuffer): DocStreamOutput;
}

/**
 * The split calls of one loaded library.
 *
 * @example
 * const n = splitCalls(calls);
 * const plan = n.splitScan(bytes, ["statuses"], 1 << 20); // { found: true, cuts: [{ offset, index, line, column }, ...] }
 */
export function splitCalls(c: Calls): SplitNative {
  const { symbols, result } = c;
  const plan = new Struct(LAYOUT.jf_split_plan);
  return {
    splitScan: (doc, start, rangeBytes) => {
      const names = isCut(start) ? null : start;
      const pathJson = names && encoder.encode(JSON.stringify(names));
      const from = isCut(start) ? BigUint64Array.from([start.offset, start.index, start.line, start.column], BigInt) : null;
      const maxCuts = Math.floor(doc.byteLength / rangeBytes) + 1;
      const cuts = new BigUint64Array(4 * maxCuts);
      if (!symbols.jf_split_scan(nonEmpty(doc), doc.byteLength, from, pathJson, pathJson?.byteLength ?? 0, rangeBytes, cuts, maxCuts, plan.bytes)) {
        throw readError(plan, P.error, "INVALID_OPTION");
      }
      const v = plan.view;
      const found = u64(v, P.found) === 1;
      const close = v.getBigUint64(P.close, true);
      const written: SplitCut[] = [];
      for (let i = 0; i < u64(v, P.cuts); i++) written.push(cutOf(cuts.subarray(4 * i, 4 * i + 4)));
      const resume = new BigUint64Array(plan.bytes.buffer, P.resume, 4);
      return {
        found,
        elements: u64(v, P.elements),
        opens: found && names ? Array.from({ length: names.length + 1 }, (_, i) => u64(v, P.opens + 8 * i)) : [],
        close: close === 0xffff_ffff_ffff_ffffn ? -1 : Number(close),
        cuts: written,
        resume: resume[1] ? cutOf(resume) : undefined,
      };
    },
    docStreamDescendAt: (stream, opens) => {
      if (!symbols.jf_doc_stream_descend_at(stream, BigUint64Array.from(opens, BigInt), opens.length, result.bytes)) {
        throw readError(result, 0, "INVALID_OPTION");
      }
    },
    docStreamResume: (stream, path, cut) => {
      const pathJson = encoder.encode(JSON.stringify(path));
      if (!symbols.jf_doc_stream_resume(stream, pathJson, pathJson.byteLength, cut.index, cut.offset, cut.line, cut.column, result.bytes)) {
        throw readError(result, 0, "INVALID_OPTION");
      }
    },
    docStreamPause: (stream, into) => {
      const [at, length, counters] = c.resultOf(symbols.jf_doc_stream_pause(stream, result.bytes));
      return { bytes: copyBytes(at, length, into ? into(length) : new Uint8Array(length)), ...counters };
    },
  };
}
