/**
 * @module reference/bind — typed decoding by a plain walk over the parsed tree: the oracle for
 * c/src/bind.c. Same plan (compiled fields), same output text: the decoded object as canonical JSON, or the
 * problems as `[{"path","expected","actual"},...]`.
 */
import type { CompiledField, ScalarType } from "../bind/shape";
import { jsPath } from "../bind/shape";
import { quoteJsonString } from "./escape";
import { parseJson } from "./parse";
import type { JsonNode } from "./tree";
import { writeJson } from "./write";

/**
 * A decode's outcome as text: the value, or the problems.
 *
 * @example
 * const outcome: DecodeOutcome = { ok: true, text: '{"n":1}' };
 */
export type DecodeOutcome = { ok: true; text: string } | { ok: false; problems: string };

type Step = string | number;
const MAX_SAFE = 9007199254740991n;

function isIntegerText(text: string): boolean {
  return !/[.eE]/.test(text);
}

function actual(node: JsonNode | undefined): string {
  if (!node) return "missing";
  if (node.kind === "number") return isIntegerText(node.text) ? "integer" : "number";
  if (node.kind === "literal") return node.text === "null" ? "null" : "boolean";
  return node.kind;
}

/** "" when `node` fits `type`, else what it is. */
function misfit(type: ScalarType | "shape", node: JsonNode): string {
  const ok = {
    string: node.kind === "string",
    number: node.kind === "number",
    integer: node.kind === "number" && isIntegerText(node.text),
    bigint: node.kind === "number" && isIntegerText(node.text),
    boolean: node.kind === "literal" && node.text !== "null",
    null: node.kind === "literal" && node.text === "null",
    json: true,
    shape: node.kind === "object",
  }[type];
  if (ok && type === "integer" && node.kind === "number") {
    const value = BigInt(node.text);
    if (value > MAX_SAFE || value < -MAX_SAFE) return "integer beyond 2^53-1 (declare it bigint)";
  }
  return ok ? "" : actual(node);
}

function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (node?.kind !== "object") return undefined;
  return node.members.findLast((m) => m.key === key)?.value;
}

function element(node: JsonNode | undefined, index: number): JsonNode | undefined {
  return node?.kind === "array" ? node.items[index] : undefined;
}

class Decoder {
  problems: string[] = [];

  private problem(path: Step[], expected: string, found: string): void {
    this.problems.push(`{"path":${quoteJsonString(jsPath(path))},"expected":"${expected}","actual":"${found}"}`);
  }

  private item(field: CompiledField, node: JsonNode, path: Step[]): string {
    const wrong = misfit(field.type, node);
    if (wrong) {
      this.problem(path, field.type === "shape" ? "object" : field.type, wrong);
      return "";
    }
    if (field.type === "shape") return this.object(field.fields!, node, path);
    if (field.type === "bigint") return `"${(node as { text: string }).text}"`;
    return writeJson(node);
  }

  /** The values an array field reaches, or undefined when the part before its first [] is absent or null. */
  private collect(field: CompiledField, node: JsonNode, path: Step[]): string[] | undefined {
    const items: string[] = [];
    const walk = (at: JsonNode | undefined, i: number, where: Step[], passed: boolean): boolean => {
      for (; i < field.path.length; i++) {
        const step = field.path[i]!;
        if (step === null) {
          if (at?.kind !== "array") {
            if (!passed && (!at || actual(at) === "null")) return false;
            this.problem(where, "array", actual(at));
            return true;
          }
          at.items.forEach((item, k) => walk(item, i + 1, [...where, k], true));
          return true;
        }
        where = [...where, step];
        at = typeof step === "string" ? member(at, step) : element(at, step);
        if (!at) return passed;
      }
      items.push(this.item(field, at!, where));
      return true;
    };
    return walk(node, 0, path, false) ? items : undefined;
  }

  object(fields: CompiledField[], node: JsonNode, base: Step[]): string {
    const parts: string[] = [];
    for (const field of fields) {
      const name = `${quoteJsonString(field.name)}:`;
      let value: string | undefined;
      let found: JsonNode | undefined;
      let path = base;
      if (field.array) {
        const items = this.collect(field, node, base);
        if (items) value = `[${items.join(",")}]`;
      } else {
        found = node;
        for (const step of field.path as Step[]) {
          path = [...path, step];
          found = typeof step === "string" ? member(found, step) : element(found, step);
        }
        const absent = !found || (actual(found) === "null" && field.type !== "null" && !field.required);
        if (!absent) value = this.item(field, found!, path);
      }
      if (value !== undefined) {
        parts.push(name + value);
      } else if (field.default !== undefined) {
        parts.push(name + JSON.stringify(field.default, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
      } else if (field.required) {
        const fixed = field.array ? field.path.slice(0, field.path.indexOf(null)) : field.path;
        this.problem([...base, ...(fixed as Step[])], field.array ? "array" : field.type === "shape" ? "object" : field.type, actual(found));
      }
    }
    return `{${parts.join(",")}}`;
  }
}

/**
 * Decodes the document in `input` with compiled fields. Throws `JsonFlatError` for invalid JSON.
 *
 * @example
 * referenceDecode(compileFields({ n: "integer" }), new TextEncoder().encode('{"n":1,"m":2}')) // { ok: true, text: '{"n":1}' }
 */
export function referenceDecode(fields: CompiledField[], input: Uint8Array): DecodeOutcome {
  const root = parseJson(input, { maxNesting: Number.MAX_SAFE_INTEGER, replaceInvalidUtf8: false });
  const decoder = new Decoder();
  let text = "";
  if (root.kind !== "object") decoder.problems.push(`{"path":"","expected":"object","actual":"${actual(root)}"}`);
  else text = decoder.object(fields, root, []);
  return decoder.problems.length ? { ok: false, problems: `[${decoder.problems.join(",")}]` } : { ok: true, text };
}
