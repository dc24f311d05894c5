/**
 * @module table/table — CSV and TSV out: NDJSON (or Open Library TSV with `column: 5`) from a file, a stream
 * or a buffer, or one JSON document, written as one row per document and one column per leaf path by the
 * native table writer, chunk by chunk with bounded memory; columns given, or discovered in a first pass.
 */
import { decompress } from "../core/decompress";
import { readableOf } from "../core/readable";
import { toBytes, type JsonInput } from "../core/input";
import { resolveOptions } from "../core/options";
import { lineOptions } from "../lines/options";
import { isRemote, openSource } from "../lines/sources";
import { streamChunks, type Source, type StreamProgress } from "../lines/stream";
import { native, type LinesCall, type LinesOutput, type NativeBytes, type NativeOutput, type TableHandle } from "../native";
import { NativeHandle } from "../native/handle";
import { checkTableOptions, DEFAULT_SAMPLE, tableSpec, type TableOptions, type TableSpec } from "./options";
import { SpoolFile, spoolParts } from "./spool";
import { JsonFlatError } from "../core/errors";

const decoder = new TextDecoder();

/**
 * One compiled native table: its column set and the header state of one output.
 *
 * @example
 * const table = new NativeTable({ format: "csv" }, { columns: ["a"], header: false });
 * try { table.lines(bytes, { onError: "fail", column: 0, firstLine: 1, baseOffset: 0 }); } finally { table.dispose(); }
 */
export class NativeTable extends NativeHandle<TableHandle> {
  constructor(options: TableOptions, extra: Partial<TableSpec>) {
    super("table");
    this.attach(native().compileTable(tableSpec(options, extra), resolveOptions(options)), (h) => native().freeTable(h));
  }

  lines(input: Uint8Array, lines: LinesCall): NativeBytes & LinesOutput {
    return native().tableLines(this.handle, input, lines);
  }

  document(input: Uint8Array): NativeBytes & NativeOutput {
    return native().tableDocument(this.handle, input);
  }

  /** The rows of a spool table's records, finished with this table's columns (see table/spool). */
  unspool(records: Uint8Array, emitErrors: boolean): NativeBytes & NativeOutput {
    return native().tableUnspool(this.handle, records, emitErrors);
  }
}

/**
 * What a discover pass found: every leaf path in order of first appearance, and whether a path was met twice
 * in one document (a duplicate member name: its second value is not a column, so it needs `_extra`).
 *
 * @example
 * const found: Discovered = { columns: ["a", "b.c"], duplicates: false };
 */
export interface Discovered {
  columns: string[];
  duplicates: boolean;
}

/**
 * What a discover call wrote.
 *
 * @example
 * columnsOf(new TextEncoder().encode('{"columns":["a","b.c"],"duplicates":false}\n')) // { columns: ["a", "b.c"], duplicates: false }
 */
export function columnsOf(bytes: Uint8Array): Discovered {
  return JSON.parse(decoder.decode(bytes)) as Discovered;
}

/** Runs `body` with a table compiled from `options`, freeing it afterwards. */
function withTable<T>(options: TableOptions, extra: Partial<TableSpec>, body: (table: NativeTable) => T): T {
  const table = new NativeTable(options, extra);
  try {
    return body(table);
  } finally {
    table.dispose();
  }
}

/** The first `count` lines of `bytes` (all of them when it has fewer). */
function firstLines(bytes: Uint8Array, count: number): Uint8Array {
  let at = 0;
  for (let seen = 0; seen < count; seen++) {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) return bytes;
    at = nl + 1;
  }
  return bytes.subarray(0, at);
}

/**
 * The line options of a table's native calls (first line 1 unless given).
 *
 * @example
 * chunkLines({ column: 5 }) // { onError: "fail", column: 5, firstLine: 1, baseOffset: 0 }
 */
export function chunkLines(options: TableOptions): LinesCall {
  const { firstLine, ...lines } = lineOptions(options);
  return { ...lines, firstLine: firstLine ?? 1 };
}

/** Every leaf path of the given lines, in order of first appearance (the discover pass over a buffer). */
function discoverLines(bytes: Uint8Array, options: TableOptions): Discovered {
  return withTable(options, { discover: true }, (table) => {
    const out = table.lines(bytes, chunkLines(options));
    try {
      return columnsOf(out);
    } finally {
      out.dispose();
    }
  });
}

/** A stream's first `count` lines, and the whole stream again (those bytes, then the rest). */
async function peekLines(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, count: number) {
  const iterator = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let newlines = 0;
  let done = false;
  while (newlines < count) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    held.push(next.value);
    newlines += native().countNewlines(next.value);
  }
  const all = Buffer.concat(held);
  const head = firstLines(all, count);
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* held;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head, ended: done && head.byteLength === all.byteLength, whole: replay(), stop: () => iterator.return?.() };
}

/** The decoded bytes of a source from its start, for a sample: a path, URL or S3 object, compressed or not. */
function sampleSource(source: Source, options: TableOptions): AsyncIterable<Uint8Array> {
  return decompress(typeof source === "string" && isRemote(source) ? openSource(source).whole() : source, options);
}

/** Every leaf path of a whole file (or its `range`), through the streaming loop: the first pass. */
async function discoverFile(path: string, options: TableOptions): Promise<Discovered> {
  const table = new NativeTable(options, { discover: true });
  try {
    let columns: Discovered = { columns: [], duplicates: false };
    const { onProgress: _, ...quiet } = options;
    for await (const out of streamChunks(path, quiet, (whole, lines) => table.lines(whole, lines))) columns = columnsOf(out);
    return columns;
  } finally {
    table.dispose();
  }
}

/**
 * The columns a table of `source` gets without `columns`: every leaf path of a whole file (a first pass), or
 * of the first `sample` lines (default 1,000 for a stream), in order of first appearance. `explode` and
 * `join` shape them as they shape rows.
 *
 * @example
 * await tableColumns("works.txt", { column: 5, sample: 100 }) // ["type.key", "title", "key", "authors[0].author.key", …]
 */
export async function tableColumns(source: Source | Uint8Array, options: TableOptions = {}): Promise<string[]> {
  checkTableOptions(options);
  if (source instanceof Uint8Array) return discoverLines(firstLines(source, options.sample ?? Infinity), options).columns;
  if (typeof source === "string" && options.sample === undefined) return (await discoverFile(source, options)).columns;
  return (await sampleColumns(source, options)).columns;
}

/**
 * The columns of the first `sample` lines (default 1,000) of a source, and whether those lines were all of it
 * (then every path is a column, as after a whole first pass).
 *
 * @example
 * await sampleColumns("works.ndjson", { sample: 100 }) // { columns: ["key", "title", …], duplicates: false, ended: false }
 */
export async function sampleColumns(source: Source, options: TableOptions): Promise<Discovered & { ended: boolean }> {
  const peek = await peekLines(sampleSource(source, options), options.sample ?? DEFAULT_SAMPLE);
  await peek.stop();
  return { ...discoverLines(peek.head, options), ended: peek.ended };
}

/**
 * The options of the writing pass once the columns are known, with the default unknown-path policy: `error`
 * when every path met is a column (a whole first pass that met no duplicate member name), else `extra`.
 *
 * @example
 * writing({}, ["a"], true) // { columns: ["a"], unknown: "error" }: a whole first pass saw every path
 */
export function writing(options: TableOptions, columns: readonly string[], everyPath: boolean): TableOptions {
  return { ...options, columns, unknown: options.unknown ?? (everyPath ? "error" : "extra") };
}

/** Whether a discover pass over the whole input leaves no value without a column. */
const everyPath = (found: Discovered, wholePass: boolean) => wholePass && !found.duplicates;

/**
 * Writes every line of an NDJSON buffer as CSV or TSV in one native call: the header row, then one row per
 * document (per element with `explode`). Without `columns`, the columns are every leaf path of the first
 * `sample` lines (default: all of them).
 *
 * @example
 * const csv = tableLines('{"a":1,"b":"x,y"}\n{"a":2,"b":null}\n');
 * new TextDecoder().decode(csv) // 'a,b\n1,"x,y"\n2,\n'
 */
export function tableLines(input: string | Uint8Array | ArrayBuffer, options: TableOptions = {}): NativeBytes & LinesOutput {
  checkTableOptions(options);
  const bytes = toBytes(input);
  const head = firstLines(bytes, options.sample ?? Infinity);
  const wholePass = options.columns === undefined && head.byteLength === bytes.byteLength; // every path is a column
  const found = options.columns === undefined ? discoverLines(head, options) : undefined;
  const columns = options.columns ?? found!.columns;
  const written = writing(options, columns, found !== undefined && everyPath(found, wholePass));
  return withTable(written, { columns }, (table) => table.lines(bytes, chunkLines(options)));
}

/**
 * One JSON document as a table: a root array is one row per element (an array of records), anything else one
 * row. Without `columns`, every leaf path of the document is a column.
 *
 * @example
 * new TextDecoder().decode(tableDocument([{ id: 1, tags: ["a", "b"] }, { id: 2 }], { join: "|" })) // 'id,tags\n1,a|b\n2,\n'
 */
export function tableDocument(input: JsonInput, options: TableOptions = {}): NativeBytes & NativeOutput {
  checkTableOptions(options);
  const bytes = toBytes(input);
  const records = options.explode === undefined;
  const found = options.columns !== undefined ? undefined : withTable(options, { discover: true, records }, (t) => {
    const out = t.document(bytes);
    try {
      return columnsOf(out);
    } finally {
      out.dispose();
    }
  });
  const columns = options.columns ?? found!.columns;
  const written = writing(options, columns, found !== undefined && everyPath(found, true));
  return withTable(written, { columns, records }, (t) => t.document(bytes));
}

/**
 * NDJSON from a file or stream as CSV or TSV, chunk by chunk: yields the header row and the rows in input
 * order, each chunk native memory freed when the next is requested (memory bounded by `chunkBytes` and the
 * longest row, never by the input). Columns: `columns`, or a first pass over a whole file, or the first
 * `sample` lines (default 1,000 for a stream, held in memory and then written as the rest is).
 *
 * @example
 * const out = Bun.file("editions.csv").writer();
 * for await (const chunk of tableStream("ol_dump_editions.txt", { column: 5, sample: 1000 })) out.write(chunk);
 * await out.end();
 */
export async function* tableStream(source: Source, options: TableOptions = {}): AsyncGenerator<Uint8Array, StreamProgress> {
  checkTableOptions(options);
  let input: Source = source;
  let columns = options.columns;
  let complete = false; // every path met is a column
  if (columns === undefined && typeof source === "string" && options.sample === undefined) {
    if (options.unknown === undefined) return yield* spooledTable(source, options);
    const found = await discoverFile(source, options);
    columns = found.columns;
    complete = everyPath(found, true);
  } else if (columns === undefined) {
    const peek = await peekLines(sampleSource(source, options), options.sample ?? DEFAULT_SAMPLE);
    const found = discoverLines(peek.head, options);
    columns = found.columns;
    complete = everyPath(found, peek.ended); // the sample was the whole input: every path is a column
    if (typeof source === "string") await peek.stop();
    else input = peek.whole;
  }
  const table = new NativeTable(writing(options, columns, complete), { columns });
  try {
    return yield* streamChunks(input, options, (whole, lines) => table.lines(whole, lines));
  } finally {
    table.dispose();
  }
}

/**
 * A whole file's table in one read, byte for byte what a first pass and then the writing pass give: the rows
 * are written as the columns are found, spooled to a temporary file, then finished under the final columns.
 * Only for the default unknown-path policy: with `unknown: "error"` a duplicate member name fails its line in
 * the writing pass, after the rows before it were already yielded, which a spool cannot reproduce.
 */
async function* spooledTable(path: string, options: TableOptions): AsyncGenerator<Uint8Array, StreamProgress> {
  using file = new SpoolFile();
  let found: Uint8Array | undefined;
  let progress: StreamProgress;
  const spool = new NativeTable(options, { spool: true });
  const chunks = streamChunks(path, options, (whole, lines) => spool.lines(whole, lines));
  let next = await chunks.next();
  try {
    for (; !next.done; next = await chunks.next()) {
      const parts = spoolParts(next.value);
      file.append(parts.records);
      found = parts.columns;
    }
    progress = next.value;
  } finally {
    if (!next.done) await chunks.return(CANCELLED); // a failed write: close the file
    spool.dispose();
  }
  if (!found) return progress; // nothing was read, so not even a header, as the writing pass
  const discovered = columnsOf(found);
  const table = new NativeTable(writing(options, discovered.columns, everyPath(discovered, true)), { columns: discovered.columns });
  try {
    for (const block of file.blocks()) {
      if (options.signal?.aborted) throw new JsonFlatError("ABORTED", "the stream was aborted");
      const out = table.unspool(block, options.onError === "emit");
      try {
        if (out.byteLength) yield out;
      } finally {
        out.dispose();
      }
    }
  } finally {
    table.dispose();
  }
  return progress;
}

const CANCELLED: StreamProgress = Object.freeze({ bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0 });

/**
 * `tableStream` as a web `ReadableStream` with backpressure (chunks are copied out of native memory).
 *
 * @example
 * return new Response(tableReadable(req.body!, { sample: 100 }), { headers: { "content-type": "text/csv" } });
 */
export function tableReadable(source: Source, options: TableOptions = {}): ReadableStream<Uint8Array> {
  return readableOf(tableStream(source, options), CANCELLED, true);
}
