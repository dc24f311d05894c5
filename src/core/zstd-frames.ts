/**
 * @module core/zstd-frames — follows the frame and block headers of a zstd stream (RFC 8878 section 3.1) to
 * tell whether it ended on a frame boundary. Bun's zstd decoder (1.4.4) ends without an error on a stream cut
 * inside a frame, so a cut file would read as a shorter, valid one; this walker reads only the headers (a few
 * bytes per 128 KiB block) and lets the caller refuse such a stream.
 */

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_RESERVED = 3;
const BLOCK_RLE = 1;

type State = "magic" | "descriptor" | "header" | "block" | "checksum" | "skippableSize" | "skip";

/**
 * Tracks where a zstd stream stands as its bytes go by; `atBoundary()` is true only between whole frames
 * (after at least one), `problem` names a header that cannot be zstd.
 *
 * @example
 * const frames = new ZstdFrames(); frames.push(bytes); if (!frames.atBoundary()) throw new Error("cut short");
 */
export class ZstdFrames {
  private state: State = "magic";
  /** Header bytes still wanted in this state, and those collected so far. */
  private want = 4;
  private readonly header: number[] = [];
  /** Content bytes to pass over before the next header. */
  private skip = 0;
  private checksum = false;
  private afterSkip: State = "block";
  private frames = 0;
  /** Set when a header cannot be zstd's; the stream is then corrupt. */
  problem: string | undefined;

  /** Follows `bytes`, the next bytes of the stream. */
  push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length && this.problem === undefined) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, bytes.length - at);
        this.skip -= n;
        at += n;
        if (this.skip === 0) this.enter(this.afterSkip);
        continue;
      }
      this.header.push(bytes[at++]!);
      if (this.header.length === this.want) this.onHeader();
    }
  }

  /** True when the bytes so far end exactly after a whole frame (at least one). */
  atBoundary(): boolean {
    return this.problem === undefined && this.frames > 0 && this.state === "magic" && this.header.length === 0 && this.skip === 0;
  }

  private enter(state: State, want = 0): void {
    this.state = state;
    this.header.length = 0;
    this.want = want || (state === "magic" || state === "checksum" || state === "skippableSize" ? 4 : state === "block" ? 3 : 1);
    if (state === "checksum" && !this.checksum) this.endFrame();
  }

  private endFrame(): void {
    this.frames++;
    this.enter("magic");
  }

  private passOver(bytes: number, then: State): void {
    this.afterSkip = then;
    if (bytes === 0) this.enter(then);
    else {
      this.skip = bytes;
      this.header.length = 0;
      this.state = "skip";
    }
  }

  private onHeader(): void {
    const h = this.header;
    const le32 = () => (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
    switch (this.state) {
      case "magic": {
        const magic = le32();
        if (magic === ZSTD_MAGIC) this.enter("descriptor");
        else if (((magic & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC) this.enter("skippableSize");
        else this.problem = "a frame does not start with a zstd magic number";
        return;
      }
      case "descriptor": {
        const d = h[0]!;
        if (d & 0x08) {
          this.problem = "a frame header has its reserved bit set";
          return;
        }
        const single = (d & 0x20) !== 0;
        this.checksum = (d & 0x04) !== 0;
        const fcs = [single ? 1 : 0, 2, 4, 8][d >> 6]!;
        const dictionary = [0, 1, 2, 4][d & 0x03]!;
        this.passOver((single ? 0 : 1) + dictionary + fcs, "block");
        return;
      }
      case "block": {
        const b = h[0]! | (h[1]! << 8) | (h[2]! << 16);
        const last = (b & 1) !== 0;
        const type = (b >> 1) & 3;
        if (type === BLOCK_RESERVED) {
          this.problem = "a block has the reserved type";
          return;
        }
        this.passOver(type === BLOCK_RLE ? 1 : b >>> 3, last ? "checksum" : "block");
        return;
      }
      case "checksum":
        this.endFrame();
        return;
      case "skippableSize":
        this.frames++; // a skippable frame is a frame: a stream of only such frames decodes to nothing, validly
        this.passOver(le32(), "magic");
        return;
      case "skip":
        return;
    }
  }
}
