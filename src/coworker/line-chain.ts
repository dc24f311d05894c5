/**
 * @module coworker/line-chain — hands each range of a parallel job its real first line as soon as the ranges
 * before it are done. Their line counts come from their own tasks, so no byte is read twice and no output is
 * renumbered: a task that meets a bad line before it knows its first line waits for it (see `flattenRange`).
 */

/**
 * One range of the chain: a shared cell its task reads (0 until the first line is known).
 *
 * @example
 * const link = chain.add(); pool.run("flattenRange", { ...params, firstLineCell: link.cell });
 */
export interface LineLink {
  /** Shared with the range's task: its first line, 0 until known. */
  readonly cell: BigInt64Array;
  /** The range's first line, once known. */
  firstLine?: number;
  /** Lines in the range, once its task is done. */
  lines?: number;
  next?: LineLink;
}

/**
 * The ranges of a job in file order, each learning its first line from the one before it.
 *
 * @example
 * const chain = new LineChain(1);
 * const a = chain.add(), b = chain.add(); // a.firstLine === 1, b's is unknown
 * chain.done(a, 40);                      // b.firstLine === 41, written into b.cell for its task
 */
export class LineChain {
  private last: LineLink | undefined;
  /** The first line of the next range to be added, when the chain already knows it. */
  private nextFirst: number | undefined;

  constructor(firstLine: number) {
    this.nextFirst = firstLine;
  }

  /** A new range after the others; its cell is filled at once when its first line is known. */
  add(): LineLink {
    const link: LineLink = { cell: new BigInt64Array(new SharedArrayBuffer(8)) };
    if (this.last) this.last.next = link;
    this.last = link;
    if (this.nextFirst !== undefined) {
      handOver(link, this.nextFirst);
      this.nextFirst = undefined;
    }
    return link;
  }

  /** The range's task is done with `lines` lines: hands first lines on down the chain as far as they are known. */
  done(link: LineLink, lines: number): void {
    link.lines = lines;
    for (let at: LineLink | undefined = link; at?.firstLine !== undefined && at.lines !== undefined; at = at.next) {
      const after = at.firstLine + at.lines;
      if (!at.next) this.nextFirst = after;
      else if (at.next.firstLine === undefined) handOver(at.next, after);
    }
  }
}

function handOver(link: LineLink, line: number): void {
  link.firstLine = line;
  Atomics.store(link.cell, 0, BigInt(line));
  Atomics.notify(link.cell, 0);
}
