import { AppError } from "./errors";

export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB.");

/** Refuses on the declared length before anything is read. */
export function checkDeclaredLength(request: Request): void {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
}

/** Reads the raw body bytes, stopping as soon as they pass the cap (a chunked body declares no length). */
export async function readBodyCapped(request: Request): Promise<Uint8Array> {
  checkDeclaredLength(request);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** JSON from raw bytes; an empty body is an empty object, anything unparsable is a validation error. */
export function parseJsonBody(raw: Uint8Array): unknown {
  if (raw.length === 0) return {};
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new AppError("VALIDATION", "The request body is not valid JSON.");
  }
}
