/**
 * @module document/split — one document cut at the elements of one of its arrays, so that the ranges can be
 * flattened apart (on coworkers: coworker/split) and their outputs concatenated in order into `flattenBytes`
 * of the whole document: the split path, the plan (a native structural scan of the file) and one range
 * flattened by its own native doc stream, which starts inside the array at its element's true index, offset,
 * line and column.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { JsonFlatError } from "../core/errors";
import type { ResolvedOptions } from "../core/options";
import { native, type NativeCallFlags, type SplitCut } from "../native";

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
 * The ranges of a file's array at `names`, found as they are asked for: a native structural scan (no value
 * parsed) over windows of the file read from the last comma of the array seen, so memory is one window (about
 * eight ranges) and the ranges can start while the rest of the file is still being scanned. The first range
 * starts at byte 0, each later one at a comma of the array `rangeBytes` or more after the previous start, the
 * last ends at the end of the file.
 *
 * @example
 * using planner = new SplitPlanner("big.json", ["statuses"], 4 << 20);
 * for (let r = planner.next(); r; r = planner.next()) run(r);
 * if (!planner.found) throw new JsonFlatError("INVALID_OPTION", "no array there");
 */
export class SplitPlanner {
  /** Whether the array is in the file (known once `next` returned a range, or undefined at the end). */
  found = false;
  readonly size: number;
  private readonly fd: number;
  private window: Uint8Array;
  private opens: number[] = [];
  private pending: SplitCut[] = [];
  /** The start of the next range: byte 0, or a cut. */
  private current: SplitCut | undefined;
  /** Where the next scan goes on from; undefined: from the start of the file. */
  private resume: SplitCut | undefined;
  /** No more cuts: the array closed, or the file ended. */
  private exhausted = false;
  private done = false;

  constructor(
    readonly path: string,
    readonly names: readonly string[],
    readonly rangeBytes: number,
    /** Bytes scanned per native call at first (doubled for an element longer than that); default 8 ranges, ≥ 1 MiB. */
    windowBytes = Math.max(8 * rangeBytes, 1 << 20),
  ) {
    try {
      this.fd = openSync(path, "r");
    } catch (error) {
      throw new JsonFlatError("IO", `cannot open ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    this.size = fstatSync(this.fd).size;
    this.window = new Uint8Array(Math.max(1, Math.min(this.size, windowBytes)));
  }

  /** The next range in file order, or undefined after the last (or when the array is not in the file). */
  next(): SplitRange | undefined {
    if (this.done) return undefined;
    while (!this.pending.length && !this.exhausted) this.scan();
    if (!this.found) {
      this.done = true;
      return undefined;
    }
    const cut = this.pending.shift();
    const { path, names } = this;
    const start = this.current?.offset ?? 0;
    const range: SplitRange = { path, names, start, end: cut?.offset ?? this.size, last: !cut };
    if (this.current) range.cut = this.current;
    else range.opens = this.opens;
    this.current = cut;
    this.done = !cut;
    return range;
  }

  [Symbol.dispose](): void {
    closeSync(this.fd);
  }

  /** Scans one window from the last comma seen (or the start); a window without a comma past its start doubles. */
  private scan(): void {
    const from = this.resume?.offset ?? 0;
    const length = this.read(from);
    const plan = native().splitScan(this.window.subarray(0, length), this.resume ?? this.names, this.rangeBytes);
    const whole = from + length >= this.size;
    if (!this.resume) {
      this.found = plan.found;
      this.opens = plan.opens;
    }
    this.pending.push(...plan.cuts);
    const progressed = plan.resume !== undefined && plan.resume.offset > from;
    if (plan.close >= 0 || whole) this.exhausted = true;
    else if (progressed && plan.found) this.resume = plan.resume;
    else this.window = new Uint8Array(Math.min(this.size, this.window.length * 2)); // an element (or prefix) longer than the window
  }

  /** Reads the file from `at` into the window; the bytes read. */
  private read(at: number): number {
    let length = 0;
    while (length < this.window.length && at + length < this.size) {
      const got = readSync(this.fd, this.window, length, this.window.length - length, at + length);
      if (got === 0) break;
      length += got;
    }
    return length;
  }
}

/**
 * One range of a split document: bytes `start` to `end` of the file at `path`. The
 * first range (`cut` absent) starts at byte 0; the others at their cut. Every range but the last ends at the
 * next cut.
 *
 * @example
 * const range = planner.next(); // { path: "big.json", names: ["statuses"], start: 0, end: 4194511, last: false, opens: [0, 13] }
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
