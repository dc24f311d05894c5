/**
 * @module protocol — types of protocol.mjs (plain JavaScript so that Node runs it unchanged).
 */
type Output = Uint8Array | string;

/** Runs a runner's kernels as the command line asks (see protocol.mjs). */
export function runRunner(kernels: { bytes: (input: Uint8Array) => Output; object?: (text: string) => unknown; lines: (chunk: Uint8Array) => Output }): void;
/** Flattens every line of an NDJSON chunk with a text → text function; each output line ends in a newline. */
export function eachLine(chunk: Uint8Array, flattenLine: (line: string) => string): string;
/** The UTF-8 text of bytes. */
export function textOf(bytes: Uint8Array): string;
/** The UTF-8 bytes of text. */
export function bytesOf(text: string): Uint8Array;
