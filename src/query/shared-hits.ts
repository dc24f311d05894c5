/**
 * @module query/shared-hits — JSONPath hits of one document from the native core's shared array
 * (JF_FLAG_SHARED_HITS): each container selected is written once, and a selected container inside another
 * selected one is the same object in both hits, as JavaScript JSONPath libraries return references into one
 * parsed document. `$..*` over twitter.json is 1.4 MB of hits this way instead of 2.5 MB.
 */

/** A hit as written: `[path, value, refs?]`, refs naming the slots of `value` that hold another hit's value. */
type SharedHit = [string, unknown, [string | number, number][]?];

/**
 * `[path, value]` pairs from the shared array text: every `0` a ref names is replaced by the value of the hit
 * it points to (a `__proto__` member is defined as data, never a prototype).
 *
 * @example
 * sharedHits('[["$[\'a\']",{"b":0},[["b",1]]],["$[\'a\'][\'b\']",[1]]]')
 * // [["$['a']", { b: [1] }], ["$['a']['b']", [1]]]: hits[0][1].b === hits[1][1]
 */
export function sharedHits(text: string): [string, unknown][] {
  const hits = JSON.parse(text) as SharedHit[];
  for (const hit of hits) {
    const refs = hit[2];
    if (refs === undefined) continue;
    const parent = hit[1] as Record<string | number, unknown>;
    for (const [slot, from] of refs) {
      const value = hits[from]![1];
      if (slot === "__proto__") Object.defineProperty(parent, slot, { value, writable: true, enumerable: true, configurable: true });
      else parent[slot] = value;
    }
    hit.length = 2;
  }
  return hits as [string, unknown][];
}
