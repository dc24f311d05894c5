/**
 * @module core/bun-env — runtime facts of Bun 1.4.4 that its typings (@types/bun 1.4.5) and TypeScript's lib
 * (5.9) leave out, declared once so the sources type-check under the strict tsconfig. Ambient only: the
 * declarations shipped to package users (`types/`, written by scripts/pack.ts) never mention them, so
 * nothing here leaks into an app that imports jsonflat.
 */

declare module "bun:ffi" {
  /**
   * The documented deallocator form (Bun's FFI docs, "Memory management"): the function at `deallocator`
   * (a JSTypedArrayBytesDeallocator) frees the bytes when the buffer is collected or transferred away.
   */
  function toArrayBuffer(ptr: Pointer, byteOffset: number, byteLength: number, deallocator: Pointer | number): ArrayBuffer;
}

/** JSON.rawJSON (TC39 JSON.parse source text access), present in Bun; TypeScript 5.9's lib lacks it. */
interface JSON {
  /** Wraps JSON text so that JSON.stringify writes it verbatim (keeps big integers exact). */
  rawJSON(text: string): { readonly rawJSON: string };
}
