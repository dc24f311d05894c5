/**
 * @module reference/utf8 — strict UTF-8 validation (to find the offending byte) and decoding of raw string bytes.
 */

/** Decodes with one U+FFFD per maximal invalid subsequence (the WHATWG rule) and never drops a U+FEFF. */
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** How many bytes a sequence with this lead byte has; 0 for bytes that never start one (80..C1, F5..FF). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Second-byte range of each lead byte (Unicode Table 3-7); later bytes are always 80..BF. */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf]; // no overlong 3-byte forms
  if (lead === 0xed) return [0x80, 0x9f]; // no UTF-16 surrogates
  if (lead === 0xf0) return [0x90, 0xbf]; // no overlong 4-byte forms
  if (lead === 0xf4) return [0x80, 0x8f]; // nothing above U+10FFFF
  return [0x80, 0xbf];
}

/**
 * The length (1 to 4) of the well-formed UTF-8 sequence that starts at `bytes[at]` and ends before `end`,
 * or 0 when the bytes there are ill formed: overlong, a surrogate, above U+10FFFF, truncated, or a stray
 * continuation byte.
 *
 * @example
 * utf8SequenceLengthAt(new Uint8Array([0xc3, 0xa9]), 0, 2) // 2 ("é")
 * utf8SequenceLengthAt(new Uint8Array([0xc0, 0xaf]), 0, 2) // 0 (overlong "/")
 */
export function utf8SequenceLengthAt(bytes: Uint8Array, at: number, end: number): number {
  const length = sequenceLength(bytes[at]!);
  if (length === 0 || at + length > end) return 0;
  if (length === 1) return 1;
  const [low, high] = secondByteRange(bytes[at]!);
  const second = bytes[at + 1]!;
  if (second < low || second > high) return 0;
  for (let i = at + 2; i < at + length; i++) {
    if ((bytes[i]! & 0xc0) !== 0x80) return 0;
  }
  return length;
}

/**
 * Decodes `bytes[start, end)`, replacing every maximal invalid subsequence with U+FFFD.
 *
 * @example
 * decodeUtf8(new Uint8Array([0x61, 0xff, 0x62]), 0, 3) // "a\uFFFDb"
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}
