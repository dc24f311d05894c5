/**
 * @module bind/shape — how a typed binding is declared (SPEC section 7): field name → path and type, the
 * TypeScript type a shape decodes to, and the checked plan the native core compiles.
 */
import { JsonFlatError } from "../core/errors";

/**
 * The JSON types a field may declare. `integer` is integer text within ±(2^53−1); `bigint` any integer text,
 * decoded exactly as a `bigint`; `number` any number (rounded as `JSON.parse` rounds); `json` any value, taken
 * whole as `JSON.parse` gives it (typed `unknown`).
 *
 * @example
 * const t: ScalarType = "integer";
 */
export type ScalarType = "string" | "number" | "integer" | "bigint" | "boolean" | "null" | "json";

/**
 * One field of a shape, in full.
 *
 * @example
 * const pages: FieldSpec = { path: "number_of_pages", type: "integer", optional: true };
 * const authors: FieldSpec = { path: "authors[].author.key", type: "string", array: true };
 * const created: FieldSpec = { path: "created", shape: { type: "string", value: "string" }, optional: true };
 */
export interface FieldSpec {
  /** js-style path relative to the enclosing object (`a.b`, `a["b c"][0]`, `items[].id`); default: the field name. */
  readonly path?: string;
  /** A scalar type; give this or `shape`. */
  readonly type?: ScalarType;
  /** A nested object decoded by its own shape (paths relative to that object). */
  readonly shape?: Shape;
  /** Every value at a grouped path (`tags[]`, `authors[].key`), in document order; `[]` is added at the end when the path has none. */
  readonly array?: boolean;
  /** May be absent or null: the field is then left out (or takes `default`). */
  readonly optional?: boolean;
  /** Used when the value is absent or null; implies optional. */
  readonly default?: unknown;
}

/**
 * A field: a scalar type alone (the path is the field name) or a full spec.
 *
 * @example
 * const title: Field = "string";
 */
export type Field = ScalarType | FieldSpec;

/**
 * Field names mapped to fields.
 *
 * @example
 * const Edition = { key: "string", title: "string", pages: { path: "number_of_pages", type: "integer", optional: true } } as const satisfies Shape;
 */
export interface Shape {
  readonly [name: string]: Field;
}

type ScalarValue<T> = T extends "string"
  ? string
  : T extends "number" | "integer"
    ? number
    : T extends "bigint"
      ? bigint
      : T extends "boolean"
        ? boolean
        : T extends "null"
          ? null
          : T extends "json"
            ? unknown
            : never;
type ItemOf<F> = F extends ScalarType
  ? ScalarValue<F>
  : F extends { readonly shape: infer S extends Shape }
    ? Decoded<S>
    : F extends { readonly type: infer T }
      ? ScalarValue<T>
      : never;
type ValueOf<F> = F extends { readonly array: true } ? ItemOf<F>[] : ItemOf<F>;
type OptionalKeys<S> = {
  [K in keyof S]: S[K] extends { readonly default: unknown } ? never : S[K] extends { readonly optional: true } ? K : never;
}[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The value a shape decodes to, inferred from its declaration.
 *
 * @example
 * type Book = Decoded<{ title: "string"; pages: { type: "integer"; optional: true } }>; // { title: string; pages?: number }
 */
export type Decoded<S extends Shape> = Simplify<
  { -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: ValueOf<S[K]> } & { -readonly [K in OptionalKeys<S>]?: ValueOf<S[K]> }
>;

/**
 * One path that did not fit: where (a js-style path in the document), what the shape wanted, what was there.
 *
 * @example
 * const p: Problem = { path: "authors[1].key", expected: "string", actual: "missing" };
 */
export interface Problem {
  path: string;
  expected: string;
  actual: string;
  /** Line of an NDJSON document. */
  line?: number;
}

/** One step of a shape path: a member name, an index, or `null` for `[]`. */
export type PathStep = string | number | null;

/**
 * A field after checking: what the native plan holds.
 *
 * @example
 * const f: CompiledField = { name: "ids", path: ["ids", null], type: "bigint", array: true, required: true };
 */
export interface CompiledField {
  name: string;
  path: PathStep[];
  type: ScalarType | "shape";
  array: boolean;
  required: boolean;
  default?: unknown;
  fields?: CompiledField[];
}

const SCALARS: readonly string[] = ["string", "number", "integer", "bigint", "boolean", "null", "json"];
const MAX_DEPTH = 64;
const STEP = {
  firstName: /((?:[A-Za-z_$]|[^\x00-\x7f])(?:[A-Za-z0-9_$]|[^\x00-\x7f])*)/y,
  name: /\.((?:[A-Za-z_$]|[^\x00-\x7f])(?:[A-Za-z0-9_$]|[^\x00-\x7f])*)/y,
  index: /\[(0|[1-9][0-9]{0,15})\]/y,
  each: /\[\]/y,
  quoted: /\[("(?:[^"\\]|\\[^])*")\]/y,
};

function invalid(message: string): never {
  throw new JsonFlatError("INVALID_OPTION", `invalid shape: ${message}`);
}

function stepAt(path: string, at: number): { step: PathStep; end: number } | undefined {
  const attempt = (pattern: RegExp) => {
    pattern.lastIndex = at;
    return pattern.exec(path);
  };
  const name = attempt(at === 0 ? STEP.firstName : STEP.name);
  if (name) return { step: name[1]!, end: at + name[0].length };
  const index = attempt(STEP.index);
  if (index) return { step: Number(index[1]), end: at + index[0].length };
  const each = attempt(STEP.each);
  if (each) return { step: null, end: at + 2 };
  const quoted = attempt(STEP.quoted);
  if (!quoted) return undefined;
  try {
    return { step: JSON.parse(quoted[1]!) as string, end: at + quoted[0].length };
  } catch {
    return undefined;
  }
}

/**
 * The steps of a js-style shape path: `.name` (a name first), `["any name"]`, `[index]`, `[]`.
 *
 * @example
 * parseShapePath('authors[].author["key"]') // ["authors", null, "author", "key"]
 */
export function parseShapePath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  for (let at = 0; at < path.length; ) {
    const next = stepAt(path, at);
    if (!next) invalid(`path ${JSON.stringify(path)} is not a js-style path (a.b, a["b c"][0], items[].id)`);
    steps.push(next.step);
    at = next.end;
  }
  return steps;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A document path in js style (SPEC section 1), as problems report it.
 *
 * @example
 * jsPath(["a", 0, "b c"]) // 'a[0]["b c"]'
 */
export function jsPath(steps: readonly (string | number)[]): string {
  let out = "";
  for (const step of steps) {
    if (typeof step === "number") out += `[${step}]`;
    else if (IDENTIFIER.test(step)) out += out ? `.${step}` : step;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

function compileField(name: string, field: Field, depth: number): CompiledField {
  const spec: FieldSpec = typeof field === "string" ? { type: field } : field;
  if (spec === null || typeof spec !== "object") invalid(`field ${JSON.stringify(name)} must be a type name or an object`);
  if ((spec.type === undefined) === (spec.shape === undefined)) invalid(`field ${JSON.stringify(name)} needs exactly one of type and shape`);
  if (spec.type !== undefined && !SCALARS.includes(spec.type)) invalid(`field ${JSON.stringify(name)} has unknown type ${JSON.stringify(spec.type)}`);
  const path = spec.path === undefined ? [name] : parseShapePath(spec.path);
  const array = spec.array === true;
  if (array && !path.includes(null)) path.push(null);
  if (!array && path.includes(null)) invalid(`field ${JSON.stringify(name)} has [] in its path but is not an array`);
  const compiled: CompiledField = {
    name,
    path,
    type: spec.type ?? "shape",
    array,
    required: spec.optional !== true && spec.default === undefined,
  };
  if (spec.shape !== undefined) {
    if (depth >= MAX_DEPTH) invalid(`shapes nest more than ${MAX_DEPTH} deep`);
    compiled.fields = compileFields(spec.shape, depth + 1);
  }
  if (spec.default !== undefined) compiled.default = spec.default;
  return compiled;
}

/**
 * Checks a shape and turns it into compiled fields (paths parsed, `[]` added to array paths, defaults kept).
 *
 * @example
 * compileFields({ ids: { type: "integer", array: true } }) // [{ name: "ids", path: ["ids", null], type: "integer", array: true, required: true }]
 */
export function compileFields(shape: Shape, depth = 0): CompiledField[] {
  if (shape === null || typeof shape !== "object" || Array.isArray(shape)) invalid("a shape must be an object of fields");
  return Object.entries(shape).map(([name, field]) => compileField(name, field, depth));
}

/** Defaults as the native core writes them: a bigint field's values as strings of digits, converted back after decoding. */
function nativeDefault(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * The plan handed to `jf_shape_compile` (see c/include/jsonflat.h).
 *
 * @example
 * planText(compileFields({ a: "string" })) // '{"fields":[{"name":"a","path":["a"],"type":"string","array":false,"required":true}]}'
 */
export function planText(fields: CompiledField[]): string {
  return JSON.stringify({ fields }, nativeDefault);
}
