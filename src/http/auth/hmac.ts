import { createHmac, timingSafeEqual } from "node:crypto";

export const TIMESTAMP_TOLERANCE_SECONDS = 300;

const HEX_SIGNATURE = /^(?:sha256=)?([0-9a-fA-F]{64})$/;
const TIMESTAMP = /^[0-9]{9,16}$/;
const encoder = new TextEncoder();

export type SignedRequest = {
  signature: string;
  timestamp: string | null;
  method: string;
  /** Path plus query string, exactly as requested. */
  pathAndQuery: string;
  body: Uint8Array | null;
};

/**
 * The bytes a caller signs (contract §1): the raw body, `{timestamp}.{rawBody}` when a timestamp is
 * sent, and `{timestamp}.{METHOD}.{path?query}` for a request without a body.
 */
export function signedBytes(req: Omit<SignedRequest, "signature">): Uint8Array | null {
  const hasBody = req.body !== null && req.body.length > 0;
  if (!hasBody) {
    if (req.timestamp === null) return null; // a body-less request must carry a timestamp
    return encoder.encode(`${req.timestamp}.${req.method.toUpperCase()}.${req.pathAndQuery}`);
  }
  if (req.timestamp === null) return req.body;
  const prefix = encoder.encode(`${req.timestamp}.`);
  const out = new Uint8Array(prefix.length + req.body!.length);
  out.set(prefix, 0);
  out.set(req.body!, prefix.length);
  return out;
}

export function sign(secret: string, bytes: Uint8Array): string {
  return createHmac("sha256", secret).update(bytes).digest("hex");
}

/** Seconds, accepting a Unix timestamp in seconds or milliseconds. */
export function timestampSeconds(raw: string): number | null {
  if (!TIMESTAMP.test(raw)) return null;
  const n = Number(raw);
  return n > 1e11 ? n / 1000 : n;
}

/**
 * Verifies against every active secret without stopping at the first match, comparing fixed-length
 * digests in constant time. Any malformed part is simply "not verified", never an exception.
 */
export function verifyHmac(req: SignedRequest, secrets: string[], nowMs: number): boolean {
  const match = HEX_SIGNATURE.exec(req.signature.trim());
  if (!match) return false;
  if (req.timestamp !== null) {
    const seconds = timestampSeconds(req.timestamp);
    if (seconds === null || Math.abs(nowMs / 1000 - seconds) > TIMESTAMP_TOLERANCE_SECONDS) return false;
  }
  const bytes = signedBytes(req);
  if (bytes === null) return false;
  const presented = Buffer.from(match[1]!.toLowerCase(), "hex");
  let verified = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret).update(bytes).digest();
    if (timingSafeEqual(expected, presented)) verified = true;
  }
  return verified;
}
