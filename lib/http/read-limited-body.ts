import { AppError, errorBody, isAppError } from "../errors/app-error";

/**
 * Reads a request body as UTF-8 text, refusing it with `payload_too_large` as soon as more than
 * `maxBytes` have arrived. The limit is enforced on the stream itself, so a chunked body (no
 * Content-Length) or one whose Content-Length understates it is never held in memory beyond the
 * limit: the stream is cancelled at the first byte too many.
 */
export async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw new AppError("payload_too_large", { message: `The request body is larger than ${maxBytes} bytes.` });
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new AppError("payload_too_large", { message: `The request body is larger than ${maxBytes} bytes.` });
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * Reads a JSON request body within `maxBytes` (see `readLimitedText`); a body that is not JSON is
 * refused with `validation_failed`.
 */
export async function readLimitedJson(request: Request, maxBytes: number): Promise<unknown> {
  const text = await readLimitedText(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("validation_failed", { message: "The body is not JSON." });
  }
}

/**
 * `readLimitedJson` for small route handlers: the parsed body, or the typed error response
 * (413 past the limit, 400 when it is not JSON) to return as it is.
 */
export async function readJsonOrRefusal(request: Request, maxBytes: number): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  try {
    return { ok: true, body: await readLimitedJson(request, maxBytes) };
  } catch (e) {
    if (!isAppError(e)) throw e;
    return { ok: false, response: Response.json(errorBody(e), { status: e.status, headers: { "Cache-Control": "no-store" } }) };
  }
}
