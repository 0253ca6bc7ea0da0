import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { shippedMigrations } from "./migrate";

const expectedMigrations = shippedMigrations.length;

/** The triggers that make the audit log append-only and chained (migrations 0004 and 0005). */
export const AUDIT_GUARDS = [
  "pms_audit_logs_no_update",
  "pms_audit_logs_no_delete",
  "pms_audit_logs_chain",
  "audit_checkpoints_no_update",
  "audit_checkpoints_no_delete",
] as const;

/** The audit guards missing from the database: SQLite has no roles to forbid DROP TRIGGER, so we look. */
export async function missingAuditGuards(db: Database): Promise<string[]> {
  const rows = await db.all<{ name: string }>(sql`select name from sqlite_master where type = 'trigger'`);
  const present = new Set(rows.map((r) => r.name));
  return AUDIT_GUARDS.filter((g) => !present.has(g));
}

/** True when the database answers, holds every migration this build ships, and its audit guards are in place. */
export async function migrationsApplied(db: Database): Promise<boolean> {
  const rows = await db.all<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`);
  return Number(rows[0]?.n ?? 0) >= expectedMigrations && (await missingAuditGuards(db)).length === 0;
}
