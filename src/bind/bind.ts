/**
 * @module bind/bind — typed binding (SPEC section 7): a shape compiled once into a native plan; `decode` reads
 * only the declared paths of each document (one native call per document, or per NDJSON chunk) into a
 * value typed from the shape; `encode` writes the document back.
 */
import { JsonFlatError, type ErrorCode } from "../core/errors";
import { toBytes, type JsonInput } from "../core/input";
import { native, type LinesOutput, type NativeBytes, type ShapeHandle } from "../native";
import { NativeHandle } from "../native/handle";
import { lineOptions, streamChunks, type ByteRange, type OnError, type Source, type StreamOptions } from "../lines/index";
import { resolveOptions } from "../core/options";
import { compileFields, planText, type CompiledField, type Decoded, type Problem, type Shape } from "./shape";
import { defaultProblems, encodeFields } from "./shape-encode";
import { checkAsStandardSchema, isJsonSchemaDocument, shapeFromJsonSchema, type DecodedJsonSchema, type JsonSchemaDocument } from "./json-schema";

/**
 * The Standard Schema interface (version 1) that zod, valibot, arktype and others implement, declared here so
 * that jsonflat depends on none of them.
 *
 * @example
 * const positive: StandardSchemaV1<unknown, { n: number }> = {
 *   "~standard": { version: 1, vendor: "mine", validate: (v) => ((v as { n: number }).n > 0 ? { value: v as { n: number } } : { issues: [{ message: "n ≤ 0", path: ["n"] }] }) },
 * };
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** What a Standard Schema's `validate` returns. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> };

/**
 * A value that did not fit its shape: every problem, each with its path, what was expected and what was
 * there (and the NDJSON line). `code` is `SHAPE_MISMATCH`.
 *
 * @example
 * try { binding.decode(doc); } catch (e) { if (e instanceof ShapeMismatchError) console.table(e.problems); }
 */
export class ShapeMismatchError extends JsonFlatError {
  readonly problems: Problem[];

  constructor(message: string, problems: Problem[], position: { offset?: number; line?: number; column?: number } = {}) {
    super("SHAPE_MISMATCH", message, position);
    this.name = "ShapeMismatchError";
    this.problems = problems;
  }

  override toJSON() {
    return { ...super.toJSON(), problems: this.problems };
  }
}

/**
 * Options of `bind`.
 *
 * @example
 * bind(shape, { validate: z.object({ title: z.string().min(1) }), replaceInvalidUtf8: true });
 */
export interface BindOptions<Output> {
  /** A Standard Schema run on every decoded value; its issues become problems, its output the result. */
  validate?: StandardSchemaV1<unknown, Output>;
  /** Accept invalid UTF-8 and escaped lone surrogates in strings (U+FFFD) instead of INVALID_JSON. */
  replaceInvalidUtf8?: boolean;
}

/** NDJSON options of `decodeLines` and `decodeStream`: bad lines stop the call (`fail`) or are left out (`skip`). */
export interface DecodeLinesOptions {
  onError?: "fail" | "skip";
  column?: number;
  firstLine?: number;
  baseOffset?: number;
}

/** Decoded values have no place for an error record: `emit` is refused. */
const DECODE_MODES: readonly OnError[] = ["fail", "skip"];

interface ErrorRecord {
  line: number;
  code: string;
  message: string;
  offset: number;
  column: number;
  problems?: Problem[];
}

const decoder = new TextDecoder();

function keepBigInts(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? JSON.rawJSON(value.toString()) : value;
}

function summary(problems: Problem[]): string {
  const first = problems[0];
  const what = first ? `; first ${first.path || "(root)"}: expected ${first.expected}, got ${first.actual}` : "";
  return `${problems.length} path${problems.length === 1 ? "" : "s"} did not fit the shape${what}`;
}

/** Turns the bigint fields' digit strings into bigints, in place; undefined when the shape has none. */
function bigintFixer(fields: CompiledField[]): ((value: Record<string, unknown>) => void) | undefined {
  const steps: ((value: Record<string, unknown>) => void)[] = [];
  for (const field of fields) {
    const inner = field.fields && bigintFixer(field.fields);
    if (field.type !== "bigint" && !inner) continue;
    const one = field.type === "bigint" ? (v: unknown) => BigInt(v as string) : (v: unknown) => (inner!(v as Record<string, unknown>), v);
    steps.push((value) => {
      const current = value[field.name];
      if (current === undefined) return;
      value[field.name] = field.array ? (current as unknown[]).map(one) : one(current);
    });
  }
  return steps.length ? (value) => steps.forEach((step) => step(value)) : undefined;
}

/**
 * A compiled shape. `decode` and `decodeLines` are one native call each; the plan is freed when the binding
 * is collected, or at once with `dispose()`.
 *
 * @example
 * const Edition = bind({ key: "string", title: "string", isbn: { path: "isbn_13[]", type: "string", array: true, optional: true } });
 * const e = Edition.decode(line); // { key: string; title: string; isbn?: string[] }
 */
export class Binding<T> extends NativeHandle<ShapeHandle> {
  /** The checked fields, as the native plan holds them. */
  readonly fields: CompiledField[];
  private readonly fix: ((value: Record<string, unknown>) => void) | undefined;
  private readonly validate: StandardSchemaV1<unknown, T> | undefined;
  private readonly options: ReturnType<typeof resolveOptions>;

  constructor(shape: Shape, options: BindOptions<T> = {}) {
    super("binding");
    this.fields = compileFields(shape);
    const wrongDefaults = defaultProblems(this.fields);
    if (wrongDefaults.length) throw new JsonFlatError("INVALID_OPTION", `invalid shape: a default does not fit its type (${summary(wrongDefaults)})`);
    if (options.validate !== undefined && typeof options.validate?.["~standard"]?.validate !== "function") {
      throw new JsonFlatError("INVALID_OPTION", "validate must be a Standard Schema (an object with ~standard.validate)");
    }
    this.validate = options.validate;
    this.options = resolveOptions({ replaceInvalidUtf8: options.replaceInvalidUtf8 === true });
    this.fix = bigintFixer(this.fields);
    this.attach(native().compileShape(new TextEncoder().encode(planText(this.fields))), (handle) => native().freeShape(handle));
  }

  /** The decoded value after big integers and the Standard Schema; throws ShapeMismatchError on issues. */
  private finish(value: Record<string, unknown>, line?: number): T {
    this.fix?.(value);
    if (!this.validate) return value as T;
    const result = this.validate["~standard"].validate(value);
    if (result instanceof Promise) {
      throw new JsonFlatError("INVALID_OPTION", "the Standard Schema validates asynchronously; decode needs a synchronous one");
    }
    if (!result.issues) return result.value;
    const problems = result.issues.map((issue) => ({
      path: (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join("."),
      expected: "valid",
      actual: issue.message,
      ...(line === undefined ? {} : { line }),
    }));
    throw new ShapeMismatchError(summary(problems), problems, line === undefined ? {} : { line });
  }

  /**
   * Decodes one document (JSON text or bytes). Throws `ShapeMismatchError` listing every path that was
   * missing or of the wrong type, or `JsonFlatError` (`INVALID_JSON`) for bad JSON.
   *
   * @example
   * bind({ n: "integer" }).decode('{"n":5,"other":[1,2,3]}') // { n: 5 }
   */
  decode(input: JsonInput): T {
    const { text, mismatch } = native().decode(this.handle, toBytes(input), this.options);
    if (!mismatch) return this.finish(JSON.parse(text));
    const problems = JSON.parse(text) as Problem[];
    throw new ShapeMismatchError(summary(problems), problems);
  }

  private chunk(out: NativeBytes & LinesOutput, onError: OnError): T[] {
    const { values, errors } = JSON.parse(decoder.decode(out)) as { values: Record<string, unknown>[]; errors: ErrorRecord[] };
    out.dispose();
    if (onError === "fail" && errors.length) {
      const e = errors[0]!;
      const position = { offset: e.offset, line: e.line, column: e.column };
      if (!e.problems) throw new JsonFlatError(e.code as ErrorCode, e.message, position);
      throw new ShapeMismatchError(e.message, e.problems.map((p) => ({ ...p, line: e.line })), position);
    }
    const decoded: T[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) decoded[i] = this.finish(values[i]!);
    return decoded;
  }

  /**
   * Decodes every line of an NDJSON text or buffer in one native call. `onError: "fail"` (default) throws at
   * the first bad line with its line number (and its problems); `"skip"` leaves bad lines out.
   *
   * @example
   * bind({ id: "integer" }).decodeLines('{"id":1}\n{"id":2}\n') // [{ id: 1 }, { id: 2 }]
   */
  decodeLines(input: string | Uint8Array | ArrayBuffer, options: DecodeLinesOptions = {}): T[] {
    const { firstLine, ...lines } = lineOptions(options, DECODE_MODES);
    return this.chunk(native().decodeLines(this.handle, toBytes(input), this.options, { ...lines, firstLine: firstLine ?? 1 }), lines.onError);
  }

  /**
   * Decodes an NDJSON file or stream of any size chunk by chunk (one native call per chunk), yielding the
   * values of each chunk.
   *
   * @example
   * for await (const batch of Edition.decodeStream("ol_dump_editions.txt", { column: 5, onError: "skip" })) count += batch.length;
   */
  async *decodeStream(
    source: Source,
    options: DecodeLinesOptions & Pick<StreamOptions, "chunkBytes" | "onProgress" | "signal" | "compression" | "maxDecompressedBytes"> & { range?: ByteRange } = {},
  ): AsyncGenerator<T[]> {
    const { onError } = lineOptions(options, DECODE_MODES);
    const chunks = streamChunks(source, options, (whole, lines) =>
      native().decodeLines(this.handle, whole, this.options, lines),
    );
    for await (const out of chunks) yield this.chunk(out as NativeBytes & LinesOutput, onError);
  }

  /**
   * Writes `value` as the JSON document this shape reads (each field at its path), after checking every
   * field; throws `ShapeMismatchError` listing what does not fit.
   *
   * @example
   * bind({ name: { path: "user.name", type: "string" } }).encode({ name: "Ada" }) // '{"user":{"name":"Ada"}}'
   */
  encode(value: T): string {
    const { document, problems } = encodeFields(this.fields, value);
    if (problems.length) throw new ShapeMismatchError(summary(problems), problems);
    return this.fix ? JSON.stringify(document, keepBigInts) : JSON.stringify(document);
  }

}

/**
 * Compiles a shape once: field name → path and type. The decoded value's TypeScript type is inferred from
 * the shape (or taken from the Standard Schema's output when `validate` is given). A JSON Schema document
 * (an object with `$schema`, as `jsonflat schema --json-schema` writes) is taken too: see
 * `shapeFromJsonSchema` for the subset; its decoded type is `FromJsonSchema` of a `const` literal, or
 * `Record<string, unknown>` for one read with `JSON.parse`.
 *
 * @example
 * const Edition = bind(JSON.parse(await Bun.file("edition.schema.json").text())); // from `jsonflat schema --json-schema`
 * Edition.decodeLines(chunk, { column: 5 });
 *
 * @example
 * const Work = bind({
 *   key: "string",
 *   title: "string",
 *   subjects: { type: "string", array: true, optional: true },
 *   created: { path: "created.value", type: "string" },
 *   authors: { path: "authors[]", shape: { key: { path: "author.key", type: "string" } }, array: true, default: [] },
 * });
 * const work = Work.decode(json); // { key: string; title: string; subjects?: string[]; created: string; authors: { key: string }[] }
 */
export function bind<const S extends JsonSchemaDocument, O = DecodedJsonSchema<S>>(schema: S, options?: BindOptions<O>): Binding<O>;
export function bind<const S extends Shape, O = Decoded<S>>(shape: S, options?: BindOptions<O>): Binding<O>;
export function bind<O>(shape: Shape | JsonSchemaDocument, options?: BindOptions<O>): Binding<O> {
  if (!isJsonSchemaDocument(shape)) return new Binding<O>(shape, options);
  // A JSON Schema (`jsonflat schema --json-schema`): its shape, plus the check of what a shape cannot say.
  const { shape: fromSchema, check } = shapeFromJsonSchema(shape);
  const theirs = options?.validate;
  if (!check || (theirs !== undefined && typeof theirs?.["~standard"]?.validate !== "function")) return new Binding<O>(fromSchema, options);
  return new Binding<O>(fromSchema, { ...options, validate: checkAsStandardSchema(check, theirs) });
}
