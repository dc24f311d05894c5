/**
 * @module core/version — the package version in one place: read from package.json, so nothing else spells it.
 * The C library has its own (`JF_VERSION_STRING`, `native().version()`); test/version.test.ts checks they agree.
 */
import { version } from "../../package.json";

/**
 * jsonflat's version, as package.json states it.
 *
 * @example
 * import { VERSION } from "./core/version";
 * console.log(`jsonflat ${VERSION}`); // "jsonflat 0.1.0"
 */
export const VERSION: string = version;
