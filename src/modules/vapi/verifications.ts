import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { callVerifications } from "../../db/schema";

export type VerificationMethod = "name_dob" | "phone_dob" | "created";

/** Which patients a caller has proved to be, per Vapi call; persisted so a restart mid-call forgets nothing. */
export class CallVerifications {
  constructor(private readonly db: Database) {}

  async verify(accountId: string, callId: string, patientId: string, method: VerificationMethod): Promise<void> {
    await this.db.insert(callVerifications).values({ accountId, callId, patientId, method }).onConflictDoNothing();
  }

  async verifiedPatients(accountId: string, callId: string): Promise<Set<string>> {
    const rows = await this.db
      .select({ patientId: callVerifications.patientId })
      .from(callVerifications)
      .where(and(eq(callVerifications.accountId, accountId), eq(callVerifications.callId, callId)));
    return new Set(rows.map((r) => r.patientId));
  }
}
