/**
 * @module flat/native-unflatten-agrees — decides, in one pass over the keys, whether the native core's
 * `flat`-style unflatten builds exactly what npm `flat` builds for this input.
 *
 * Where they differ:
 * - flat reads a segment as a number when `Number(segment)` is not NaN and it has no `.` (`""`, `"01"`,
 *   `"1e3"`, `" 1"`, `"-1"` ...); the core reads only canonical decimals `0|[1-9][0-9]*` as indexes.
 * - flat makes a container an array when the first segment below it is a number (any number, leaving
 *   holes); the core starts an array only at index 0, extends it by at most one past its end, and turns it
 *   into an object when a name or a larger index arrives, where flat adds a named member to the array.
 * - flat skips a path that runs through an inherited property (`constructor.x`, `__proto__.x`), and a
 *   whole key `__proto__` (with another delimiter, say `_`) sets a prototype instead of a member.
 * - a later empty `{}`/`[]` at an existing container's path replaces it in flat but merges in the core.
 * - flat puts the caller's own empty array in its result and writes later paths into it (so aliases of
 *   that array change too); the core builds a new one.
 * - with `object`, flat never makes arrays.
 * - a value that is a non-empty object is flattened by flat first, so its keys are split too.
 * Conflicts between a value and a container (`a` and `a.b`) are left to the core, which rejects them with
 * PATH_CONFLICT; the caller then uses the port.
 *
 * The pass is linear for keys in the order `flatten` writes them: each key is compared with the previous
 * one, so only the containers a key enters anew are looked up, by a hash of their path, among the ones
 * already left. Every doubt (a hash collision included) answers "no", which only costs the port's speed.
 */

/** A container's kind, where it is not an array's length. */
const OBJECT = -1;
/** `segmentKind` results besides an index (>= 0). */
const NAME = -1;
const NOT_NATIVE = -2;
/** In the map of containers left behind: an empty array the caller gave as a value. */
const CALLERS_EMPTY_ARRAY = -4;
/** `leafKind` results besides OBJECT (`{}`) and an array's length. */
const SCALAR = -2;
const NOT_A_LEAF = -3;
/** Longest digit run read as an index; longer ones are numbers to flat that the core may read otherwise. */
const MAX_INDEX_DIGITS = 9;

/**
 * True when the native core's unflatten of `source` (a plain object) equals npm flat's, for this
 * delimiter and `object` option and no `transformKey`.
 *
 * @example
 * nativeUnflattenAgrees({ "a.0": 1, "a.1": 2 }, ".", false) // true
 * nativeUnflattenAgrees({ "a.01": 1 }, ".", false)          // false: flat reads "01" as 1
 */
export function nativeUnflattenAgrees(source: Record<string, unknown>, delimiter: string, object: boolean): boolean {
  // The loop below uses for-in (much faster than Object.keys here), which also lists enumerable inherited
  // names: with none on Object.prototype it lists exactly Object.keys.
  for (const _ in Object.prototype) return false;
  const inherited = inheritedNameInitials();
  // With an all-digit delimiter, a key joined under a member ("1" + "2" + "0") can be an integer key, which
  // the object would move first.
  const arraysOfLeavesAllowed = !object && !/^[0-9]+$/.test(delimiter);
  const step = delimiter.length;
  // The containers on the previous key's path: level j holds segment j (level 0 is the root).
  const kinds: number[] = [];
  const hashes = new PathHashes();
  // Containers (and empty-container values) left behind: path hash -> kind.
  const left = new Map<number, number>();
  // The previous key's segment ends, and its path up to and including its last delimiter.
  const ends: number[] = [];
  let parent = "";
  let previousKey = "";
  let previousValueKind = SCALAR;
  let previousLeafHash = 0;

  for (const key in source) {
    const valueKind = leafKind(source[key], arraysOfLeavesAllowed);
    if (valueKind === NOT_A_LEAF || key === "") return false; // the core reads "" as the root itself
    // flat first copies every member into a plain object by assignment: `__proto__` sets its prototype.
    if (inherited.has(key.charCodeAt(0)) && key in Object.prototype) return false;
    if (previousValueKind !== SCALAR) left.set(previousLeafHash, previousValueKind === 0 ? CALLERS_EMPTY_ARRAY : previousValueKind);

    let shared: number;
    if (parent !== "" && key.startsWith(parent) && key.indexOf(delimiter, parent.length) === -1) {
      // A sibling of the previous key, the usual case: only the last segment is new.
      shared = ends.length - 1;
      ends[shared] = key.length;
    } else {
      // The segments whose text and following delimiter both keys share are the same segments. A key that
      // is a prefix of the previous one (or the reverse) is caught by the leaf check below or by the core.
      const same = commonPrefixLength(key, previousKey);
      shared = 0;
      while (shared < ends.length - 1 && ends[shared]! + step <= same) shared++;
      for (let level = ends.length - 1; level > shared; level--) left.set(hashes.at(level), kinds[level]!);
      ends.length = shared;
      segmentEnds(key, delimiter, segmentStart(ends, shared, step), ends);
      parent = ends.length > 1 ? key.substring(0, ends[ends.length - 2]! + step) : "";
    }
    const count = ends.length;
    // flat splits `key + delimiter + index` for an array's elements: with a longer delimiter that split
    // could begin inside the key's last segment.
    if (valueKind > 0 && step > 1 && (key + delimiter).indexOf(delimiter, segmentStart(ends, count - 1, step)) !== key.length) {
      return false;
    }

    for (let level = shared; level < count; level++) {
      const kind = segmentKind(key, segmentStart(ends, level, step), ends[level]!, object, inherited);
      if (kind === NOT_NATIVE) return false;
      if (level === 0) continue; // flat's root is an object; the caller turns the core's root array into one
      if (level === shared) {
        // The container is the one the previous key stood in, so its kind is known.
        const container = kinds[level]!;
        if (container === OBJECT) continue;
        if (kind === NAME || kind > container) return false;
        if (kind === container) kinds[level] = container + 1;
        continue;
      }
      hashes.extend(level, key, segmentStart(ends, level - 1, step), ends[level - 1]!);
      // A container entered anew is read as a new one; one left as an array may be re-entered at index 0.
      const before = left.get(hashes.at(level));
      if (before === CALLERS_EMPTY_ARRAY || kind > 0 || (kind === 0 && object)) return false;
      if (kind === NAME && before !== undefined && before !== OBJECT) return false;
      kinds[level] = kind === 0 ? 1 : OBJECT;
    }

    if (valueKind !== SCALAR) {
      // Level `count` is past this key's containers: any later key that reaches it extends it first.
      hashes.extend(count, key, segmentStart(ends, count - 1, step), key.length);
      previousLeafHash = hashes.at(count);
      if (left.has(previousLeafHash)) return false;
    }
    previousValueKind = valueKind;
    previousKey = key;
  }
  return true;
}

/**
 * How a member's value reads: a JSON scalar, an empty plain object (OBJECT), an empty plain array (0), or
 * a plain array of scalars and empty containers (its length), which flat spreads into indexed keys and the
 * core keeps as one value. Anything else is NOT_A_LEAF (non-JSON values; non-empty objects, whose keys flat
 * would split).
 */
function leafKind(value: unknown, arraysAllowed: boolean): number {
  switch (typeof value) {
    case "string":
    case "boolean":
      return SCALAR;
    case "number":
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0) ? SCALAR : NOT_A_LEAF;
    case "object": {
      if (value === null) return SCALAR;
      if (!Array.isArray(value)) return isEmptyPlainObject(value) ? OBJECT : NOT_A_LEAF;
      if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_A_LEAF;
      // Named members of an array are spread by flat and dropped by JSON.
      if (Object.keys(value).length !== value.length) return NOT_A_LEAF;
      if (value.length === 0) return 0;
      if (!arraysAllowed) return NOT_A_LEAF;
      for (const element of value) {
        const kind = leafKind(element, false);
        if (kind !== SCALAR && kind !== OBJECT && kind !== 0) return NOT_A_LEAF;
      }
      return value.length;
    }
    default:
      return NOT_A_LEAF;
  }
}

function isEmptyPlainObject(value: object): boolean {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const _ in value) return false;
  return true;
}

/** Appends to `ends` the end offset of each segment of `key` from `from` on, split as `split` splits. */
function segmentEnds(key: string, delimiter: string, from: number, ends: number[]): void {
  let at = key.indexOf(delimiter, from);
  while (at !== -1) {
    ends.push(at);
    at = key.indexOf(delimiter, at + delimiter.length);
  }
  ends.push(key.length);
}

function segmentStart(ends: number[], level: number, step: number): number {
  return level === 0 ? 0 : ends[level - 1]! + step;
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let same = 0;
  while (same < limit && a.charCodeAt(same) === b.charCodeAt(same)) same++;
  return same;
}

/**
 * How flat reads the segment `key[start, end)`, in the cases where the core reads it the same way: an
 * index (its value) or a NAME. NOT_NATIVE for a number to flat that is no short canonical index, and for
 * a name inherited by plain objects (flat skips paths through `constructor`, sets a prototype for
 * `__proto__`).
 */
function segmentKind(key: string, start: number, end: number, object: boolean, inherited: Set<number>): number {
  const length = end - start;
  const first = length === 0 ? -1 : key.charCodeAt(start);
  if (first >= 48 && first <= 57 && length <= MAX_INDEX_DIGITS && (first !== 48 || length === 1)) {
    let index = 0;
    let at = start;
    for (; at < end; at++) {
      const digit = key.charCodeAt(at) - 48;
      if (digit < 0 || digit > 9) break;
      index = index * 10 + digit;
    }
    if (at === end) return index;
  }
  // Letters other than "I" (Infinity) cannot start a number, and only a few can start an inherited name.
  const letter = (first >= 97 && first <= 122) || (first >= 65 && first <= 90 && first !== 73);
  if (letter && !inherited.has(first)) return NAME;
  const segment = key.substring(start, end);
  if (segment in Object.prototype) return NOT_NATIVE;
  return object || segment.indexOf(".") !== -1 || Number.isNaN(Number(segment)) ? NAME : NOT_NATIVE;
}

/** First characters of every property name plain objects inherit (read now: Object.prototype may grow). */
function inheritedNameInitials(): Set<number> {
  const initials = new Set<number>();
  for (let proto: object | null = Object.prototype; proto; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) initials.add(name.charCodeAt(0));
  }
  return initials;
}

/**
 * Hashes of the path prefixes of the current key, level by level, so that a key extends its parent's hash
 * instead of hashing its whole path. Two 32-bit FNV-style lanes make a 53-bit number usable as a Map key.
 */
class PathHashes {
  private readonly high: number[] = [0x811c9dc5];
  private readonly low: number[] = [0x01000193];

  /** Sets level `level` to level `level - 1` extended by `key[from, to)`. */
  extend(level: number, key: string, from: number, to: number): void {
    let high = this.high[level - 1]!;
    let low = this.low[level - 1]!;
    for (let i = from; i < to; i++) {
      const c = key.charCodeAt(i);
      high = Math.imul(high ^ c, 0x01000193);
      low = Math.imul(low ^ c, 0x5bd1e995) ^ (low >>> 13);
    }
    // A separator outside the character range keeps "a" + "b" apart from "ab".
    this.high[level] = Math.imul(high ^ 0x10000, 0x01000193);
    this.low[level] = Math.imul(low ^ 0x10000, 0x5bd1e995) ^ (low >>> 13);
  }

  /** The hash of level `level`. */
  at(level: number): number {
    return (this.high[level]! >>> 0) * 0x200000 + (this.low[level]! >>> 11);
  }
}
