import { createHash } from "node:crypto";
import { appendFileSync, writeFileSync } from "node:fs";
import { asc, desc, gte, lte, sql } from "drizzle-orm";
import { DateTime } from "luxon";
import type { Database } from "../db/client";
import { auditCheckpoints, pmsAuditLogs } from "../db/schema";
import { type Clock, toSqlTimestamp } from "../lib/clock";
import type { ChainKeys } from "./chain";
import { exportAuditLines } from "./export";
import { verifyAuditChain } from "./verify";

/** HIPAA documentation retention: six years. Nothing younger is ever purged. */
export const RETENTION_YEARS = 6;

const NO_DELETE_TRIGGER = `CREATE TRIGGER \`pms_audit_logs_no_delete\` BEFORE DELETE ON \`pms_audit_logs\`
BEGIN
  SELECT RAISE(ABORT, 'pms_audit_logs is append-only');
END`;

export type PurgeReport = { purged: 0; reason: "nothing_past_retention" } | { purged: number; lastId: number; exportFile: string; exportSha256: string };

/**
 * Purges audit rows older than the retention period, and only after they are exported: the oldest
 * rows (an id prefix) go to a JSON-lines file with their hashes, a checkpoint records where the chain
 * continues (last id, last hash, the export's SHA-256), and the rows are deleted in the same atomic
 * batch that briefly lifts the no-delete trigger. A broken chain is never purged.
 */
export async function purgeAuditLog(db: Database, keys: ChainKeys, clock: Clock, exportFile: string): Promise<PurgeReport> {
  const cutoff = toSqlTimestamp(DateTime.fromJSDate(clock.now(), { zone: "utc" }).minus({ years: RETENTION_YEARS }).toJSDate());
  const [firstKept] = await db
    .select({ id: pmsAuditLogs.id })
    .from(pmsAuditLogs)
    .where(gte(pmsAuditLogs.createdAt, cutoff))
    .orderBy(asc(pmsAuditLogs.id))
    .limit(1);
  const [last] = firstKept
    ? await db
        .select({ id: pmsAuditLogs.id, hash: pmsAuditLogs.hash })
        .from(pmsAuditLogs)
        .where(lte(pmsAuditLogs.id, firstKept.id - 1))
        .orderBy(desc(pmsAuditLogs.id))
        .limit(1)
    : await db.select({ id: pmsAuditLogs.id, hash: pmsAuditLogs.hash }).from(pmsAuditLogs).orderBy(desc(pmsAuditLogs.id)).limit(1);
  if (!last?.hash) return { purged: 0, reason: "nothing_past_retention" };

  const chain = await verifyAuditChain(db, keys);
  if (!chain.ok) throw new Error(`the audit chain is broken at row ${chain.brokenAtId} (${chain.reason}); nothing was purged`);

  writeFileSync(exportFile, "", { mode: 0o600 });
  const digest = createHash("sha256");
  let rows = 0;
  for await (const line of exportAuditLines(db, {})) {
    const row = JSON.parse(line) as { id: number };
    if (row.id > last.id) break;
    appendFileSync(exportFile, `${line}\n`);
    digest.update(`${line}\n`);
    rows++;
  }
  const exportSha256 = digest.digest("hex");

  await db.batch([
    db.insert(auditCheckpoints).values({ lastId: last.id, lastHash: last.hash, purgedRows: rows, exportSha256, createdAt: toSqlTimestamp(clock.now()) }),
    db.run(sql.raw("DROP TRIGGER `pms_audit_logs_no_delete`")),
    db.delete(pmsAuditLogs).where(lte(pmsAuditLogs.id, last.id)),
    db.run(sql.raw(NO_DELETE_TRIGGER)),
  ]);
  return { purged: rows, lastId: last.id, exportFile, exportSha256 };
}
