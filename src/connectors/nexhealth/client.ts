import { createHash } from "node:crypto";
import type { IPolicy } from "cockatiel";
import type { Clock } from "../../lib/clock";
import type { SealedValues } from "../types";
import type { NexHealthAppConfig } from "./credentials";
import { type Envelope, NexHealthError, nexhealthRequest, queryString } from "./http";
import type { NexHealthRateGate } from "./rate-gate";

const TIMEOUT_MS = 3_000;
/** Renew this long before the token's own expiry (1 h in production, 24 h in sandbox). */
const RENEW_MARGIN_MS = 5 * 60_000;
/** NexHealth's documented default page size is 5; always ask for this many. */
export const PER_PAGE = 100;
/** NexHealth's documented maximum page size: for schedules, which run to thousands of bookings. */
export const MAX_PER_PAGE = 1000;
const MAX_PAGES = 20;

/** A non-secret name for an API key, to key what belongs to it (its token, its webhook endpoint). */
export const apiKeyId = (apiKey: string) => createHash("sha256").update(apiKey).digest("hex").slice(0, 16);

type Query = Record<string, string | number | boolean | Array<string | number> | undefined>;
type StoredToken = { token: string; expiresAt: number };

/** The `exp` claim of a JWT, in epoch ms (no signature check: the token is NexHealth's to verify). */
function jwtExpiry(token: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { exp?: unknown };
    return typeof payload.exp === "number" ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * One bearer token per API key, shared by every instance (sealed in the database), renewed before it
 * expires and once on a 401. There is no refresh grant: `POST /authenticates` again. Concurrent callers
 * share one renewal.
 */
export class NexHealthTokens {
  private memory: StoredToken | null = null;
  private inflight: Promise<StoredToken> | null = null;
  private readonly storeName: string;

  constructor(
    private readonly app: NexHealthAppConfig,
    private readonly store: SealedValues,
    private readonly fetchImpl: typeof fetch,
    private readonly clock: Clock,
  ) {
    this.storeName = `nexhealth:token:${apiKeyId(app.apiKey ?? "")}`;
  }

  async get(rejected?: string): Promise<string> {
    const now = this.clock.now().getTime();
    let current = this.memory;
    if (!current || current.token === rejected || current.expiresAt - now <= RENEW_MARGIN_MS)
      current = (await this.store.get<StoredToken>(this.storeName)) ?? current;
    if (current && current.token !== rejected && current.expiresAt - now > RENEW_MARGIN_MS) {
      this.memory = current;
      return current.token;
    }
    this.inflight ??= this.authenticate().finally(() => {
      this.inflight = null;
    });
    return (await this.inflight).token;
  }

  private async authenticate(): Promise<StoredToken> {
    if (!this.app.apiKey) throw new NexHealthError(401, ["NEXHEALTH_API_KEY is not configured"]);
    const res = await nexhealthRequest(this.fetchImpl, {
      url: `${this.app.apiUrl}/authenticates`,
      method: "POST",
      authorization: this.app.apiKey,
      timeoutMs: TIMEOUT_MS,
    });
    const token = (res.data as { token?: unknown } | null)?.token;
    if (typeof token !== "string" || !token) throw new NexHealthError(res.status, ["no token in the answer"]);
    const stored = { token, expiresAt: jwtExpiry(token) ?? this.clock.now().getTime() + 55 * 60_000 };
    this.memory = stored;
    await this.store.put(this.storeName, stored, stored.expiresAt);
    return stored;
  }
}

/** NexHealth calls for one clinic (its subdomain), with the token, one retry on 401, and cursor paging. */
export class NexHealthClient {
  constructor(
    private readonly deps: {
      app: NexHealthAppConfig;
      tokens: NexHealthTokens;
      fetch: typeof fetch;
      subdomain: string;
      deadline: number;
      /** The clinic's bulkhead and circuit breaker (none during onboarding). */
      policy?: IPolicy;
      /** The API key's shared cool-down after a 429. */
      rateGate?: NexHealthRateGate;
    },
  ) {}

  private remaining() {
    return Math.max(1, this.deps.deadline - performance.now());
  }

  /** `institutionScoped: false` for the API key's own resources (webhook endpoints), which take no subdomain. */
  call(method: "GET" | "POST" | "PATCH", path: string, query: Query, body?: unknown, options: { institutionScoped?: boolean } = {}): Promise<Envelope> {
    const scoped = options.institutionScoped === false ? query : { subdomain: this.deps.subdomain, ...query };
    const send = () => this.send(method, path, scoped, body);
    return this.deps.policy ? this.deps.policy.execute(send) : send();
  }

  private async send(method: "GET" | "POST" | "PATCH", path: string, query: Query, body?: unknown): Promise<Envelope> {
    const qs = queryString(query);
    const url = `${this.deps.app.apiUrl}${path}${qs ? `?${qs}` : ""}`;
    const send = async (token: string) =>
      nexhealthRequest(this.deps.fetch, { url, method, authorization: `Bearer ${token}`, body, timeoutMs: Math.min(TIMEOUT_MS, this.remaining()) });
    this.deps.rateGate?.check();
    const token = await this.deps.tokens.get();
    try {
      try {
        return await send(token);
      } catch (e) {
        if (!(e instanceof NexHealthError && e.status === 401)) throw e;
        return await send(await this.deps.tokens.get(token));
      }
    } catch (e) {
      if (e instanceof NexHealthError && e.status === 429) this.deps.rateGate?.limited(e.retryAfter);
      throw e;
    }
  }

  /**
   * The rows of a cursor-paginated list, up to MAX_PAGES pages of `perPage` (always explicit: NexHealth's
   * default is tiny); `complete` is false when the list went on past them.
   */
  async scan(path: string, query: Query, perPage = PER_PAGE): Promise<{ rows: unknown[]; complete: boolean }> {
    const rows: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.call("GET", path, { ...query, per_page: perPage, ...(cursor ? { end_cursor: cursor } : {}) });
      if (Array.isArray(res.data)) rows.push(...res.data);
      if (!res.pageInfo?.hasNextPage || !res.pageInfo.endCursor) return { rows, complete: true };
      cursor = res.pageInfo.endCursor;
    }
    return { rows, complete: false };
  }

  /** The rows of a list as far as a scan reaches: for lookups and searches, whose first pages are what matters. */
  async all(path: string, query: Query): Promise<unknown[]> {
    return (await this.scan(path, query)).rows;
  }
}
