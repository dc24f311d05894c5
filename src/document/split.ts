/**
 * @module document/split — one document cut at the elements of one of its arrays, so that the ranges can be
 * flattened apart (on coworkers: coworker/split) and their outputs concatenated in order into `flattenBytes`
 * of the whole document: the split path, the plan (a native structural scan of the file) and one range
 * flattened by its own native doc stream, which starts inside the array at its element's true index, offset,
 * line and column.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { JsonFlatError } from "../core/errors";
import type { ResolvedOptions } from "../core/options";
import { native, type NativeCallFlags, type SplitCut, type SplitPlan } from "../native";

/**
 * The array to split at: member names from the root (`[]` is the root array), or a string: `""` for the root,
 * a JSON Pointer (`/statuses`, `/a~1b/c`), or names joined by dots (`statuses`, `data.items`).
 *
 * @example
 * splitPath("data.items") // ["data", "items"]
 */
export type SplitPath = string | readonly string[];

/**
 * A split path as member names, checked.
 *
 * @example
 * splitPath("/a~1b/c") // ["a/b", "c"]
 * splitPath("")        // [] (the root array)
 */
export function splitPath(path: SplitPath): string[] {
  const names = typeof path !== "string" ? [...path] : path === "" ? [] : path.startsWith("/") ? pointerNames(path) : path.split(".");
  if (names.some((name) => typeof name !== "string")) throw new JsonFlatError("INVALID_OPTION", "split: a path is member names (strings)");
  if (typeof path === "string" && !path.startsWith("/") && names.some((name) => name === "")) {
    throw new JsonFlatError("INVALID_OPTION", `split: "${path}" has an empty member name (use a JSON Pointer for one)`);
  }
  if (names.length > 16) throw new JsonFlatError("INVALID_OPTION", `split: a path of at most 16 member names, got ${names.length}`);
  return names;
}

function pointerNames(pointer: string): string[] {
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/**
 * Refuses options under which the elements of a split array are not leaves of their own: grouped and schema
 * modes (they gather every element's values into one group), `maxDepth` at or above the array, `arrays: "leaf"`.
 *
 * @example
 * checkSplitOptions(resolveOptions({ mode: "grouped" }), ["statuses"]) // throws INVALID_OPTION
 */
export function checkSplitOptions(o: ResolvedOptions, names: readonly string[]): void {
  if (o.mode !== "leaf") throw new JsonFlatError("INVALID_OPTION", `split: mode "${o.mode}" gathers values across elements; only leaf mode splits`);
  if (o.arraysLeaf) throw new JsonFlatError("INVALID_OPTION", 'split: arrays: "leaf" keeps the split array whole');
  if (o.maxDepth && o.maxDepth <= names.length) {
    throw new JsonFlatError("INVALID_OPTION", `split: maxDepth ${o.maxDepth} keeps the array at depth ${names.length + 1} whole`);
  }
}

/**
 * The cuts of a file's array at `names` (a native structural scan of the mapped file, about a memory pass;
 * no value is parsed), every `rangeBytes` or more.
 *
 * @example
 * const plan = planSplit("twitter.json", ["statuses"], 1 << 16); // plan.cuts[0]: { offset, index, line, column }
 */
export function planSplit(path: string, names: readonly string[], rangeBytes: number): SplitPlan & { size: number } {
  let doc: Uint8Array;
  try {
    doc = Bun.mmap(path, { shared: false });
  } catch (error) {
    throw new JsonFlatError("IO", `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return { ...native().splitScan(doc, names, rangeBytes), size: doc.byteLength };
}

/**
 * One range of a split document: bytes `start` to `end` of the file at `path`. The
 * first range (`cut` absent) starts at byte 0; the others at their cut. Every range but the last ends at the
 * next cut.
 *
 * @example
 * const range: SplitRange = { path: "big.json", names: ["statuses"], start: 0, end: plan.cuts[0].offset, last: false, opens: plan.opens };
 */
export interface SplitRange {
  path: string;
  names: readonly string[];
  start: number;
  end: number;
  /** Whether it ends the document (its output ends with the closing bracket). */
  last: boolean;
  /** The first range: the containers on the path (SplitPlan.opens). */
  opens?: readonly number[];
  /** A later range: where it starts. */
  cut?: SplitCut;
}

/** What one range wrote. */
export interface SplitRangeOutput {
  /** Its output, one piece per native call, in order. */
  chunks: Uint8Array[];
  leaves: number;
  unsafeIntegers: number;
  bytesRead: number;
}

/**
 * Flattens one range with its own native doc stream, reading the file `readBytes` at a time; `onRead` is told
 * the bytes done after each. Throws the document's JsonFlatError (true offset, line and column) when the range
 * holds the document's first fault.
 *
 * @example
 * const { chunks } = flattenSplitRange(range, resolveOptions(), {}, 1 << 20, () => {});
 */
export function flattenSplitRange(
  range: SplitRange,
  o: ResolvedOptions,
  flags: NativeCallFlags,
  readBytes: number,
  onRead: (done: number) => void,
): SplitRangeOutput {
  const n = native();
  const stream = n.docStreamNew(o, null, readBytes, flags);
  let fd: number | undefined;
  try {
    if (range.cut) n.docStreamResume(stream, range.names, range.cut);
    else if (range.opens && !range.last) n.docStreamDescendAt(stream, range.opens);
    try {
      fd = openSync(range.path, "r");
    } catch (error) {
      throw new JsonFlatError("IO", `cannot open ${range.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const end = range.end;
    const output: SplitRangeOutput = { chunks: [], leaves: 0, unsafeIntegers: 0, bytesRead: 0 };
    const buffer = new Uint8Array(Math.max(1, Math.min(readBytes, end - range.start)));
    const take = (out: { bytes: Uint8Array; leaves: number; unsafeIntegers: number }) => {
      if (out.bytes.byteLength) output.chunks.push(out.bytes);
      output.leaves = out.leaves;
      output.unsafeIntegers = out.unsafeIntegers;
    };
    for (let at = range.start; at < end; ) {
      const got = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
      if (got === 0) throw new JsonFlatError("IO", `${range.path} ended at ${at}, before ${end}`);
      take(n.docStreamFeed(stream, buffer.subarray(0, got)));
      at += got;
      output.bytesRead += got;
      onRead(output.bytesRead);
    }
    take(range.last ? n.docStreamFinish(stream) : n.docStreamPause(stream));
    return output;
  } finally {
    if (fd !== undefined) closeSync(fd);
    n.docStreamFree(stream);
  }
}

/**
 * The ranges of a plan in file order: the first from byte 0, one per cut, the last to the end of the file.
 *
 * @example
 * splitRanges("big.json", ["statuses"], plan, size).length // plan.cuts.length + 1
 */
export function splitRanges(path: string, names: readonly string[], plan: SplitPlan, size: number): SplitRange[] {
  const ranges: SplitRange[] = [];
  const { cuts, opens } = plan;
  ranges.push({ path, names, start: 0, end: cuts[0]?.offset ?? size, last: cuts.length === 0, opens });
  cuts.forEach((cut, i) => ranges.push({ path, names, start: cut.offset, end: cuts[i + 1]?.offset ?? size, last: i === cuts.length - 1, cut }));
  return ranges;
}
