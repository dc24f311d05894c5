/**
 * @module query/json-schema — a JSON Schema (draft 2020-12) written from data: one document or NDJSON of
 * any size, read once natively (type statistics), so memory is bounded by the number of distinct paths.
 */
import { JsonFlatError } from "../core/errors";
import type { JsonInput } from "../core/input";
import type { Source } from "../lines/index";
import { typeStats, typeStatsStream, type TypeStats, type TypeStatsOptions, type TypeStatsStreamOptions } from "./type-stats";
import { isRequired, typeTree, writtenTypes, type TypeNode } from "./type-tree";

/**
 * The dialect every generated schema declares.
 *
 * @example
 * jsonSchemaOf("{}").$schema === JSON_SCHEMA_DIALECT // true
 */
export const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

/**
 * A JSON Schema as a plain object (what `JSON.parse` gives for one).
 *
 * @example
 * const s: JsonSchema = { $schema: JSON_SCHEMA_DIALECT, type: "object", properties: { a: { type: "integer" } } };
 */
export interface JsonSchema {
  [keyword: string]: unknown;
}

/**
 * How the schema is written.
 *
 * @example
 * const o: JsonSchemaOptions = { title: "Book", closed: true };
 */
export interface JsonSchemaOptions {
  /** The root schema's `title`. */
  title?: string;
  /**
   * `additionalProperties: false` on every object, so a member never seen is refused. Default: left out (any
   * other member is allowed), because a sample rarely shows every member the data can have.
   */
  closed?: boolean;
}

/** Examples keep their exact text when `JSON.parse` would change a number (beyond a double's digits). */
function exampleValue(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (typeof value === "number" && (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value)))) {
    return JSON.rawJSON(text);
  }
  return value;
}

function nodeSchema(node: TypeNode, options: JsonSchemaOptions): JsonSchema {
  const types = writtenTypes(node.stats.types);
  const schema: JsonSchema = { type: types.length === 1 ? types[0] : types };
  if (node.stats.types.object) {
    const properties: JsonSchema = {};
    const required: string[] = [];
    for (const [name, member] of node.members) {
      Object.defineProperty(properties, name, { value: nodeSchema(member, options), enumerable: true, writable: true, configurable: true });
      if (isRequired(node, member)) required.push(name);
    }
    if (node.members.size) schema.properties = properties;
    if (required.length) schema.required = required;
    if (options.closed) schema.additionalProperties = false;
  }
  if (node.items) schema.items = nodeSchema(node.items, options);
  if (node.stats.examples.length) schema.examples = node.stats.examples.map(exampleValue);
  return schema;
}

function checkOptions(options: JsonSchemaOptions): void {
  if (options.title !== undefined && typeof options.title !== "string") throw new JsonFlatError("INVALID_OPTION", "title must be a string");
  if (options.closed !== undefined && typeof options.closed !== "boolean") throw new JsonFlatError("INVALID_OPTION", "closed must be true or false");
}

/**
 * The JSON Schema of what type statistics saw. Every document they were read from validates against it.
 *
 * @example
 * jsonSchemaFromStats(typeStats('{"a":1}'))
 * // { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: { a: { type: "integer", examples: [1] } }, required: ["a"] }
 */
export function jsonSchemaFromStats(stats: TypeStats, options: JsonSchemaOptions = {}): JsonSchema {
  checkOptions(options);
  const root = typeTree(stats);
  const head: JsonSchema = { $schema: JSON_SCHEMA_DIALECT };
  if (options.title !== undefined) head.title = options.title;
  return root ? { ...head, ...nodeSchema(root, options) } : head;
}

/**
 * The JSON Schema (draft 2020-12) of one document: `type` per path (`integer` for numbers without fraction or
 * exponent, `number` once any other number was seen), `properties` and `required` (members seen in every
 * instance of their object), `items` (every element merged), `["string", "null"]` where null was also seen,
 * and up to 3 short `examples` per path.
 *
 * @example
 * jsonSchemaOf('{"tags":["a",null]}').properties // { tags: { type: "array", items: { type: ["string", "null"], examples: ["a"] } } }
 */
export function jsonSchemaOf(input: JsonInput, options: TypeStatsOptions & JsonSchemaOptions = {}): JsonSchema {
  checkOptions(options);
  return jsonSchemaFromStats(typeStats(input, options), options);
}

/**
 * The JSON Schema of every document of an NDJSON file or stream (Open Library dumps with `column: 5`).
 *
 * @example
 * const schema = await jsonSchemaOfStream("editions.ndjson", { onError: "skip", title: "Edition" });
 */
export async function jsonSchemaOfStream(source: Source, options: TypeStatsStreamOptions & JsonSchemaOptions = {}): Promise<JsonSchema> {
  checkOptions(options);
  return jsonSchemaFromStats(await typeStatsStream(source, options), options);
}
