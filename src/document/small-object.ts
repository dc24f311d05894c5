/**
 * @module document/small-object — `flatten()` of a short JSON text in JavaScript (`JSON.parse` and one walk),
 * taken only when its result is provably the object the native call gives; otherwise `undefined` and the
 * caller goes native. Below about 100 characters the native call's fixed cost (crossing into C, allocation,
 * decoding the output, parsing it again) is larger than the whole JavaScript walk with its checks.
 */

/** Longest text (UTF-16 units) walked here: 64 B is faster walked, 116 B already native (bench/results/objects-2026-12-03.md). */
export const SMALL_OBJECT_TEXT = 96;

/** Nesting walked here at most; deeper documents go native, which alone decides `NESTING_TOO_DEEP`. */
const SMALL_OBJECT_NESTING = 32;

/** A member name written `.name` in js style (SPEC section 1); any other is written `["name"]`. */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

// The walk's state for one call (calls never nest: the walk runs no user code).
let out: Record<string, unknown> = {};
let members = 0;
let colons = 0;
let nestingLimit = 0;

function colonsIn(s: string): number {
  let n = 0;
  for (let at = s.indexOf(":"); at >= 0; at = s.indexOf(":", at + 1)) n++;
  return n;
}

/** Writes the leaves under `value`; false when the walk cannot vouch for the native result. */
function walk(value: unknown, path: string, depth: number): boolean {
  if (typeof value !== "object" || value === null) {
    if (typeof value === "string" && value.includes(":")) colons += colonsIn(value);
    out[path] = value;
    return true;
  }
  if (depth >= nestingLimit) return false;
  if (Array.isArray(value)) {
    if (value.length === 0) out[path] = value;
    for (let i = 0; i < value.length; i++) if (!walk(value[i], `${path}[${i}]`, depth + 1)) return false;
    return true;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) out[path] = value;
  members += keys.length;
  for (const key of keys) {
    const first = key.charCodeAt(0);
    // An integer-like key is listed first by JS objects whatever its place in the text: document order lost.
    if (first >= 48 && first <= 57) return false;
    if (key.includes(":")) colons += colonsIn(key);
    let child: string;
    if (!IDENTIFIER.test(key)) child = `${path}[${JSON.stringify(key)}]`;
    else if (path !== "") child = `${path}.${key}`;
    // A root member `__proto__` would be the path "__proto__": assigning it would set the prototype.
    else if (key === "__proto__") return false;
    else child = key;
    if (!walk((value as Record<string, unknown>)[key], child, depth + 1)) return false;
  }
  return true;
}

/**
 * The object `flatten(text)` returns with the default leaf options (js paths, no depth limit, arrays indexed,
 * big integers as rounded numbers, no UTF-8 replacement), or `undefined` when this walk cannot prove it equal:
 * - the text is long, not well-formed UTF-16, holds a `\u` escape (lone surrogates are the native call's
 *   error; an escaped `:` would defeat the count below), or is not JSON to `JSON.parse` (errors come from C);
 * - a member name starts with a digit (JS objects reorder integer-like keys), or the root has a member
 *   `__proto__` (its path would be `__proto__`, which an assignment turns into a prototype);
 * - nesting reaches `maxNesting - 1` or 32 (the native call owns the limit);
 * - duplicate member names: every `:` of the text is a member's or inside a string, so the text's colons
 *   equal the members walked plus the colons of the strings walked exactly when `JSON.parse` dropped no
 *   member (a dropped one takes its own `:` away).
 * Numbers are the text's own digits parsed by `JSON.parse` either way; strings re-escaped by C parse back to
 * the same text; paths are spelled as SPEC section 1 says, keys in brackets as `JSON.stringify` writes them,
 * which is C's escaping for well-formed text.
 *
 * @example
 * smallObject('{"a":{"b c":[1]}}', 10_000) // { 'a["b c"][0]': 1 }
 * smallObject('{"a":1,"a":2}', 10_000)     // undefined: duplicates go native
 */
export function smallObject(text: string, maxNesting: number): Record<string, unknown> | undefined {
  if (text.length > SMALL_OBJECT_TEXT || text.includes("\\u") || !text.isWellFormed()) return undefined;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  out = {};
  members = 0;
  colons = 0;
  nestingLimit = Math.min(SMALL_OBJECT_NESTING, maxNesting - 1);
  const result = out;
  const complete = walk(root, "", 0) && colonsIn(text) === members + colons;
  out = {};
  return complete ? result : undefined;
}
