import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { AuditEvent } from "../../src/audit/events";
import { makeTestApp, type TestApp } from "../helpers/app";

/**
 * Under load the requests in flight record their audit rows over several consecutive turns of the event
 * loop. Those rows share one commit (one set of log frames) instead of a commit per turn, and every
 * caller still learns of its row only once it is durable.
 */
let t: TestApp;
let walFile: string;

const WAL_HEADER = 32;
const FRAME = 24 + 4096;
const walFrames = () => Math.round((statSync(walFile).size - WAL_HEADER) / FRAME);
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const auditRows = async () => Number((await t.deps.db.all<{ n: number }>(sql`select count(*) as n from pms_audit_logs`))[0]?.n);

const event = (i: number): AuditEvent => ({
  kind: "operation",
  ok: true,
  status: 200,
  phi: false,
  action: "check_availability",
  accountId: "acc_gathering",
  callId: "call-gathering",
  toolCallId: `tool-${i}`,
  requestId: `req-${i}`,
  actor: "vapi",
  startedAt: performance.now(),
});

/**
 * One row recorded in this turn and in each of the next `turns - 1`, as requests reaching their audit do:
 * a request handled in a turn records its row before that turn's look at the batch (the next turn is
 * asked for first, so it runs before the look the write schedules).
 */
async function recordOverTurns(from: number, turns: number): Promise<Array<Promise<void>>> {
  const written: Array<Promise<void>> = [];
  for (let i = 0; i < turns; i++) {
    const next = turn();
    written.push(t.deps.audit.write(event(from + i)));
    await next;
  }
  return written;
}

beforeEach(async () => {
  t = await makeTestApp({ fileDatabase: true });
  walFile = `${t.deps.config.database.url.slice("file:".length)}-wal`;
  await t.deps.db.run(sql.raw("PRAGMA wal_autocheckpoint = 0"));
});
afterEach(() => t.close());

describe("audit rows recorded over consecutive turns share one commit", () => {
  test("twenty rows, one per turn, append one commit's frames; one by one they append twenty", async () => {
    await t.deps.audit.write(event(0));
    const before = walFrames();
    await Promise.all(await recordOverTurns(1, 20));
    const gathered = walFrames() - before;
    for (let i = 100; i < 120; i++) await t.deps.audit.write(event(i));
    const oneByOne = walFrames() - before - gathered;
    expect(await auditRows()).toBe(41);
    // One commit dirties the table, its two indexes and the sequence: a handful of pages, not twenty commits' worth.
    expect(gathered).toBeLessThanOrEqual(8);
    expect(oneByOne).toBeGreaterThanOrEqual(20 * 3);
  });

  test("every caller of a gathered batch is told once all its rows are durable, not before", async () => {
    const written = await recordOverTurns(0, 10);
    const settled = written.map((p) => p.then(() => auditRows()));
    // Each caller, once told its row is written, finds every row of its batch in the table.
    for (const rowsSeen of await Promise.all(settled)) expect(rowsSeen).toBe(10);
  });
});
