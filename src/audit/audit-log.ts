import { and, desc, eq, gte, lte, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { pmsAuditLogs } from "../db/schema";
import type { Actor } from "../http/auth/principal";
import { type Clock, toSqlTimestamp } from "../lib/clock";

export type AuditEntry = {
  accountId: string | null;
  callId: string | null;
  toolCallId: string | null;
  action: string;
  patientId: string | null;
  phiAccessed: boolean;
  success: boolean;
  statusCode: number;
  errorCode: string | null;
  responseTimeMs: number;
  requestId: string;
  actor: Actor | "system";
};

export type AuditRow = typeof pmsAuditLogs.$inferSelect;

export type AuditFilter = { accountId?: string; from?: string; to?: string; action?: string; limit: number };

/** Insert-only access to `pms_audit_logs`: this module exports no way to change or remove a row. */
export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.insert(pmsAuditLogs).values({
      accountId: entry.accountId,
      callId: entry.callId,
      toolCallId: entry.toolCallId,
      action: entry.action,
      patientId: entry.patientId,
      phiAccessed: entry.phiAccessed,
      success: entry.success,
      statusCode: entry.statusCode,
      errorCode: entry.errorCode,
      responseTime: Math.max(0, Math.round(entry.responseTimeMs)),
      requestId: entry.requestId,
      actor: entry.actor,
      createdAt: toSqlTimestamp(this.clock.now()),
    });
  }

  list(filter: AuditFilter): Promise<AuditRow[]> {
    const where: SQL[] = [];
    if (filter.accountId) where.push(eq(pmsAuditLogs.accountId, filter.accountId));
    if (filter.action) where.push(eq(pmsAuditLogs.action, filter.action));
    if (filter.from) where.push(gte(pmsAuditLogs.createdAt, filter.from));
    if (filter.to) where.push(lte(pmsAuditLogs.createdAt, filter.to));
    return this.db
      .select()
      .from(pmsAuditLogs)
      .where(and(...where))
      .orderBy(desc(pmsAuditLogs.id))
      .limit(filter.limit);
  }
}
