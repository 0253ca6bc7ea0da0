import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { callVerificationAttempts, callVerifications } from "../../db/schema";

export type VerificationMethod = "name_dob" | "phone_dob" | "created";

/** Calls whose verified patients are remembered at most. */
const MAX_REMEMBERED_CALLS = 10_000;
const callKey = (accountId: string, callId: string) => `${accountId}\n${callId}`;

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
    this.remember(accountId, callId, [patientId]);
  }

  /**
   * The patients verified in a call. With `needed`, a patient this process already knows to be verified
   * in the call is answered from memory: a verification is only ever added, never withdrawn, so what
   * was once read (or written) stays true. Anything else is read from the database (another instance
   * may have verified since), so the answer never says "not verified" from memory alone.
   */
  async verifiedPatients(accountId: string, callId: string, needed: string | null = null): Promise<Set<string>> {
    const known = this.known.get(callKey(accountId, callId));
    if (known && needed !== null && known.has(needed)) return new Set(known);
    const rows = await this.verifiedQuery.all({ accountId, callId });
    const patients = rows.map((r) => r.patientId);
    this.remember(accountId, callId, patients);
    return new Set(patients);
  }

  /** Verified patients per call seen by this process (bounded: an entry only saves a read). */
  private readonly known = new Map<string, Set<string>>();

  private remember(accountId: string, callId: string, patients: string[]) {
    if (patients.length === 0) return;
    const key = callKey(accountId, callId);
    let known = this.known.get(key);
    if (!known) {
      if (this.known.size >= MAX_REMEMBERED_CALLS) this.known.clear();
      known = new Set();
      this.known.set(key, known);
    }
    for (const patient of patients) known.add(patient);
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
