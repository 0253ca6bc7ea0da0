const SECONDS_KEPT = 60;

/** Requests per second over the last minute, in a ring of 60 counters: constant memory however busy. */
class MinuteWindow {
  private readonly counts = new Uint32Array(SECONDS_KEPT);
  private lastSecond = 0;

  private advance(second: number) {
    if (second - this.lastSecond >= SECONDS_KEPT) this.counts.fill(0);
    else for (let s = this.lastSecond + 1; s <= second; s++) this.counts[s % SECONDS_KEPT] = 0;
    if (second > this.lastSecond) this.lastSecond = second;
  }

  add(nowMs: number) {
    const second = Math.floor(nowMs / 1000);
    this.advance(second);
    this.counts[second % SECONDS_KEPT] = (this.counts[second % SECONDS_KEPT] ?? 0) + 1;
  }

  sum(nowMs: number): number {
    this.advance(Math.floor(nowMs / 1000));
    return this.counts.reduce((a, b) => a + b, 0);
  }
}

/**
 * Requests this instance sent to each practice's PMS vendor: in all, and in the last minute (what the
 * practice's quota feels). Counted at the connector's `fetch`, so every request counts, whoever made it.
 */
export class VendorRequestMeter {
  private readonly totals = new Map<string, number>();
  private readonly recent = new Map<string, MinuteWindow>();
  private readonly fetches = new Map<string, typeof fetch>();

  constructor(private readonly now: () => number) {}

  count(accountId: string): void {
    this.totals.set(accountId, (this.totals.get(accountId) ?? 0) + 1);
    let window = this.recent.get(accountId);
    if (!window) {
      window = new MinuteWindow();
      this.recent.set(accountId, window);
    }
    window.add(this.now());
  }

  /** A fetch that counts each request against the practice (one per practice, reused). */
  counting(accountId: string, fetcher: typeof fetch): typeof fetch {
    const known = this.fetches.get(accountId);
    if (known) return known;
    const counted = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      this.count(accountId);
      return fetcher(input, init);
    };
    const wrapped = Object.assign(counted, { preconnect: fetcher.preconnect }) as typeof fetch;
    this.fetches.set(accountId, wrapped);
    return wrapped;
  }

  lastMinute(accountId: string): number {
    return this.recent.get(accountId)?.sum(this.now()) ?? 0;
  }

  total(accountId: string): number {
    return this.totals.get(accountId) ?? 0;
  }

  accounts(): string[] {
    return [...this.totals.keys()];
  }
}
