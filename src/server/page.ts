/**
 * @module server/page — `GET /`: the one static explorer page (`page.html`, no framework), read once.
 */

let page: Uint8Array | undefined;

/**
 * The page as a response; it only talks to this server (the content security policy says so).
 *
 * @example
 * if (url.pathname === "/") return pageResponse();
 */
export async function pageResponse(): Promise<Response> {
  page ??= await Bun.file(new URL("./page.html", import.meta.url)).bytes();
  return new Response(page, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-length": String(page.byteLength),
      "content-security-policy": "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
      "x-content-type-options": "nosniff",
    },
  });
}
