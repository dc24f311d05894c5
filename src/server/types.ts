/**
 * @module server/types — `POST /schema?types=json-schema|typescript` (with `name`, and `closed` for JSON Schema):
 * types from data over HTTP, the same request rules as `jsonflat schema --json-schema` / `--typescript`.
 */
import { JsonFlatError } from "../core/errors";
import { typesMediaType, typesRequest, type TypesRequest } from "../query/types-output";
import type { RequestOptions } from "./query";
import { JSON_TYPE } from "./reply";

const KINDS = ["json-schema", "typescript"];

/**
 * The types a `/schema` request asks for, or `undefined` for the per-path schema; a bad or conflicting
 * parameter is `INVALID_OPTION` (400).
 *
 * @example
 * schemaTypes({ types: "typescript", name: "Book" }) // { kind: "typescript", name: "Book" }
 */
export function schemaTypes(options: RequestOptions): TypesRequest | undefined {
  const { types } = options;
  if (types !== undefined && !KINDS.includes(types)) {
    throw new JsonFlatError("INVALID_OPTION", `types must be "json-schema" or "typescript", got ${JSON.stringify(types.slice(0, 100))}`);
  }
  const flags = {
    "json-schema": types === "json-schema",
    typescript: types === "typescript",
    name: options.name,
    closed: options.closed,
    style: options.style,
    delimiter: options.delimiter,
    "max-depth": options.maxDepth,
    arrays: options.arrays,
  };
  return typesRequest(flags, (option) => (option === "json-schema" || option === "typescript" ? `types=${option}` : option === "max-depth" ? "maxDepth" : option));
}

/**
 * The content type of a `/schema` answer.
 *
 * @example
 * schemaMediaType({}) // "application/json"
 */
export function schemaMediaType(options: RequestOptions): string {
  const types = schemaTypes(options);
  return types ? typesMediaType(types) : JSON_TYPE;
}
