import { DateTime } from "luxon";
import { type AccountService, practiceOf } from "../accounts/service";
import type { MirrorSettings } from "../config";
import type { PmsIntegrations } from "../connections/pms-connections";
import type { ScheduleFeed } from "../connectors/types";
import { MAX_RANGE_DAYS } from "../domain/slot";
import { clinicToday } from "../domain/time";
import type { Clock } from "../lib/clock";
import type { Logger } from "../lib/logger";
import type { MirrorRow, MirrorStore } from "./store";

export type RefreshOutcome = "full" | "changes" | "failed" | "skipped";

/**
 * Keeps each practice's schedule mirror current: reads the vendor's change feed when a practice is due
 * (every `refreshIntervalMs`, or at once after a vendor event or a booking conflict), the frame now and
 * then, and everything nightly or whenever the feed cannot be trusted to be complete. One instance
 * refreshes a practice at a time (a lease in the database); every instance reads the result.
 */
export class MirrorRefresher {
  constructor(
    private readonly deps: {
      store: MirrorStore;
      integrations: PmsIntegrations;
      accounts: AccountService;
      clock: Clock;
      logger: Logger;
      settings: MirrorSettings;
      /** Providers whose connectors offer a change feed. */
      providers: string[];
      /** This instance, as the holder of the leases it takes. */
      instanceId: string;
    },
  ) {}

  /** Refreshes every practice that is due and not being refreshed elsewhere; how each went. */
  async refreshDue(limit = 20): Promise<Record<string, RefreshOutcome>> {
    await this.deps.store.enrol(this.deps.providers);
    const outcomes: Record<string, RefreshOutcome> = {};
    const rows = await this.deps.store.leaseDue(this.deps.instanceId, this.deps.clock.now().getTime(), limit);
    // Practices are refreshed side by side: one slow vendor must not hold up the others.
    await Promise.all(
      rows.map(async (row) => {
        outcomes[row.accountId] = await this.refresh(row, false);
      }),
    );
    return outcomes;
  }

  /** A full reload of one practice now (`mirror:resync`): "skipped" while another instance holds it. */
  async resync(accountId: string): Promise<RefreshOutcome> {
    await this.deps.store.enrol(this.deps.providers);
    const row = await this.deps.store.leaseNow(accountId, this.deps.instanceId, this.deps.clock.now().getTime());
    return row ? this.refresh(row, true) : "skipped";
  }

  private async refresh(row: MirrorRow, forceFull: boolean): Promise<RefreshOutcome> {
    const { store, clock, settings } = this.deps;
    const started = clock.now().getTime();
    let feed: ScheduleFeed | undefined;
    let today: string;
    try {
      const account = await this.deps.accounts.get(row.accountId);
      if (!account) {
        await store.forget(row.accountId);
        return "skipped";
      }
      const practice = practiceOf(account);
      today = clinicToday(new Date(started), practice.timezone);
      feed = (await this.deps.integrations.liveConnectorFor(practice)).scheduleFeed?.();
    } catch (e) {
      // No readable credentials (or none any more): nothing to mirror until they are set again.
      return this.failed(row, "unavailable", started, e);
    }
    if (!feed) {
      await store.failed(row.accountId, "unsupported", started + settings.fullResyncMs);
      return "skipped";
    }
    const windowTo = DateTime.fromISO(today).plus({ days: settings.windowDays }).toISODate() ?? today;
    // A query may ask up to MAX_RANGE_DAYS ahead of any day in the window; keep that much ahead of today.
    const horizon = DateTime.fromISO(today).plus({ days: MAX_RANGE_DAYS }).toISODate() ?? today;
    const full =
      forceFull ||
      row.syncedAt === null ||
      row.fullSyncedAt === null ||
      !row.frame ||
      !row.windowTo ||
      row.windowTo < horizon ||
      started - row.fullSyncedAt >= settings.fullResyncMs;
    try {
      if (!full) {
        const outcome = await this.applyChanges(row, feed, started, today);
        if (outcome !== "incomplete") return outcome;
      }
      return await this.reload(row, feed, started, today, windowTo);
    } catch (e) {
      return this.failed(row, "internal", started, e);
    }
  }

  private async reload(row: MirrorRow, feed: ScheduleFeed, started: number, today: string, windowTo: string): Promise<RefreshOutcome> {
    const [frame, booked] = await Promise.all([feed.frame(), feed.booked(today, windowTo)]);
    if (!frame.ok || !booked.ok) return this.failed(row, frame.ok ? (booked.ok ? "internal" : booked.error.code) : frame.error.code, started);
    await this.deps.store.replace(row.accountId, {
      practiceKey: feed.practiceKey,
      frame: frame.value,
      bookings: booked.value,
      windowFrom: today,
      windowTo,
      syncedAt: started,
      nextRefreshAt: started + this.deps.settings.refreshIntervalMs,
    });
    return "full";
  }

  private async applyChanges(row: MirrorRow, feed: ScheduleFeed, started: number, today: string): Promise<RefreshOutcome | "incomplete"> {
    const { settings } = this.deps;
    const frameDue = row.frameSyncedAt === null || started - row.frameSyncedAt >= settings.frameRefreshMs;
    const [changes, frame] = await Promise.all([
      feed.changesSince(row.syncedAt ?? 0, today, row.windowTo ?? today),
      frameDue ? feed.frame() : Promise.resolve(null),
    ]);
    if (!changes.ok) return this.failed(row, changes.error.code, started);
    if (frame && !frame.ok) return this.failed(row, frame.error.code, started);
    if (!changes.value.complete) return "incomplete";
    await this.deps.store.apply(row.accountId, {
      practiceKey: feed.practiceKey,
      changes: changes.value.changes,
      frame: frame?.value ?? null,
      syncedAt: started,
      nextRefreshAt: started + settings.refreshIntervalMs,
      pastMs: started - 24 * 3600_000,
    });
    return "changes";
  }

  /** `error`: what was thrown, when the failure was ours rather than the vendor's answer (logged by name). */
  private async failed(row: MirrorRow, code: string, started: number, error?: unknown): Promise<RefreshOutcome> {
    // The mirror keeps answering from what it has, marked with its age; the feed is tried again at the
    // usual pace, so an outage costs the vendor no more requests than a quiet day.
    await this.deps.store.failed(row.accountId, code, started + this.deps.settings.refreshIntervalMs);
    const fields = { accountId: row.accountId, code, ...(error ? { errorName: (error as Error)?.name } : {}) };
    // A failure of our own code is a bug to fix, not a vendor having a bad day.
    if (code === "internal") this.deps.logger.error(fields, "schedule mirror refresh failed");
    else this.deps.logger.warn(fields, "schedule mirror refresh failed");
    return "failed";
  }
}
