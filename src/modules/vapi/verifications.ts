import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { callVerificationAttempts, callVerifications } from "../../db/schema";

export type VerificationMethod = "name_dob" | "phone_dob" | "created";

/** Failed attempts after which a call may not try to verify again. */
export const MAX_FAILED_VERIFICATIONS = 5;

/** Which patients a caller has proved to be, per Vapi call; persisted so a restart mid-call forgets nothing. */
export class CallVerifications {
  /** Asked before every write of a call: built once with placeholders (building it cost more than running it). */
  private readonly verifiedQuery;

  constructor(private readonly db: Database) {
    this.verifiedQuery = db
      .select({ patientId: callVerifications.patientId })
      .from(callVerifications)
      .where(and(eq(callVerifications.accountId, sql.placeholder("accountId")), eq(callVerifications.callId, sql.placeholder("callId"))))
      .prepare();
  }

  async verify(accountId: string, callId: string, patientId: string, method: VerificationMethod): Promise<void> {
    await this.db.insert(callVerifications).values({ accountId, callId, patientId, method }).onConflictDoNothing();
  }

  async verifiedPatients(accountId: string, callId: string): Promise<Set<string>> {
    const rows = await this.verifiedQuery.all({ accountId, callId });
    return new Set(rows.map((r) => r.patientId));
  }

  /** Counts one failed attempt (a full set of details that matched nobody uniquely); returns the new count. */
  async recordFailure(accountId: string, callId: string): Promise<number> {
    const [row] = await this.db
      .insert(callVerificationAttempts)
      .values({ accountId, callId, failures: 1 })
      .onConflictDoUpdate({
        target: [callVerificationAttempts.accountId, callVerificationAttempts.callId],
        set: { failures: sql`${callVerificationAttempts.failures} + 1`, updatedAt: sql`(strftime('%Y-%m-%d %H:%M:%f', 'now'))` },
      })
      .returning({ failures: callVerificationAttempts.failures });
    return row?.failures ?? MAX_FAILED_VERIFICATIONS;
  }

  async failures(accountId: string, callId: string): Promise<number> {
    const [row] = await this.db
      .select({ failures: callVerificationAttempts.failures })
      .from(callVerificationAttempts)
      .where(and(eq(callVerificationAttempts.accountId, accountId), eq(callVerificationAttempts.callId, callId)));
    return row?.failures ?? 0;
  }
}
