import type { Clock } from "../../lib/clock";
import type { SikkaResponseMeta } from "./http";

/** Keep this share of a practice's rate-limit window for callers, not for background work or bursts. */
const RESERVE_SHARE = 0.05;
/** When a daily cap gives no reset time, back off this long (harsher than retrying into the cap). */
const DAILY_CAP_BACKOFF_MS = 60 * 60_000;

export class SikkaQuotaError extends Error {
  override name = "SikkaQuotaError";
  constructor(
    readonly reason: "daily_cap" | "window",
    readonly retryAtMs: number,
  ) {
    super(reason === "daily_cap" ? "the practice's daily Sikka quota is spent" : "the practice's Sikka rate window is spent");
  }
}

type PracticeQuota = { remaining: number | null; windowResetAt: number; blockedUntil: number };

/**
 * Sikka's quota per practice, from its own headers: `X-Rate-Limit-Remaining` / `-Reset` over a 60 s
 * window, and 429 API2011/API2012 daily caps. Before the window is spent, calls wait for its reset (when
 * the caller's budget allows) instead of being refused by Sikka; after a daily cap, no call is sent to
 * that practice until the reset, so the cap is not burned further.
 */
export class SikkaQuota {
  private readonly practices = new Map<string, PracticeQuota>();

  constructor(private readonly clock: Clock) {}

  private state(practiceKey: string): PracticeQuota {
    let q = this.practices.get(practiceKey);
    if (!q) {
      q = { remaining: null, windowResetAt: 0, blockedUntil: 0 };
      this.practices.set(practiceKey, q);
    }
    return q;
  }

  /** How long to wait before the next call (0: go now); throws when the practice must not be called. */
  delayBefore(practiceKey: string, limit: number | null): number {
    const q = this.state(practiceKey);
    const now = this.clock.now().getTime();
    if (q.blockedUntil > now) throw new SikkaQuotaError("daily_cap", q.blockedUntil);
    const reserve = Math.max(1, Math.ceil((limit ?? 0) * RESERVE_SHARE));
    if (q.remaining !== null && q.remaining <= reserve && q.windowResetAt > now) return q.windowResetAt - now;
    return 0;
  }

  observe(practiceKey: string, meta: SikkaResponseMeta): void {
    if (!meta.rateLimit) return;
    const q = this.state(practiceKey);
    q.remaining = meta.rateLimit.remaining;
    q.windowResetAt = this.clock.now().getTime() + meta.rateLimit.resetSeconds * 1000;
  }

  dailyCapReached(practiceKey: string, resetSeconds: number | null): void {
    const q = this.state(practiceKey);
    q.blockedUntil = this.clock.now().getTime() + (resetSeconds ? resetSeconds * 1000 : DAILY_CAP_BACKOFF_MS);
  }
}
