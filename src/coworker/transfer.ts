/**
 * @module coworker/transfer — moves buffers between threads instead of cloning them: finds the
 * `ArrayBuffer`s inside task parameters and results and either moves them (the sender's copy becomes
 * detached) or copies only the bytes a view covers into a fresh buffer that is then moved.
 */

/**
 * How the buffers inside a value cross to another thread: `move` (zero copy, the sender's buffer is
 * detached) or `copy` (one copy of each view's bytes, then moved).
 *
 * @example
 * prepareTransfer(params, options.transfer ? "move" : "copy")
 */
export type TransferMode = "move" | "copy";

const MAX_DEPTH = 4;

function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Prepares `value` for `postMessage(value, transfer)`: walks plain objects and arrays (4 levels deep) and
 * returns the value with every `ArrayBuffer` or typed-array/DataView buffer ready to be transferred.
 *
 * - `move`: the caller's buffers are moved at once with `ArrayBuffer.prototype.transfer()` (zero copy; the
 *   caller's buffer is detached from now on, whichever view of it was passed).
 * - `copy`: each view is copied (only the bytes it covers, never the rest of a larger buffer) into a new
 *   buffer, which is then moved; the caller's data is untouched.
 *
 * `SharedArrayBuffer`s are shared, never copied or moved. Other values are left to structured clone.
 *
 * @example
 * const [params, transfer] = prepareTransfer({ input: bytes }, "copy");
 * worker.postMessage({ params }, transfer); // `bytes` stays usable
 */
export function prepareTransfer<T>(value: T, mode: TransferMode): [T, ArrayBuffer[]] {
  const moved = new Map<ArrayBuffer, ArrayBuffer>();
  const list: ArrayBuffer[] = [];

  function take(buffer: ArrayBuffer): ArrayBuffer {
    let target = moved.get(buffer);
    if (!target) {
      target = buffer.transfer();
      moved.set(buffer, target);
      list.push(target);
    }
    return target;
  }

  function visit(v: unknown, depth: number): unknown {
    if (v instanceof ArrayBuffer) {
      if (v.detached) return v;
      if (mode === "copy") {
        const copy = v.slice(0);
        list.push(copy);
        return copy;
      }
      return take(v);
    }
    if (ArrayBuffer.isView(v)) {
      if (!(v.buffer instanceof ArrayBuffer) || v.buffer.detached) return v;
      const Ctor = v.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => ArrayBufferView;
      // Read the view's shape first: moving the buffer detaches the view (its offset and length become 0).
      const { byteOffset, byteLength } = v;
      const length = v instanceof DataView ? byteLength : (v as unknown as { length: number }).length;
      if (mode === "copy") {
        const copy = v.buffer.slice(byteOffset, byteOffset + byteLength);
        list.push(copy);
        return new Ctor(copy, 0, length);
      }
      return new Ctor(take(v.buffer), byteOffset, length);
    }
    if (depth >= MAX_DEPTH) return v;
    if (Array.isArray(v)) return v.map((item) => visit(item, depth + 1));
    if (isPlain(v)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) out[key] = visit(v[key], depth + 1);
      return out;
    }
    return v;
  }

  return [visit(value, 0) as T, list];
}

/**
 * The buffers inside a value (plain objects and arrays, 4 levels deep) for `postMessage`'s transfer list,
 * without changing the value. Used for results, whose buffers the worker has just made and gives away.
 *
 * @example
 * self.postMessage(result, transferList(result));
 */
export function transferList(value: unknown): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  function visit(v: unknown, depth: number): void {
    if (v instanceof ArrayBuffer) {
      if (!v.detached) seen.add(v);
    } else if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && !v.buffer.detached) seen.add(v.buffer);
    } else if (depth < MAX_DEPTH) {
      if (Array.isArray(v)) for (const item of v) visit(item, depth + 1);
      else if (isPlain(v)) for (const key of Object.keys(v)) visit(v[key], depth + 1);
    }
  }
  visit(value, 0);
  return [...seen];
}
