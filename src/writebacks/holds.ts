import { and, eq, gt, lt, sql } from "drizzle-orm";
import type { BookingHold, BookingHolds } from "../connectors/types";
import type { Database } from "../db/client";
import { pmsBookingHolds } from "../db/schema";
import type { Clock } from "../lib/clock";
import { newId } from "../lib/ids";

/** A hold for a write still in flight lasts at most this long (the writeback deadline plus a margin). */
export const PENDING_HOLD_MS = 2 * 3600_000;
/**
 * After a write completes, its hold stays this long: the vendor's synced copy can lag the PMS by tens
 * of minutes (an example sync interval is 25 minutes), and until it catches up the booking is invisible.
 */
export const CONFIRMED_HOLD_MS = 60 * 60_000;

export class BookingHoldStore implements BookingHolds {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  private now() {
    return this.clock.now().getTime();
  }

  async active(accountId: string, fromMs: number, toMs: number): Promise<BookingHold[]> {
    return this.db
      .select({
        providerId: pmsBookingHolds.providerId,
        operatoryId: pmsBookingHolds.operatoryId,
        startMs: pmsBookingHolds.startMs,
        endMs: pmsBookingHolds.endMs,
      })
      .from(pmsBookingHolds)
      .where(
        and(
          eq(pmsBookingHolds.accountId, accountId),
          gt(pmsBookingHolds.expiresAt, this.now()),
          lt(pmsBookingHolds.startMs, toMs),
          gt(pmsBookingHolds.endMs, fromMs),
        ),
      );
  }

  /** One INSERT … SELECT … WHERE NOT EXISTS: two instances racing for the same chair cannot both win. */
  async take(accountId: string, hold: BookingHold): Promise<string | null> {
    const id = newId("hold");
    const now = this.now();
    const rows = await this.db.all<{ id: string }>(sql`
      insert into pms_booking_holds (id, account_id, provider_id, operatory_id, start_ms, end_ms, status, expires_at)
      select ${id}, ${accountId}, ${hold.providerId}, ${hold.operatoryId}, ${hold.startMs}, ${hold.endMs}, 'pending', ${now + PENDING_HOLD_MS}
      where not exists (
        select 1 from pms_booking_holds
         where account_id = ${accountId} and expires_at > ${now}
           and start_ms < ${hold.endMs} and end_ms > ${hold.startMs}
           and ((provider_id is not null and provider_id = ${hold.providerId}) or (operatory_id is not null and operatory_id = ${hold.operatoryId})))
      returning id`);
    return rows[0]?.id ?? null;
  }

  async release(holdId: string): Promise<void> {
    await this.db.delete(pmsBookingHolds).where(eq(pmsBookingHolds.id, holdId));
  }

  async attach(holdId: string, reference: string): Promise<void> {
    await this.db.update(pmsBookingHolds).set({ reference }).where(eq(pmsBookingHolds.id, holdId));
  }

  async confirm(holdId: string): Promise<void> {
    await this.db
      .update(pmsBookingHolds)
      .set({ status: "confirmed", expiresAt: this.now() + CONFIRMED_HOLD_MS })
      .where(eq(pmsBookingHolds.id, holdId));
  }

  /** Settles the hold of a tracked write when the poller learns its outcome. */
  async settle(reference: string, outcome: "completed" | "failed"): Promise<void> {
    if (outcome === "failed") {
      await this.db.delete(pmsBookingHolds).where(eq(pmsBookingHolds.reference, reference));
      return;
    }
    await this.db
      .update(pmsBookingHolds)
      .set({ status: "confirmed", expiresAt: this.now() + CONFIRMED_HOLD_MS })
      .where(eq(pmsBookingHolds.reference, reference));
  }
}
