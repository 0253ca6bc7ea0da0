import { asc, desc, gt, lte } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditCheckpoints, pmsAuditLogs } from "../db/schema";
import { type ChainKeys, GENESIS } from "./chain";

export type ChainReport =
  | { ok: true; rows: number; lastId: number | null }
  | { ok: false; rows: number; brokenAtId: number; reason: "edited" | "missing_or_reordered" | "unknown_key" | "unhashed" | "before_checkpoint" };

const PAGE = 5_000;

/**
 * Walks the whole chain in id order (from the last retention checkpoint, if any). Rows left behind at or
 * below a checkpoint would be skipped by the walk, so their presence is itself reported. An edited row fails its own HMAC; a deleted, inserted or
 * reordered row breaks the link to the row before it. Reports the first row where the chain breaks.
 */
export async function verifyAuditChain(db: Database, keys: ChainKeys): Promise<ChainReport> {
  // After a retention purge the chain continues from the last checkpoint instead of the genesis.
  const [checkpoint] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
  let expectedPrev = checkpoint?.lastHash ?? GENESIS;
  let rows = 0;
  let afterId = checkpoint?.lastId ?? 0;
  if (checkpoint) {
    const [stray] = await db
      .select({ id: pmsAuditLogs.id })
      .from(pmsAuditLogs)
      .where(lte(pmsAuditLogs.id, checkpoint.lastId))
      .orderBy(asc(pmsAuditLogs.id))
      .limit(1);
    if (stray) return { ok: false, rows: 0, brokenAtId: stray.id, reason: "before_checkpoint" };
  }
  let lastId: number | null = null;
  for (;;) {
    const page = await db.select().from(pmsAuditLogs).where(gt(pmsAuditLogs.id, afterId)).orderBy(asc(pmsAuditLogs.id)).limit(PAGE);
    if (page.length === 0) break;
    for (const row of page) {
      rows++;
      if (!row.hash || !row.chainKeyId || row.prevHash === null) return { ok: false, rows, brokenAtId: row.id, reason: "unhashed" };
      if (row.prevHash !== expectedPrev) return { ok: false, rows, brokenAtId: row.id, reason: "missing_or_reordered" };
      const recomputed = keys.hash(row.chainKeyId, row.prevHash, row);
      if (recomputed === null) return { ok: false, rows, brokenAtId: row.id, reason: "unknown_key" };
      if (recomputed !== row.hash) return { ok: false, rows, brokenAtId: row.id, reason: "edited" };
      expectedPrev = row.hash;
      lastId = row.id;
    }
    afterId = page.at(-1)?.id ?? afterId;
  }
  return { ok: true, rows, lastId };
}
