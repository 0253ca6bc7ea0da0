import { eq } from "drizzle-orm";
import type { RequestKeyStore, StoredRequestKey } from "../connectors/sikka/request-keys";
import type { SealedValues } from "../connectors/types";
import { sealedBinding } from "../crypto/binding";
import type { Vault } from "../crypto/vault";
import type { Database } from "../db/client";
import { pmsTokens } from "../db/schema";
import { sqlNow } from "../db/schema/columns";

const aad = (name: string) => sealedBinding("pms_tokens", name);

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
      return null; // unreadable (e.g. key rotated away): the owner obtains a fresh one
    }
  }

  /** `provider` labels the row; by default the connector prefix of the name (`nexhealth:…`). */
  async put(name: string, value: unknown, expiresAt = Number.MAX_SAFE_INTEGER, provider = name.split(":")[0] ?? "connector"): Promise<void> {
    const sealed = await this.vault.seal(JSON.stringify(value), aad(name));
    await this.db
      .insert(pmsTokens)
      .values({ accountId: name, provider, keyId: sealed.keyId, ciphertext: sealed.ciphertext, expiresAt })
      .onConflictDoUpdate({ target: pmsTokens.accountId, set: { keyId: sealed.keyId, ciphertext: sealed.ciphertext, expiresAt, updatedAt: sqlNow } });
  }
}

/** Keeps each clinic's Sikka request key across restarts, sealed with the credentials vault (row = account id). */
export class PmsTokenStore implements RequestKeyStore {
  private readonly sealed: SealedValueStore;

  constructor(db: Database, vault: Vault) {
    this.sealed = new SealedValueStore(db, vault);
  }

  load(accountId: string): Promise<StoredRequestKey | null> {
    return this.sealed.get<StoredRequestKey>(accountId);
  }

  save(accountId: string, key: StoredRequestKey): Promise<void> {
    return this.sealed.put(accountId, key, key.expiresAt, "sikka");
  }
}
