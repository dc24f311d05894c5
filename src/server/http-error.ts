/**
 * @module server/http-error — a protocol-level refusal (400 for a bad request target, 404, 405, 415): not a
 * jsonflat input error, so it carries its own code and the response headers that go with it.
 */

/**
 * A refusal answered as `{"error":{code,message}}` with `status` and `headers`.
 *
 * @example
 * throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "send application/json", { "accept-post": "application/json" });
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
