import type { Clock } from "../../lib/clock";
import type { SikkaAppConfig, SikkaCredentials } from "./credentials";
import { sikkaRequest } from "./http";

export type StoredRequestKey = { requestKey: string; refreshKey: string | null; expiresAt: number };

/** Where request keys survive restarts (sealed in the database); the connector never sees the database. */
export interface RequestKeyStore {
  load(accountId: string): Promise<StoredRequestKey | null>;
  save(accountId: string, key: StoredRequestKey): Promise<void>;
}

/** Refresh this long before expiry, so no call ever carries a key about to lapse. */
const REFRESH_MARGIN_MS = 60 * 60_000;
const TOKEN_TIMEOUT_MS = 3_000;

/** Reads the lifetime from `expires_in` ("85603 second(s)"), else `end_time`, else assumes 23 hours. */
export function expiryOf(body: Record<string, unknown>, now: number): number {
  const seconds = /^\s*(\d+)/.exec(String(body.expires_in ?? ""));
  if (seconds) return now + Number(seconds[1]) * 1000;
  const end = Date.parse(`${String(body.end_time ?? "")}Z`);
  return Number.isFinite(end) ? end : now + 23 * 3600_000;
}

/**
 * One request_key per practice, reused across requests and restarts, refreshed with the refresh_key
 * grant before it expires. Concurrent callers share one refresh (no stampede).
 */
export class RequestKeyManager {
  private readonly memory = new Map<string, StoredRequestKey>();
  private readonly inflight = new Map<string, Promise<StoredRequestKey>>();

  constructor(
    private readonly app: SikkaAppConfig,
    private readonly store: RequestKeyStore,
    private readonly fetchImpl: typeof fetch,
    private readonly clock: Clock,
  ) {}

  /** A usable key; `rejected` is a key Sikka just called expired, which must not be handed out again. */
  async get(accountId: string, credentials: SikkaCredentials, rejected?: string): Promise<string> {
    const now = this.clock.now().getTime();
    let current = this.memory.get(accountId);
    // Another instance may already have refreshed it: the key in the database is shared, so read it
    // again before asking Sikka for a new one (no grant storm when every instance sees the old key fail).
    if (!current || current.requestKey === rejected || current.expiresAt - now <= REFRESH_MARGIN_MS) {
      current = (await this.store.load(accountId)) ?? current;
    }
    if (current) this.memory.set(accountId, current);
    if (current && current.requestKey !== rejected && current.expiresAt - now > REFRESH_MARGIN_MS) return current.requestKey;
    let pending = this.inflight.get(accountId);
    if (!pending) {
      // One grant, remembered and stored once, however many callers are waiting for it.
      pending = this.obtain(credentials, current)
        .then(async (key) => {
          this.memory.set(accountId, key);
          await this.store.save(accountId, key);
          return key;
        })
        .finally(() => this.inflight.delete(accountId));
      this.inflight.set(accountId, pending);
    }
    return (await pending).requestKey;
  }

  private async obtain(credentials: SikkaCredentials, stale: StoredRequestKey | undefined): Promise<StoredRequestKey> {
    if (!this.app.appId || !this.app.appKey) throw new Error("SIKKA_CLIENT_ID and SIKKA_CLIENT_SECRET are not configured");
    const grant = async (body: Record<string, unknown>) => {
      const res = await sikkaRequest(this.fetchImpl, {
        url: `${this.app.apiUrl}/request_key`,
        method: "POST",
        auth: null,
        body: { ...body, app_id: this.app.appId, app_key: this.app.appKey },
        timeoutMs: TOKEN_TIMEOUT_MS,
      });
      const b = (res.body ?? {}) as Record<string, unknown>;
      if (typeof b.request_key !== "string" || b.request_key === "") throw new Error("Sikka returned no request_key");
      return {
        requestKey: b.request_key,
        refreshKey: typeof b.refresh_key === "string" && b.refresh_key !== "" ? b.refresh_key : (stale?.refreshKey ?? null),
        expiresAt: expiryOf(b, this.clock.now().getTime()),
      };
    };
    if (stale?.refreshKey) {
      try {
        return await grant({ grant_type: "refresh_key", refresh_key: stale.refreshKey });
      } catch {
        // a refresh key can be deleted on Sikka's side; fall back to a fresh grant
      }
    }
    return grant({ grant_type: "request_key", office_id: credentials.officeId, secret_key: credentials.secretKey });
  }
}
