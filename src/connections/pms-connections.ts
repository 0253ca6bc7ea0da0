import { Value } from "@sinclair/typebox/value";
import { eq } from "drizzle-orm";
import type { ConnectorRegistry } from "../connectors/registry";
import type { ConnectorDeps, PmsConnector } from "../connectors/types";
import { sealedBinding } from "../crypto/binding";
import type { Vault } from "../crypto/vault";
import type { Database } from "../db/client";
import { pmsIntegrations } from "../db/schema";
import { sqlNow } from "../db/schema/columns";
import type { PracticeSettings } from "../domain/practice";
import { AppError } from "../lib/errors";
import { TtlCache } from "../lib/ttl-cache";
import type { VendorRequestMeter } from "../lib/vendor-requests";

export type PmsStatus = { provider: string; configured: true; updatedAt: string } | { provider: null; configured: false; updatedAt: null };

/** New PMS credentials set on another instance are used everywhere within this. */
const CREDENTIALS_CACHE_MS = 5_000;

/** Additional authenticated data: binds a ciphertext to the one account it was sealed for. */
const aad = (accountId: string) => sealedBinding("pms_integrations", accountId);

/** Called after credentials are stored, e.g. to lay down the sandbox practice. */
export type OnConfigured = (provider: string, practice: PracticeSettings) => Promise<void>;

/** Wraps a clinic's connector for the operations, e.g. to answer availability from the schedule mirror. */
export type ConnectorDecorator = (practice: PracticeSettings, live: PmsConnector) => PmsConnector;

export type PmsIntegrationsOptions = {
  onConfigured?: OnConfigured;
  decorate?: ConnectorDecorator;
  /** Counts every vendor request per clinic. */
  vendorRequests?: VendorRequestMeter;
};

/**
 * A clinic's PMS connection: stores credentials sealed (write-only: nothing here returns them) and
 * builds the clinic's connector from them on demand.
 */
export class PmsIntegrations {
  /** Decrypted credentials per clinic, briefly: decrypting on every tool call costs more than the call. */
  private readonly opened: TtlCache<string, { provider: string; credentials: unknown }>;

  constructor(
    private readonly db: Database,
    private readonly vault: Vault,
    private readonly registry: ConnectorRegistry,
    private readonly connectorDeps: ConnectorDeps,
    private readonly options: PmsIntegrationsOptions = {},
  ) {
    this.opened = new TtlCache({ ttlMs: CREDENTIALS_CACHE_MS, now: () => connectorDeps.clock.now().getTime() });
  }

  async configure(practice: PracticeSettings, provider: string, credentials: unknown): Promise<PmsStatus & { warnings: string[] }> {
    const definition = this.registry.get(provider);
    if (!definition) {
      throw new AppError("VALIDATION", `provider: must be one of ${this.registry.ids().join(", ")}`);
    }
    if (!Value.Check(definition.credentialsSchema, credentials)) {
      // Name the fields only: values are secrets and must not be echoed.
      const fields = [...Value.Errors(definition.credentialsSchema, credentials)].map((e) => e.path || "/");
      throw new AppError("VALIDATION", `credentials: invalid for ${provider} (${[...new Set(fields)].join(", ")})`);
    }
    const check = (await definition.validateCredentials?.(credentials, this.connectorDeps, practice)) ?? { ok: true, warnings: [] };
    if (!check.ok) throw new AppError("VALIDATION", `credentials: ${check.reason}`);
    const stored = check.ok && check.remember ? { ...(credentials as Record<string, unknown>), ...check.remember } : credentials;
    const sealed = await this.vault.seal(JSON.stringify(stored), aad(practice.accountId));
    await this.db
      .insert(pmsIntegrations)
      .values({ accountId: practice.accountId, provider, credentialsCiphertext: sealed.ciphertext, keyId: sealed.keyId })
      .onConflictDoUpdate({
        target: pmsIntegrations.accountId,
        set: { provider, credentialsCiphertext: sealed.ciphertext, keyId: sealed.keyId, updatedAt: sqlNow },
      });
    this.opened.delete(practice.accountId);
    await this.options.onConfigured?.(provider, practice);
    return { ...(await this.status(practice.accountId)), warnings: check.warnings };
  }

  async status(accountId: string): Promise<PmsStatus> {
    const [row] = await this.db
      .select({ provider: pmsIntegrations.provider, updatedAt: pmsIntegrations.updatedAt })
      .from(pmsIntegrations)
      .where(eq(pmsIntegrations.accountId, accountId));
    return row ? { provider: row.provider, configured: true, updatedAt: row.updatedAt } : { provider: null, configured: false, updatedAt: null };
  }

  /** The clinic's connector, or a typed error the caller can say: never a silent fallback to another PMS. */
  async connectorFor(practice: PracticeSettings): Promise<PmsConnector> {
    const live = await this.liveConnectorFor(practice);
    return this.options.decorate ? this.options.decorate(practice, live) : live;
  }

  /** The clinic's connector talking to the vendor itself, undecorated (what the schedule mirror reads). */
  async liveConnectorFor(practice: PracticeSettings): Promise<PmsConnector> {
    const { provider, credentials } = await this.opened.get(practice.accountId, () => this.open(practice.accountId));
    const definition = this.registry.get(provider);
    // open() checked the provider; a definition missing now is a configuration change mid-flight.
    if (!definition) throw new AppError("PMS_UNAVAILABLE", "This clinic's practice-management system is not supported here.");
    const meter = this.options.vendorRequests;
    const deps = meter ? { ...this.connectorDeps, fetch: meter.counting(practice.accountId, this.connectorDeps.fetch) } : this.connectorDeps;
    return definition.create({ practice, credentials, deps });
  }

  private async open(accountId: string): Promise<{ provider: string; credentials: unknown }> {
    const practice = { accountId };
    const [row] = await this.db.select().from(pmsIntegrations).where(eq(pmsIntegrations.accountId, practice.accountId));
    if (!row) throw new AppError("PMS_UNAVAILABLE", "This clinic has no practice-management system connected yet.");
    const definition = this.registry.get(row.provider);
    if (!definition) throw new AppError("PMS_UNAVAILABLE", "This clinic's practice-management system is not supported here.");
    let credentials: unknown;
    try {
      credentials = JSON.parse(await this.vault.open({ keyId: row.keyId, ciphertext: row.credentialsCiphertext }, aad(practice.accountId)));
    } catch {
      throw new AppError("PMS_UNAVAILABLE", "This clinic's PMS credentials could not be read; ask the administrator to set them again.");
    }
    return { provider: row.provider, credentials };
  }
}
