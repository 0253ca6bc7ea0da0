import { and, eq, gt, inArray, lt, lte, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../db/client";
import { scheduleMirrorBookings, scheduleMirrors } from "../db/schema";
import type { BookedRange, ScheduleChange, ScheduleFrame } from "../domain/schedule";

export type MirrorRow = typeof scheduleMirrors.$inferSelect;
/** How long one instance may hold a practice's refresh before another may take it over. */
export const MIRROR_LEASE_MS = 60_000;
/** Rows per insert statement: well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 400;

/** Where a mirror stands, for its readers: the frame, the days it covers, and how fresh it is. */
export type MirrorState = {
  frame: ScheduleFrame;
  windowFrom: string;
  windowTo: string;
  syncedAt: number;
  lastError: string | null;
};

/** The schedule mirror's storage: one row per practice, its bookings as time ranges, and the leases. */
export class MirrorStore {
  constructor(private readonly db: Database) {}

  /** Practices connected to a PMS with a change feed and not mirrored yet: due at once. */
  async enrol(providers: string[]): Promise<void> {
    if (providers.length === 0) return;
    await this.db.run(sql`
      insert or ignore into schedule_mirrors (account_id, provider)
      select account_id, provider from pms_integrations where provider in (${sql.join(
        providers.map((p) => sql`${p}`),
        sql`, `,
      )})`);
  }

  /**
   * Takes the refresh of up to `limit` due practices for `owner`, atomically: another instance's live
   * lease is never taken, and a dead instance's lapses.
   */
  async leaseDue(owner: string, nowMs: number, limit: number): Promise<MirrorRow[]> {
    const due = this.db
      .select({ accountId: scheduleMirrors.accountId })
      .from(scheduleMirrors)
      .where(and(lte(scheduleMirrors.nextRefreshAt, nowMs), lte(scheduleMirrors.leaseUntil, nowMs)))
      .orderBy(scheduleMirrors.nextRefreshAt)
      .limit(limit);
    return this.db
      .update(scheduleMirrors)
      .set({ leaseOwner: owner, leaseUntil: nowMs + MIRROR_LEASE_MS })
      .where(inArray(scheduleMirrors.accountId, due))
      .returning();
  }

  /** Takes one practice's refresh now, due or not (an operator's resync); null while another holds it. */
  async leaseNow(accountId: string, owner: string, nowMs: number): Promise<MirrorRow | null> {
    const [row] = await this.db
      .update(scheduleMirrors)
      .set({ leaseOwner: owner, leaseUntil: nowMs + MIRROR_LEASE_MS })
      .where(and(eq(scheduleMirrors.accountId, accountId), sql`(${scheduleMirrors.leaseUntil} <= ${nowMs} or ${scheduleMirrors.leaseOwner} = ${owner})`))
      .returning();
    return row ?? null;
  }

  async row(accountId: string): Promise<MirrorRow | null> {
    const [row] = await this.db.select().from(scheduleMirrors).where(eq(scheduleMirrors.accountId, accountId));
    return row ?? null;
  }

  /** The mirror of a practice as its readers need it; null until its first full load. */
  async state(accountId: string): Promise<MirrorState | null> {
    const row = await this.row(accountId);
    if (!row?.frame || !row.windowFrom || !row.windowTo || row.syncedAt === null) return null;
    return {
      frame: JSON.parse(row.frame) as ScheduleFrame,
      windowFrom: row.windowFrom,
      windowTo: row.windowTo,
      syncedAt: row.syncedAt,
      lastError: row.lastError,
    };
  }

  /** Bookings of a practice overlapping [fromMs, toMs). */
  async bookings(accountId: string, fromMs: number, toMs: number): Promise<BookedRange[]> {
    return this.db
      .select({
        id: scheduleMirrorBookings.appointmentId,
        patientId: scheduleMirrorBookings.patientId,
        providerId: scheduleMirrorBookings.providerId,
        operatoryId: scheduleMirrorBookings.operatoryId,
        startMs: scheduleMirrorBookings.startMs,
        endMs: scheduleMirrorBookings.endMs,
      })
      .from(scheduleMirrorBookings)
      .where(and(eq(scheduleMirrorBookings.accountId, accountId), lt(scheduleMirrorBookings.startMs, toMs), gt(scheduleMirrorBookings.endMs, fromMs)));
  }

  private inserts(accountId: string, ranges: BookedRange[]): BatchItem<"sqlite">[] {
    const statements: BatchItem<"sqlite">[] = [];
    for (let i = 0; i < ranges.length; i += INSERT_CHUNK) {
      const values = ranges.slice(i, i + INSERT_CHUNK).map((r) => ({
        accountId,
        appointmentId: r.id,
        patientId: r.patientId,
        providerId: r.providerId,
        operatoryId: r.operatoryId,
        startMs: r.startMs,
        endMs: r.endMs,
      }));
      statements.push(
        this.db
          .insert(scheduleMirrorBookings)
          .values(values)
          .onConflictDoUpdate({
            target: [scheduleMirrorBookings.accountId, scheduleMirrorBookings.appointmentId],
            set: {
              patientId: sql`excluded.patient_id`,
              providerId: sql`excluded.provider_id`,
              operatoryId: sql`excluded.operatory_id`,
              startMs: sql`excluded.start_ms`,
              endMs: sql`excluded.end_ms`,
            },
          }),
      );
    }
    return statements;
  }

  /** A full reload: the frame and every booking in the window replace what was there, in one batch. */
  async replace(
    accountId: string,
    input: {
      practiceKey: string;
      frame: ScheduleFrame;
      bookings: BookedRange[];
      windowFrom: string;
      windowTo: string;
      syncedAt: number;
      nextRefreshAt: number;
    },
  ): Promise<void> {
    await this.db.batch([
      this.db.delete(scheduleMirrorBookings).where(eq(scheduleMirrorBookings.accountId, accountId)),
      ...this.inserts(accountId, input.bookings),
      this.db
        .update(scheduleMirrors)
        .set({
          practiceKey: input.practiceKey,
          frame: JSON.stringify(input.frame),
          windowFrom: input.windowFrom,
          windowTo: input.windowTo,
          syncedAt: input.syncedAt,
          fullSyncedAt: input.syncedAt,
          frameSyncedAt: input.syncedAt,
          lastError: null,
          nextRefreshAt: input.nextRefreshAt,
          leaseUntil: 0,
          leaseOwner: null,
        })
        .where(eq(scheduleMirrors.accountId, accountId)),
    ]);
  }

  /** The feed's changes, applied in order (the last for an appointment wins), with a new frame if read. */
  async apply(
    accountId: string,
    input: { practiceKey: string; changes: ScheduleChange[]; frame: ScheduleFrame | null; syncedAt: number; nextRefreshAt: number; pastMs: number },
  ): Promise<void> {
    const last = new Map<string, ScheduleChange>();
    for (const change of input.changes) last.set(change.kind === "upsert" ? change.range.id : change.id, change);
    const upserts = [...last.values()].flatMap((c) => (c.kind === "upsert" ? [c.range] : []));
    const removals = [...last.values()].flatMap((c) => (c.kind === "remove" ? [c.id] : []));
    await this.db.batch([
      // Bookings already over are of no use to availability.
      this.db.delete(scheduleMirrorBookings).where(and(eq(scheduleMirrorBookings.accountId, accountId), lt(scheduleMirrorBookings.endMs, input.pastMs))),
      this.db
        .update(scheduleMirrors)
        .set({
          practiceKey: input.practiceKey,
          syncedAt: input.syncedAt,
          lastError: null,
          nextRefreshAt: input.nextRefreshAt,
          leaseUntil: 0,
          leaseOwner: null,
          ...(input.frame ? { frame: JSON.stringify(input.frame), frameSyncedAt: input.syncedAt } : {}),
        })
        .where(eq(scheduleMirrors.accountId, accountId)),
      ...(removals.length > 0
        ? [
            this.db
              .delete(scheduleMirrorBookings)
              .where(and(eq(scheduleMirrorBookings.accountId, accountId), inArray(scheduleMirrorBookings.appointmentId, removals))),
          ]
        : []),
      ...this.inserts(accountId, upserts),
    ]);
  }

  /** A refresh failed: what stays is marked with the failure's code, and tried again later. */
  async failed(accountId: string, code: string, nextRefreshAt: number): Promise<void> {
    await this.db
      .update(scheduleMirrors)
      .set({ lastError: code, nextRefreshAt, leaseUntil: 0, leaseOwner: null })
      .where(eq(scheduleMirrors.accountId, accountId));
  }

  /** Brings a practice's next refresh forward (a booking conflict found it behind). */
  async requestRefresh(accountId: string): Promise<void> {
    await this.db.update(scheduleMirrors).set({ nextRefreshAt: 0 }).where(eq(scheduleMirrors.accountId, accountId));
  }

  /** A vendor event names practices by the vendor's key: their refresh is due now. */
  async nudge(provider: string, practiceKeys: string[]): Promise<void> {
    if (practiceKeys.length === 0) return;
    await this.db
      .update(scheduleMirrors)
      .set({ nextRefreshAt: 0 })
      .where(and(eq(scheduleMirrors.provider, provider), inArray(scheduleMirrors.practiceKey, practiceKeys)));
  }

  /** New credentials may name another practice: what was mirrored is dropped and reloaded. */
  async forget(accountId: string): Promise<void> {
    await this.db.batch([
      this.db.delete(scheduleMirrorBookings).where(eq(scheduleMirrorBookings.accountId, accountId)),
      this.db.delete(scheduleMirrors).where(eq(scheduleMirrors.accountId, accountId)),
    ]);
  }

  /** Every mirror's freshness, for monitoring. */
  async overview(accountId?: string) {
    const rows = await this.db
      .select({
        accountId: scheduleMirrors.accountId,
        provider: scheduleMirrors.provider,
        syncedAt: scheduleMirrors.syncedAt,
        fullSyncedAt: scheduleMirrors.fullSyncedAt,
        lastError: scheduleMirrors.lastError,
      })
      .from(scheduleMirrors)
      .where(accountId ? eq(scheduleMirrors.accountId, accountId) : undefined);
    return rows;
  }
}
