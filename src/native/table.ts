/**
 * @module native/table — CSV and TSV out: a table spec compiled into a native object (a branded handle: the
 * column set and the header state of one stream), then NDJSON chunks or one document written as rows per call.
 */
import type { ResolvedOptions } from "../core/options";
import { NO_FLAGS, type Calls, type LinesCall, type LinesOutput, type NativeBytes, type NativeOutput } from "./call";
import type { Handle } from "./handle";

/** A compiled table (jf_table): columns and the state of one output stream. */
export type TableHandle = Handle<"table">;

/** The tables part of the native surface (jsonflat.h "Tables"). */
export interface TableNative {
  /** Compiles a table spec (JSON bytes, see jf_table_compile) under `options` (style, maxDepth, ...). */
  compileTable(spec: Uint8Array, options: ResolvedOptions): TableHandle;
  freeTable(table: TableHandle): void;
  /** Rows of an NDJSON chunk (the header first on the table's first call). */
  tableLines(table: TableHandle, input: Uint8Array, lines: LinesCall): NativeBytes & LinesOutput;
  /** Rows of one JSON document. */
  tableDocument(table: TableHandle, input: Uint8Array): NativeBytes & NativeOutput;
  /** The rows of a spool table's records (see jf_table_unspool), the header first on the table's first call. */
  tableUnspool(table: TableHandle, spool: Uint8Array, emitErrors: boolean): NativeBytes & NativeOutput;
}


/**
 * The table calls of one loaded library.
 *
 * @example
 * const t = tableCalls(calls).compileTable(new TextEncoder().encode('{"columns":["a"]}'), resolveOptions());
 */
export function tableCalls(c: Calls): TableNative {
  const { symbols, options, result } = c;
  return {
    compileTable: (spec, o) => {
      c.encode(o, NO_FLAGS);
      // jf_table_compile fills a bare jf_error: it sits at the start of the scratch result struct.
      return c.compiled(symbols.jf_table_compile(c.input(spec), spec.byteLength, options.bytes, result.bytes) as TableHandle | null);
    },
    freeTable: (table) => symbols.jf_table_free(table),
    tableLines: (table, input, lines) => {
      c.encodeLines(lines);
      return c.linesOutput(symbols.jf_table_lines(table, c.input(input), input.byteLength, c.linesOptions.bytes, c.linesResult.bytes));
    },
    tableDocument: (table, input) =>
      c.asBytes(...c.resultOf(symbols.jf_table_document(table, c.input(input), input.byteLength, result.bytes))),
    tableUnspool: (table, spool, emitErrors) =>
      c.asBytes(...c.resultOf(symbols.jf_table_unspool(table, c.input(spool), spool.byteLength, emitErrors ? 1 : 0, result.bytes))),
  };
}
