import { eq } from "drizzle-orm";
import type { RequestKeyStore, StoredRequestKey } from "../connectors/sikka/request-keys";
import type { SealedValues } from "../connectors/types";
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

/**
 * Small secrets a connector must share across instances and restarts (a vendor token, a webhook signing
 * secret), sealed with the credentials vault. Named by the connector, e.g. `nexhealth:token:<key id>`.
 */
export class SealedValueStore implements SealedValues {
  constructor(
    private readonly db: Database,
    private readonly vault: Vault,
  ) {}

  async get<T>(name: string): Promise<T | null> {
    const [row] = await this.db.select().from(pmsTokens).where(eq(pmsTokens.accountId, name));
    if (!row) return null;
    try {
      return JSON.parse(await this.vault.open({ keyId: row.keyId, ciphertext: row.ciphertext }, aad(name))) as T;
    } catch {
      return null;
    }
  }

  async put(name: string, value: unknown, expiresAt = Number.MAX_SAFE_INTEGER): Promise<void> {
    const sealed = await this.vault.seal(JSON.stringify(value), aad(name));
    await this.db
      .insert(pmsTokens)
      .values({ accountId: name, provider: name.split(":")[0] ?? "connector", keyId: sealed.keyId, ciphertext: sealed.ciphertext, expiresAt })
      .onConflictDoUpdate({ target: pmsTokens.accountId, set: { keyId: sealed.keyId, ciphertext: sealed.ciphertext, expiresAt, updatedAt: sqlNow } });
  }
}
