/**
 * @module query/type-stats-parallel — types from data over one large NDJSON file on the coworker pool: each
 * range's statistics come from a `typeStatsRange` task and are merged in file order (counts summed, paths and
 * examples in order of first sight), which gives exactly the statistics, and so the JSON Schema or TypeScript,
 * of one pass in this thread.
 */
import { fileCompression } from "../core/decompress";
import { flattenRangesParallel, type ParallelOptions } from "../coworker/parallel";
import { mergeTypeStats, typeStatsStream, type TypeStats, type TypeStatsStreamOptions } from "./type-stats";

/**
 * Options of `typeStatsParallel`: the stream options of the types calls, and how the file is split and run.
 *
 * @example
 * typeStatsParallel("works.txt", { column: 5, workers: 2 })
 */
export interface TypeStatsParallelOptions
  extends TypeStatsStreamOptions,
    Pick<ParallelOptions, "pool" | "workers" | "rangeBytes" | "readBytes" | "maxInFlight" | "timeoutMs"> {}

const decoder = new TextDecoder();

/**
 * The type statistics of every document of a local NDJSON file, its ranges run on a worker pool: the same
 * result as `typeStatsStream(path, options)`. A compressed file is read in this thread.
 *
 * @example
 * const stats = await typeStatsParallel("ol_dump_editions.txt", { column: 5, onError: "skip", workers: 2 });
 */
export async function typeStatsParallel(path: string, options: TypeStatsParallelOptions = {}): Promise<TypeStats> {
  const { pool, workers, rangeBytes, readBytes, maxInFlight, timeoutMs, maxNesting, replaceInvalidUtf8, ...lines } = options;
  if (await fileCompression(path, options.compression)) {
    return typeStatsStream(path, { ...lines, maxNesting, replaceInvalidUtf8 });
  }
  const types = { maxNesting, replaceInvalidUtf8 };
  const stats: TypeStats = { paths: new Map(), documents: 0 };
  const ranges = flattenRangesParallel(path, { ...lines, pool, workers, rangeBytes, readBytes, maxInFlight, timeoutMs, rangeTask: { name: "typeStatsRange", params: { types } } });
  for await (const range of ranges) for (const bytes of range.chunks) mergeTypeStats(stats, decoder.decode(bytes), range.documents);
  return stats;
}
