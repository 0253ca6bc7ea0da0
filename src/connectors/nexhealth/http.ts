import { cutOffByDeadline, deadline } from "../../lib/deadline";
import { readTextCapped } from "../../lib/read-capped";

/** NexHealth's stable API version (v3.0.0 = v20240412); a request without it can get a confusing 404. */
export const API_VERSION = "v3.0.0";
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** A failed NexHealth call: status and the envelope's error strings are kept (never a PHI-bearing body). */
export class NexHealthError extends Error {
  override name = "NexHealthError";
  constructor(
    readonly status: number,
    /** NexHealth's `error` strings, for matching known cases; never shown to a caller as they are. */
    readonly errors: string[],
    /** NexHealth's Retry-After on a 429, if it ever sends one. */
    readonly retryAfter: string | null = null,
  ) {
    super(`NexHealth answered ${status}`);
  }
}
export class NexHealthTimeoutError extends Error {
  override name = "NexHealthTimeoutError";
}
export class NexHealthNetworkError extends Error {
  override name = "NexHealthNetworkError";
}

export type Envelope = { data: unknown; pageInfo: { hasNextPage: boolean; endCursor: string | null } | null; status: number };

type Query = Record<string, string | number | boolean | Array<string | number> | undefined>;

/** Query strings with NexHealth's repeated bracket keys for arrays (`lids[]=7&lids[]=8`). */
export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) params.append(`${k}[]`, String(item));
    else params.set(k, String(v));
  }
  return params.toString();
}

/**
 * One exchange with NexHealth: the version header on every call, a hard timeout, no redirects, and the
 * envelope read for what it says. `code: false` is a failure even inside a 2xx.
 */
export async function nexhealthRequest(
  fetchImpl: typeof fetch,
  input: { url: string; method: string; authorization: string; body?: unknown; timeoutMs: number },
): Promise<Envelope> {
  // The deadline covers the answer's body too; its timer goes once the exchange is over.
  const timeout = deadline(input.timeoutMs);
  try {
    let res: Response;
    try {
      res = await fetchImpl(input.url, {
        method: input.method,
        headers: {
          authorization: input.authorization,
          "nex-api-version": API_VERSION,
          accept: "application/json",
          ...(input.body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
        signal: timeout.signal,
        redirect: "manual",
      });
    } catch (e) {
      if (cutOffByDeadline(e)) throw new NexHealthTimeoutError("NexHealth did not answer in time");
      throw new NexHealthNetworkError("NexHealth could not be reached");
    }
    if (res.status === 204) return { data: null, pageInfo: null, status: 204 };
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new NexHealthError(res.status, ["redirect refused"]);
    }
    let raw: string;
    try {
      raw = await readTextCapped(res, MAX_RESPONSE_BYTES, () => new NexHealthError(res.status, ["oversized answer"]));
    } catch (e) {
      // Cut off while the answer was arriving: the request reached NexHealth, so a write may have happened.
      if (cutOffByDeadline(e)) throw new NexHealthTimeoutError("NexHealth did not answer in time");
      throw e;
    }
    let body: { code?: unknown; data?: unknown; error?: unknown; page_info?: { has_next_page?: unknown; end_cursor?: unknown } } | null = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      throw new NexHealthError(res.status, ["unreadable answer"]);
    }
    const errors = Array.isArray(body?.error) ? body.error.map(String) : [];
    if (!res.ok || body?.code === false) throw new NexHealthError(res.ok ? 400 : res.status, errors, res.headers.get("retry-after"));
    const page = body?.page_info;
    return {
      data: body?.data ?? null,
      pageInfo: page ? { hasNextPage: page.has_next_page === true, endCursor: typeof page.end_cursor === "string" ? page.end_cursor : null } : null,
      status: res.status,
    };
  } finally {
    timeout.clear();
  }
}
