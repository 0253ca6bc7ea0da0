/**
 * A promise cache with a time to live, shared by every in-process cache of the gateway. A value is
 * served until it is `ttlMs` old. A failure is never kept as data: the rejection is handed to callers
 * for `failureBackoffMs` only (so a failing upstream is not hammered), then the next use loads again.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { at: number; value: Promise<V>; failed: boolean }>();

  constructor(private readonly options: { ttlMs: number; failureBackoffMs?: number; maxEntries?: number; now?: () => number }) {}

  private now(): number {
    return this.options.now?.() ?? performance.now();
  }

  get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    const age = hit ? this.now() - hit.at : Number.POSITIVE_INFINITY;
    if (hit && age < (hit.failed ? (this.options.failureBackoffMs ?? 0) : this.options.ttlMs)) return hit.value;
    const value = load();
    const entry = { at: this.now(), value, failed: false };
    if ((this.options.maxEntries ?? 10_000) <= this.entries.size) this.entries.clear();
    this.entries.set(key, entry);
    value.catch(() => {
      entry.failed = true;
      entry.at = this.now();
    });
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
