/** A failed Sikka call, with what is safe to keep: status, Sikka's error code, Retry-After. Never the body. */
export class SikkaHttpError extends Error {
  override name = "SikkaHttpError";
  constructor(
    readonly status: number,
    readonly code: string | null,
    readonly retryAfterSeconds: number | null = null,
    /** X-Rate-Limit-Reset of the answer, when Sikka sent one. */
    readonly rateLimitResetSeconds: number | null = null,
  ) {
    super(`Sikka answered ${status}${code ? ` ${code}` : ""}`);
  }

  /** The request key is expired (API1025) or missing/invalid, e.g. revoked (API1004): get a new one. */
  get keyRejected() {
    return this.code === "API1025" || this.code === "API1004";
  }

  /** A daily per-practice cap (API2011 data size, API2012 requests): retrying only burns more quota. */
  get dailyCap() {
    return this.status === 429 && (this.code === "API2011" || this.code === "API2012");
  }

  get spuOffline() {
    return this.status === 412 || this.code === "API2017";
  }
}

/** An answer we refuse to use: a redirect, unreadable JSON, an oversized body. Not retried. */
export class SikkaProtocolError extends Error {
  override name = "SikkaProtocolError";
}

export class SikkaTimeoutError extends Error {
  override name = "SikkaTimeoutError";
}

export class SikkaNetworkError extends Error {
  override name = "SikkaNetworkError";
}

/** Failures that say the practice's side is down or overloaded: they trip the circuit breaker. */
export const isOutage = (e: unknown) =>
  e instanceof SikkaTimeoutError || e instanceof SikkaNetworkError || (e instanceof SikkaHttpError && (e.status >= 500 || e.spuOffline));

/** Failures worth another try for a read: the same request may well succeed a moment later. */
export const isRetryableRead = (e: unknown) =>
  e instanceof SikkaTimeoutError ||
  e instanceof SikkaNetworkError ||
  (e instanceof SikkaHttpError && !e.dailyCap && (e.status === 429 || e.status === 502 || e.status === 503 || e.status === 504));
