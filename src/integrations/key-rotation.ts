import { and, eq, ne } from "drizzle-orm";
import type { Vault } from "../crypto/vault";
import type { Database } from "../db/client";
import { pmsIntegrations, pmsTokens } from "../db/schema";

/**
 * Re-seals every stored credential and token with the current (first) encryption key. One row at a
 * time and only rows still on an older key: it can be stopped and run again, and a second run finds
 * nothing to do.
 */
export async function rotateStoredSecrets(db: Database, vault: Vault): Promise<{ credentials: number; tokens: number }> {
  const current = vault.currentKeyId;
  const counts = { credentials: 0, tokens: 0 };
  for (const row of await db.select().from(pmsIntegrations).where(ne(pmsIntegrations.keyId, current))) {
    const aad = `pms_integrations:${row.accountId}`;
    const resealed = await vault.seal(await vault.open({ keyId: row.keyId, ciphertext: row.credentialsCiphertext }, aad), aad);
    await db
      .update(pmsIntegrations)
      .set({ credentialsCiphertext: resealed.ciphertext, keyId: resealed.keyId })
      .where(and(eq(pmsIntegrations.accountId, row.accountId), eq(pmsIntegrations.keyId, row.keyId)));
    counts.credentials++;
  }
  for (const row of await db.select().from(pmsTokens).where(ne(pmsTokens.keyId, current))) {
    const aad = `pms_tokens:${row.accountId}`;
    const resealed = await vault.seal(await vault.open({ keyId: row.keyId, ciphertext: row.ciphertext }, aad), aad);
    await db
      .update(pmsTokens)
      .set({ ciphertext: resealed.ciphertext, keyId: resealed.keyId })
      .where(and(eq(pmsTokens.accountId, row.accountId), eq(pmsTokens.keyId, row.keyId)));
    counts.tokens++;
  }
  return counts;
}
