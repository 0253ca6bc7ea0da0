import { BrokenCircuitError, type IPolicy } from "cockatiel";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import type { SikkaAppConfig, SikkaCredentials } from "./credentials";
import { isRetryableRead, SikkaHttpError } from "./errors";
import { readList, type SikkaResponse, sikkaRequest } from "./http";
import { type SikkaQuota, SikkaQuotaError } from "./quota";
import type { RequestKeyManager } from "./request-keys";
import { type SikkaRow, text } from "./values";

export const READ_TIMEOUT_MS = 2_500;
export const WRITE_TIMEOUT_MS = 4_000;
const MAX_READ_ATTEMPTS = 3;
/** A scan stops after this many pages and says so in the log rather than hold a caller for minutes. */
export const MAX_PAGES = 20;
export const PAGE_SIZE = 500;
/** Sikka's largest page ("Maximum 5000 records"): a schedule read is one request for most practices' days. */
export const MAX_PAGE_SIZE = 5000;

type Query = Record<string, string | undefined>;

/**
 * Sikka calls for one clinic: the request key, its practice id on every call, one retry with a new key
 * after an expired (API1025) or invalid/revoked (API1004) one, jittered retries for reads only (honouring Retry-After), and the clinic's own
 * circuit breaker so a dead office server fails fast instead of holding every call for its timeout.
 */
export class SikkaClient {
  constructor(
    private readonly deps: {
      app: SikkaAppConfig;
      credentials: SikkaCredentials;
      accountId: string;
      keys: RequestKeyManager;
      /** The clinic's bulkhead around its circuit breaker. */
      breaker: IPolicy;
      /** Sikka's rate limits per practice, shared by every request of this process. */
      quota: SikkaQuota;
      fetch: typeof fetch;
      clock: Clock;
      logger: Logger;
      /** `performance.now()` by which this operation must have answered (monotonic, not the wall clock). */
      deadline: number;
    },
  ) {}

  get practiceId() {
    return this.deps.credentials.practiceId;
  }

  /**
   * True for a row that names this practice. A request key is the whole office's, and its lists (patients,
   * appointments, providers, chairs, practices) can hold the office's other practices whatever
   * `practice_id` a request names; a row that names none cannot be shown to be this practice's.
   */
  owns(row: SikkaRow): boolean {
    return text(row, "practice_id") === this.practiceId;
  }

  get officeId() {
    return this.deps.credentials.officeId;
  }

  /** True once any read of this operation came back with `Data-Insert: in progress` (data may be partial). */
  dataInsertInProgress = false;

  /** One page of a list endpoint; `null` items for 204. */
  async get(path: string, query: Query = {}): Promise<SikkaRow[]> {
    return readList((await this.read(this.url(path, query))).body).items;
  }

  /**
   * Every row of a list, up to MAX_PAGES; `complete` is false when the scan was cut short. Each page's
   * URL is built from this request with `offset` = the page index. Sikka's `pagination.next` links drop
   * the request's filters (and may be `http://`), so following one would return other rows.
   */
  async getAll(path: string, query: Query = {}, pageSize = PAGE_SIZE): Promise<{ rows: SikkaRow[]; complete: boolean }> {
    const rows: SikkaRow[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const list = readList((await this.read(this.url(path, { ...query, limit: String(pageSize), offset: String(page) }))).body);
      rows.push(...list.items);
      const pages = list.totalCount === null ? null : Math.ceil(list.totalCount / pageSize);
      const last = list.items.length < pageSize || (pages !== null && page + 1 >= pages);
      if (last) return { rows, complete: true };
    }
    this.deps.logger.warn({ accountId: this.deps.accountId, path, pages: MAX_PAGES }, "sikka scan bounded");
    return { rows, complete: false };
  }

  /** The body a writeback actually sends: the practice id and `check_spu` are always set. */
  fullWriteBody(body: Record<string, unknown>): Record<string, unknown> {
    return { ...body, practice_id: this.practiceId, check_spu: true };
  }

  /** A writeback (never retried: a repeat could double-book). */
  async write(method: "POST" | "PUT" | "PATCH", path: string, body: Record<string, unknown>): Promise<SikkaResponse> {
    return this.withKey((requestKey) =>
      sikkaRequest(this.deps.fetch, {
        url: `${this.deps.app.apiUrl}${path}`,
        method,
        auth: { requestKey },
        body: this.fullWriteBody(body),
        timeoutMs: Math.min(WRITE_TIMEOUT_MS, this.remaining()),
      }),
    );
  }

  /** App-level calls (App-Id / App-Key), e.g. authorized_practices or the app's writebacks. */
  async asApp(method: "GET" | "DELETE", path: string, query: Query = {}): Promise<SikkaResponse> {
    const { appId, appKey } = this.deps.app;
    if (!appId || !appKey) throw new Error("SIKKA_CLIENT_ID and SIKKA_CLIENT_SECRET are not configured");
    return this.deps.breaker.execute(() =>
      sikkaRequest(this.deps.fetch, {
        url: this.url(path, query, false),
        method,
        auth: { appId, appKey },
        timeoutMs: Math.min(READ_TIMEOUT_MS, this.remaining()),
      }),
    );
  }

  remaining(): number {
    return Math.max(1, this.deps.deadline - performance.now());
  }

  private url(path: string, query: Query, withPractice = true): string {
    const params = new URLSearchParams();
    if (withPractice) params.set("practice_id", this.practiceId);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
    return `${this.deps.app.apiUrl}${path}?${params}`;
  }

  private async read(url: string): Promise<SikkaResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.withKey((requestKey) =>
          sikkaRequest(this.deps.fetch, { url, method: "GET", auth: { requestKey }, timeoutMs: Math.min(READ_TIMEOUT_MS, this.remaining()) }),
        );
      } catch (e) {
        if (attempt >= MAX_READ_ATTEMPTS || !isRetryableRead(e)) throw e;
        const retryAfterMs = e instanceof SikkaHttpError && e.retryAfterSeconds ? e.retryAfterSeconds * 1000 : null;
        const delay = retryAfterMs ?? 100 * 2 ** (attempt - 1) * (0.5 + Math.random());
        // Waiting past the caller's budget helps nobody: report the failure now instead.
        if (delay + 200 > this.remaining()) throw e;
        await Bun.sleep(delay);
      }
    }
  }

  private async withKey(call: (requestKey: string) => Promise<SikkaResponse>): Promise<SikkaResponse> {
    const { accountId, credentials, keys, breaker, quota } = this.deps;
    const practiceKey = `${credentials.officeId}/${credentials.practiceId}`;
    // Slow down before the practice's window is spent; never call into a spent daily cap.
    const wait = quota.delayBefore(practiceKey, null);
    if (wait > 0) {
      if (wait + 200 > this.remaining()) throw new SikkaQuotaError("window", this.deps.clock.now().getTime() + wait);
      await Bun.sleep(wait);
    }
    const observed = async (key: string) => {
      try {
        const res = await call(key);
        quota.observe(practiceKey, res.meta);
        if (res.meta.dataInsertInProgress) this.dataInsertInProgress = true;
        return res;
      } catch (e) {
        if (e instanceof SikkaHttpError && e.dailyCap) quota.dailyCapReached(practiceKey, e.rateLimitResetSeconds ?? e.retryAfterSeconds);
        throw e;
      }
    };
    return breaker.execute(async () => {
      const key = await keys.get(accountId, credentials);
      try {
        return await observed(key);
      } catch (e) {
        if (!(e instanceof SikkaHttpError && e.keyRejected)) throw e;
        // One new key and one retry; the rejected key is never handed out again.
        return observed(await keys.get(accountId, credentials, key));
      }
    });
  }
}

export { BrokenCircuitError };
