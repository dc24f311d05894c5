/**
 * @module reference/path-syntax — reads a path back into its segments, per style (SPEC section 5).
 */
import type { PathStyle } from "../core/options";
import { readStringLiteral } from "./string-literal";

/**
 * One step of a path. `key` and `index` are certain; `indexOrKey` is a canonical decimal segment of the
 * `pointer` or `flat` style, an index only where it continues an array (see document-builder).
 *
 * @example
 * const segment: PathSegment = { kind: "indexOrKey", key: "0" }; // "/0" in pointer style
 */
export type PathSegment =
  | { kind: "key"; key: string }
  | { kind: "index"; digits: string }
  | { kind: "indexOrKey"; key: string };

/** `0` or digits without a leading zero: the only spelling an index has in any style. */
const CANONICAL_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * The steps of a `js` path; sticky, so each must match exactly where the previous one ended. Flatten writes
 * `.name` only for ASCII identifiers, but on input any non-ASCII character also counts as an identifier
 * character (as in JavaScript), so hand-written paths like `user.café` read.
 */
const JS_STEPS = {
  firstName: /((?:[A-Za-z_$]|[^\x00-\x7f])(?:[A-Za-z0-9_$]|[^\x00-\x7f])*)/y,
  name: /\.((?:[A-Za-z_$]|[^\x00-\x7f])(?:[A-Za-z0-9_$]|[^\x00-\x7f])*)/y,
  index: /\[(0|[1-9][0-9]*)\]/y,
  quotedKey: /\[("(?:[^"\\]|\\[^])*")\]/y,
};

const encoder = new TextEncoder();

function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/** The text of a JSON string literal, decoded with the parser's own strict rules, or undefined. */
function decodeJsonString(literal: string): string | undefined {
  const bytes = encoder.encode(literal);
  const read = readStringLiteral(bytes, 0, false);
  return read.ok && read.end === bytes.length ? read.value : undefined;
}

/** One `js` step at `at` (`.name`, a name at the very start, `[digits]` or `["json string"]`). */
function jsStep(path: string, at: number): { segment: PathSegment; end: number } | undefined {
  const name = matchAt(at === 0 ? JS_STEPS.firstName : JS_STEPS.name, path, at);
  if (name) return { segment: { kind: "key", key: name[1]! }, end: at + name[0].length };
  const index = matchAt(JS_STEPS.index, path, at);
  if (index) return { segment: { kind: "index", digits: index[1]! }, end: at + index[0].length };
  const quoted = matchAt(JS_STEPS.quotedKey, path, at);
  const key = quoted ? decodeJsonString(quoted[1]!) : undefined;
  return key === undefined ? undefined : { segment: { kind: "key", key }, end: at + quoted![0].length };
}

function parseJsPath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  for (let at = 0; at < path.length; ) {
    const step = jsStep(path, at);
    if (!step) return undefined;
    segments.push(step.segment);
    at = step.end;
  }
  return segments;
}

function indexOrKey(key: string): PathSegment {
  return CANONICAL_INDEX.test(key) ? { kind: "indexOrKey", key } : { kind: "key", key };
}

/** RFC 6901: `""` is the root; otherwise `/`-separated tokens where `~` may only start `~0` or `~1`. */
function parsePointerPath(path: string): PathSegment[] | undefined {
  if (path === "") return [];
  if (!path.startsWith("/") || /~(?![01])/.test(path)) return undefined;
  // RFC 6901 section 4: `~1` first, then `~0`, so that `~01` stands for `~1`.
  return path
    .slice(1)
    .split("/")
    .map((token) => indexOrKey(token.replaceAll("~1", "/").replaceAll("~0", "~")));
}

/** npm `flat`: the path split at every delimiter, left to right; `""` is the root. */
function parseFlatPath(path: string, delimiter: string): PathSegment[] {
  return path === "" ? [] : path.split(delimiter).map(indexOrKey);
}

/**
 * The segments of `path` in `style`, or undefined when it is not a valid path of that style: `js` accepts
 * only `.name` (identifier characters or non-ASCII; no dot before the first), `["json string"]` and
 * `[canonical index]`; `pointer`
 * only `""` or `/...` with valid `~` escapes; every `flat` path is valid.
 *
 * @example
 * parsePath('a["b c"][0]', "js", ".")
 * // [{ kind: "key", key: "a" }, { kind: "key", key: "b c" }, { kind: "index", digits: "0" }]
 */
export function parsePath(path: string, style: PathStyle, delimiter: string): PathSegment[] | undefined {
  if (style === "js") return parseJsPath(path);
  if (style === "pointer") return parsePointerPath(path);
  return parseFlatPath(path, delimiter);
}
