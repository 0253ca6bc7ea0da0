const MINUTE_MS = 60_000;

/**
 * Requests this instance sent to each practice's PMS vendor: in all, and in the last minute (what the
 * practice's quota feels). Counted at the connector's `fetch`, so every request counts, whoever made it.
 */
export class VendorRequestMeter {
  private readonly totals = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  count(accountId: string): void {
    this.totals.set(accountId, (this.totals.get(accountId) ?? 0) + 1);
    const times = this.recent.get(accountId) ?? [];
    times.push(this.now());
    this.recent.set(accountId, times);
  }

  /** A fetch that counts each request against the practice. */
  counting(accountId: string, fetcher: typeof fetch): typeof fetch {
    const counted = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      this.count(accountId);
      return fetcher(input, init);
    };
    return Object.assign(counted, { preconnect: fetcher.preconnect }) as typeof fetch;
  }

  lastMinute(accountId: string): number {
    const since = this.now() - MINUTE_MS;
    const times = (this.recent.get(accountId) ?? []).filter((t) => t > since);
    this.recent.set(accountId, times);
    return times.length;
  }

  total(accountId: string): number {
    return this.totals.get(accountId) ?? 0;
  }

  accounts(): string[] {
    return [...this.totals.keys()];
  }
}
