/**
 * @module bind/shape-encode — the way back: a value checked against its shape and written as the JSON document
 * the shape reads (every field at its path), with every misfit listed.
 */
import { JsonFlatError } from "../core/errors";
import { jsPath, type CompiledField, type Problem, type ScalarType } from "./shape";

type Place = Record<string, unknown> | unknown[];

/**
 * What a JS value is, in the words problems use.
 *
 * @example
 * actualOf(1.5) // "number"
 */
export function actualOf(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * Whether a JS value fits a scalar type (`integer`: a safe integer; `number`: finite).
 *
 * @example
 * fitsScalar("bigint", 5n) // true
 */
export function fitsScalar(type: ScalarType, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isSafeInteger(value);
    case "bigint":
      return typeof value === "bigint";
    case "boolean":
      return typeof value === "boolean";
    case "json":
      return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
    default:
      return value === null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function define(target: Place, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

class Encoder {
  readonly problems: Problem[] = [];

  private problem(path: (string | number)[], expected: string, actual: string): void {
    this.problems.push({ path: jsPath(path), expected, actual });
  }

  /** Puts `value` at `steps` below `root`, making objects and arrays on the way. */
  private place(root: Record<string, unknown>, base: (string | number)[], steps: (string | number)[], value: unknown): void {
    let at: Place = root;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const last = i === steps.length - 1;
      const wantArray = typeof steps[i + 1] === "number";
      const fits = typeof step === "number" ? Array.isArray(at) : isRecord(at);
      if (!fits) return this.problem([...base, ...steps.slice(0, i + 1)], "a free place", "taken by another field");
      const current = Object.hasOwn(at, step) ? (at as Record<string | number, unknown>)[step] : undefined;
      if (Array.isArray(at)) while (at.length < (step as number)) at.push(null);
      if (last) {
        if (current !== undefined && current !== null) return this.problem([...base, ...steps], "a free place", "taken by another field");
        define(at, step, value);
        return;
      }
      if (current === undefined || current === null) define(at, step, wantArray ? [] : {});
      at = (at as Record<string | number, unknown>)[step] as Place;
    }
  }

  /** A field's own value checked and encoded (a scalar as is, a shape as an object), or undefined on a problem. */
  private item(field: CompiledField, value: unknown, path: (string | number)[]): { value: unknown } | undefined {
    if (field.type !== "shape") {
      if (fitsScalar(field.type, value)) return { value };
      this.problem(path, field.type, actualOf(value));
      return undefined;
    }
    if (!isRecord(value)) {
      this.problem(path, "object", actualOf(value));
      return undefined;
    }
    const object: Record<string, unknown> = {};
    this.fields(object, field.fields!, value, path);
    return { value: object };
  }

  /** Writes every field of `value` into `target`; paths are relative to `base` in the document. */
  fields(target: Record<string, unknown>, fields: CompiledField[], value: Record<string, unknown>, base: (string | number)[]): void {
    for (const field of fields) {
      const own = Object.hasOwn(value, field.name) ? value[field.name] : undefined;
      const each = field.path.indexOf(null);
      const fixed = (each < 0 ? field.path : field.path.slice(0, each)) as (string | number)[];
      if (own === undefined || (own === null && field.type !== "null" && !field.required)) {
        if (field.required) this.problem([...base, ...fixed], field.array ? "array" : field.type, actualOf(own));
        continue;
      }
      if (!field.array) {
        const item = this.item(field, own, [...base, ...fixed]);
        if (item) this.place(target, base, fixed, item.value);
        continue;
      }
      if (field.path.lastIndexOf(null) !== each) {
        throw new JsonFlatError("INVALID_OPTION", `invalid shape: encode needs at most one [] in the path of field ${JSON.stringify(field.name)}`);
      }
      if (!Array.isArray(own)) {
        this.problem([...base, ...fixed], "array", actualOf(own));
        continue;
      }
      const rest = field.path.slice(each + 1) as (string | number)[];
      if (own.length === 0) this.place(target, base, fixed, []);
      own.forEach((element, i) => {
        const steps = [...fixed, i, ...rest];
        const item = this.item(field, element, [...base, ...steps]);
        if (item) this.place(target, base, steps, item.value);
      });
    }
  }
}

/**
 * The document that `value` encodes to under `fields`, or the problems that stop it.
 *
 * @example
 * encodeFields(compileFields({ a: { path: "x.y", type: "integer" } }), { a: 1 }) // { document: { x: { y: 1 } }, problems: [] }
 */
export function encodeFields(fields: CompiledField[], value: unknown): { document: Record<string, unknown>; problems: Problem[] } {
  const encoder = new Encoder();
  const document: Record<string, unknown> = {};
  if (!isRecord(value)) return { document, problems: [{ path: "", expected: "object", actual: actualOf(value) }] };
  encoder.fields(document, fields, value, []);
  return { document, problems: encoder.problems };
}

/**
 * Problems of the declared defaults (each must fit its field's type).
 *
 * @example
 * defaultProblems(compileFields({ n: { type: "integer", default: "x" } })) // [{ path: "n", expected: "integer", actual: "string" }]
 */
export function defaultProblems(fields: CompiledField[], base: (string | number)[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const field of fields) {
    if (field.fields) problems.push(...defaultProblems(field.fields, [...base, field.name]));
    if (field.default === undefined) continue;
    const probe = { ...field, required: true, default: undefined };
    const { problems: found } = encodeFields([probe], { [field.name]: field.default });
    problems.push(...found.map((p) => ({ ...p, path: jsPath([...base, field.name]) })));
  }
  return problems;
}
