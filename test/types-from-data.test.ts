/**
 * @module types-from-data.test — JSON Schema and TypeScript written from data, and bind() from that JSON
 * Schema: exact output on small inputs, every input line validating against its schema under ajv (draft
 * 2020-12, strict), generated declarations compiling under `tsc --strict` with the samples assigned to them,
 * decoding the same lines back through bind(), the same result however the input is cut into chunks, and the
 * CLI and HTTP front ends.
 */
import { describe, expect, test } from "bun:test";
import Ajv2020 from "ajv/dist/2020";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bind,
  jsonSchemaFromStats,
  jsonSchemaOf,
  jsonSchemaOfStream,
  JsonFlatError,
  mergeTypeStats,
  schema,
  ShapeMismatchError,
  shapeFromJsonSchema,
  typeStatsLines,
  typeStatsStream,
  typescriptFromStats,
  typescriptOf,
  typescriptOfStream,
  type JsonSchema,
  type TypeStats,
} from "../src/index";
import { createHandler } from "../src/server/index";
import { native } from "../src/native";
import { resolveOptions } from "../src/core/options";
import { BUN, EMULATED } from "./fixtures/child-bun";
import { checkProperty } from "./fixtures/property";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DATA = fileURLToPath(new URL("../../shared/data/", import.meta.url));
const OPEN_LIBRARY = ["authors-tail-n1000.txt", "editions-head-n1000.txt", "works-head-n1000.txt"].map((f) => join(DATA, "openlibrary", f));
const BENCH = ["twitter.json", "citm_catalog.json", "canada.json"].map((f) => join(DATA, "bench", f));
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });

/** Column 5 (the JSON) of every Open Library line. */
function openLibraryDocuments(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split("\t")[4]!);
}

/** ajv's complaints about the first document that does not validate, or `undefined` when all do. */
function firstInvalid(schemaObject: JsonSchema, documents: unknown[]): unknown {
  const validate = ajv.compile(JSON.parse(JSON.stringify(schemaObject)));
  for (const [i, doc] of documents.entries()) if (!validate(doc)) return { document: i, errors: validate.errors };
  return undefined;
}

type Schema = Record<string, unknown>;

function typesOf(s: Schema): string[] {
  return s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
}

/**
 * What bind(jsonSchema).decode gives for a document that fits the schema, spelled out from the documented
 * rules: members not required lose a null (unless their type is only null), objects and arrays of objects that
 * become nested shapes are decoded the same way, everything else is the value as it is.
 */
function expectedDecode(value: Record<string, unknown>, s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const required = (s.required ?? []) as string[];
  for (const name of Object.keys(properties)) {
    if (!Object.hasOwn(value, name)) continue;
    const member = value[name];
    const sub = properties[name]!;
    const isRequired = required.includes(name);
    const types = typesOf(sub);
    const core = types.filter((t) => t !== "null");
    if (member === null && !isRequired && core.length > 0) continue;
    const nested = core.length === 1 && !(isRequired && types.includes("null"));
    let decoded: unknown = member;
    if (nested && core[0] === "object" && sub.properties && member !== null) {
      decoded = expectedDecode(member as Record<string, unknown>, sub);
    } else if (nested && core[0] === "array" && member !== null) {
      const items = (sub.items ?? {}) as Schema;
      if (typesOf(items).join() === "object" && items.properties) decoded = (member as Record<string, unknown>[]).map((item) => expectedDecode(item, items));
    }
    Object.defineProperty(out, name, { value: decoded, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Declarations and the samples that must be assignable to them, compiled by one tsc run at the end. */
const declarations: { name: string; dts: string; samples: string[] }[] = [];

describe("JSON Schema from data", () => {
  test("types, required, null, items merged and examples, exactly", () => {
    const lines = ['{"id":1,"tags":["a",null],"score":2,"meta":{"x":true}}', '{"id":2,"tags":[],"score":2.5,"meta":{},"note":"n"}'].join("\n");
    expect(jsonSchemaFromStats(typeStatsLines(lines), { title: "Row" })).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Row",
      type: "object",
      properties: {
        id: { type: "integer", examples: [1, 2] },
        tags: { type: "array", items: { type: ["string", "null"], examples: ["a"] } },
        score: { type: "number", examples: [2, 2.5] },
        meta: { type: "object", properties: { x: { type: "boolean", examples: [true] } } },
        note: { type: "string", examples: ["n"] },
      },
      required: ["id", "tags", "score", "meta"],
    });
  });

  test("a member in every instance of its object is required, however often the object occurs", () => {
    const s = jsonSchemaOf('{"a":[{"k":1,"o":1},{"k":2},{"k":3,"k":4}]}');
    const items = (s.properties as Record<string, JsonSchema>).a!.items as JsonSchema;
    expect(items.required).toEqual(["k"]);
  });

  test("examples: at most 3, distinct, at most 64 bytes of JSON each, exact numbers", () => {
    const long = "x".repeat(63);
    const s = jsonSchemaOf(`{"a":["p","p","${long}","q","r","s"],"n":[12345678901234567890,1]}`);
    const props = s.properties as Record<string, JsonSchema>;
    expect((props.a!.items as JsonSchema).examples).toEqual(["p", "q", "r"]);
    expect(JSON.stringify((props.n!.items as JsonSchema).examples)).toBe("[12345678901234567890,1]");
  });

  test("closed: additionalProperties false on every object", () => {
    const s = jsonSchemaOf('{"a":{"b":{}}}', { closed: true });
    expect(s.additionalProperties).toBe(false);
    expect((s.properties as Record<string, JsonSchema>).a!.additionalProperties).toBe(false);
    expect(ajv.validate(s, { a: { b: {} }, c: 1 })).toBe(false);
  });

  test("the per-path schema is unchanged (no detail fields, containers not counted)", () => {
    expect(schema('{"a":{"b":[1,2.5]},"c":[]}')).toEqual({
      "a.b[]": { key: null, count: 2, docs: 1, types: { integer: 1, number: 1 } },
      c: { key: "c", count: 1, docs: 1, types: { array: 1 } },
    });
  });

  test("the detail flag outside schema mode is INVALID_OPTION", () => {
    expect(() => native().flattenText(new TextEncoder().encode("{}"), resolveOptions(), { schemaDetail: true })).toThrow(/needs mode 2/);
  });

  test("no document: a schema that allows anything, and unknown in TypeScript", async () => {
    const empty: TypeStats = { paths: new Map(), documents: 0 };
    expect(jsonSchemaFromStats(empty)).toEqual({ $schema: "https://json-schema.org/draft/2020-12/schema" });
    expect(typescriptFromStats(empty, { name: "Nothing" })).toBe("// Generated by jsonflat from 0 documents.\nexport type Nothing = unknown;\n");
  });

  test("bad input: the line's error, or skipped with onError skip", async () => {
    const bad = '{"a":1}\n{"a":\n{"a":2}\n';
    let error: unknown;
    try {
      typeStatsLines(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonFlatError);
    expect((error as JsonFlatError).line).toBe(2);
    const skipped = typeStatsLines(bad, { onError: "skip" });
    expect(skipped.documents).toBe(2);
    expect(skipped.paths.get("a")!.present).toBe(2);
    expect(jsonSchemaFromStats(skipped).required).toEqual(["a"]);
  });

  test("the same schema whatever the chunk size", async () => {
    const file = OPEN_LIBRARY[2]!;
    const whole = await jsonSchemaOfStream(file, { column: 5 });
    expect(await jsonSchemaOfStream(file, { column: 5, chunkBytes: 4096 })).toEqual(whole);
    expect(await typescriptOfStream(file, { column: 5, chunkBytes: 1000, name: "Work" })).toBe(await typescriptOfStream(file, { column: 5, name: "Work" }));
  });
});

describe("TypeScript from data", () => {
  test("optional members, null, quoted keys, unknown[], nested objects inline", () => {
    const lines = ['{"a b":1,"c":null,"d":[],"e":{"f":"x"},"g":[1,"s"]}', '{"a b":2.5,"c":"y","e":{"f":"z","h":[{"i":true}]}}'].join("\n");
    expect(typescriptFromStats(typeStatsLines(lines), { name: "Row" })).toBe(
      [
        "// Generated by jsonflat from 2 documents.",
        "export interface Row {",
        "  /** e.g. 1, 2.5 */",
        '  "a b": number;',
        '  /** e.g. "y" */',
        "  c: string | null;",
        "  d?: unknown[];",
        "  e: {",
        '    /** e.g. "x", "z" */',
        "    f: string;",
        "    h?: {",
        "      /** e.g. true */",
        "      i: boolean;",
        "    }[];",
        "  };",
        "  g?: (string | number)[];",
        "}",
        "",
      ].join("\n"),
    );
  });

  test("a root that is not always an object is a type alias; a bad name is INVALID_OPTION", () => {
    expect(typescriptOf("[1,2]", { name: "List" })).toBe("// Generated by jsonflat from 1 document.\nexport type List = number[];\n");
    expect(typescriptOf("{}", { name: "Empty" })).toBe("// Generated by jsonflat from 1 document.\nexport type Empty = Record<string, unknown>;\n");
    for (const name of ["class", "string", "1a", "a-b", ""]) expect(() => typescriptOf("{}", { name })).toThrow(/name must be a TypeScript identifier/);
  });

  test("a comment never ends early: */ inside an example is escaped", () => {
    expect(typescriptOf('{"a":"*/x"}')).toContain('/** e.g. "*\\/x" */');
  });
});

describe.skipIf(EMULATED)("real data: every document validates against its own schema (ajv, draft 2020-12, strict)", () => {
  for (const file of OPEN_LIBRARY) {
    test(file.split("/").pop()!, async () => {
      const documents = openLibraryDocuments(file).map((text) => JSON.parse(text));
      const stats = await typeStatsStream(file, { column: 5 });
      expect(stats.documents).toBe(1000);
      expect(firstInvalid(jsonSchemaFromStats(stats), documents)).toBeUndefined();
      expect(firstInvalid(jsonSchemaFromStats(stats, { closed: true }), documents)).toBeUndefined();
      const name = file.split("/").pop()!.split("-")[0]!.replace(/^./, (c) => c.toUpperCase());
      declarations.push({ name, dts: typescriptFromStats(stats, { name }), samples: openLibraryDocuments(file).slice(0, 40) });
    });
  }
  for (const file of BENCH) {
    test(file.split("/").pop()!, () => {
      const text = readFileSync(file);
      expect(firstInvalid(jsonSchemaOf(text, { closed: true }), [JSON.parse(text.toString())])).toBeUndefined();
    });
  }
});

describe("bind from JSON Schema", () => {
  test.skipIf(EMULATED)("Open Library: bind(the generated schema) decodes every line back", async () => {
    for (const file of OPEN_LIBRARY) {
      const generated = JSON.parse(JSON.stringify(await jsonSchemaOfStream(file, { column: 5 })));
      const binding = bind(generated);
      const decoded: unknown[] = [];
      for await (const batch of binding.decodeStream(file, { column: 5 })) decoded.push(...batch);
      const documents = openLibraryDocuments(file).map((text) => JSON.parse(text) as Record<string, unknown>);
      expect(decoded).toEqual(documents.map((doc) => expectedDecode(doc, generated)));
    }
  });

  const Book = bind({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      title: { type: "string" },
      year: { type: ["integer", "null"] },
      isbn: { type: ["string", "null"] },
      tags: { type: "array", items: { type: "string" } },
      format: { type: "string", enum: ["paper", "cloth"] },
      bio: { type: ["string", "object"] },
      authors: { type: "array", items: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
      pages: { type: "integer", default: 0 },
    },
    required: ["title", "year"],
  } as const);

  test("required members keep null, optional ones lose it; unions and enums are checked; the type follows the schema", () => {
    const book = Book.decode('{"title":"Dune","year":null,"isbn":null,"tags":["sf"],"format":"paper","bio":{"x":1},"authors":[{"name":"F"}],"extra":1}');
    expect(book).toEqual({ title: "Dune", year: null, tags: ["sf"], format: "paper", bio: { x: 1 }, authors: [{ name: "F" }], pages: 0 });
    // Compile-time: the decoded type follows the schema literal (checked by tsc).
    const typed: {
      title: string;
      year: number | null;
      isbn?: string;
      tags?: string[];
      format?: "paper" | "cloth";
      bio?: string | Record<string, unknown>;
      authors?: { name: string }[];
      pages: number;
    } = book;
    expect(typed.title).toBe("Dune");
    // @ts-expect-error the type is precise, not any: title is a string
    const wrong: number = book.title;
    expect(typeof wrong).toBe("string");
  });

  test("what the shape cannot say is checked after decoding, each problem with its path", () => {
    let error: unknown;
    try {
      Book.decode('{"title":"T","format":"vinyl","bio":3,"year":"1990"}');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect((error as ShapeMismatchError).problems.map((p) => [p.path, p.actual])).toEqual([
      ["year", "string where the schema wants integer or null"],
      ["format", '"vinyl", not one of "paper", "cloth"'],
      ["bio", "integer where the schema wants string or object"],
    ]);
    expect(() => Book.decode('{"year":1}')).toThrow(ShapeMismatchError); // title missing: found natively
  });

  test("a schema read with JSON.parse decodes to Record<string, unknown>", () => {
    const binding = bind(JSON.parse('{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"a":{"type":"integer"}}}'));
    const value: Record<string, unknown> = binding.decode('{"a":1}');
    expect(value).toEqual({ a: 1 });
  });

  test("anything outside the subset is INVALID_OPTION naming the keyword and its JSON Pointer", () => {
    const refused = (s: unknown) => {
      try {
        shapeFromJsonSchema(s);
      } catch (e) {
        expect(e).toBeInstanceOf(JsonFlatError);
        expect((e as JsonFlatError).code).toBe("INVALID_OPTION");
        return (e as JsonFlatError).message;
      }
      throw new Error("expected INVALID_OPTION");
    };
    expect(refused({ type: "object", properties: { a: { oneOf: [] } } })).toContain('keyword "oneOf" is not supported');
    expect(refused({ type: "object", properties: { "a/b": { $ref: "#" } } })).toContain('"/properties/a~1b/$ref"');
    expect(refused({ type: "object", properties: { a: { type: "array", items: { minimum: 1 } } } })).toContain('"/properties/a/items/minimum"');
    expect(refused({ type: "object", additionalProperties: { type: "string" } })).toContain('"/additionalProperties"');
    expect(refused({ type: "object", properties: { a: { enum: [1, 2] } } })).toContain('"/properties/a/enum"');
    expect(refused({ type: "object", properties: { a: { type: "date" } } })).toContain('"/properties/a/type"');
    expect(refused({ type: "array" })).toContain("the root must be");
    expect(refused([])).toContain("must be an object");
    expect(() => bind({ $schema: "x", type: "object", properties: { a: { nullable: true } } } as const)).toThrow(/"nullable" is not supported/);
  });
});

/** Member names that are identifiers, need quotes, or look like something else. */
const keyArb = fc.constantFrom("a", "b", "id", "name", "b c", "", "1", "é", "x-y", "$", "null", "class", "a.b", "[]", "*/");
const leafArb = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ minLength: 70, maxLength: 80 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((n) => (Object.is(n, -0) ? 0 : n)),
  fc.boolean(),
  fc.constant(null),
);
const { value: valueArb } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leafArb, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 3 }),
  object: fc.dictionary(keyArb, tie("value"), { maxKeys: 4 }),
}));
/** NDJSON sets of objects that share members often (so required, optional and null all occur). */
const documentsArb = fc.array(fc.dictionary(keyArb, valueArb, { maxKeys: 5 }), { minLength: 1, maxLength: 6 });

describe("property: generated NDJSON sets", () => {
  test("every line validates against its own schema, chunks never show, and bind decodes the lines back", () => {
    let kept = 0;
    checkProperty(
      fc.property(documentsArb, (documents) => {
        const lines = documents.map((d) => JSON.stringify(d));
        const stats = typeStatsLines(lines.join("\n"));
        const generated = jsonSchemaFromStats(stats);
        expect(firstInvalid(generated, documents)).toBeUndefined();
        expect(firstInvalid(jsonSchemaFromStats(stats, { closed: true }), documents)).toBeUndefined();
        const perLine = lines.reduce((into, line) => mergeTypeStats(into, JSON.stringify([...typeStatsLines(line).paths]), 1), { paths: new Map(), documents: 0 } as TypeStats);
        expect(jsonSchemaFromStats(perLine)).toEqual(generated);
        const decoded = bind(JSON.parse(JSON.stringify(generated))).decodeLines(lines.join("\n"));
        expect(decoded).toEqual(documents.map((d) => expectedDecode(d, generated)));
        if (kept < 12) {
          const name = `Generated${kept++}`;
          declarations.push({ name, dts: typescriptFromStats(stats, { name }), samples: lines });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe.skipIf(EMULATED)("tsc --strict: the declarations compile and every sample is assignable", () => {
  test("one tsc run over every declaration and its samples", () => {
    expect(declarations.length).toBeGreaterThan(3);
    const dir = mkdtempSync(join(tmpdir(), "jsonflat-types-"));
    try {
      const files: string[] = [];
      declarations.forEach(({ name, dts, samples }, i) => {
        writeFileSync(join(dir, `t${i}.d.ts`), dts);
        // A literal is checked member by member, excess members included; JSON text is a valid TS literal.
        writeFileSync(join(dir, `use${i}.ts`), `import type { ${name} } from "./t${i}";\nexport const samples: ${name}[] = [\n${samples.join(",\n")}\n];\n`);
        files.push(`use${i}.ts`);
      });
      // The declarations are precise, not `any`: a wrong member type must be an error.
      writeFileSync(join(dir, "negative.ts"), `import type { Works } from "./t${declarations.findIndex((d) => d.name === "Works")}";\n// @ts-expect-error title is a string\nexport const wrong: Works = { title: 1 } as unknown as { title: number };\n`);
      files.push("negative.ts");
      const compilerOptions = { strict: true, noEmit: true, target: "ES2022", module: "ESNext", moduleResolution: "bundler", skipLibCheck: false, types: [] };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files }));
      const run = Bun.spawnSync([BUN, join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { cwd: dir, stdout: "pipe", stderr: "pipe" });
      expect(run.stdout.toString() + run.stderr.toString()).toBe("");
      expect(run.exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("front ends", () => {
  const works = OPEN_LIBRARY[2]!;
  test.skipIf(EMULATED)("CLI: schema --json-schema and --typescript print what the library writes; conflicts are usage errors", async () => {
    const cli = (args: string[]) => Bun.spawnSync([BUN, join(ROOT, "src", "cli", "main.ts"), ...args], { stdout: "pipe", stderr: "pipe" });
    const json = cli(["schema", "--ndjson", "--column", "5", "--json-schema", "--closed", works]);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout.toString())).toEqual(JSON.parse(JSON.stringify(await jsonSchemaOfStream(works, { column: 5, closed: true }))));
    const ts = cli(["schema", "--ndjson", "--column", "5", "--typescript", "--name", "Work", works]);
    expect(ts.stdout.toString()).toBe(await typescriptOfStream(works, { column: 5, name: "Work" }));
    for (const args of [["--typescript", "--json-schema"], ["--typescript", "--closed"], ["--json-schema", "--table"], ["--name", "X"], ["--typescript", "--style", "pointer"]]) {
      const refused = cli(["schema", ...args, BENCH[0]!]);
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr.toString()).toStartWith("jsonflat: ");
    }
  });

  test("HTTP: POST /schema?types=… for a document and for NDJSON, with media types; bad parameters are 400", async () => {
    const handler = createHandler({});
    const post = (query: string, body: string, type: string) =>
      handler(new Request(`http://localhost/schema${query}`, { method: "POST", body, headers: { "content-type": type } }));
    const doc = '{"a":[1,2.5],"b":null}';
    const ts = await post("?types=typescript&name=Doc", doc, "application/json");
    expect(ts.status).toBe(200);
    expect(ts.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await ts.text()).toBe(typescriptOf(doc, { name: "Doc" }));
    const lines = '{"a":1}\n{"a":"x","c":true}\n';
    const js = await post("?types=json-schema&closed=true", lines, "application/x-ndjson");
    expect(js.headers.get("content-type")).toBe("application/schema+json");
    expect(await js.json()).toEqual(jsonSchemaFromStats(typeStatsLines(lines), { closed: true }));
    for (const query of ["?types=xml", "?types=typescript&maxDepth=2", "?closed=1", "?types=typescript&closed=1", "?types=typescript&name=1x"]) {
      const refused = await post(query, doc, "application/json");
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("INVALID_OPTION");
    }
  });
});
