/**
 * @module core/decode-thread-worker — the worker script of `core/decode-thread`: decodes one compressed file in
 * this thread (`decompressHere`, so the decoded-size limit and every `CORRUPT` check are the same as in the
 * caller's thread), gathers the decoded pieces into batches of about `batchBytes` (one message each), and moves
 * each batch's pieces to the caller while it holds a credit (it starts with `ahead` and gets one back per batch
 * taken).
 *
 * @example
 * new Worker(new URL("./decode-thread-worker.ts", import.meta.url)).postMessage(start) // what decodeInThread does
 */
import { decompressHere } from "./decompress";
import { failureOf, type DecodeMessage, type DecodeStart } from "./decode-thread";

declare const self: Worker;

let credits = 0;
let wake: (() => void) | undefined;

function send(message: DecodeMessage, transfer: ArrayBuffer[] = []): void {
  self.postMessage(message, transfer);
}

/**
 * A piece that fills its whole buffer is moved as it is: the decoder starts a new buffer once one is full. A
 * piece that covers part of one is copied, since the decoder goes on writing into the rest.
 */
function movable(piece: Uint8Array): Uint8Array {
  const whole = piece.byteOffset === 0 && piece.byteLength === piece.buffer.byteLength && piece.buffer instanceof ArrayBuffer;
  return whole ? piece : new Uint8Array(piece); // a copy (a node Buffer's slice() would be a view)
}

async function sendBatch(pieces: Uint8Array[], compressedBytes: number): Promise<void> {
  while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  const batch = pieces.map(movable);
  send({ batch, compressedBytes }, batch.map((piece) => piece.buffer as ArrayBuffer));
}

async function run(start: DecodeStart): Promise<void> {
  credits = start.ahead;
  let compressedBytes = 0;
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const decoded = decompressHere(start.path, {
    compression: start.compression,
    maxDecompressedBytes: start.maxDecompressedBytes,
    onCompressedBytes: (n) => (compressedBytes = n),
  });
  for await (const piece of decoded) {
    held.push(piece);
    heldBytes += piece.byteLength;
    if (heldBytes < start.batchBytes) continue;
    await sendBatch(held, compressedBytes);
    held = [];
    heldBytes = 0;
  }
  if (heldBytes > 0) await sendBatch(held, compressedBytes);
  send({ end: true, compressedBytes });
}

self.onmessage = (event: MessageEvent<DecodeStart | { credit: number }>) => {
  if ("credit" in event.data) {
    credits += event.data.credit;
    wake?.();
    return;
  }
  run(event.data).catch((error) => send({ failure: failureOf(error) }));
};
