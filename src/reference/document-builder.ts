/**
 * @module reference/document-builder — rebuilds a document from `(segments, value)` pairs applied in order, with the
 * creation and conflict rules of SPEC section 5, and writes it as canonical JSON.
 *
 * Object members live in a `Map`, so names like `__proto__` are plain data and never reach a prototype.
 */
import { quoteJsonString } from "./escape";
import type { PathSegment } from "./path-syntax";
import { isEmptyContainer, type JsonNode } from "./tree";
import { writeJson } from "./write";

/**
 * What stands at one place of the document. A `soft` array was made by `pointer`/`flat` digit segments,
 * which may also have been member names: it turns into an object as soon as a member name arrives.
 */
type Content =
  | { kind: "unset" }
  | { kind: "leaf"; value: JsonNode }
  | { kind: "object"; children: Map<string, Place> }
  | { kind: "array"; items: (Place | undefined)[]; soft: boolean };

/** One place; `origin` is the member that made it (or last set its leaf), named by conflict messages. */
interface Place {
  content: Content;
  origin: number;
}

/**
 * Called when member `current` needs a different kind of value where member `earlier` put one; throws.
 *
 * @example
 * const report: ConflictReport = (earlier, current) => { throw new Error(`${current} conflicts with ${earlier}`); };
 */
export type ConflictReport = (earlier: number, current: number) => never;

const unset = (origin: number): Place => ({ content: { kind: "unset" }, origin });

/**
 * Applies path members one at a time: a key segment needs an object there, an index segment an array;
 * missing places are created (skipped array slots stay `null`), object members keep their first-creation
 * order. A leaf `{}` (or `[]`) may grow into an object (array) later; a leaf `{}`/`[]` given where such a
 * container already stands adds nothing; a leaf given where a leaf stands replaces it (last wins).
 * Everything else that disagrees is a conflict.
 *
 * Digit segments of the `pointer` and `flat` styles are indexes only where they continue an array: `0`
 * starts one (in an empty place, or in a leaf `[]`), and an array made that way takes indexes up to one
 * past its end; anywhere else they are member names, and such an array becomes an object with members
 * `"0"`, `"1"`, … when a member name arrives. So flattened arrays (always 0, 1, 2, … in order) come back as
 * arrays and objects with digit names come back as objects, whatever the member order.
 *
 * @example
 * const builder = new DocumentBuilder(report);
 * builder.set([{ kind: "key", key: "a" }, { kind: "index", digits: "1" }], { kind: "literal", text: "true" }, 0);
 * builder.toJson() // '{"a":[null,true]}'
 */
export class DocumentBuilder {
  private readonly root = unset(0);

  constructor(private readonly conflict: ConflictReport) {}

  /** Puts `value` at the place `segments` lead to, for member number `member`. */
  set(segments: readonly PathSegment[], value: JsonNode, member: number): void {
    let place = this.root;
    for (const segment of segments) place = this.step(place, segment, member);
    this.setLeaf(place, value, member);
  }

  /** The document as canonical compact JSON; `{}` when no member was applied. */
  toJson(): string {
    const parts: string[] = [];
    // Popped from the end: a container pushes its closing bracket, then its children last-to-first.
    const pending: (Place | string)[] = [this.root];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (typeof next === "string") parts.push(next);
      else parts.push(this.open(next.content, pending));
    }
    return parts.join("");
  }

  /** The text that starts `content`; schedules its children and its closing bracket on `pending`. */
  private open(content: Content, pending: (Place | string)[]): string {
    if (content.kind === "unset") return "{}"; // only the root of an input without members
    if (content.kind === "leaf") return writeJson(content.value);
    if (content.kind === "array") {
      pending.push("]");
      for (let i = content.items.length - 1; i >= 0; i--) {
        pending.push(content.items[i] ?? "null");
        if (i > 0) pending.push(",");
      }
      return "[";
    }
    pending.push("}");
    const children = [...content.children].reverse();
    children.forEach(([key, child], i) => {
      pending.push(child, `${quoteJsonString(key)}:`);
      if (i < children.length - 1) pending.push(",");
    });
    return "{";
  }

  private step(place: Place, segment: PathSegment, member: number): Place {
    if (segment.kind === "key") return this.member(place, segment.key, member);
    if (segment.kind === "index") return this.element(place, Number(segment.digits), false, member);
    if (this.continuesArray(place, Number(segment.key))) return this.element(place, Number(segment.key), true, member);
    return this.member(place, segment.key, member);
  }

  /** Whether a `pointer`/`flat` digit segment reads as an index at `place` (see the class comment). */
  private continuesArray(place: Place, index: number): boolean {
    const content = place.content;
    if (content.kind === "array") return !content.soft || index <= content.items.length;
    if (content.kind === "object") return false;
    if (content.kind === "leaf") return index === 0 && !isEmptyContainer(content.value, "object");
    return index === 0;
  }

  private member(place: Place, key: string, member: number): Place {
    const children = this.objectAt(place, member);
    const child = children.get(key) ?? unset(member);
    children.set(key, child);
    return child;
  }

  private element(place: Place, index: number, soft: boolean, member: number): Place {
    const items = this.arrayAt(place, soft, member);
    return (items[index] ??= unset(member));
  }

  private objectAt(place: Place, member: number): Map<string, Place> {
    const content = place.content;
    if (content.kind === "object") return content.children;
    const children = new Map<string, Place>();
    if (content.kind === "array" && content.soft) {
      // The digits that made this array were member names after all.
      content.items.forEach((item, index) => children.set(String(index), item!));
    } else {
      this.claim(place, "object", member);
    }
    place.content = { kind: "object", children };
    return children;
  }

  /** The array at `place`; one made here is `soft` when a `pointer`/`flat` digit segment asked for it. */
  private arrayAt(place: Place, soft: boolean, member: number): (Place | undefined)[] {
    if (place.content.kind === "array") return place.content.items;
    this.claim(place, "array", member);
    const items: (Place | undefined)[] = [];
    place.content = { kind: "array", items, soft };
    return items;
  }

  /**
   * Lets `place` become a container of `kind` if it is unset (it then belongs to `member`) or a leaf
   * `{}`/`[]` of that kind (it keeps the member that set the leaf); anything else is a conflict.
   */
  private claim(place: Place, kind: "object" | "array", member: number): void {
    const content = place.content;
    if (content.kind === "unset") place.origin = member;
    else if (content.kind !== "leaf" || !isEmptyContainer(content.value, kind)) this.conflict(place.origin, member);
  }

  private setLeaf(place: Place, value: JsonNode, member: number): void {
    const content = place.content;
    if (content.kind === "unset" || content.kind === "leaf") {
      place.content = { kind: "leaf", value };
      place.origin = member;
      return;
    }
    // `{}` onto an object or `[]` onto an array says nothing new; any other value would hide what is there.
    if (!isEmptyContainer(value, content.kind)) this.conflict(place.origin, member);
  }
}
