import { and, asc, gt, gte, lte, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { pmsAuditLogs } from "../db/schema";

/**
 * Audit rows as JSON lines, with their chain hashes, for retention outside the database: an archive
 * can later be checked link by link (each row's prevHash is the previous row's hash).
 */
export async function* exportAuditLines(db: Database, range: { from?: string; to?: string }): AsyncGenerator<string> {
  let afterId = 0;
  for (;;) {
    const where: SQL[] = [gt(pmsAuditLogs.id, afterId)];
    if (range.from) where.push(gte(pmsAuditLogs.createdAt, range.from));
    if (range.to) where.push(lte(pmsAuditLogs.createdAt, range.to));
    const page = await db
      .select()
      .from(pmsAuditLogs)
      .where(and(...where))
      .orderBy(asc(pmsAuditLogs.id))
      .limit(5_000);
    if (page.length === 0) return;
    for (const row of page) yield JSON.stringify(row);
    afterId = page.at(-1)?.id ?? afterId;
  }
}
