import { and, eq, sql } from "drizzle-orm";
import type { TrackedWriteInput, WritebackTracker } from "../connectors/types";
import type { Database } from "../db/client";
import { pmsWritebacks } from "../db/schema";
import { type Clock, toSqlTimestamp } from "../lib/clock";
import { newId } from "../lib/ids";
import type { BookingHoldStore } from "./holds";

/**
 * Past this age a writeback still pending is withdrawn (the caller was told "the office will confirm",
 * and a booking that lands hours later surprises everyone); the office sees the outcome in the audit log.
 */
export const WRITEBACK_DEADLINE_MS = 60 * 60_000;
/** A write whose answer was lost and that cannot be found among the app's writebacks by then never arrived. */
export const RECONCILE_GIVE_UP_MS = 30 * 60_000;
/** Background checks back off from this, doubling, up to the cap: not every few hundred ms for minutes. */
const FIRST_CHECK_DELAY_MS = 15_000;
const MAX_CHECK_DELAY_MS = 10 * 60_000;
/** How long one instance may hold a write it is checking (far longer than one check takes). */
const LEASE_MS = 60_000;

export type TrackedWrite = typeof pmsWritebacks.$inferSelect;

export class WritebackStore implements WritebackTracker {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly holds: BookingHoldStore,
  ) {}

  async track(input: TrackedWriteInput): Promise<string> {
    const reference = newId("reference");
    const now = this.clock.now();
    await this.db.insert(pmsWritebacks).values({
      reference,
      accountId: input.accountId,
      provider: input.provider,
      writebackId: input.writebackId,
      action: input.action,
      patientId: input.patientId,
      requestFingerprint: input.requestFingerprint ?? null,
      status: "pending",
      nextCheckAt: now.getTime() + FIRST_CHECK_DELAY_MS,
      createdAt: toSqlTimestamp(now),
    });
    return reference;
  }

  /**
   * Leases the pending writes whose next check is due, oldest first, to one instance. One UPDATE …
   * RETURNING: two instances never check the same write at once, and a killed instance's lease lapses
   * so another one finishes its writes.
   */
  async lease(owner: string, limit: number): Promise<TrackedWrite[]> {
    const now = this.clock.now().getTime();
    return this.db.all<TrackedWrite>(sql`
      update pms_writebacks set lease_owner = ${owner}, lease_until = ${now + LEASE_MS}
       where reference in (
         select reference from pms_writebacks
          where status = 'pending' and next_check_at <= ${now} and lease_until <= ${now}
          order by created_at limit ${limit})
      returning reference, account_id as accountId, provider, writeback_id as writebackId,
                request_fingerprint as requestFingerprint, action, patient_id as patientId, status,
                created_id as createdId, attempts, next_check_at as nextCheckAt, lease_owner as leaseOwner,
                lease_until as leaseUntil, created_at as createdAt, completed_at as completedAt`);
  }

  /** The writeback id of a write whose answer was lost, once it was found among the app's writebacks. */
  async found(reference: string, writebackId: string): Promise<void> {
    await this.db.update(pmsWritebacks).set({ writebackId }).where(eq(pmsWritebacks.reference, reference));
  }

  /** Settles a pending write; false when it was already settled (by another instance or a webhook). */
  async finish(reference: string, status: "completed" | "failed", createdId: string | null): Promise<boolean> {
    const changed = await this.db
      .update(pmsWritebacks)
      .set({ status, createdId, completedAt: toSqlTimestamp(this.clock.now()) })
      .where(and(eq(pmsWritebacks.reference, reference), eq(pmsWritebacks.status, "pending")))
      .returning({ reference: pmsWritebacks.reference });
    if (changed.length === 0) return false;
    await this.holds.settle(reference, status);
    return true;
  }

  async state(reference: string): Promise<"pending" | "completed" | "failed"> {
    const [row] = await this.db.select({ status: pmsWritebacks.status }).from(pmsWritebacks).where(eq(pmsWritebacks.reference, reference));
    return row?.status ?? "pending";
  }

  async complete(reference: string, createdId: string | null): Promise<void> {
    await this.finish(reference, "completed", createdId);
  }

  /** The pending writes of a provider a vendor event names by its writeback id. */
  async pendingByWritebackId(provider: string, writebackId: string): Promise<TrackedWrite[]> {
    return this.db
      .select()
      .from(pmsWritebacks)
      .where(and(eq(pmsWritebacks.provider, provider), eq(pmsWritebacks.writebackId, writebackId), eq(pmsWritebacks.status, "pending")));
  }

  /** Still pending: check again later, backing off exponentially. */
  async later(row: TrackedWrite) {
    const delay = Math.min(MAX_CHECK_DELAY_MS, FIRST_CHECK_DELAY_MS * 2 ** row.attempts);
    await this.db
      .update(pmsWritebacks)
      .set({ attempts: row.attempts + 1, nextCheckAt: this.clock.now().getTime() + delay, leaseUntil: 0, leaseOwner: null })
      .where(eq(pmsWritebacks.reference, row.reference));
  }
}
