/**
 * @module core/readable — a generator of output chunks as a web `ReadableStream` with backpressure: the one
 * adapter behind `flattenReadable`, `tableReadable` and `flattenDocumentReadable`.
 */

/**
 * Pulls `chunks` one at a time as the reader asks; an error of the generator errors the stream, and a reader's
 * cancel ends the generator (its `finally` frees native memory) with `cancelled` as its return value. With
 * `copy`, each chunk is copied first, for generators whose chunks live only until the next is asked for.
 *
 * @example
 * return new Response(readableOf(flattenStream(req.body!), CANCELLED, true));
 */
export function readableOf<R>(chunks: AsyncGenerator<Uint8Array, R>, cancelled: R, copy: boolean): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(copy ? next.value.slice() : next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(cancelled);
    },
  });
}
