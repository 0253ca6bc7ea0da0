import { and, asc, eq, sql } from "drizzle-orm";
import type { WritebackTracker } from "../connectors/types";
import type { Database } from "../db/client";
import { pmsWritebacks } from "../db/schema";
import { type Clock, toSqlTimestamp } from "../lib/clock";
import { newId } from "../lib/ids";

/** Give up on a writeback that has not finished after this long; the office sees it in the PMS queue. */
export const GIVE_UP_AFTER_MS = 24 * 3600_000;

export class WritebackStore implements WritebackTracker {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async track(input: { accountId: string; provider: string; writebackId: string; action: string; patientId: string | null }): Promise<string> {
    const reference = newId("reference");
    await this.db.insert(pmsWritebacks).values({ reference, ...input, status: "pending", createdAt: toSqlTimestamp(this.clock.now()) });
    return reference;
  }

  pending(limit: number) {
    return this.db.select().from(pmsWritebacks).where(eq(pmsWritebacks.status, "pending")).orderBy(asc(pmsWritebacks.createdAt)).limit(limit);
  }

  async finish(reference: string, status: "completed" | "failed", createdId: string | null) {
    await this.db
      .update(pmsWritebacks)
      .set({ status, createdId, completedAt: toSqlTimestamp(this.clock.now()) })
      .where(and(eq(pmsWritebacks.reference, reference), eq(pmsWritebacks.status, "pending")));
  }

  async touched(reference: string) {
    await this.db
      .update(pmsWritebacks)
      .set({ attempts: sql`${pmsWritebacks.attempts} + 1` })
      .where(eq(pmsWritebacks.reference, reference));
  }
}
