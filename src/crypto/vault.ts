import type { EncryptionKey } from "./keys";

export type Sealed = { keyId: string; ciphertext: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class VaultError extends Error {
  override name = "VaultError";
}

/**
 * AES-256-GCM with a fresh 12-byte IV per encryption. The caller's context (the account id) is the
 * additional authenticated data, so a ciphertext copied into another clinic's row fails to decrypt.
 * Stored form: base64(iv ‖ ciphertext ‖ tag) plus the id of the key that sealed it.
 */
export class Vault {
  private readonly cryptoKeys = new Map<string, Promise<CryptoKey>>();

  private readonly current: EncryptionKey;

  constructor(private readonly keys: EncryptionKey[]) {
    const [first] = keys;
    if (!first) throw new VaultError("no encryption key configured");
    this.current = first;
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  async seal(plaintext: string, context: string): Promise<Sealed> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const key = await this.cryptoKey(this.currentKeyId);
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, key, encoder.encode(plaintext)));
    const out = new Uint8Array(iv.length + ct.length);
    out.set(iv, 0);
    out.set(ct, iv.length);
    return { keyId: this.currentKeyId, ciphertext: Buffer.from(out).toString("base64") };
  }

  /** Throws VaultError (never the plaintext or key) when the key is unknown or the data was tampered with. */
  async open(sealed: Sealed, context: string): Promise<string> {
    const raw = Uint8Array.from(Buffer.from(sealed.ciphertext, "base64"));
    if (raw.length < 12 + 16) throw new VaultError("ciphertext too short");
    try {
      const key = await this.cryptoKey(sealed.keyId);
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: raw.subarray(0, 12), additionalData: encoder.encode(context) }, key, raw.subarray(12));
      return decoder.decode(plain);
    } catch (e) {
      if (e instanceof VaultError) throw e;
      throw new VaultError("credentials could not be decrypted");
    }
  }

  private cryptoKey(id: string): Promise<CryptoKey> {
    let key = this.cryptoKeys.get(id);
    if (!key) {
      const material = this.keys.find((k) => k.id === id);
      if (!material) throw new VaultError(`unknown key id "${id}"`);
      key = crypto.subtle.importKey("raw", material.bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
      this.cryptoKeys.set(id, key);
    }
    return key;
  }
}
