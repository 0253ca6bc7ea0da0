export type EncryptionKey = { id: string; bytes: Uint8Array<ArrayBuffer> };

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** The id a bare (single, unnamed) key gets, so rows written before rotation stay readable. */
export const DEFAULT_KEY_ID = "k1";

/**
 * `ENCRYPTION_KEY` is either 64 hex characters or, for rotation, `keyId:hex64,keyId:hex64,…`
 * (the first encrypts, all decrypt).
 */
export function parseEncryptionKeys(value: string): { ok: true; keys: EncryptionKey[] } | { ok: false; problem: string } {
  const entries = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const keys: EncryptionKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const sep = entry.indexOf(":");
    const id = sep === -1 ? DEFAULT_KEY_ID : entry.slice(0, sep);
    const hex = sep === -1 ? entry : entry.slice(sep + 1);
    if (!HEX64.test(hex)) return { ok: false, problem: `entry ${index + 1} is not 64 hex characters` };
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) return { ok: false, problem: `entry ${index + 1} has an invalid key id` };
    if (keys.some((k) => k.id === id)) return { ok: false, problem: `key id "${id}" appears twice` };
    keys.push({ id, bytes: Uint8Array.from(Buffer.from(hex, "hex")) });
  }
  if (keys.length === 0) return { ok: false, problem: "no key given" };
  return { ok: true, keys };
}
