/**
 * @module peers — every peer of the benchmark, in table order. To add one: write an adapter file beside this one
 * (see peer.ts) and list it here.
 */
import { flatBun, flatNode } from "./flat";
import { go } from "./go";
import { gron } from "./gron";
import { hand } from "./hand";
import { jq } from "./jq";
import { jsonflat, jsonflat2 } from "./jsonflat";
import type { Peer } from "./peer";
import { duckdb, flattenJson, pandas } from "./python";
import { yyjson } from "./yyjson";

export const PEERS: Peer[] = [jsonflat, jsonflat2, yyjson, hand, flatBun, flatNode, go, jq, gron, flattenJson, pandas, duckdb];
export type { Command, Job, MemoryForm, Peer } from "./peer";
