import type { Clock } from "../lib/clock";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed one-minute windows per key, in process memory: each region runs one instance, so a
 * per-instance limit is the limit. Old windows are dropped as the clock moves on.
 */
export class RateLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

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
