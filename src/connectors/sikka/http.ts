import { cutOffByDeadline, deadline } from "../../lib/deadline";
import { readTextCapped } from "../../lib/read-capped";
import { SikkaHttpError, SikkaNetworkError, SikkaProtocolError, SikkaTimeoutError } from "./errors";
import type { SikkaRow } from "./values";

export type SikkaAuth = { requestKey: string } | { appId: string; appKey: string } | null;

/** What Sikka's headers say besides the body: its rate-limit window, and whether data is still loading. */
export type SikkaResponseMeta = {
  rateLimit: { limit: number; remaining: number; resetSeconds: number } | null;
  /** `Data-Insert: in progress`: the practice's data is being (re)loaded, so results may be partial. */
  dataInsertInProgress: boolean;
};

export type SikkaResponse = { status: number; body: unknown; meta: SikkaResponseMeta };

function metaOf(headers: Headers): SikkaResponseMeta {
  const limit = Number(headers.get("x-rate-limit-limit"));
  const remaining = Number(headers.get("x-rate-limit-remaining"));
  const reset = Number(headers.get("x-rate-limit-reset"));
  const known = headers.has("x-rate-limit-remaining") && Number.isFinite(remaining);
  return {
    rateLimit: known ? { limit: Number.isFinite(limit) ? limit : 0, remaining, resetSeconds: Number.isFinite(reset) && reset > 0 ? reset : 60 } : null,
    dataInsertInProgress: /in progress/i.test(headers.get("data-insert") ?? ""),
  };
}

/** No Sikka answer a receptionist needs is anywhere near this; a larger one is refused, not buffered. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

const readBody = (res: Response): Promise<string> =>
  readTextCapped(res, MAX_RESPONSE_BYTES, () => new SikkaProtocolError("Sikka answered with an oversized body"));

/** The list envelope: `{offset, limit, total_count, pagination: {next}, items}`, sometimes wrapped in an array. */
export type SikkaList = { items: SikkaRow[]; next: string | null; totalCount: number | null };

export function readList(body: unknown): SikkaList {
  const envelope = Array.isArray(body) ? body[0] : body;
  if (!envelope || typeof envelope !== "object") return { items: [], next: null, totalCount: null };
  const e = envelope as { items?: unknown; pagination?: { next?: unknown }; total_count?: unknown };
  const items = Array.isArray(e.items) ? (e.items.filter((i) => i && typeof i === "object") as SikkaRow[]) : [];
  const next = typeof e.pagination?.next === "string" && e.pagination.next !== "" ? e.pagination.next : null;
  const total = Number(e.total_count);
  return { items, next, totalCount: e.total_count !== undefined && Number.isFinite(total) ? total : null };
}

/**
 * One HTTP exchange with Sikka, with a hard timeout. Turns every failure into a typed error that
 * carries no response body (bodies hold PHI) and no URL query (it can hold keys).
 */
export async function sikkaRequest(
  fetchImpl: typeof fetch,
  input: { url: string; method: string; auth: SikkaAuth; body?: unknown; timeoutMs: number },
): Promise<SikkaResponse> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (input.auth && "requestKey" in input.auth) headers["Request-Key"] = input.auth.requestKey;
  if (input.auth && "appId" in input.auth) {
    headers["App-Id"] = input.auth.appId;
    headers["App-Key"] = input.auth.appKey;
  }
  if (input.body !== undefined) headers["content-type"] = "application/json";
  // The deadline covers the answer's body too; its timer goes once the exchange is over.
  const timeout = deadline(input.timeoutMs);
  try {
    let res: Response;
    try {
      res = await fetchImpl(input.url, {
        method: input.method,
        headers,
        ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
        signal: timeout.signal,
        // A redirect could point anywhere (cloud metadata, internal hosts): never follow one.
        redirect: "manual",
      });
    } catch (e) {
      if (cutOffByDeadline(e)) throw new SikkaTimeoutError("Sikka did not answer in time");
      throw new SikkaNetworkError("Sikka could not be reached");
    }
    const meta = metaOf(res.headers);
    if (res.status === 204) return { status: 204, body: null, meta };
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new SikkaProtocolError("Sikka answered with a redirect");
    }
    let raw: string;
    try {
      raw = await readBody(res);
    } catch (e) {
      // Cut off while the answer was arriving: the request reached Sikka, so a write may have happened.
      if (cutOffByDeadline(e)) throw new SikkaTimeoutError("Sikka did not answer in time");
      throw e;
    }
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      // An unreadable success must not pass for "no data": that would turn an outage into "not found".
      if (res.ok) throw new SikkaProtocolError("Sikka answered with unreadable JSON");
      body = null;
    }
    if (!res.ok) {
      const env = (Array.isArray(body) ? body[0] : body) as { error_code?: unknown } | null;
      const retryAfter = Number(res.headers.get("retry-after"));
      throw new SikkaHttpError(
        res.status,
        typeof env?.error_code === "string" ? env.error_code : null,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
        meta.rateLimit?.resetSeconds ?? null,
      );
    }
    return { status: res.status, body, meta };
  } finally {
    timeout.clear();
  }
}
