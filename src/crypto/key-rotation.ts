import { and, eq, ne } from "drizzle-orm";
import type { Database } from "../db/client";
import { pmsIntegrations, pmsTokens } from "../db/schema";
import { type SealedTable, sealedBinding } from "./binding";
import type { Vault } from "./vault";

type Sealed = { accountId: string; keyId: string; ciphertext: string };

/** Re-seals each row not yet on the current key; every write names the old key id, so a rerun skips it. */
async function reseal(vault: Vault, rows: Sealed[], table: SealedTable, write: (row: Sealed, next: { keyId: string; ciphertext: string }) => Promise<void>) {
  for (const row of rows) {
    const aad = sealedBinding(table, row.accountId);
    await write(row, await vault.seal(await vault.open({ keyId: row.keyId, ciphertext: row.ciphertext }, aad), aad));
  }
  return rows.length;
}

/**
 * Re-seals every stored credential and token with the current (first) encryption key. One row at a
 * time and only rows still on an older key: it can be stopped and run again, and a second run finds
 * nothing to do.
 */
export async function rotateStoredSecrets(db: Database, vault: Vault): Promise<{ credentials: number; tokens: number }> {
  const current = vault.currentKeyId;
  const integrations = await db
    .select({ accountId: pmsIntegrations.accountId, keyId: pmsIntegrations.keyId, ciphertext: pmsIntegrations.credentialsCiphertext })
    .from(pmsIntegrations)
    .where(ne(pmsIntegrations.keyId, current));
  const credentials = await reseal(vault, integrations, "pms_integrations", async (row, next) => {
    await db
      .update(pmsIntegrations)
      .set({ credentialsCiphertext: next.ciphertext, keyId: next.keyId })
      .where(and(eq(pmsIntegrations.accountId, row.accountId), eq(pmsIntegrations.keyId, row.keyId)));
  });
  const tokenRows = await db
    .select({ accountId: pmsTokens.accountId, keyId: pmsTokens.keyId, ciphertext: pmsTokens.ciphertext })
    .from(pmsTokens)
    .where(ne(pmsTokens.keyId, current));
  const tokens = await reseal(vault, tokenRows, "pms_tokens", async (row, next) => {
    await db
      .update(pmsTokens)
      .set({ ciphertext: next.ciphertext, keyId: next.keyId })
      .where(and(eq(pmsTokens.accountId, row.accountId), eq(pmsTokens.keyId, row.keyId)));
  });
  return { credentials, tokens };
}
