import type { Clock } from "../../lib/clock";

/** Without a Retry-After (NexHealth documents no rate-limit headers), wait this long after a 429. */
export const DEFAULT_COOL_DOWN_MS = 10_000;
const MAX_COOL_DOWN_MS = 120_000;

export class NexHealthRateLimitedError extends Error {
  override name = "NexHealthRateLimitedError";
}

/**
 * NexHealth's rate limit is per API key, so one clinic's burst throttles every clinic. After a 429 no
 * call is sent with the key until the cool-down ends (callers get "busy, try again" at once instead of
 * spending their seconds on a refusal), and the limit is not hammered further.
 */
export class NexHealthRateGate {
  private blockedUntil = 0;

  constructor(private readonly clock: Clock) {}

  check(): void {
    if (this.clock.now().getTime() < this.blockedUntil) throw new NexHealthRateLimitedError("NexHealth asked the gateway to slow down");
  }

  limited(retryAfter: string | null): void {
    const seconds = retryAfter && /^[0-9]{1,4}$/.test(retryAfter) ? Number(retryAfter) * 1000 : DEFAULT_COOL_DOWN_MS;
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now().getTime() + Math.min(seconds, MAX_COOL_DOWN_MS));
  }
}
