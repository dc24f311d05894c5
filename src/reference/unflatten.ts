/**
 * @module reference/unflatten — a parsed flattened object `{path: value}` back to its document (SPEC section 5).
 */
import { JsonFlatError, type ErrorCode } from "../core/errors";
import type { ResolvedOptions } from "../core/options";
import { DocumentBuilder } from "./document-builder";
import { quoteJsonString } from "./escape";
import { parsePath, type PathSegment } from "./path-syntax";
import { errorAt } from "./position";
import { nestingOf, type JsonMember, type JsonNode } from "./tree";

/**
 * The options unflatten needs.
 *
 * @example
 * const options: RebuildOptions = { style: "flat", delimiter: "__", maxNesting: 10_000 };
 */
export type RebuildOptions = Pick<ResolvedOptions, "style" | "delimiter" | "maxNesting">;

/**
 * The smallest bound on `[i]` indexes; larger inputs may use indexes up to their byte length, so a small
 * input cannot ask for a huge array. (`pointer`/`flat` digits only ever extend an array by one.)
 */
const MIN_INDEX_BOUND = 1024;

/** An error of `code` at the opening quote of `member`'s path. */
function memberError(code: ErrorCode, message: string, member: JsonMember, bytes: Uint8Array): JsonFlatError {
  return errorAt(code, message, bytes, member.keyOffset);
}

const pathText = (member: JsonMember) => quoteJsonString(member.key);

/**
 * The segments of `member`'s path, checked before anything is built: the path must be valid in the style,
 * its `[i]` indexes at most `maxIndex`, and its segments plus its value's own nesting at most `maxNesting`
 * (otherwise the rebuilt document would nest too deep).
 */
function checkedSegments(
  member: JsonMember,
  bytes: Uint8Array,
  options: RebuildOptions,
  maxIndex: bigint,
): PathSegment[] {
  const fail = (code: ErrorCode, message: string) => memberError(code, message, member, bytes);
  const segments = parsePath(member.key, options.style, options.delimiter);
  if (segments === undefined) throw fail("INVALID_PATH", `invalid path ${pathText(member)}`);
  if (segments.some((segment) => segment.kind === "index" && BigInt(segment.digits) > maxIndex)) {
    throw fail("INVALID_PATH", `array index too large for the input size in path ${pathText(member)}`);
  }
  if (segments.length + nestingOf(member.value) > options.maxNesting) {
    throw fail("NESTING_TOO_DEEP", `path ${pathText(member)} nests deeper than ${options.maxNesting} levels`);
  }
  return segments;
}

/**
 * Rebuilds the document from a parsed flattened object, applying members in document order, and writes
 * it as canonical compact JSON. Errors (`INVALID_PATH`, `PATH_CONFLICT`, `NESTING_TOO_DEEP`) point at the
 * opening quote of the member's path in `bytes`; a root that is not an object is `INVALID_JSON`.
 *
 * @example
 * unflattenDocument(parseJson(bytes('{"a[0].b":1,"a[2]":true}'), limits), bytes(...), options)
 * // '{"a":[{"b":1},null,true]}'
 */
export function unflattenDocument(root: JsonNode, bytes: Uint8Array, options: RebuildOptions): string {
  if (root.kind !== "object") {
    throw new JsonFlatError("INVALID_JSON", "unflatten expects a JSON object of path: value members");
  }
  const members = root.members;
  const builder = new DocumentBuilder((earlier, current) => {
    const message = `path ${pathText(members[current]!)} conflicts with path ${pathText(members[earlier]!)}`;
    throw memberError("PATH_CONFLICT", message, members[current]!, bytes);
  });
  const maxIndex = BigInt(Math.max(MIN_INDEX_BOUND, bytes.length));
  members.forEach((member, index) => {
    builder.set(checkedSegments(member, bytes, options, maxIndex), member.value, index);
  });
  return builder.toJson();
}
