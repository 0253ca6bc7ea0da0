import { and, desc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import type { AuditLog } from "../../audit/audit-log";
import type { Database } from "../../db/client";
import { callReports } from "../../db/schema";
import { redactCardData } from "../../domain/card-data";
import { type Clock, toSqlTimestamp } from "../../lib/clock";
import { asObject, type JsonObject } from "../../lib/json";

const str = (v: unknown, max: number) => (typeof v === "string" && v.length > 0 ? v.slice(0, max) : null);

/** Redacted before it is cut to length, so a number split by the cut cannot survive in part. */
const redactOrNull = (text: unknown) => (typeof text === "string" && text.length > 0 ? redactCardData(text).slice(0, 4000) : null);

export type EndOfCallFacts = { callId: string; endedReason: string | null; durationSeconds: number | null; summary: string | null };

/** Reads an end-of-call-report: `artifact`/`analysis` first, then the 2024 top-level fields. */
export function endOfCallFacts(message: JsonObject): EndOfCallFacts | null {
  const callId = str(asObject(message.call)?.id, 200);
  if (!callId) return null;
  const analysis = asObject(message.analysis);
  const started = Date.parse(String(message.startedAt ?? asObject(message.call)?.startedAt ?? ""));
  const ended = Date.parse(String(message.endedAt ?? asObject(message.call)?.endedAt ?? ""));
  const duration =
    typeof message.durationSeconds === "number"
      ? Math.round(message.durationSeconds)
      : Number.isFinite(started) && Number.isFinite(ended)
        ? Math.round((ended - started) / 1000)
        : null;
  return {
    callId,
    endedReason: str(message.endedReason, 120),
    durationSeconds: duration,
    // The summary is Vapi's free text: a caller may have read out a card number. Redact, never refuse.
    summary: redactOrNull(analysis?.summary ?? message.summary),
  };
}

/** End-of-call reports, once per call; the transcript is never stored. */
export class CallReports {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** True when stored now; false when this call was already reported (a repeat is a no-op). */
  async store(accountId: string, facts: EndOfCallFacts): Promise<{ stored: boolean; patientIds: string[] }> {
    const patientIds = await this.audit.patientsTouchedInCall(accountId, facts.callId);
    const inserted = await this.db
      .insert(callReports)
      .values({
        accountId,
        callId: facts.callId,
        endedReason: facts.endedReason,
        durationSeconds: facts.durationSeconds,
        summary: facts.summary,
        patientIds,
        createdAt: toSqlTimestamp(this.clock.now()),
      })
      .onConflictDoNothing()
      .returning({ id: callReports.id });
    return { stored: inserted.length > 0, patientIds };
  }

  /** Calls that touched the PMS since a time but have no stored report (a report that never arrived). */
  async callsWithoutReport(since: string): Promise<Array<{ accountId: string; callId: string }>> {
    const calls = await this.audit.callsSince(since);
    if (calls.length === 0) return [];
    const reported = await this.db
      .select({ accountId: callReports.accountId, callId: callReports.callId })
      .from(callReports)
      .where(inArray(callReports.callId, [...new Set(calls.map((c) => c.callId))]));
    const done = new Set(reported.map((r) => `${r.accountId}\u0000${r.callId}`));
    return calls.filter((c) => !done.has(`${c.accountId}\u0000${c.callId}`));
  }

  async recordSummaryNote(accountId: string, callId: string, noteId: string): Promise<void> {
    await this.db
      .update(callReports)
      .set({ summaryNoteId: noteId })
      .where(and(eq(callReports.accountId, accountId), eq(callReports.callId, callId)));
  }

  list(filter: { accountId?: string; from?: string; to?: string; limit: number }) {
    const where: SQL[] = [];
    if (filter.accountId) where.push(eq(callReports.accountId, filter.accountId));
    if (filter.from) where.push(gte(callReports.createdAt, filter.from));
    if (filter.to) where.push(lte(callReports.createdAt, filter.to));
    return this.db
      .select()
      .from(callReports)
      .where(and(...where))
      .orderBy(desc(callReports.id))
      .limit(filter.limit);
  }
}
