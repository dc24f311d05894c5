/**
 * @module cli/compressed — the command line's compressed-input flags (`--compression`, `--max-decompressed-bytes`):
 * their parse config, help lines, the library options they become, and where a compressed input broke.
 */
import { COMPRESSION_OPTIONS, CompressedInputError, type CompressionOption, type DecompressOptions } from "../core/decompress";
import { JsonFlatError } from "../core/errors";

/**
 * The flags' `node:util` parseArgs entries, spread into the CLI's option table.
 *
 * @example
 * parseArgs({ args, options: { ...COMPRESSION_FLAGS } })
 */
export const COMPRESSION_FLAGS = {
  compression: { type: "string" },
  "max-decompressed-bytes": { type: "string" },
} as const;

/**
 * The flags' lines of `jsonflat --help`.
 *
 * @example
 * const HELP = `Options:\n${COMPRESSION_HELP}`;
 */
export const COMPRESSION_HELP = `      --compression auto|none|gzip|zstd|deflate|deflate-raw|brotli
                           how FILE or stdin is compressed (default auto: gzip, zstd and zlib by their first
                           bytes, brotli by a .br name; none reads the bytes as they are); decoded as a stream,
                           a FILE of 1 MiB or more on a thread of its own (one of the N of --workers N);
                           a cut, corrupt or trailing-garbage input fails (exit 1); not with --range or --journal
      --max-decompressed-bytes N        fail (INPUT_TOO_LARGE) once compressed input decodes to more than N
                           bytes (default: none for --ndjson, which streams; 1073741824 for one document)
`;

/**
 * The library options the flags ask for (`compression`, `maxDecompressedBytes`); bad values are `INVALID_OPTION`.
 *
 * @example
 * compressionOptions({ compression: "gzip", "max-decompressed-bytes": "1000000" }) // { compression: "gzip", maxDecompressedBytes: 1000000 }
 */
export function compressionOptions(values: { compression?: string; "max-decompressed-bytes"?: string }): DecompressOptions {
  const options: DecompressOptions = {};
  const compression = values.compression;
  if (compression !== undefined) {
    if (!(COMPRESSION_OPTIONS as readonly string[]).includes(compression)) {
      throw new JsonFlatError("INVALID_OPTION", `--compression must be one of ${COMPRESSION_OPTIONS.join(", ")}, got "${compression}"`);
    }
    options.compression = compression as CompressionOption;
  }
  const limit = values["max-decompressed-bytes"];
  if (limit !== undefined) {
    const n = Number(limit);
    if (limit.trim() === "" || !Number.isSafeInteger(n) || n < 0) {
      throw new JsonFlatError("INVALID_OPTION", `--max-decompressed-bytes expects a whole number ≥ 0, got "${limit}"`);
    }
    options.maxDecompressedBytes = n;
  }
  return options;
}

/**
 * The position text of a compressed input's failure for the CLI's error line (` (compressed byte N)`), or "".
 *
 * @example
 * compressedWhere(error) // " (compressed byte 1000)"
 */
export function compressedWhere(error: JsonFlatError): string {
  return error instanceof CompressedInputError ? ` (compressed byte ${error.compressedOffset})` : "";
}
