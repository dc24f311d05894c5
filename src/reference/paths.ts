/**
 * @module reference/paths — how each path style spells a member or an element below a parent path (SPEC section 1).
 */
import type { PathStyle } from "../core/options";
import { quoteJsonString } from "./escape";

/**
 * Extends a parent path by one step; the root path is `""` in every style.
 *
 * @example
 * pathSpelling("pointer", ".", false).member("/a", "b/c") // "/a/b~1c"
 */
export interface PathSpelling {
  member(parent: string, key: string): string;
  element(parent: string, index: number): string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `.k` for identifiers (no dot at the root), `["k"]` for every other key, `[i]` or `[]` for elements. */
function jsSpelling(grouped: boolean): PathSpelling {
  return {
    member: (parent, key) =>
      IDENTIFIER.test(key) ? (parent === "" ? key : `${parent}.${key}`) : `${parent}[${quoteJsonString(key)}]`,
    element: (parent, index) => `${parent}[${grouped ? "" : index}]`,
  };
}

/** RFC 6901: `/k` with `~` as `~0` and `/` as `~1` (in that order), `/i` or `/[]` for elements. */
function pointerSpelling(grouped: boolean): PathSpelling {
  return {
    member: (parent, key) => `${parent}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`,
    element: (parent, index) => `${parent}/${grouped ? "[]" : index}`,
  };
}

/**
 * npm `flat`: segments joined by the delimiter, unescaped; a segment is joined only to a non-empty parent
 * (so a key `""` at the top vanishes, exactly as in `flat`). Grouped paths drop index segments.
 */
function flatSpelling(delimiter: string, grouped: boolean): PathSpelling {
  const join = (parent: string, segment: string) => (parent === "" ? segment : `${parent}${delimiter}${segment}`);
  return {
    member: join,
    element: (parent, index) => (grouped ? parent : join(parent, String(index))),
  };
}

/**
 * The path spelling of `style`; `grouped` spells every index as `[]` (`js`), `/[]` (`pointer`) or drops it
 * (`flat`).
 *
 * @example
 * const js = pathSpelling("js", ".", false);
 * js.element(js.member(js.member("", "a"), "b c"), 0) // 'a["b c"][0]'
 */
export function pathSpelling(style: PathStyle, delimiter: string, grouped: boolean): PathSpelling {
  if (style === "js") return jsSpelling(grouped);
  if (style === "pointer") return pointerSpelling(grouped);
  return flatSpelling(delimiter, grouped);
}
