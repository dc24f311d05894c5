#!/usr/bin/env bun
/**
 * @module cli/main — `jsonflat` on the command line: files or stdin to stdout, any mode, NDJSON of any size.
 */
// Start-up time is most of a small run: this file loads only what parses and checks the flags (and the help
// texts); each command loads the modules it runs with `await import(...)` where it needs them.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { JsonFlatError } from "../core/errors";
import { ON_ERROR_MODES } from "../lines/options";
import type { ByteRange, ShardSpec, StreamOptions, StreamProgress } from "../lines/index";
import type { FlattenOptions, UnflattenOptions } from "../core/options";
import type { FileJobOptions, FileJobSummary } from "../durable/jobs";
import { createProgressBar } from "./progress";
import { COMPRESSION_FLAGS, COMPRESSION_HELP, compressedWhere, compressionOptions } from "./compressed";
import { fileCompression, readWhole } from "../core/decompress";
import { TABLE_HELP, TABLE_OPTIONS, tableCommand, tableOptionsOf, TableUsageError } from "./table";
import type { Schema } from "../query/schema";
import type { Query, SearchQuery } from "../query/search";
import { SERVE_HELP } from "../server/help";
import { VERSION } from "../core/version";
import { isRemote } from "../lines/sources";
import { flattenDocumentCommand, schemaDocumentCommand, searchDocumentCommand, streamsDocument } from "./document";

/** Exit codes: documented in `--help`. */
export const EXIT = { ok: 0, badInput: 1, usage: 2 } as const;

const HELP = `jsonflat ${VERSION} — flatten JSON at native speed

Usage:
  jsonflat flatten   [FILE|-] [options]    flatten one document, or NDJSON with --ndjson
  jsonflat unflatten [FILE|-] [options]    rebuild a document from its flattened object
  jsonflat search    [FILE|-] [options]    leaves by --path glob, --key and --value (grep-like exit status)
  jsonflat schema    [FILE|-] [options]    type counts, documents and short key per grouped path (--table to align)
  jsonflat schema --json-schema | --typescript [--name T] [FILE|-]   types from data (see Schema options)
  jsonflat serve     [options]             the HTTP server and explorer page (see Serve options)

FILE is a path, an http(s):// URL (read with range requests), an s3://BUCKET/KEY object (Bun's S3 client,
credentials from S3_* or AWS_* variables), or - (the default) for standard input. Output goes to standard
output or -o FILE.

Options:
  -o, --output FILE        write here instead of standard output
      --ndjson             one document per line (LF or CRLF; lines of only spaces, tabs and CR skipped but
                           counted); output one line per document, for every command
      --mode leaf|grouped  leaf: path -> value (default); grouped: path with [] -> [values]
      --style js|pointer|flat            path spelling (default js: a.b["c d"][0])
  -d, --delimiter STR      separator for --style flat (default .)
      --max-depth N        stop descending after N levels, keep the subtree whole
      --arrays index|leaf  leaf keeps arrays whole (npm flat's safe mode)
      --max-nesting N      reject deeper documents (default 10000)
      --format object|entries           {"path":value} (default) or [["path",value]]
      --replace-invalid-utf8             write U+FFFD instead of failing on invalid UTF-8 or a lone surrogate escape
      --stream             read one document chunk by chunk (automatic for - and for files over 32 MiB):
                           memory bounded by its nesting depth, its largest value and --chunk-bytes (default
                           1048576), output identical; --mode grouped still holds every value (as much as its
                           output); a bad or truncated document exits 1 after the output before the fault
      --split PATH         flatten the elements of the array at PATH (statuses, a.b, /a/b; "" = the root
                           array) of one document FILE on --workers N coworkers (--range-bytes per task,
                           default 4194304), output identical; leaf mode; flatten only
${COMPRESSION_HELP}NDJSON options:
      --column N           the JSON is the Nth tab-separated field (Open Library dumps: --column 5)
      --on-error fail|skip|emit         a bad line stops (default), is left out, or becomes {"error":…,"line":n}
                           (flatten, unflatten, search; schema only counts bad lines)
      --range A:B          only the lines that start in bytes [A, B) of FILE, numbered as in the whole file
      --shard I/N          shard I (0-based, 0 ≤ I < N) of N: the lines that start in bytes
                           [floor(size·I/N), floor(size·(I+1)/N)) of FILE, numbered as in the whole file;
                           shards 0..N-1 concatenated are the output of one run, byte for byte (search's
                           --count and --limit count per shard; schema shards: JSON, joined with --merge)
      --shard env          the same, I from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX (0-based)
      --shard-count N      N for --shard env
      --workers N          flatten FILE in up to N coworkers (default 1: in this thread); a file under about
                           32 MiB is flattened in this thread all the same (starting workers would cost more)
      --chunk-bytes N      input bytes per native call: in this thread (default 8388608), or with --workers
                           inside each coworker (default 4194304); for one streamed document see --stream
      --range-bytes N      with --workers: input bytes per coworker range, one task each (default: 8 ranges
                           per worker, 1 to 32 MiB; unused in this thread)
      --journal DIR        with -o FILE and a FILE input (flatten --ndjson, unflatten --ndjson): record each
                           chunk in the write-ahead log DIR once its output is durable; the same command
                           after a crash resumes from the last intact chunk (output byte-identical to one
                           run), and after success does nothing; another input or other options: refused
${TABLE_HELP}Search options (hits print as JSON lines: ["path",value], or [line,"path",value] with --ndjson):
      --path GLOB          js-style path; * any member, [*] any index, ** any depth (a.**.id, items[*].price);
                           at most 64 KiB and 1024 segments (a run of ** counts once)
      --key NAME           the last member name of the path
      --value JSON         the leaf's value, by type and exact value ('"1"' is a string, 1 a number)
      --jsonpath QUERY     an RFC 9535 JSONPath instead of --path/--key/--value ('$.a[?@.price < 10].title');
                           hits are selected nodes with normalized paths ($['a'][0]['title'])
                           (with --ndjson --workers N: FILE's ranges searched in N coworkers, the same output;
                           a --path/--key/--value search runs in one thread, --workers is ignored with a note)
      --limit N            stop after N hits
      --count              print only the number of hits
Schema options:
      --table              an aligned text table instead of JSON
      --merge FILE...      merge schema JSON files written by shards, in shard order (= the one-run schema)
      --json-schema        a JSON Schema (draft 2020-12) every input document validates against: type per path
                           (integer unless a fraction or exponent was seen), required = members in every
                           instance of their object, items = all elements merged, ["string","null"] where null
                           was seen, up to 3 short examples; other members allowed unless --closed
      --closed             with --json-schema: additionalProperties false on every object
      --typescript         a .d.ts: export interface NAME (members not always there are optional (?),
                           | null where null was seen, nested objects inline, unknown[] for arrays only seen empty)
      --name NAME          the interface's name (default Root); with --json-schema, the schema's title
      --workers N          with --ndjson and --json-schema or --typescript: read FILE's ranges in N coworkers
                           (the same output as one thread); a plain schema runs in one thread (ignored, with a note)
${SERVE_HELP}Other:
      --summary            print counts and throughput to standard error
      --progress / --no-progress        progress bar on standard error (default: when it is a terminal
                           and the input is over 64 MB); NO_COLOR and FORCE_COLOR are respected
  -h, --help               this text
  -v, --version            the version

Exit status: 0 success; 1 bad input (invalid JSON, conflicting paths, I/O); 2 usage error.
  search, like grep: 0 hits found; 1 no hit; 2 bad input or usage error.
Errors go to standard error as one line: jsonflat: FILE:LINE:COLUMN: CODE message (byte OFFSET)

Examples:
  jsonflat flatten data.json
  jsonflat flatten --style pointer --mode grouped data.json -o flat.json
  curl -s https://example.org/api | jsonflat flatten -
  jsonflat flatten --ndjson --column 5 --on-error skip ol_dump_editions.txt -o editions.ndjson
  jsonflat flatten --ndjson --column 5 ol_dump_editions_latest.txt.gz -o editions.ndjson   # gzip/zstd: read directly
  jsonflat flatten --ndjson --workers 2 big.ndjson > flat.ndjson
  jsonflat flatten --ndjson --workers 2 big.ndjson -o flat.ndjson --journal flat.wal   # again after a crash
  jsonflat flatten --ndjson --column 5 --to csv --explode authors --join ';' ol_dump_works.txt -o works.csv
  jsonflat unflatten --style flat -d _ flat.json
  jsonflat schema --ndjson --column 5 --table ol_dump_works.txt
  jsonflat schema --ndjson --json-schema sample.ndjson > sample.schema.json   # then bind(JSON.parse(…))
  jsonflat schema --ndjson --column 5 --typescript --name Work ol_dump_works.txt > work.d.ts
  jsonflat search --key screen_name twitter.json
  jsonflat serve --port 8080 --max-body 16M --workers 2
  jsonflat search --ndjson --column 5 --path 'subjects[*]' --value '"Fiction"' --count ol_dump_works.txt
  jsonflat flatten --ndjson --column 5 --shard 3/8 https://example.org/ol_dump.txt > part-3.ndjson
  JOB_COMPLETION_INDEX=3 jsonflat schema --ndjson --column 5 --shard env --shard-count 8 s3://dumps/ol.txt
  jsonflat schema --merge part-*.json --table
  jsonflat search --jsonpath '$.statuses[?@.retweet_count > 100].user.screen_name' twitter.json
`;

const OPTIONS = {
  output: { type: "string", short: "o" },
  ndjson: { type: "boolean" },
  mode: { type: "string" },
  style: { type: "string" },
  delimiter: { type: "string", short: "d" },
  "max-depth": { type: "string" },
  arrays: { type: "string" },
  "max-nesting": { type: "string" },
  format: { type: "string" },
  "replace-invalid-utf8": { type: "boolean" },
  stream: { type: "boolean" },
  split: { type: "string" },
  column: { type: "string" },
  "on-error": { type: "string" },
  range: { type: "string" },
  shard: { type: "string" },
  "shard-count": { type: "string" },
  merge: { type: "boolean" },
  workers: { type: "string" },
  "chunk-bytes": { type: "string" },
  "range-bytes": { type: "string" },
  journal: { type: "string" },
  summary: { type: "boolean" },
  table: { type: "boolean" },
  "json-schema": { type: "boolean" },
  typescript: { type: "boolean" },
  name: { type: "string" },
  closed: { type: "boolean" },
  path: { type: "string" },
  key: { type: "string" },
  value: { type: "string" },
  limit: { type: "string" },
  jsonpath: { type: "string" },
  count: { type: "boolean" },
  progress: { type: "boolean" },
  "no-progress": { type: "boolean" },
  ...COMPRESSION_FLAGS,
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  ...TABLE_OPTIONS,
} satisfies ParseArgsConfig["options"];

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

/** A usage mistake: reported with a hint and exit status 2. */
class UsageError extends Error {}

function whole(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || value.trim() === "") throw new UsageError(`--${name} expects a whole number ≥ ${min}, got "${value}"`);
  return n;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, got "${value}"`);
}

function parseRange(value: string | undefined): ByteRange | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+):(\d+)$/.exec(value);
  if (!match || Number(match[1]) > Number(match[2])) throw new UsageError(`--range expects A:B with A ≤ B, got "${value}"`);
  return { start: Number(match[1]), end: Number(match[2]) };
}

function flattenOptions(v: Values): FlattenOptions & { format?: "object" | "entries" } {
  return {
    mode: oneOf("mode", v.mode, ["leaf", "grouped"] as const),
    style: oneOf("style", v.style, ["js", "pointer", "flat"] as const),
    delimiter: v.delimiter,
    maxDepth: whole("max-depth", v["max-depth"], 1),
    arrays: oneOf("arrays", v.arrays, ["index", "leaf"] as const),
    maxNesting: whole("max-nesting", v["max-nesting"], 1),
    format: oneOf("format", v.format, ["object", "entries"] as const),
    replaceInvalidUtf8: v["replace-invalid-utf8"],
  };
}

/*------------------------------------------------------------------------------
 * Input and output
 *----------------------------------------------------------------------------*/

interface Output {
  write(bytes: Uint8Array): Promise<void>;
  end(): Promise<void>;
}

/** The flags every NDJSON reader shares: the TSV column, bad-line mode, bytes per native call, compression. */
function lineFlags(v: Values) {
  return {
    column: whole("column", v.column, 1),
    onError: oneOf("on-error", v["on-error"], ON_ERROR_MODES),
    chunkBytes: whole("chunk-bytes", v["chunk-bytes"], 1),
    ...compressionOptions(v),
  };
}

function openOutput(path: string | undefined): Output {
  const sink = path && path !== "-" ? Bun.file(path).writer() : Bun.stdout.writer();
  return {
    // Flushing before returning lets the caller free the chunk: the sink may hold it by reference until then.
    async write(bytes) {
      await sink.write(bytes); // a pending write to a closed pipe rejects: awaited, so report() sees EPIPE
      await sink.flush();
    },
    async end() {
      await sink.end();
    },
  };
}

/** With --journal the job opens, cuts back and syncs -o FILE itself: nothing may truncate it before. */
function journalOwnsOutput(): Output {
  return {
    async write() {
      throw new Error("a journaled job writes its output itself");
    },
    async end() {},
  };
}

async function readAll(file: string, v: Values): Promise<Uint8Array> {
  const source = isRemote(file) ? (await import("../lines/sources")).openSource(file).whole() : file === "-" ? Bun.stdin.stream() : file;
  return readWhole(source, compressionOptions(v));
}

function inputSize(file: string): number {
  return file === "-" || isRemote(file) ? 0 : Bun.file(file).size;
}

/** --shard and --range of an NDJSON command; a local FILE's range is aligned here, a URL's as it is read. */
async function placement(file: string, v: Values): Promise<{ shard?: ShardSpec; range?: ByteRange }> {
  const range = parseRange(v.range);
  const { shardFlags, shardRefusal } = await import("./shard");
  const shard = shardFlags(v.shard, v["shard-count"]);
  if (range && file === "-") throw new UsageError("--range needs a FILE, not standard input");
  const refusal = shard && shardRefusal(file);
  if (refusal) throw new UsageError(refusal);
  if (shard && range) throw new UsageError("--shard and --range exclude each other: a shard is its own range");
  return { shard, range: range && !isRemote(file) ? await (await import("../lines/range")).alignRange(file, range) : range };
}

/*------------------------------------------------------------------------------
 * Commands
 *----------------------------------------------------------------------------*/

interface Summary {
  bytesIn: number;
  documents: number;
  leaves: number;
  errors: number;
}

async function flattenDocument(file: string, v: Values, out: Output): Promise<Summary> {
  const options = flattenOptions(v);
  if (v.split !== undefined) {
    const { flattenSplitCommand } = await import("./document");
    const splitFlags = { split: v.split, workers: whole("workers", v.workers, 1), rangeBytes: whole("range-bytes", v["range-bytes"], 1), chunkBytes: whole("chunk-bytes", v["chunk-bytes"], 1) };
    const done = await flattenSplitCommand(file, { ...options, ...compressionOptions(v) }, splitFlags, out, undefined);
    return { bytesIn: done.bytesIn, documents: 1, leaves: done.leaves, errors: 0 };
  }
  if (streamsDocument(file, inputSize(file), Boolean(v.stream))) {
    const total = inputSize(file);
    const bar = showProgress(v, total) ? createProgressBar(total) : undefined;
    try {
      const done = await flattenDocumentCommand(file, { ...options, ...compressionOptions(v) }, whole("chunk-bytes", v["chunk-bytes"], 1), out, bar && ((n) => bar.update(n)));
      return { bytesIn: done.bytesIn, documents: 1, leaves: done.leaves, errors: 0 };
    } finally {
      bar?.done();
    }
  }
  const [input, { flattenBytes }] = await Promise.all([readAll(file, v), import("../document/flatten")]);
  const bytes = flattenBytes(input, options);
  try {
    await out.write(bytes);
    await out.write(new Uint8Array([0x0a]));
    return { bytesIn: input.byteLength, documents: 1, leaves: bytes.leaves, errors: 0 };
  } finally {
    bytes.dispose();
  }
}

function showProgress(v: Values, total: number): boolean {
  if (v["no-progress"]) return false;
  if (v.progress) return true;
  return Boolean(process.stderr.isTTY) && total > 64 << 20;
}

async function flattenNdjson(file: string, v: Values, out: Output): Promise<Summary> {
  const { shard, range: aligned } = await placement(file, v);
  const { flattenStream, openSource, placeRange } = await import("../lines/index");
  const workers = whole("workers", v.workers, 1) ?? 1;
  if (workers > 1 && file === "-") throw new UsageError("--workers needs a FILE, not standard input");
  if (isRemote(file) && (workers > 1 || v.journal !== undefined)) {
    throw new UsageError(`--${workers > 1 ? "workers" : "journal"} needs a local FILE; split a URL over processes or machines with --shard`);
  }
  const rangeBytes = whole("range-bytes", v["range-bytes"], 1);
  const total = shard ? Math.ceil((await openSource(file).size()) / shard.count) : aligned && !isRemote(file) ? aligned.end - aligned.start : inputSize(file);
  const bar = showProgress(v, total) ? createProgressBar(total) : undefined;
  const options: StreamOptions & { range?: ByteRange } = {
    ...flattenOptions(v),
    ...lineFlags(v),
    range: aligned,
    shard,
    onProgress: bar ? (p: StreamProgress) => bar.update(p.compressedBytesRead ?? p.bytesRead) : undefined,
  };
  if (v.journal !== undefined) {
    const { flattenFile } = await import("../durable/jobs");
    const { onProgress: _, shard: __, ...rest } = options;
    if (shard) rest.range = await placeRange(file, { shard }); // the journal records the shard's own range
    return journaled(file, v, bar, (job) => flattenFile(file, v.output!, { ...rest, workers, rangeBytes, ...job }));
  }
  const source = file === "-" ? Bun.stdin.stream() : file;
  const summary: Summary = { bytesIn: 0, documents: 0, leaves: 0, errors: 0 };
  const pooled = workers > 1 && (await workersRepay(file, total, workers, v));
  const chunks = pooled ? await parallelChunks(file, workers, rangeBytes, options) : flattenStream(source, options);
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done) {
        const p = next.value as StreamProgress;
        Object.assign(summary, { bytesIn: p.bytesRead, documents: p.documents, errors: p.errors, leaves: p.leaves });
        break;
      }
      await out.write(next.value);
    }
  } finally {
    bar?.done();
  }
  return summary;
}

/** Checks what --journal needs; the job then writes -o FILE itself (`out` stays unused and empty). */
function journalUsage(file: string, v: Values): void {
  if (!v.output || v.output === "-") throw new UsageError("--journal needs -o FILE: the output is cut back and resumed on a re-run");
  if (file === "-") throw new UsageError("--journal needs a FILE, not standard input");
  if (isRemote(file)) throw new UsageError("--journal needs a local FILE, not a URL");
}

/** Runs a journaled job, telling on standard error when it resumes or has nothing left to do. */
async function journaled(
  file: string,
  v: Values,
  bar: ReturnType<typeof createProgressBar> | undefined,
  run: (job: FileJobOptions) => Promise<FileJobSummary>,
): Promise<Summary> {
  journalUsage(file, v);
  const journal = v.journal!;
  const say = (text: string) => process.stderr.write(`jsonflat: ${journal}: ${text}\n`);
  let result: FileJobSummary;
  try {
    result = await run({
      journal,
      onProgress: bar ? (done) => bar.update(done) : undefined,
      onResume: (r) => {
        if (r.complete) return;
        const fixed = [r.redone ? `${r.redone} chunk(s) missing or damaged in ${v.output}, done again` : "", r.cutBytes ? `${r.cutBytes} byte(s) cut from its end` : ""].filter(Boolean);
        say(`resuming at byte ${r.from.input} of ${file} (line ${r.from.line}), ${r.kept} chunk(s) kept${fixed.length ? `, ${fixed.join(", ")}` : ""}`);
      },
    });
  } finally {
    bar?.done();
  }
  if (result.alreadyComplete) {
    const cut = result.resumed?.cutBytes ? `; ${result.resumed.cutBytes} byte(s) found past its end were cut` : "";
    say(`the job is already complete (${v.output}: ${result.outputBytes} bytes, last chunk checked)${cut}; nothing to do`);
  }
  return { bytesIn: result.inputBytesThisRun, documents: result.documents, leaves: result.leaves, errors: result.errors };
}

/**
 * Whether --workers N would start any worker (coworker/plan): not for a plain file too small to repay a
 * worker's start, which then runs in this thread without loading the pool at all. A compressed file always
 * goes to the pool's path, which decodes it beside the flattening.
 */
async function workersRepay(file: string, total: number, workers: number, v: Values): Promise<boolean> {
  const { workersFor } = await import("../coworker/plan");
  return workersFor(total, workers) > 0 || (await fileCompression(file, compressionOptions(v).compression)) !== undefined;
}

/**
 * The coworker pool's ordered chunks, loaded only when --workers asks for it: `rangeBytes` per task, and
 * --chunk-bytes per native call inside a task (the pool's `readBytes`).
 */
async function parallelChunks(file: string, workers: number, rangeBytes: number | undefined, options: StreamOptions & { range?: ByteRange }) {
  const { flattenFileParallel } = await import("../coworker/parallel");
  const { chunkBytes, ...rest } = options;
  return flattenFileParallel(file, { ...rest, workers, rangeBytes, readBytes: chunkBytes }) as AsyncGenerator<Uint8Array, StreamProgress>;
}

/**
 * Says on standard error that `--workers N` was ignored: `what` runs in this thread only (`only` names the
 * commands that do use coworkers), so that nobody takes a one-thread run for a parallel one.
 *
 * @example
 * oneThread("schema --json-schema and --typescript", "a plain schema");
 */
function oneThread(only: string, what: string): void {
  process.stderr.write(`jsonflat: note: --workers applies to ${only} only; ${what} runs in one thread\n`);
}

async function schemaCommand(file: string, v: Values, out: Output, files: string[]): Promise<Summary> {
  const [{ schema, schemaStream, schemaTable }, { typesOfDocument, typesOfLines, typesRequest }] = await Promise.all([
    import("../query/schema"),
    import("../query/types-output"),
  ]);
  const types = typesRequest(v, (option) => `--${option}`);
  const options = flattenOptions(v);
  let result: Schema | string;
  let summary: Summary;
  if (v.merge) {
    if (types) throw new UsageError("--merge merges plain schema files; --json-schema and --typescript read the input itself");
    result = await (await import("./shard")).mergeSchemaFiles(files);
    summary = { bytesIn: 0, documents: 0, leaves: 0, errors: 0 };
  } else if (v.ndjson) {
    const { shard, range } = await placement(file, v);
    if (!types && (whole("workers", v.workers, 1) ?? 1) > 1) oneThread("schema --json-schema and --typescript", "a plain schema");
    const counts: StreamProgress = { bytesRead: 0, lines: 0, documents: 0, errors: 0, leaves: 0 };
    const read = types ? typesOfLines.bind(null, types) : schemaStream;
    result = await read(file === "-" ? Bun.stdin.stream() : file, {
      style: options.style,
      delimiter: options.delimiter,
      maxDepth: options.maxDepth,
      arrays: options.arrays,
      maxNesting: options.maxNesting,
      replaceInvalidUtf8: options.replaceInvalidUtf8,
      ...lineFlags(v),
      range,
      shard,
      onProgress: (p) => Object.assign(counts, p),
    });
    summary = { bytesIn: counts.bytesRead, documents: counts.documents, leaves: counts.leaves, errors: counts.errors };
  } else if (!types && streamsDocument(file, inputSize(file), Boolean(v.stream))) {
    result = await schemaDocumentCommand(file, { ...options, ...compressionOptions(v) }, whole("chunk-bytes", v["chunk-bytes"], 1));
    summary = { bytesIn: inputSize(file), documents: 1, leaves: 0, errors: 0 };
  } else {
    const input = await readAll(file, v);
    result = types ? typesOfDocument(types, input, options) : schema(input, options); // schema() sets the mode itself
    summary = { bytesIn: input.byteLength, documents: 1, leaves: 0, errors: 0 };
  }
  const text = typeof result === "string" ? result : v.table ? schemaTable(result) : `${JSON.stringify(result)}\n`;
  await out.write(new TextEncoder().encode(text));
  return summary;
}

function searchQuery(v: Values): SearchQuery {
  if (v.path === undefined && v.key === undefined && v.value === undefined && v.jsonpath === undefined) {
    throw new UsageError("search needs --path, --key, --value or --jsonpath (all leaves: jsonflat flatten --format entries)");
  }
  const query: SearchQuery = {};
  if (v.jsonpath !== undefined) query.jsonpath = v.jsonpath;
  if (v.path !== undefined) query.path = v.path;
  if (v.key !== undefined) query.key = v.key;
  if (v.value !== undefined) {
    try {
      query.value = JSON.parse(v.value);
      // Keep the exact text of numbers (12345678901234567890 must not round): pass it through as raw JSON.
      if (typeof query.value === "number") query.value = JSON.rawJSON(v.value.trim());
    } catch {
      throw new UsageError(`--value expects JSON (a string needs quotes: '"text"'), got ${v.value}`);
    }
  }
  const limit = whole("limit", v.limit, 1);
  if (limit !== undefined) query.limit = limit;
  return query;
}

/** Compiles the query; a bad --jsonpath is a usage error that points into the query text (column, byte). */
async function compileSearch(query: SearchQuery): Promise<Query> {
  const { compileQuery } = await import("../query/search");
  try {
    return compileQuery(query);
  } catch (error) {
    if (query.jsonpath === undefined || !(error instanceof JsonFlatError) || !error.column) throw error;
    throw new UsageError(`--jsonpath, column ${error.column} (byte ${error.offset}): ${error.message}`);
  }
}

/** Search output and grep-like status: hits found or not. */
async function searchCommand(file: string, v: Values, out: Output): Promise<Summary & { hits: number }> {
  const options = { ...flattenOptions(v), mode: undefined, format: undefined };
  const query = await compileSearch(searchQuery(v));
  const { searchBytes, searchStream } = await import("../query/search");
  try {
    // JSONPath filters compare whole subtrees: it runs on the document read whole.
    if (!v.ndjson && v.jsonpath === undefined && streamsDocument(file, inputSize(file), Boolean(v.stream))) {
      const hits = await searchDocumentCommand(file, query, { ...options, ...compressionOptions(v) }, whole("chunk-bytes", v["chunk-bytes"], 1), out, Boolean(v.count));
      if (v.count) await out.write(new TextEncoder().encode(`${hits}\n`));
      return { bytesIn: inputSize(file), documents: 1, leaves: 0, errors: 0, hits };
    }
    if (!v.ndjson) {
      const input = await readAll(file, v);
      const bytes = searchBytes(input, query, options);
      if (v.count) await out.write(new TextEncoder().encode(`${bytes.leaves}\n`));
      else await out.write(bytes);
      bytes.dispose();
      return { bytesIn: input.byteLength, documents: 1, leaves: 0, errors: 0, hits: bytes.leaves };
    }
    const { shard, range } = await placement(file, v);
    const workers = whole("workers", v.workers, 1) ?? 1;
    if (workers > 1 && (file === "-" || isRemote(file))) throw new UsageError("--workers needs a local FILE, not standard input or a URL");
    if (workers > 1 && query.query.jsonpath === undefined) oneThread("search --jsonpath", "this --path/--key/--value search");
    const stream =
      workers > 1 && query.query.jsonpath !== undefined
        ? (await import("../query/search-parallel")).searchFileParallel(file, query.query, { ...options, ...lineFlags(v), range, shard, workers })
        : searchStream(file === "-" ? Bun.stdin.stream() : file, query, { ...options, ...lineFlags(v), range, shard });
    let hits = 0;
    for (;;) {
      const next = await stream.next();
      if (next.done) {
        hits = next.value;
        break;
      }
      if (!v.count) await out.write(next.value);
    }
    if (v.count) await out.write(new TextEncoder().encode(`${hits}\n`));
    return { bytesIn: 0, documents: 0, leaves: 0, errors: 0, hits };
  } finally {
    query.dispose();
  }
}

async function unflattenCommand(file: string, v: Values, out: Output): Promise<Summary> {
  const options: UnflattenOptions = {
    style: oneOf("style", v.style, ["js", "pointer", "flat"] as const),
    delimiter: v.delimiter,
    maxNesting: whole("max-nesting", v["max-nesting"], 1),
    replaceInvalidUtf8: v["replace-invalid-utf8"],
  };
  const lines = lineFlags(v);
  const { placeRange, unflattenStream } = await import("../lines/index");
  if (v.journal !== undefined) {
    if (!v.ndjson) throw new UsageError("--journal applies to --ndjson input only");
    const { unflattenFile } = await import("../durable/jobs");
    const place = await placement(file, v);
    const range = place.shard ? await placeRange(file, place) : place.range;
    return journaled(file, v, undefined, (job) => unflattenFile(file, v.output!, { ...options, ...lines, range, ...job }));
  }
  if (v.ndjson) {
    const stream = unflattenStream(file === "-" ? Bun.stdin.stream() : file, { ...options, ...lines, ...(await placement(file, v)) });
    for (;;) {
      const next = await stream.next();
      if (next.done) return { bytesIn: next.value.bytesRead, documents: next.value.documents, leaves: next.value.leaves, errors: next.value.errors };
      await out.write(next.value);
    }
  }
  const [input, { unflattenBytes }] = await Promise.all([readAll(file, v), import("../document/unflatten")]);
  const result = unflattenBytes(input, options);
  await out.write(result);
  await out.write(new Uint8Array([0x0a]));
  result.dispose();
  return { bytesIn: input.byteLength, documents: 1, leaves: 0, errors: 0 };
}

/*------------------------------------------------------------------------------
 * Main
 *----------------------------------------------------------------------------*/

function report(error: unknown, file: string): number {
  if (error instanceof UsageError) {
    process.stderr.write(`jsonflat: ${error.message}\nTry 'jsonflat --help'.\n`);
    return EXIT.usage;
  }
  if (error instanceof JsonFlatError) {
    if (error.code === "INVALID_OPTION") {
      process.stderr.write(`jsonflat: ${error.message}\nTry 'jsonflat --help'.\n`);
      return EXIT.usage;
    }
    // The one place a position becomes text: FILE:LINE:COLUMN (the compiler convention editors jump to).
    const where = error.line ? `${file}:${error.line}:${error.column}` : file;
    const byte = error.offset === undefined ? compressedWhere(error) : ` (byte ${error.offset})`;
    process.stderr.write(`jsonflat: ${where}: ${error.code} ${error.message}${byte}\n`);
    return EXIT.badInput;
  }
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "EPIPE") return EXIT.ok; // the reader went away (`| head`): not our failure
  if (e?.code === "ENOENT" || e?.code === "EACCES" || e?.code === "EISDIR") {
    process.stderr.write(`jsonflat: ${file}: IO ${e.message}\n`);
    return EXIT.badInput;
  }
  throw error;
}

function printSummary(summary: Summary, ms: number): void {
  const mbs = summary.bytesIn / 1e6 / Math.max(ms / 1000, 1e-9);
  process.stderr.write(
    `jsonflat: ${summary.documents.toLocaleString()} documents, ${summary.leaves.toLocaleString()} leaves, ` +
      `${summary.errors.toLocaleString()} bad lines, ${(summary.bytesIn / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(2)} s ` +
      `(${mbs.toFixed(0)} MB/s)\n`,
  );
}

/**
 * Runs the CLI with `argv` (without the runtime and script) and returns the exit status.
 *
 * @example
 * process.exitCode = await main(["flatten", "data.json"]);
 */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === "serve") return serve(argv.slice(1));
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (error) {
    return report(new UsageError((error as Error).message), "-");
  }
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (values.version) {
    process.stdout.write(`jsonflat ${VERSION} (native ${await nativeVersion()})\n`);
    return EXIT.ok;
  }
  const [command, file = "-", ...extra] = positionals;
  try {
    if (!command) throw new UsageError("missing command: flatten or unflatten");
    if (values.merge && command !== "schema") throw new UsageError("--merge applies to schema only");
    if (values.merge && (values.ndjson || values.shard !== undefined)) throw new UsageError("--merge reads schema files: it takes neither --ndjson nor --shard");
    if (extra.length && !values.merge) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
    if (!["flatten", "unflatten", "schema", "search"].includes(command)) throw new UsageError(`unknown command '${command}'`);
    if (values.journal !== undefined && command !== "flatten" && command !== "unflatten") throw new UsageError("--journal applies to flatten and unflatten only");
    if (values["range-bytes"] !== undefined && command !== "flatten") throw new UsageError("--range-bytes applies to flatten --ndjson --workers N only");
    if (values.split !== undefined && (command !== "flatten" || values.ndjson)) throw new UsageError("--split applies to flatten of one document only");
    const ndjsonOnly = (["column", "on-error", "range", "shard", "shard-count", "workers", "range-bytes", "journal"] as const).filter((k) => values[k] !== undefined && !(values.split !== undefined && (k === "workers" || k === "range-bytes")));
    if (!values.ndjson && ndjsonOnly.length) {
      throw new UsageError(`--${ndjsonOnly[0]} applies to --ndjson input only`);
    }
    const table = await tableOptionsOf(values).catch((e) => Promise.reject(e instanceof TableUsageError ? new UsageError(e.message) : e));
    const notWithTable = (["journal", "range", "shard", "mode", "format"] as const).find((k) => values[k] !== undefined);
    if (table && (command !== "flatten" || notWithTable)) throw new UsageError(`--to applies to flatten${notWithTable ? `, not with --${notWithTable}` : ""}`);
    const out = values.journal === undefined ? openOutput(values.output) : journalOwnsOutput();
    const start = performance.now();
    if (command === "search") {
      try {
        const found = await searchCommand(file, values, out);
        await out.end();
        return found.hits > 0 ? EXIT.ok : EXIT.badInput;
      } catch (error) {
        const status = report(error, file);
        return status === EXIT.ok ? status : EXIT.usage; // grep: 2 for any trouble, 1 only for "no hit"
      }
    }
    const summary =
      command === "unflatten"
        ? await unflattenCommand(file, values, out)
        : command === "schema"
          ? await schemaCommand(file, values, out, positionals.slice(1))
          : table
          ? await tableCommand(file, Boolean(values.ndjson), table, flattenOptions(values), lineFlags(values), out, () => readAll(file, values))
          : values.ndjson
          ? await flattenNdjson(file, values, out)
          : await flattenDocument(file, values, out);
    await out.end();
    if (values.summary) printSummary(summary, performance.now() - start);
    return EXIT.ok;
  } catch (error) {
    return report(error, file);
  }
}

/** `jsonflat serve`: its own flags (parsed in the server module, loaded only here); runs until SIGTERM or SIGINT. */
async function serve(argv: string[]): Promise<number> {
  const { serveCommand, ServeUsageError } = await import("../server/command");
  try {
    return await serveCommand(argv);
  } catch (error) {
    if (error instanceof ServeUsageError) return report(new UsageError(error.message), "-");
    const code = (error as NodeJS.ErrnoException)?.code;
    if (error instanceof JsonFlatError || !code) return report(error, "-");
    process.stderr.write(`jsonflat: serve: ${code} ${(error as Error).message}\n`);
    return EXIT.badInput;
  }
}

async function nativeVersion(): Promise<string> {
  try {
    return (await import("../native")).native().version();
  } catch {
    return "library not found";
  }
}

// No top-level await: a module with one cannot be compiled to Bun bytecode (bun build --bytecode).
if (import.meta.main) void main(Bun.argv.slice(2)).then((status) => (process.exitCode = status));
