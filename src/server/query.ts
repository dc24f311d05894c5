/**
 * @module server/query — turns a request's query string into library options: the same names and values as
 * the library (`maxDepth`) and the CLI (`max-depth`); anything unknown or malformed is `INVALID_OPTION`.
 */
import { JsonFlatError } from "../core/errors";
import type { OnError, StreamOptions } from "../lines/index";
import type { FlattenOptions, UnflattenOptions } from "../core/options";
import type { SearchQuery } from "../query/search";

/** The operations the HTTP front end offers, one route each. */
export type Operation = "flatten" | "unflatten" | "search" | "schema";

/**
 * Everything a request may ask for; which fields apply depends on the operation and the body type.
 *
 * @example
 * const o: RequestOptions = { style: "pointer", format: "entries", onError: "emit" };
 */
export interface RequestOptions extends FlattenOptions {
  format?: "object" | "entries";
  onError?: OnError;
  column?: number;
  chunkBytes?: number;
  /** Search only. */
  query?: SearchQuery;
  /** Schema only: types from data (`json-schema` or `typescript`), their name, and a closed JSON Schema. */
  types?: string;
  name?: string;
  closed?: boolean;
}

type Kind = "string" | "count" | "boolean" | "json";

/** `JSON.rawJSON` (Bun has it; the TypeScript library types do not yet). */
interface RawJson {
  rawJSON(text: string): unknown;
}

/**
 * Parameter → [library option name, kind]. CLI spellings map to the same option. A Map, not an object: a
 * parameter named `constructor` or `__proto__` must be unknown, not an `Object.prototype` member.
 */
const PARAMS = new Map<string, [keyof RequestOptions | keyof SearchQuery, Kind]>(Object.entries({
  style: ["style", "string"],
  delimiter: ["delimiter", "string"],
  mode: ["mode", "string"],
  maxDepth: ["maxDepth", "count"],
  "max-depth": ["maxDepth", "count"],
  arrays: ["arrays", "string"],
  maxNesting: ["maxNesting", "count"],
  "max-nesting": ["maxNesting", "count"],
  format: ["format", "string"],
  replaceInvalidUtf8: ["replaceInvalidUtf8", "boolean"],
  "replace-invalid-utf8": ["replaceInvalidUtf8", "boolean"],
  onError: ["onError", "string"],
  "on-error": ["onError", "string"],
  column: ["column", "count"],
  chunkBytes: ["chunkBytes", "count"],
  "chunk-bytes": ["chunkBytes", "count"],
  path: ["path", "string"],
  key: ["key", "string"],
  value: ["value", "json"],
  limit: ["limit", "count"],
  types: ["types", "string"],
  name: ["name", "string"],
  closed: ["closed", "boolean"],
  jsonpath: ["jsonpath", "string"],
} satisfies Record<string, [keyof RequestOptions | keyof SearchQuery, Kind]>));

const COMMON = ["style", "delimiter", "maxNesting", "replaceInvalidUtf8"];
/** Which options each operation takes (a parameter for another operation is a mistake worth reporting). */
const ALLOWED: Record<Operation, readonly string[]> = {
  flatten: [...COMMON, "mode", "maxDepth", "arrays", "format"],
  unflatten: COMMON,
  search: [...COMMON, "path", "key", "value", "limit", "jsonpath"],
  schema: [...COMMON, "maxDepth", "arrays", "types", "name", "closed"],
};
const NDJSON_ONLY = ["onError", "column", "chunkBytes"];
const SEARCH_FIELDS = new Set(["path", "key", "value", "limit", "jsonpath"]);

function invalid(message: string): never {
  throw new JsonFlatError("INVALID_OPTION", message);
}

function convert(name: string, kind: Kind, text: string): unknown {
  switch (kind) {
    case "string":
      return text;
    case "count":
      if (!/^\d{1,15}$/.test(text)) invalid(`${name} must be a whole number, got "${text}"`);
      return Number(text);
    case "boolean":
      if (text === "" || text === "true" || text === "1") return true;
      if (text === "false" || text === "0") return false;
      return invalid(`${name} must be true or false, got "${text}"`);
    case "json":
      try {
        const value = JSON.parse(text);
        // Keep the exact text of numbers (12345678901234567890 must not round).
        return typeof value === "number" ? (JSON as unknown as RawJson).rawJSON(text.trim()) : value;
      } catch {
        return invalid(`${name} must be JSON (a string needs quotes: "text"), got ${text}`);
      }
  }
}

/**
 * The options of one request, checked against what `operation` takes; NDJSON-only parameters are refused for
 * a single JSON document. Values are then validated by the library itself.
 *
 * @example
 * parseQuery(new URLSearchParams("style=pointer&max-depth=2"), "flatten", false) // { style: "pointer", maxDepth: 2 }
 */
export function parseQuery(params: URLSearchParams, operation: Operation, ndjson: boolean): RequestOptions {
  const options: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  for (const [name, text] of params) {
    const known = PARAMS.get(name);
    if (!known) invalid(`unknown parameter ${JSON.stringify(name.slice(0, 100))} for /${operation}`);
    const [option, kind] = known;
    const isNdjsonOption = NDJSON_ONLY.includes(option);
    if (!ALLOWED[operation].includes(option) && !isNdjsonOption) invalid(`parameter "${name}" does not apply to /${operation}`);
    if (isNdjsonOption && !ndjson) invalid(`parameter "${name}" applies to NDJSON bodies (application/x-ndjson) only`);
    if (isNdjsonOption && option === "column" && operation === "unflatten") invalid(`parameter "${name}" does not apply to /unflatten`);
    const target = SEARCH_FIELDS.has(option) ? query : options;
    if (option in target) invalid(`parameter "${option}" is given twice`);
    target[option] = convert(name, kind, text);
  }
  if (operation === "search") {
    if (Object.keys(query).length === 0 || (Object.keys(query).length === 1 && "limit" in query)) {
      invalid("/search needs path, key, value or jsonpath");
    }
    options.query = query;
  }
  return options as RequestOptions;
}

/**
 * The stream options of an NDJSON request.
 *
 * @example
 * streamOptions({ onError: "skip", chunkBytes: 65536 }, 1 << 20).chunkBytes // 65536
 */
export function streamOptions(options: RequestOptions, defaultChunk: number): StreamOptions {
  const { query: _query, ...rest } = options;
  return { ...rest, chunkBytes: options.chunkBytes ?? defaultChunk };
}

/**
 * The unflatten subset of the options.
 *
 * @example
 * unflattenOptions({ style: "pointer" }) // { style: "pointer", ... }
 */
export function unflattenOptions(options: RequestOptions): UnflattenOptions {
  return { style: options.style, delimiter: options.delimiter, maxNesting: options.maxNesting, replaceInvalidUtf8: options.replaceInvalidUtf8 };
}
