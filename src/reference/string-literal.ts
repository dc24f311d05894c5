/**
 * @module reference/string-literal — reads one JSON string literal from UTF-8 bytes (RFC 8259 section 7), strictly.
 */
import { decodeUtf8, utf8SequenceLengthAt } from "./utf8";

/**
 * A string literal read: its text and the offset just past its closing quote, or where and why it failed.
 *
 * @example
 * const failed: StringLiteral = { ok: false, offset: 4, reason: "unterminated string" };
 */
export type StringLiteral = { ok: true; value: string; end: number } | { ok: false; offset: number; reason: string };

type Escape = { ok: true; text: string; end: number } | { ok: false; offset: number; reason: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FIRST_NON_CONTROL = 0x20;
const FIRST_NON_ASCII = 0x80;

/** What each one-letter escape stands for. */
const SIMPLE_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x22, '"'],
  [0x5c, "\\"],
  [0x2f, "/"],
  [0x62, "\b"],
  [0x66, "\f"],
  [0x6e, "\n"],
  [0x72, "\r"],
  [0x74, "\t"],
]);

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

/** The UTF-16 code unit written as four hex digits at `at`, or -1. */
function hexCodeUnit(bytes: Uint8Array, at: number): number {
  if (at + 4 > bytes.length) return -1;
  let unit = 0;
  for (let i = at; i < at + 4; i++) {
    const digit = hexValue(bytes[i]!);
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

const REPLACEMENT_CHARACTER = "\uFFFD";

/** Why a lone surrogate escape fails: it names the escape as written and the option that accepts it. */
function loneSurrogate(bytes: Uint8Array, at: number): Escape {
  const written = String.fromCharCode(...bytes.subarray(at, at + 6));
  return { ok: false, offset: at, reason: `lone surrogate ${written} in string (replaceInvalidUtf8 writes U+FFFD)` };
}

/**
 * Reads `\uXXXX` (and its low half when it is a high surrogate) at the backslash `at`. A surrogate escape
 * that is not half of a pair fails, or with `replaceInvalidUtf8` stands for U+FFFD (as `toWellFormed()`);
 * then only the lone escape is consumed, so whatever follows it is read on its own.
 */
function readUnicodeEscape(bytes: Uint8Array, at: number, replaceInvalidUtf8: boolean): Escape {
  const unit = hexCodeUnit(bytes, at + 2);
  if (unit < 0) return { ok: false, offset: at, reason: "\\u must be followed by four hex digits" };
  if (!isHighSurrogate(unit) && !isLowSurrogate(unit)) return { ok: true, text: String.fromCharCode(unit), end: at + 6 };
  // A high surrogate only means something together with the low surrogate escaped right after it.
  const low = isHighSurrogate(unit) && bytes[at + 6] === BACKSLASH && bytes[at + 7] === 0x75 ? hexCodeUnit(bytes, at + 8) : -1;
  if (isLowSurrogate(low)) return { ok: true, text: String.fromCharCode(unit, low), end: at + 12 };
  return replaceInvalidUtf8 ? { ok: true, text: REPLACEMENT_CHARACTER, end: at + 6 } : loneSurrogate(bytes, at);
}

/** Reads the escape sequence whose backslash is at `at`. */
function readEscape(bytes: Uint8Array, at: number, replaceInvalidUtf8: boolean): Escape {
  const letter = bytes[at + 1];
  if (letter === 0x75) return readUnicodeEscape(bytes, at, replaceInvalidUtf8);
  const text = letter === undefined ? undefined : SIMPLE_ESCAPES.get(letter);
  if (text === undefined) return { ok: false, offset: at, reason: "invalid escape sequence" };
  return { ok: true, text, end: at + 2 };
}

/**
 * Reads the string literal whose opening quote is at `bytes[start]`. Raw control characters and invalid
 * escapes fail at the offending byte; so do lone surrogate escapes and ill-formed UTF-8 unless
 * `replaceInvalidUtf8`, with which each lone surrogate escape and each maximal invalid subsequence becomes
 * U+FFFD.
 *
 * @example
 * readStringLiteral(new TextEncoder().encode('"a\\u00e9"'), 0, false) // { ok: true, value: "aé", end: 10 }
 */
export function readStringLiteral(bytes: Uint8Array, start: number, replaceInvalidUtf8: boolean): StringLiteral {
  const pieces: string[] = [];
  let runStart = start + 1; // raw bytes since the last escape, decoded together
  let at = runStart;
  while (at < bytes.length) {
    const byte = bytes[at]!;
    if (byte === QUOTE || byte === BACKSLASH) {
      pieces.push(decodeUtf8(bytes, runStart, at));
      if (byte === QUOTE) return { ok: true, value: pieces.join(""), end: at + 1 };
      const escape = readEscape(bytes, at, replaceInvalidUtf8);
      if (!escape.ok) return escape;
      pieces.push(escape.text);
      at = runStart = escape.end;
    } else if (byte < FIRST_NON_CONTROL) {
      return { ok: false, offset: at, reason: "control characters must be escaped in strings" };
    } else if (byte < FIRST_NON_ASCII) {
      at++;
    } else {
      const length = utf8SequenceLengthAt(bytes, at, bytes.length);
      if (length === 0 && !replaceInvalidUtf8) return { ok: false, offset: at, reason: "invalid UTF-8 in string" };
      // An invalid byte is skipped one at a time; decodeUtf8 later merges it into its maximal subsequence.
      at += Math.max(length, 1);
    }
  }
  return { ok: false, offset: bytes.length, reason: "unterminated string" };
}
