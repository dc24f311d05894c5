/**
 * @module bind/json-schema — a JSON Schema (the draft 2020-12 subset `jsonflat schema --json-schema` writes, and
 * what one commonly writes by hand) turned into a shape for `bind`, plus a check of what a shape cannot say
 * (unions, null in a required member, string enums), and the TypeScript type such a schema decodes to.
 */
import { JsonFlatError } from "../core/errors";
import type { StandardSchemaV1 } from "./bind";
import type { Field, Shape } from "./shape";
import { jsPath } from "./shape";

type JsonType = "string" | "integer" | "number" | "boolean" | "null" | "object" | "array";
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type TypeNames<T> = T extends readonly (infer N)[] ? N : T;
type Defaulted<P> = { [K in keyof P]: P[K] extends { readonly default: unknown } ? K : never }[keyof P];
type RequiredNames<S, P> = (S extends { readonly required: readonly (infer R)[] } ? R : never) | Defaulted<P>;
type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Simplify<
      { -readonly [K in keyof P & RequiredNames<S, P>]: FromJsonSchema<P[K]> } & {
        -readonly [K in Exclude<keyof P, RequiredNames<S, P>>]?: Exclude<FromJsonSchema<P[K]>, null>;
      }
    >
  : Record<string, unknown>;
type ArrayOf<S> = S extends { readonly items: infer I } ? FromJsonSchema<I>[] : unknown[];
type OfType<N, S> = N extends "string"
  ? S extends { readonly enum: readonly (infer E)[] }
    ? E
    : string
  : N extends "integer" | "number"
    ? number
    : N extends "boolean"
      ? boolean
      : N extends "null"
        ? null
        : N extends "object"
          ? ObjectOf<S>
          : N extends "array"
            ? ArrayOf<S>
            : never;

/**
 * The value `bind(schema).decode` returns for a JSON Schema given as a `const` literal (for one read from a
 * file, `JSON.parse` gives no literal types, and the decoded type is `Record<string, unknown>`). Members not
 * `required` are optional and never null (a null there is left out, as a shape's optional field does);
 * required ones keep `| null` when the schema allows null.
 *
 * @example
 * type Book = FromJsonSchema<{ type: "object"; properties: { title: { type: "string" }; year: { type: ["integer", "null"] } }; required: ["title"] }>;
 * // { title: string; year?: number }
 */
export type FromJsonSchema<S> = S extends { readonly type: infer T } ? OfType<TypeNames<T>, S> : unknown;

/**
 * What `bind` decodes a JSON Schema document to: `FromJsonSchema` of a literal schema, and
 * `Record<string, unknown>` for one typed only as a general object (say, from `JSON.parse`).
 *
 * @example
 * type Doc = DecodedJsonSchema<{ $schema: "…"; type: "object"; properties: { a: { type: "string" } }; required: ["a"] }>; // { a: string }
 */
export type DecodedJsonSchema<S> = 0 extends 1 & S
  ? Record<string, unknown>
  : S extends { readonly type: "object" }
    ? FromJsonSchema<S>
    : Record<string, unknown>;

/**
 * A JSON Schema document as `bind` recognises one: an object with a `$schema` string (no shape has such a
 * field, so the two never mix up).
 *
 * @example
 * const s: JsonSchemaDocument = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: {} };
 */
export interface JsonSchemaDocument {
  readonly $schema: string;
  readonly [keyword: string]: unknown;
}

/**
 * Whether `value` is a JSON Schema document (an object with a `$schema` string) rather than a shape.
 *
 * @example
 * isJsonSchemaDocument({ $schema: "https://json-schema.org/draft/2020-12/schema" }) // true
 */
export function isJsonSchemaDocument(value: unknown): value is JsonSchemaDocument {
  return typeof value === "object" && value !== null && typeof (value as { $schema?: unknown }).$schema === "string";
}

/**
 * One place a value broke the schema: a message and the path of the decoded value.
 *
 * @example
 * const issue: SchemaIssue = { message: "integer where the schema wants string", path: ["authors", 0, "name"] };
 */
export interface SchemaIssue {
  message: string;
  path: (string | number)[];
}

/**
 * A JSON Schema as a shape, and the check it needs after decoding (undefined when the shape says it all).
 *
 * @example
 * const { shape, check } = shapeFromJsonSchema({ type: "object", properties: { a: { type: "string" } }, required: ["a"] });
 * // shape: { a: { path: "a", type: "string" } }, check: undefined
 */
export interface JsonSchemaShape {
  shape: Shape;
  check: ((value: unknown) => SchemaIssue[]) | undefined;
}

type Schema = Record<string, unknown>;

const TYPES: readonly JsonType[] = ["string", "integer", "number", "boolean", "null", "object", "array"];
/** Keywords that only describe (annotations): accepted and ignored by decoding. */
const ANNOTATIONS = ["title", "description", "examples", "$comment", "format", "deprecated", "readOnly", "writeOnly"];
const KEYWORDS = new Set([...ANNOTATIONS, "type", "properties", "required", "items", "enum", "additionalProperties", "default"]);
const ROOT_KEYWORDS = new Set([...KEYWORDS, "$schema", "$id"]);
const SCALAR_TYPES: readonly string[] = ["string", "integer", "number", "boolean"];

function pointer(base: string, ...tokens: string[]): string {
  return base + tokens.map((t) => "/" + t.replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

function refuse(at: string, message: string): never {
  throw new JsonFlatError("INVALID_OPTION", `JSON Schema: ${message} (at JSON Pointer ${JSON.stringify(at)})`);
}

/** Schemas nest at most this deep (a shape nests at most 64 deep; arrays add a level each). */
const MAX_SCHEMA_DEPTH = 128;

/** A checked sub-schema as an object (`true` allows anything, as `{}` does). */
function asSchema(schema: unknown): Schema {
  return schema === true ? {} : (schema as Schema);
}

/**
 * The schema at `at` and everything under it, checked keyword by keyword (anything outside the subset is
 * refused by name).
 */
function checked(schema: unknown, at: string, depth: number): Schema {
  if (depth > MAX_SCHEMA_DEPTH) refuse(at, `schemas nest more than ${MAX_SCHEMA_DEPTH} deep`);
  if (schema === true) return {};
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) refuse(at, "must be an object (or true)");
  const s = schema as Schema;
  for (const keyword of Object.keys(s)) {
    if (!(depth === 0 ? ROOT_KEYWORDS : KEYWORDS).has(keyword)) refuse(pointer(at, keyword), `keyword ${JSON.stringify(keyword)} is not supported (supported: type, properties, required, items, enum of strings, additionalProperties true or false, default, annotations)`);
  }
  if (s.type !== undefined) {
    const names = Array.isArray(s.type) ? s.type : [s.type];
    if (!names.length || names.some((n) => !TYPES.includes(n as JsonType)) || new Set(names).size !== names.length) {
      refuse(pointer(at, "type"), "type must be one of string, integer, number, boolean, null, object, array, or a list of them without repeats");
    }
  }
  if (s.properties !== undefined && (s.properties === null || typeof s.properties !== "object" || Array.isArray(s.properties))) {
    refuse(pointer(at, "properties"), "properties must be an object of schemas");
  }
  if (s.required !== undefined && (!Array.isArray(s.required) || s.required.some((r) => typeof r !== "string"))) {
    refuse(pointer(at, "required"), "required must be a list of member names");
  }
  if (s.enum !== undefined && (!Array.isArray(s.enum) || !s.enum.length || s.enum.some((e) => typeof e !== "string"))) {
    refuse(pointer(at, "enum"), "enum must be a non-empty list of strings (other enums are not supported)");
  }
  if (s.additionalProperties !== undefined && typeof s.additionalProperties !== "boolean") {
    refuse(pointer(at, "additionalProperties"), "additionalProperties must be true or false (a schema there is not supported)");
  }
  for (const [name, member] of Object.entries((s.properties ?? {}) as Schema)) checked(member, pointer(at, "properties", name), depth + 1);
  if (s.items !== undefined) checked(s.items, pointer(at, "items"), depth + 1);
  return s;
}

function typesOf(s: Schema): JsonType[] {
  if (s.type === undefined) return [...TYPES];
  return (Array.isArray(s.type) ? s.type : [s.type]) as JsonType[];
}

/** Builds the shape and records whether anything needs the check after decoding. */
class Converter {
  needsCheck = false;

  object(s: Schema, at: string): Shape {
    const properties = (s.properties ?? {}) as Schema;
    const required = new Set((s.required ?? []) as string[]);
    const shape: Record<string, Field> = {};
    for (const name of Object.keys(properties)) {
      const field = this.field(asSchema(properties[name]), pointer(at, "properties", name), name, required.has(name));
      Object.defineProperty(shape, name, { value: field, enumerable: true, writable: true, configurable: true });
    }
    return shape;
  }

  /** A whole value taken as it is (`json`); the check then says whether it fits. */
  private whole(s: Schema, path: string, required: boolean): Field {
    if (s.type !== undefined || s.enum !== undefined) this.needsCheck = true;
    return { path, type: "json", ...this.presence(s, required) };
  }

  private presence(s: Schema, required: boolean): { optional?: true; default?: unknown } {
    if (s.default !== undefined) return { default: s.default };
    return required ? {} : { optional: true };
  }

  field(s: Schema, at: string, name: string, required: boolean): Field {
    const path = jsPath([name]);
    const types = typesOf(s);
    const nullable = types.includes("null");
    const core = types.filter((t) => t !== "null");
    if (s.enum !== undefined) this.needsCheck = true;
    if (core.length === 0 && nullable) return { path, type: "null", ...this.presence(s, required) };
    // One type besides null; a required member that may be null keeps its null, which only `json` can hold.
    if (core.length !== 1 || (required && nullable && s.default === undefined)) return this.whole(s, path, required);
    const type = core[0]!;
    const presence = this.presence(s, required);
    if (SCALAR_TYPES.includes(type)) return { path, type: type as "string" | "integer" | "number" | "boolean", ...presence };
    if (type === "object") {
      if (s.properties === undefined) return this.whole(s, path, required);
      return { path, shape: this.object(s, at), ...presence };
    }
    return this.array(s, at, path, required);
  }

  /** An array of one scalar type or of objects is collected natively (`name[]`); anything else is taken whole. */
  private array(s: Schema, at: string, path: string, required: boolean): Field {
    if (s.items === undefined) return this.whole(s, path, required);
    const items = asSchema(s.items);
    const itemTypes = typesOf(items);
    const item = itemTypes.length === 1 ? itemTypes[0]! : undefined;
    if (items.enum !== undefined) this.needsCheck = true;
    const presence = this.presence(s, required);
    if (item !== undefined && SCALAR_TYPES.includes(item)) {
      return { path: path + "[]", type: item as "string" | "integer" | "number" | "boolean", array: true, ...presence };
    }
    if (item === "object" && items.properties !== undefined) {
      return { path: path + "[]", shape: this.object(items, pointer(at, "items")), array: true, ...presence };
    }
    return this.whole(s, path, required);
  }
}

function jsonTypeOf(value: unknown): JsonType | "other" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      return Number.isInteger(value) ? "integer" : "number";
    case "object":
      return "object";
    default:
      return "other";
  }
}

/** Every issue of `value` against the (checked) schema `s`; absent optional members are fine. */
function issuesOf(value: unknown, s: Schema, path: (string | number)[], out: SchemaIssue[]): void {
  const types = typesOf(s);
  const actual = jsonTypeOf(value);
  const fits = types.includes(actual as JsonType) || (actual === "integer" && types.includes("number"));
  if (!fits) {
    out.push({ message: `${actual} where the schema wants ${types.join(" or ")}`, path });
    return;
  }
  if (s.enum !== undefined && actual === "string" && !(s.enum as string[]).includes(value as string)) {
    out.push({ message: `${JSON.stringify(value)}, not one of ${(s.enum as string[]).map((e) => JSON.stringify(e)).join(", ")}`, path });
  }
  if (actual === "object") {
    const record = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    for (const name of (s.required ?? []) as string[]) {
      if (!Object.hasOwn(record, name)) out.push({ message: "missing (required)", path: [...path, name] });
    }
    for (const name of Object.keys(properties)) {
      if (Object.hasOwn(record, name)) issuesOf(record[name], asSchema(properties[name]), [...path, name], out);
    }
  }
  if (actual === "array" && s.items !== undefined) {
    (value as unknown[]).forEach((item, i) => issuesOf(item, asSchema(s.items), [...path, i], out));
  }
}

/**
 * Turns a JSON Schema into a shape (root: an object schema). Members become fields of the same name;
 * `required` ones are required; a single type (plus null) becomes that type, an object with `properties` a
 * nested shape, an array of one scalar type or of objects an array field; unions, a required member that may
 * be null, objects without `properties` and other arrays are taken whole (`json`) and checked after decoding,
 * as are string enums. Anything outside this subset is `INVALID_OPTION` naming the keyword and its JSON Pointer.
 *
 * @example
 * shapeFromJsonSchema({ type: "object", properties: { tags: { type: "array", items: { type: "string" } } } }).shape
 * // { tags: { path: "tags[]", type: "string", array: true, optional: true } }
 */
export function shapeFromJsonSchema(schema: unknown): JsonSchemaShape {
  const root = checked(schema, "", 0);
  if (typesOf(root).join() !== "object") refuse(pointer("", "type"), 'the root must be {"type":"object"}: bind decodes objects');
  const converter = new Converter();
  const shape = converter.object(root, "");
  if (!converter.needsCheck) return { shape, check: undefined };
  return {
    shape,
    check: (value) => {
      const out: SchemaIssue[] = [];
      issuesOf(value, root, [], out);
      return out;
    },
  };
}

/**
 * The check of a JSON Schema shape as a Standard Schema, run by the binding on every decoded value before the
 * caller's own `validate` (if any).
 *
 * @example
 * const validate = checkAsStandardSchema(shapeFromJsonSchema(schema).check!, undefined);
 */
export function checkAsStandardSchema<O>(
  check: (value: unknown) => SchemaIssue[],
  then: StandardSchemaV1<unknown, O> | undefined,
): StandardSchemaV1<unknown, O> {
  return {
    "~standard": {
      version: 1,
      vendor: "jsonflat",
      validate: (value) => {
        const issues = check(value);
        if (issues.length) return { issues };
        return then ? then["~standard"].validate(value) : { value: value as O };
      },
    },
  };
}
