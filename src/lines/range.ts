/**
 * @module lines/range — byte ranges of a file on line boundaries (a range owns the lines that start inside
 * it), and the real number of the line a range starts at, counted natively.
 */
import { open, type FileHandle } from "node:fs/promises";
import { JsonFlatError } from "../core/errors";
import { native } from "../native";

/** A byte range of a file: `[start, end)`. */
export interface ByteRange {
  start: number;
  end: number;
}

const NEWLINE = 0x0a;
const COUNT_BLOCK = 1 << 20;

async function nextLineStart(file: FileHandle, at: number, size: number): Promise<number> {
  if (at <= 0) return 0;
  if (at >= size) return size;
  const window = new Uint8Array(64 << 10);
  // A line starts at `at` if the byte before it is a newline: search from at - 1.
  for (let pos = at - 1; pos < size; pos += window.length) {
    const { bytesRead } = await file.read(window, 0, Math.min(window.length, size - pos), pos);
    const nl = window.subarray(0, bytesRead).indexOf(NEWLINE);
    if (nl >= 0) return pos + nl + 1;
  }
  return size;
}

/**
 * Moves a byte range of a file to line boundaries: the lines that *start* inside `[start, end)`. Ranges that
 * tile a file give aligned ranges that tile it too, so every line is done exactly once.
 *
 * @example
 * await alignRange("dump.ndjson", { start: 0, end: 1 << 30 }) // { start: 0, end: 1073741871 }
 */
export async function alignRange(path: string, range: ByteRange): Promise<ByteRange> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    if (!(range.start >= 0 && range.end >= range.start)) {
      throw new JsonFlatError("INVALID_OPTION", `invalid range ${range.start}:${range.end}`);
    }
    return { start: await nextLineStart(file, range.start, size), end: await nextLineStart(file, range.end, size) };
  } finally {
    await file.close();
  }
}

/**
 * Counts the lines of a file up to increasing offsets, reading each byte once (natively counted, 1 MiB at a
 * time): what gives a range of a file (`--range`, a stream's `range`, a journaled job's range) its real first
 * line number.
 *
 * @example
 * await using counter = await LineCounter.open("dump.ndjson");
 * await counter.lineAt(1 << 20) // number of the line that starts at byte 1 MiB
 */
export class LineCounter {
  private counted = 0;
  private newlines = 0;
  private readonly block = new Uint8Array(COUNT_BLOCK);

  private constructor(private readonly file: FileHandle, private readonly path: string) {}

  static async open(path: string): Promise<LineCounter> {
    try {
      return new LineCounter(await open(path, "r"), path);
    } catch (error) {
      throw new JsonFlatError("IO", `cannot read ${path}: ${(error as Error).message}`);
    }
  }

  /** The number of the line that starts at `offset` (1 + the newlines before it); offsets must not decrease. */
  async lineAt(offset: number): Promise<number> {
    if (offset < this.counted) throw new JsonFlatError("INVALID_OPTION", `line counts go forward: ${offset} is before ${this.counted}`);
    while (this.counted < offset) {
      const want = Math.min(this.block.length, offset - this.counted);
      const { bytesRead } = await this.file.read(this.block, 0, want, this.counted);
      if (bytesRead === 0) throw new JsonFlatError("IO", `${this.path} ended at ${this.counted}, before ${offset}`);
      this.newlines += native().countNewlines(this.block.subarray(0, bytesRead));
      this.counted += bytesRead;
    }
    return this.newlines + 1;
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * The number of the line that starts at byte `offset` of a file (1 for offset 0).
 *
 * @example
 * await lineNumberAt("dump.ndjson", (await alignRange("dump.ndjson", { start: 5000, end: 9000 })).start)
 */
export async function lineNumberAt(path: string, offset: number): Promise<number> {
  if (offset <= 0) return 1;
  const counter = await LineCounter.open(path);
  try {
    return await counter.lineAt(offset);
  } finally {
    await counter.close();
  }
}
