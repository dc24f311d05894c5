/**
 * @module native/handle — native objects owned from TypeScript: one branded pointer type per kind, and the
 * one base class (finalization, idempotent `dispose()`, `using`, use-after-dispose errors) they all share.
 */
import { JsonFlatError } from "../core/errors";
import type { Pointer } from "./ffi";

declare const kind: unique symbol;

/**
 * A pointer to a native object of one kind (`jf_query *`, `jf_index *`, `jf_shape *`): a `Pointer` that
 * cannot be passed where another kind is expected, so no cast is needed (or allowed) between them.
 */
export type Handle<K extends string> = Pointer & { readonly [kind]: K };
/** A compiled search query (jf_query_compile / jf_query_free). */
export type QueryHandle = Handle<"query">;
/** A path index (jf_index_build / jf_index_free). */
export type IndexHandle = Handle<"index">;
/** A compiled shape plan (jf_shape_compile / jf_shape_free). */
export type ShapeHandle = Handle<"shape">;
/** A one-document stream (jf_doc_stream_new / jf_doc_stream_free). */
export type DocStreamHandle = Handle<"doc-stream">;

/** What the registry keeps for a live handle: never the owner itself, or the owner could not be collected. */
interface Held {
  handle: Pointer;
  // Method syntax: a `free` of one kind's handle is accepted here (parameters of methods are bivariant).
  free(handle: Pointer): void;
}

/** One registry for every kind: frees what was collected without a `dispose()`. */
const registry = new FinalizationRegistry<Held>((held) => held.free(held.handle));

/**
 * The base of every TypeScript object that owns a native handle (Query, PathIndex, Binding). The handle is
 * freed once: by `dispose()` (or `using`), or by the garbage collector when the owner is collected.
 * After `dispose()`, `handle` throws `INVALID_OPTION` ("this query was disposed").
 *
 * @example
 * class Thing extends NativeHandle<QueryHandle> {
 *   constructor(bytes: Uint8Array) {
 *     super("thing");
 *     this.attach(native().compileQuery(bytes), (h) => native().freeQuery(h));
 *   }
 * }
 * using thing = new Thing(bytes); // freed at the end of the block
 */
export abstract class NativeHandle<H extends Handle<string>> {
  #handle: H | undefined;
  #free: ((handle: H) => void) | undefined;
  readonly #what: string;

  /** `what` names the object in the use-after-dispose error ("query", "index", "binding"). */
  protected constructor(what: string) {
    this.#what = what;
  }

  /** Takes ownership of `handle`; `free` releases it (exactly once). Call once, from the constructor. */
  protected attach(handle: H, free: (handle: H) => void): void {
    this.#handle = handle;
    this.#free = free;
    const held: Held = { handle, free };
    registry.register(this, held, this);
  }

  /** The live handle; throws `INVALID_OPTION` once disposed. */
  protected get handle(): H {
    if (this.#handle === undefined) throw new JsonFlatError("INVALID_OPTION", `this ${this.#what} was disposed`);
    return this.#handle;
  }

  /** Frees the native object now; later calls that need it throw. Idempotent. */
  dispose(): void {
    const handle = this.#handle;
    if (handle === undefined) return;
    registry.unregister(this);
    this.#handle = undefined;
    this.#free!(handle);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
