/**
 * @module core/version — the package version in one place: read from package.json, so nothing else spells it.
 * The C library has its own (`JF_VERSION_STRING`, `native().version()`); test/version.test.ts checks they agree.
 */
import { version } from "../../package.json";

/**
 * jsonflat's version, as package.json states it.
 *
 * @example
 * console.log(`jsonflat ${VERSION}`); // jsonflat 0.1.0 (the CLI's --version and help use it)
 */
export const VERSION: string = version;
