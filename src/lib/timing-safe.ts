import { timingSafeEqual } from "node:crypto";

const encoder = new TextEncoder();

/**
 * Constant-time comparison of two strings of any length: both sides are hashed first, so
 * `timingSafeEqual` never throws on a length mismatch and the length of the secret does not leak.
 */
export function safeEqualStrings(a: string, b: string): boolean {
  const ha = new Bun.CryptoHasher("sha256").update(encoder.encode(a)).digest();
  const hb = new Bun.CryptoHasher("sha256").update(encoder.encode(b)).digest();
  return timingSafeEqual(ha, hb);
}
