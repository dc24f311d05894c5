/**
 * @module jsontestsuite-reference.test — JSONTestSuite against the pure-TS reference.
 */
import { referenceFlatten, referenceUnflatten } from "../src/reference/index";
import { outcomeOf, type Impl } from "./cases";
import { runJsonTestSuite } from "./jsontestsuite";

const referenceImpl: Impl = {
  name: "reference",
  flatten: (input, options) => outcomeOf(() => referenceFlatten(input, options)),
  unflatten: (input, options) => outcomeOf(() => referenceUnflatten(input, options)),
};

runJsonTestSuite(referenceImpl);
