import { AppError } from "../lib/errors";
import { readMessageCapped } from "../lib/read-capped";

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Bun's own limit sits well above ours: past it Bun answers a bare 413 itself (no JSON envelope, no
 * x-request-id). Below it every body is read through `readBodyCapped`, which answers our 413 as soon as
 * 1 MiB is passed, declared or chunked, without buffering the rest.
 */
export const SERVER_BODY_CEILING = 256 * 1024 * 1024;

const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB.");

/** Refuses on the declared length before anything is read. */
export function checkDeclaredLength(request: Request): void {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
}

/** Reads the raw body bytes, at most 1 MiB however they arrive (`readMessageCapped`). */
export function readBodyCapped(request: Request): Promise<Uint8Array> {
  return readMessageCapped(request, MAX_BODY_BYTES, tooLarge);
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
