import type { Clock } from "../lib/clock";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed one-minute windows per key, in process memory. With several instances on one database each
 * enforces its share, limit ÷ live instances (rounded up), so the service as a whole stays within the
 * limit without a database write per request. Old windows are dropped as the clock moves on.
 */
export class RateLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly clock: Clock,
    /** How many instances share the limit (1 when alone). */
    private readonly instances: () => number = () => 1,
  ) {}

  private get perMinute(): number {
    return Math.max(1, Math.ceil(this.limitPerMinute / Math.max(1, this.instances())));
  }

  /** Counts one event for the key and says whether it is within the limit. */
  hit(key: string): RateDecision {
    const now = this.roll();
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count <= this.perMinute ? { allowed: true } : this.denied(now);
  }

  /** Whether the key is already over the limit, without counting. */
  check(key: string): RateDecision {
    const now = this.roll();
    return (this.counts.get(key) ?? 0) < this.perMinute ? { allowed: true } : this.denied(now);
  }

  private roll(): number {
    const now = this.clock.now().getTime();
    const start = now - (now % 60_000);
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.counts = new Map();
    }
    return now;
  }

  private denied(now: number): RateDecision {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((this.windowStart + 60_000 - now) / 1000)) };
  }
}
