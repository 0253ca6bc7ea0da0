import { expect, test } from "bun:test";
import { parseEncryptionKeys } from "../../src/crypto/keys";
import { Vault } from "../../src/crypto/vault";

test("every encryption uses a fresh IV: 20,000 seals of one value, all IVs and ciphertexts distinct (T36)", async () => {
  const parsed = parseEncryptionKeys("33".repeat(32));
  if (!parsed.ok) throw new Error(parsed.problem);
  const vault = new Vault(parsed.keys);
  const ivs = new Set<string>();
  const cts = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const { ciphertext } = await vault.seal("the same secret", "acct");
    cts.add(ciphertext);
    ivs.add(Buffer.from(ciphertext, "base64").subarray(0, 12).toString("hex"));
  }
  expect(ivs.size).toBe(20_000);
  expect(cts.size).toBe(20_000);
});
