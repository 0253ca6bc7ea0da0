import type { TtlCache } from "../../lib/ttl-cache";
import type { NexHealthClient } from "./client";
import type { NexHealthCredentials } from "./credentials";
import { obj, type Row, rows, str } from "./values";

export type SyncHealth = { readRed: boolean; writeRed: boolean; emr: string | null };
export type Provider = { id: string; name: string };

/** Rarely-changing lookups are kept an hour; sync health a minute (a red write status must show fast). */
export const FACTS_TTL_MS = 60 * 60_000;
export const SYNC_TTL_MS = 60_000;
export const FACTS_RETRY_MS = 15_000;

const PAYMENT_PATTERNS: Record<string, RegExp> = {
  card: /card|credit|debit|visa|master|amex|discover/i,
  cash: /cash/i,
  check: /check|cheque/i,
  other: /other|misc/i,
};

/** `GET /sync_status` for one location, read now (onboarding) or through the cache (calls). */
export async function readSyncHealth(client: NexHealthClient, locationId: string): Promise<SyncHealth> {
  const res = await client.call("GET", "/sync_status", { location_ids: [Number(locationId)] });
  const mine = rows(res.data).find((r) => rows(r.locations).some((l) => str(l.id) === locationId)) ?? rows(res.data)[0];
  // No status at all proves nothing about health: read as red, so answers say so and writes wait.
  if (!mine) return { readRed: true, writeRed: true, emr: null };
  const emr = obj(mine.emr);
  return { readRed: str(mine.read_status) !== "green", writeRed: str(mine.write_status) !== "green", emr: str(emr.display_name || emr.name) || null };
}

/**
 * One location's facts, each loaded on first use and cached per location. A failed load is never kept
 * as an answer (the cache hands the error out briefly, then asks again).
 */
export class LocationFacts {
  constructor(
    private readonly caches: { facts: TtlCache<string, unknown>; sync: TtlCache<string, unknown> },
    private readonly client: NexHealthClient,
    private readonly credentials: NexHealthCredentials,
  ) {}

  private key(name: string) {
    return `${this.credentials.subdomain}:${this.credentials.locationId}:${name}`;
  }

  /** Read and write health of the location's sync, and the PMS it runs (cached a minute). */
  syncStatus(): Promise<SyncHealth> {
    return this.caches.sync.get(this.key("sync"), () => readSyncHealth(this.client, String(this.credentials.locationId))) as Promise<SyncHealth>;
  }

  /** The PMS the location runs: as remembered at onboarding, else as NexHealth reports it now. */
  async emr(): Promise<string | null> {
    if (this.credentials.emr) return this.credentials.emr;
    return (await this.syncStatus()).emr;
  }

  /** Active providers of this location that NexHealth lets the gateway book. */
  bookableProviders(): Promise<Provider[]> {
    return this.caches.facts.get(this.key("providers"), async () => {
      const found = await this.client.all("/providers", { location_id: Number(this.credentials.locationId), requestable: true, inactive: false });
      return rows(found)
        .filter((p) => p.inactive !== true)
        .map((p) => ({ id: str(p.id), name: str(p.display_name || p.name) || [str(p.first_name), str(p.last_name)].join(" ").trim() }));
    }) as Promise<Provider[]>;
  }

  /** The location's payment type for a payment method, or null when it has none that fits. */
  async paymentType(method: string): Promise<string | null> {
    const types = (await this.caches.facts.get(this.key("paymentTypes"), async () =>
      rows(await this.client.all("/payment_types", { location_id: Number(this.credentials.locationId) })),
    )) as Row[];
    const pattern = PAYMENT_PATTERNS[method] ?? PAYMENT_PATTERNS.other;
    const type = types.find((t) => pattern?.test(str(t.name)));
    return type ? str(type.id) : null;
  }
}
