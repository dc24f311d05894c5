// Loaded before every `bun test` run (bunfig.toml [test] preload).
// Bun 1.4.4 ignores `timeout` in bunfig.toml (only the --timeout flag sets it), so the default
// per-test timeout is raised here instead: worker-pool and large-input tests take longer than
// Bun's 5 s default on a 2-core CI machine. A test can still pass its own timeout.
import { setDefaultTimeout } from "bun:test";

setDefaultTimeout(60_000);
