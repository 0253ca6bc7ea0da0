// biome-ignore-all lint/style/noNonNullAssertion: regex groups are read only after the regex matched, and the body is checked for null first.
import { createHmac, timingSafeEqual } from "node:crypto";

export const TIMESTAMP_TOLERANCE_SECONDS = 300;

const HEX_SIGNATURE = /^(?:sha(?:256|512)=)?([0-9a-fA-F]{64}|[0-9a-fA-F]{128})$/;
const BASE64_SIGNATURE = /^(?:sha(?:256|512)=)?([A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{86}==)$/;
const TIMESTAMP = /^[0-9]{9,16}$/;

export type SignedRequest = {
  signature: string;
  timestamp: string | null;
  method: string;
  /** Path plus query string, exactly as requested. */
  pathAndQuery: string;
  body: Uint8Array | null;
};

/**
 * What a caller signs, in order: the raw body, `{timestamp}.{rawBody}` when a timestamp is sent, and
 * `{timestamp}.{METHOD}.{path?query}` for a request without a body. Null when it cannot be signed.
 */
function signedParts(req: Omit<SignedRequest, "signature">): Array<string | Uint8Array> | null {
  const hasBody = req.body !== null && req.body.length > 0;
  if (!hasBody) {
    if (req.timestamp === null) return null; // a body-less request must carry a timestamp
    return [`${req.timestamp}.${req.method.toUpperCase()}.${req.pathAndQuery}`];
  }
  return req.timestamp === null ? [req.body!] : [`${req.timestamp}.`, req.body!];
}

export function sign(secret: string, bytes: Uint8Array, algorithm: "sha256" | "sha512" = "sha256", encoding: "hex" | "base64" = "hex"): string {
  return createHmac(algorithm, secret).update(bytes).digest(encoding);
}

/** Seconds, accepting a Unix timestamp in seconds or milliseconds. */
export function timestampSeconds(raw: string): number | null {
  if (!TIMESTAMP.test(raw)) return null;
  const n = Number(raw);
  return n > 1e11 ? n / 1000 : n;
}

type Digest = { algorithm: "sha256" | "sha512"; bytes: Buffer };

/**
 * Vapi's HMAC credential can encode the digest as hex or base64 and use SHA-256 or SHA-512; the length
 * tells them apart. Base64 must be canonical (re-encoding gives the same text), so two different
 * strings never verify as the same signature.
 */
export function parseDigest(signature: string): Digest | null {
  const text = signature.trim();
  const hex = HEX_SIGNATURE.exec(text);
  if (hex) {
    const bytes = Buffer.from(hex[1]!.toLowerCase(), "hex");
    return { algorithm: bytes.length === 64 ? "sha512" : "sha256", bytes };
  }
  const b64 = BASE64_SIGNATURE.exec(text);
  if (b64) {
    const bytes = Buffer.from(b64[1]!, "base64");
    if (bytes.toString("base64") !== b64[1]) return null;
    return { algorithm: bytes.length === 64 ? "sha512" : "sha256", bytes };
  }
  return null;
}

/**
 * Verifies against every active secret without stopping at the first match, comparing fixed-length
 * digests in constant time. Any malformed part is simply "not verified", never an exception.
 */
export function verifyHmac(req: SignedRequest, secrets: string[], nowMs: number): boolean {
  const digest = parseDigest(req.signature);
  if (!digest) return false;
  if (req.timestamp !== null) {
    const seconds = timestampSeconds(req.timestamp);
    if (seconds === null || Math.abs(nowMs / 1000 - seconds) > TIMESTAMP_TOLERANCE_SECONDS) return false;
  }
  const parts = signedParts(req);
  if (parts === null) return false;
  let verified = false;
  for (const secret of secrets) {
    // Fed part by part: every tool call is verified, and joining the prefix and the body would copy the body.
    const mac = new Bun.CryptoHasher(digest.algorithm, secret);
    for (const part of parts) mac.update(part);
    if (timingSafeEqual(mac.digest(), digest.bytes)) verified = true;
  }
  return verified;
}
