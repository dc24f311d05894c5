/**
 * @module table/spool — the temporary file of a one-read table. A table of a whole file without given columns
 * needs every path before its header; rather than parse the file twice (a first pass for the columns, then the
 * rows), a native spool table writes each row as the columns are found, as records that the final column set
 * finishes later (c/src/table.c, "The spool"). The records wait here, on disk, so memory stays bounded by a
 * chunk whatever the input's size.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * One spool table call's output cut in two: its rows' records, and its discover output (the columns found so
 * far, a copy: the call's native memory is freed before the columns are read). The call writes the records, the
 * discover JSON, then that JSON's length as a little-endian uint64 (every platform Bun runs on is
 * little-endian).
 *
 * @example
 * const { records, columns } = spoolParts(out); // columns: '{"columns":["a"],"duplicates":false}\n' as bytes
 */
export function spoolParts(out: Uint8Array): { records: Uint8Array; columns: Uint8Array } {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const json = Number(view.getBigUint64(out.byteLength - 8, true));
  const start = out.byteLength - 8 - json;
  return { records: out.subarray(0, start), columns: out.slice(start, out.byteLength - 8) };
}

/**
 * A temporary file of blocks (each one spool call's records), read back in order, removed on dispose.
 *
 * @example
 * using spool = new SpoolFile();
 * spool.append(records);
 * for (const block of spool.blocks()) use(block); // a reused buffer: valid until the next block
 */
export class SpoolFile implements Disposable {
  readonly #dir = mkdtempSync(join(tmpdir(), "jsonflat-table-"));
  readonly #fd = openSync(join(this.#dir, "rows"), "w+");
  #size = 0;

  constructor() {
    // Removed at once where an open file outlives its name (Linux, macOS): nothing is left behind even when
    // the process is killed; elsewhere (Windows refuses) on dispose.
    try {
      rmSync(this.#dir, { recursive: true, force: true });
    } catch {
      // still there: dispose removes it
    }
  }

  /** Appends one block: its length (8 bytes), then its bytes. */
  append(block: Uint8Array): void {
    const head = new Uint8Array(8);
    new DataView(head.buffer).setBigUint64(0, BigInt(block.byteLength), true);
    this.#write(head);
    this.#write(block);
  }

  #write(bytes: Uint8Array): void {
    for (let done = 0; done < bytes.byteLength; ) {
      const n = writeSync(this.#fd, bytes, done, bytes.byteLength - done, this.#size);
      done += n;
      this.#size += n;
    }
  }

  /** The blocks in the order appended, each in one reused buffer (grown to the largest block). */
  *blocks(): Generator<Uint8Array> {
    let buffer = new Uint8Array(1 << 20);
    const head = new Uint8Array(8);
    for (let at = 0; at < this.#size; ) {
      at += this.#read(head, at);
      const length = Number(new DataView(head.buffer).getBigUint64(0, true));
      if (buffer.byteLength < length) buffer = new Uint8Array(length);
      const block = buffer.subarray(0, length);
      at += this.#read(block, at);
      yield block;
    }
  }

  #read(into: Uint8Array, position: number): number {
    for (let done = 0; done < into.byteLength; ) {
      const n = readSync(this.#fd, into, done, into.byteLength - done, position + done);
      if (n === 0) throw new Error(`the table's spool file ended early at byte ${position + done}`);
      done += n;
    }
    return into.byteLength;
  }

  [Symbol.dispose](): void {
    closeSync(this.#fd);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
