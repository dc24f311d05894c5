/**
 * @module server-browser.test — the explorer page in headless Chromium (Debian's `chromium`, driven by
 * `playwright-core`): paste JSON and NDJSON, see the paths as a table, switch style and mode, search, page
 * through a large result, drop a file, see the schema's type shares as bars, download the table as CSV.
 * Screenshots are kept in `test-artifacts/explorer.png` and `test-artifacts/explorer-schema.png`.
 *
 * Chromium comes from `scripts/setup-browser.sh` (run by `scripts/test.sh`). Without it this test fails and
 * says why; `JSONFLAT_SKIP_BROWSER=1` turns that into a skip.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { startInProcess } from "./http-server";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url).pathname;
const executable = Bun.which("chromium") ?? Bun.which("chromium-browser");
const skip = !executable && process.env.JSONFLAT_SKIP_BROWSER === "1";
if (!executable) {
  console.warn("server-browser.test: chromium is not installed; run `bash scripts/setup-browser.sh` (apt-get install chromium).");
}

const server = startInProcess();
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skip) return;
  if (!executable) throw new Error("chromium is not installed: run `bash scripts/setup-browser.sh` (or set JSONFLAT_SKIP_BROWSER=1 to skip)");
  // A preload meant for this Bun (the ASan runtime under scripts/asan-bun.sh) is not
  // the browser's: Debian's chromium starts from a shell script that it breaks.
  const { LD_PRELOAD: _preload, ...env } = process.env;
  browser = await chromium.launch({ executablePath: executable, args: ["--no-sandbox", "--disable-gpu"], env });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${server.url}/`);
});

afterAll(async () => {
  await browser?.close();
  await server.stop();
});

/**
 * The page's globals as the callbacks below use them: this test is type-checked without the DOM library, and the
 * page's security policy forbids evaluating strings, so browser-side code is real functions with a cast.
 */
interface PageGlobals {
  document: { getElementById(id: string): { textContent: string | null } };
  DataTransfer: new () => { items: { add(file: File): void } };
}

/** Does `action` and returns the status line it leads to (the old one is cleared first, so it cannot be read stale). */
async function act(action: () => Promise<unknown>): Promise<string> {
  await page.evaluate(() => void ((globalThis as unknown as PageGlobals).document.getElementById("status").textContent = ""));
  await action();
  await page.waitForFunction(() => !["", "…"].includes((globalThis as unknown as PageGlobals).document.getElementById("status").textContent ?? ""));
  return (await page.textContent("#status"))!;
}

async function cells(column: number): Promise<string[]> {
  return page.$$eval(`#results tbody tr td:nth-child(${column})`, (tds) => tds.map((td) => td.textContent ?? ""));
}

const DOC = JSON.stringify({
  store: { name: "corner shop", "opening hours": ["9-12", "14-18"] },
  items: Array.from({ length: 125 }, (_, i) => ({ id: i, price: i * 1.5 })),
});

test.skipIf(skip)("paste JSON, see its paths, page through them", async () => {
  await page.fill("#input", DOC);
  expect(await act(() => page.click("#flatten"))).toBe("253 paths");
  const paths = await cells(2);
  expect(paths.slice(0, 3)).toEqual(["store.name", 'store["opening hours"][0]', 'store["opening hours"][1]']);
  expect(paths.length).toBe(100);
  expect(await page.textContent("#range")).toBe("rows 1–100 of 253");
  await page.click("#next");
  await page.click("#next");
  expect(await page.textContent("#range")).toBe("rows 201–253 of 253");
  expect((await cells(2)).at(-1)).toBe("items[124].price");
  expect((await cells(3)).at(-1)).toBe("186");
  expect(await page.isDisabled("#next")).toBe(true);
});

test.skipIf(skip)("switch style and mode", async () => {
  expect(await act(() => page.selectOption("#style", "pointer"))).toBe("253 paths");
  expect((await cells(2))[1]).toBe("/store/opening hours/0");
  expect(await act(() => page.selectOption("#mode", "grouped"))).toBe("4 paths");
  expect(await cells(2)).toEqual(["/store/name", "/store/opening hours/[]", "/items/[]/id", "/items/[]/price"]);
  expect((await cells(3))[1]).toBe('["9-12","14-18"]');
  expect(await act(() => page.selectOption("#mode", "leaf"))).toBe("253 paths");
  expect(await act(() => page.selectOption("#style", "js"))).toBe("253 paths");
  expect((await cells(2))[1]).toBe('store["opening hours"][0]');
});

test.skipIf(skip)("search by path glob, short key and value", async () => {
  await page.fill("#path", "items[*].price");
  expect(await act(() => page.click("#search"))).toBe("125 hits");
  await page.fill("#path", "");
  await page.fill("#key", "id");
  await page.fill("#value", "7");
  expect(await act(() => page.click("#search"))).toBe("1 hits");
  expect(await cells(2)).toEqual(["items[7].id"]);
  await page.fill("#key", "");
  await page.fill("#value", "");
});

test.skipIf(skip)("search by RFC 9535 JSONPath: normalized paths, and the query's error position", async () => {
  await page.fill("#jsonpath", "$.items[?@.price > 183].id");
  expect(await act(() => page.click("#search"))).toBe("2 hits");
  expect(await cells(2)).toEqual(["$['items'][123]['id']", "$['items'][124]['id']"]);
  expect(await cells(3)).toEqual(["123", "124"]);
  await page.fill("#jsonpath", "$.items[?@.price >]");
  expect(await act(() => page.click("#search"))).toMatch(/^INVALID_OPTION: .* at line 1, column \d+ \(byte \d+\)$/);
  await page.fill("#jsonpath", "");
});

test.skipIf(skip)("NDJSON with a bad line, and a clear error for bad JSON", async () => {
  await page.fill("#input", '{"a":1}\n{"a":\n{"b":[true]}');
  expect(await act(() => page.click("#flatten"))).toBe("3 paths");
  expect(await cells(1)).toEqual(["1", "2", "3"]);
  expect((await cells(2))[1]).toBe("(error)");
  expect((await cells(3))[1]).toContain("INVALID_JSON");
  await page.selectOption("#kind", "json");
  await page.fill("#input", '{"a": [1, 2');
  expect(await act(() => page.click("#flatten"))).toMatch(/^INVALID_JSON: .* at line 1, column 12 \(byte 11\)$/);
  expect(await page.getAttribute("#status", "class")).toBe("error");
  await page.selectOption("#kind", "auto");
});

test.skipIf(skip)("download the current table as CSV (RFC 4180: quoted cells, CRLF)", async () => {
  await page.fill("#input", '{"a":"x,y","b":"say \\"hi\\"","c":[1,null]}');
  expect(await act(() => page.click("#flatten"))).toBe("4 paths");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  expect(download.suggestedFilename()).toBe("jsonflat.csv");
  const text = await Bun.file((await download.path())!).text();
  expect(text).toBe('line,path,value\r\n,a,"""x,y"""\r\n,b,"""say \\""hi\\"""""\r\n,c[0],1\r\n,c[1],null\r\n');
});

test.skipIf(skip)("the schema as a table with a bar per type share; keep a screenshot", async () => {
  await page.fill("#input", '{"id":1,"name":"a"}\n{"id":2.5,"name":null}\n{"id":3,"name":"c","tags":["x"]}\n{"id":4}');
  expect(await act(() => page.click("#schema"))).toBe("3 grouped paths");
  expect(await page.isHidden("#results")).toBe(true);
  expect(await page.isHidden("#pager")).toBe(true);
  const rowsOf = () =>
    page.$$eval("#types tbody tr", (trs) =>
      trs.map((tr) => Array.from((tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children, (td) => td.textContent ?? "")),
    );
  expect(await rowsOf()).toEqual([
    ["id", "4", "4", "", "integer 75% · number 25%"],
    ["name", "3", "3", "", "string 67% · null 33%"],
    ["tags[]", "1", "1", "", "string 100%"],
  ]);
  const widths = await page.$$eval("#types tbody tr:first-child .bar span", (spans) =>
    spans.map((span) => [span.className, (span as unknown as { style: { width: string } }).style.width]),
  );
  expect(widths).toEqual([["t-integer", "75%"], ["t-number", "25%"]]);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}explorer-schema.png`, fullPage: false });
  expect(await act(() => page.click("#flatten"))).toBe("8 paths");
  expect(await page.isHidden("#types")).toBe(true);
});

test.skipIf(skip)("drop a file onto the input; keep a screenshot", async () => {
  const transfer = await page.evaluateHandle((text) => {
    const data = new (globalThis as unknown as PageGlobals).DataTransfer();
    data.items.add(new File([text], "dropped.json", { type: "application/json" }));
    return data;
  }, DOC);
  expect(await act(() => page.dispatchEvent("#input", "drop", { dataTransfer: transfer }))).toBe("253 paths");
  expect(await page.inputValue("#input")).toBe(DOC);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}explorer.png`, fullPage: false });
  expect(Bun.file(`${ARTIFACTS}explorer.png`).size).toBeGreaterThan(10_000);
});
