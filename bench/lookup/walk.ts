/**
 * @module walk — the pure-JS peers of the lookup benchmarks: a walk over `JSON.parse` output that finds the
 * leaves under one short key (as `search(doc, { key })` does), building the path only for hits.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function pathOf(segments: (string | number)[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function isLeaf(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.length === 0;
  for (const _ in value) return false;
  return true;
}

/**
 * Appends `[path, value]` for every leaf whose short key is `key`, in document order.
 *
 * @example
 * const hits: [string, unknown][] = []; walkKey(JSON.parse(text), "id", hits);
 */
export function walkKey(root: unknown, key: string, hits: [string, unknown][]): void {
  const segments: (string | number)[] = [];
  const visit = (value: unknown, shortKey: string | undefined): void => {
    if (isLeaf(value)) {
      if (shortKey === key) hits.push([pathOf(segments), value]);
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        segments.push(i);
        visit(value[i], undefined);
        segments.pop();
      }
      return;
    }
    for (const k in value as Record<string, unknown>) {
      segments.push(k);
      visit((value as Record<string, unknown>)[k], k);
      segments.pop();
    }
  };
  visit(root, undefined);
}
