/**
 * @module coworker/worker — the default worker script of a `Pool`: serves the built-in tasks.
 *
 * @example
 * new Worker(new URL("./worker.ts", import.meta.url)) // what Pool does, `size` times
 */
import { serve } from "./protocol";
import { TASKS } from "./tasks";

serve(TASKS);
