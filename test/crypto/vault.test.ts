import { describe, expect, test } from "bun:test";
import { parseEncryptionKeys } from "../../src/crypto/keys";
import { Vault } from "../../src/crypto/vault";

const keys = (value: string) => {
  const parsed = parseEncryptionKeys(value);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.keys;
};
const K1 = "11".repeat(32);
const K2 = "22".repeat(32);

describe("credentials vault (AES-256-GCM)", () => {
  test("round-trips, with a fresh IV every time", async () => {
    const vault = new Vault(keys(K1));
    const a = await vault.seal('{"secretKey":"s3cret"}', "acct-1");
    const b = await vault.seal('{"secretKey":"s3cret"}', "acct-1");
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain("s3cret");
    expect(await vault.open(a, "acct-1")).toBe('{"secretKey":"s3cret"}');
  });

  test("a ciphertext moved to another account fails to decrypt (AAD)", async () => {
    const vault = new Vault(keys(K1));
    const sealed = await vault.seal("secret", "acct-1");
    await expect(vault.open(sealed, "acct-2")).rejects.toThrow("could not be decrypted");
  });

  test("a flipped byte or a truncated value fails", async () => {
    const vault = new Vault(keys(K1));
    const sealed = await vault.seal("secret", "acct-1");
    const raw = Buffer.from(sealed.ciphertext, "base64");
    raw[raw.length - 1]! ^= 1;
    await expect(vault.open({ ...sealed, ciphertext: raw.toString("base64") }, "acct-1")).rejects.toThrow();
    await expect(vault.open({ ...sealed, ciphertext: "AAAA" }, "acct-1")).rejects.toThrow();
  });

  test("after rotation the first key encrypts and every key decrypts; an unknown key id fails closed", async () => {
    const old = new Vault(keys(`k1:${K1}`));
    const sealedOld = await old.seal("secret", "acct-1");
    const rotated = new Vault(keys(`k2:${K2},k1:${K1}`));
    expect(await rotated.open(sealedOld, "acct-1")).toBe("secret");
    const sealedNew = await rotated.seal("secret", "acct-1");
    expect(sealedNew.keyId).toBe("k2");
    await expect(old.open(sealedNew, "acct-1")).rejects.toThrow('unknown key id "k2"');
  });

  test("no key means no vault", () => {
    expect(() => new Vault([])).toThrow();
  });
});
