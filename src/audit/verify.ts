import { asc, gt } from "drizzle-orm";
import type { Database } from "../db/client";
import { pmsAuditLogs } from "../db/schema";
import { type ChainKeys, GENESIS } from "./chain";

export type ChainReport =
  | { ok: true; rows: number; lastId: number | null }
  | { ok: false; rows: number; brokenAtId: number; reason: "edited" | "missing_or_reordered" | "unknown_key" | "unhashed" };

const PAGE = 5_000;

/**
 * Walks the whole chain in id order. An edited row fails its own HMAC; a deleted, inserted or
 * reordered row breaks the link to the row before it. Reports the first row where the chain breaks.
 */
export async function verifyAuditChain(db: Database, keys: ChainKeys): Promise<ChainReport> {
  let expectedPrev = GENESIS;
  let rows = 0;
  let afterId = 0;
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
    afterId = page[page.length - 1]!.id;
  }
  return { ok: true, rows, lastId };
}
