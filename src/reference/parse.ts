/**
 * @module reference/parse — a strict RFC 8259 parser over UTF-8 bytes that keeps number text and duplicate members.
 *
 * Iterative: open containers live on an explicit stack, so a document nested 10^6 deep costs heap, not
 * call stack. Errors are reported in byte order: the first offending byte wins, so a document that is too
 * deep fails at the first bracket beyond the limit even if something later is also wrong.
 */
import { errorAt } from "./position";
import { readStringLiteral } from "./string-literal";
import { decodeUtf8 } from "./utf8";
import type { JsonArray, JsonLiteral, JsonNode, JsonNumber, JsonObject, JsonString } from "./tree";

/**
 * What the parser allows.
 *
 * @example
 * const limits: ParseLimits = { maxNesting: 10_000, replaceInvalidUtf8: false };
 */
export interface ParseLimits {
  /** Deepest container nesting allowed (the root container is depth 1). */
  maxNesting: number;
  /** Turn invalid UTF-8 in strings into U+FFFD instead of failing. */
  replaceInvalidUtf8: boolean;
}

/** An open container and, for objects, the name of the member whose value comes next. */
type OpenContainer = { node: JsonArray } | { node: JsonObject; key: string; keyOffset: number };

const BYTE = {
  tab: 0x09,
  lineFeed: 0x0a,
  carriageReturn: 0x0d,
  space: 0x20,
  quote: 0x22,
  plus: 0x2b,
  comma: 0x2c,
  minus: 0x2d,
  dot: 0x2e,
  zero: 0x30,
  nine: 0x39,
  colon: 0x3a,
  openBracket: 0x5b,
  closeBracket: 0x5d,
  openBrace: 0x7b,
  closeBrace: 0x7d,
  upperE: 0x45,
  lowerE: 0x65,
} as const;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const LITERALS: readonly JsonLiteral["text"][] = ["true", "false", "null"];

const isDigit = (byte: number | undefined) => byte !== undefined && byte >= BYTE.zero && byte <= BYTE.nine;

class Parser {
  private at = 0;
  private readonly stack: OpenContainer[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: ParseLimits,
  ) {}

  parseDocument(): JsonNode {
    if (UTF8_BOM.every((byte, i) => this.bytes[i] === byte)) this.at = UTF8_BOM.length;
    this.skipWhitespace();
    if (this.at === this.bytes.length) this.fail("empty input: expected a JSON value");
    let root: JsonNode | undefined;
    for (;;) {
      const parent = this.stack.at(-1);
      if (parent && "key" in parent) this.readMemberName(parent);
      const value = this.readValue();
      if (parent === undefined) root = value;
      else if ("key" in parent) parent.node.members.push({ key: parent.key, keyOffset: parent.keyOffset, value });
      else parent.node.items.push(value);
      if (this.opensNonEmpty(value)) continue;
      if (this.closeFinishedContainers()) return root!;
    }
  }

  /** Reads `"name" :` of the next member of `parent`. */
  private readMemberName(parent: { key: string; keyOffset: number }): void {
    this.skipWhitespace();
    if (this.bytes[this.at] !== BYTE.quote) this.fail("expected a member name in double quotes");
    parent.keyOffset = this.at;
    parent.key = this.readString().value;
    this.skipWhitespace();
    if (this.bytes[this.at] !== BYTE.colon) this.fail("expected ':' after the member name");
    this.at++;
  }

  /** Reads a scalar whole, or just the opening bracket of a container. */
  private readValue(): JsonNode {
    this.skipWhitespace();
    const byte = this.bytes[this.at];
    if (byte === BYTE.openBracket || byte === BYTE.openBrace) return this.openContainer(byte);
    if (byte === BYTE.quote) return this.readString();
    if (byte === BYTE.minus || isDigit(byte)) return this.readNumber();
    return this.readLiteral();
  }

  private openContainer(bracket: number): JsonArray | JsonObject {
    if (this.stack.length + 1 > this.limits.maxNesting) {
      throw errorAt("NESTING_TOO_DEEP", `nesting deeper than ${this.limits.maxNesting} levels`, this.bytes, this.at);
    }
    this.at++;
    return bracket === BYTE.openBracket ? { kind: "array", items: [] } : { kind: "object", members: [] };
  }

  /** After an opening bracket: true (and the container pushed) unless the matching bracket follows. */
  private opensNonEmpty(value: JsonNode): boolean {
    if (value.kind !== "array" && value.kind !== "object") return false;
    this.skipWhitespace();
    const closing = value.kind === "array" ? BYTE.closeBracket : BYTE.closeBrace;
    if (this.bytes[this.at] === closing) {
      this.at++;
      return false;
    }
    this.stack.push(value.kind === "array" ? { node: value } : { node: value, key: "", keyOffset: 0 });
    return true;
  }

  /** After a complete value: consumes `,` (false: more follows) or closing brackets; true at the end. */
  private closeFinishedContainers(): boolean {
    for (;;) {
      this.skipWhitespace();
      const open = this.stack.at(-1);
      if (open === undefined) {
        if (this.at < this.bytes.length) this.fail("unexpected content after the JSON value");
        return true;
      }
      const closing = open.node.kind === "array" ? BYTE.closeBracket : BYTE.closeBrace;
      const byte = this.bytes[this.at];
      if (byte !== BYTE.comma && byte !== closing) this.fail(`expected ',' or '${String.fromCharCode(closing)}'`);
      this.at++;
      if (byte === BYTE.comma) return false;
      this.stack.pop();
    }
  }

  private readString(): JsonString {
    const literal = readStringLiteral(this.bytes, this.at, this.limits.replaceInvalidUtf8);
    if (!literal.ok) this.fail(literal.reason, literal.offset);
    this.at = literal.end;
    return { kind: "string", value: literal.value };
  }

  /** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as its source text. */
  private readNumber(): JsonNumber {
    const start = this.at;
    if (this.bytes[this.at] === BYTE.minus) this.at++;
    if (this.bytes[this.at] === BYTE.zero) this.at++;
    else this.readDigits("expected a digit");
    if (this.bytes[this.at] === BYTE.dot) {
      this.at++;
      this.readDigits("expected a digit after the decimal point");
    }
    if (this.bytes[this.at] === BYTE.lowerE || this.bytes[this.at] === BYTE.upperE) {
      this.at++;
      if (this.bytes[this.at] === BYTE.plus || this.bytes[this.at] === BYTE.minus) this.at++;
      this.readDigits("expected a digit in the exponent");
    }
    return { kind: "number", text: decodeUtf8(this.bytes, start, this.at) };
  }

  private readDigits(reason: string): void {
    if (!isDigit(this.bytes[this.at])) this.fail(reason);
    while (isDigit(this.bytes[this.at])) this.at++;
  }

  private readLiteral(): JsonLiteral {
    const first = this.bytes[this.at];
    const text = LITERALS.find((literal) => literal.charCodeAt(0) === first);
    if (text === undefined) this.fail("expected a JSON value");
    for (let i = 0; i < text.length; i++, this.at++) {
      if (this.bytes[this.at] !== text.charCodeAt(i)) this.fail(`expected '${text}'`);
    }
    return { kind: "literal", text };
  }

  private skipWhitespace(): void {
    for (;;) {
      const byte = this.bytes[this.at];
      if (byte !== BYTE.space && byte !== BYTE.tab && byte !== BYTE.lineFeed && byte !== BYTE.carriageReturn) return;
      this.at++;
    }
  }

  private fail(reason: string, offset = this.at): never {
    throw errorAt("INVALID_JSON", `invalid JSON: ${reason}`, this.bytes, offset);
  }
}

/**
 * Parses one JSON document (an optional UTF-8 BOM is skipped). Throws `JsonFlatError` `INVALID_JSON` or
 * `NESTING_TOO_DEEP` with the offset, line and column of the first offending byte.
 *
 * @example
 * parseJson(new TextEncoder().encode('{"a":1.0,"a":2}'), { maxNesting: 10, replaceInvalidUtf8: false })
 * // { kind: "object", members: [{ key: "a", keyOffset: 1, value: { kind: "number", text: "1.0" } }, ...] }
 */
export function parseJson(bytes: Uint8Array, limits: ParseLimits): JsonNode {
  return new Parser(bytes, limits).parseDocument();
}
