import { eq } from "drizzle-orm";
import type { RequestKeyStore, StoredRequestKey } from "../connectors/sikka/request-keys";
import type { Vault } from "../crypto/vault";
import type { Database } from "../db/client";
import { pmsTokens } from "../db/schema";
import { sqlNow } from "../db/schema/columns";

const aad = (accountId: string) => `pms_tokens:${accountId}`;

/** Keeps each clinic's Sikka request key across restarts, sealed with the credentials vault. */
export class PmsTokenStore implements RequestKeyStore {
  constructor(
    private readonly db: Database,
    private readonly vault: Vault,
  ) {}

  async load(accountId: string): Promise<StoredRequestKey | null> {
    const [row] = await this.db.select().from(pmsTokens).where(eq(pmsTokens.accountId, accountId));
    if (!row) return null;
    try {
      return JSON.parse(await this.vault.open({ keyId: row.keyId, ciphertext: row.ciphertext }, aad(accountId))) as StoredRequestKey;
    } catch {
      return null; // unreadable (e.g. key rotated away): obtain a fresh one
    }
  }

  async save(accountId: string, key: StoredRequestKey): Promise<void> {
    const sealed = await this.vault.seal(JSON.stringify(key), aad(accountId));
    await this.db
      .insert(pmsTokens)
      .values({ accountId, provider: "sikka", keyId: sealed.keyId, ciphertext: sealed.ciphertext, expiresAt: key.expiresAt })
      .onConflictDoUpdate({
        target: pmsTokens.accountId,
        set: { keyId: sealed.keyId, ciphertext: sealed.ciphertext, expiresAt: key.expiresAt, updatedAt: sqlNow },
      });
  }
}
