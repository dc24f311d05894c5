/**
 * @module reference/escape — the canonical spelling of a string as JSON text, shared by every output jsonflat writes.
 */

/** Characters that must be escaped: the quote, the backslash and U+0000..U+001F. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/g;

/** The short escapes JSON offers; every other control character becomes `\u00xx`. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

function escapeCharacter(character: string): string {
  return SHORT_ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Writes `text` as a JSON string literal in canonical form: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other
 * U+0000..U+001F as `\u00xx` with lower-case hex, everything else (`/`, U+007F, U+2028, emoji) unescaped.
 * For well-formed text this equals `JSON.stringify(text)`.
 *
 * @example
 * quoteJsonString('a"b\u0001/') // '"a\\"b\\u0001/"'
 */
export function quoteJsonString(text: string): string {
  return `"${text.replace(NEEDS_ESCAPE, escapeCharacter)}"`;
}
