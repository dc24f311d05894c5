/**
 * @module table — CSV and TSV out of NDJSON or one document, written natively row by row.
 */
export { checkTableOptions, DEFAULT_SAMPLE, type TableFormat, type TableOptions, type UnknownPolicy } from "./options";
export { tableColumns, tableDocument, tableLines, tableReadable, tableStream } from "./table";
