// Loaded before every `bun test` run (bunfig.toml [test] preload).
// Bun 1.4.4 ignores `timeout` in bunfig.toml (only the --timeout flag sets it), so the default
// per-test timeout is raised here instead: worker-pool and large-input tests take longer than
// Bun's 5 s default on a 2-core CI machine. A test can still pass its own timeout.
// Caveat: in Bun 1.4.4 this reaches only the first test file of a run; scripts/test.sh therefore
// also passes `--timeout 60000`, and so should any run of several files (`bun test --timeout 60000`).
import { setDefaultTimeout } from "bun:test";

setDefaultTimeout(60_000);
