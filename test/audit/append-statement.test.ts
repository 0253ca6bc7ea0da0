import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { asc } from "drizzle-orm";
import type { AuditEvent } from "../../src/audit/events";
import { verifyAuditChain } from "../../src/audit/verify";
import { pmsAuditLogs } from "../../src/db/schema";
import { makeTestApp, type TestApp } from "../helpers/app";

/**
 * A batch binds each row's own values only: `prev_hash` points at the previous row's hash parameter and
 * the chain key id is bound once. What is stored must be exactly the chain the rows were hashed into,
 * across statement boundaries (64 rows per statement) and batches.
 */
let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const event = (i: number): AuditEvent =>
  i % 3 === 0
    ? {
        kind: "operation",
        ok: false,
        code: "VALIDATION",
        action: "book_appointment",
        accountId: `acc_${i % 7}`,
        callId: null,
        requestId: `req-${i}`,
        actor: "vapi",
        startedAt: 0,
      }
    : {
        kind: "operation",
        ok: true,
        status: 200,
        phi: i % 2 === 0,
        action: "get_patient",
        accountId: `acc_${i % 7}`,
        callId: `call-${i % 5}`,
        toolCallId: `tool-${i}`,
        patientId: String(i),
        requestId: `req-${i}`,
        actor: "clinic",
        startedAt: 0,
      };

describe("appending a batch of linked rows", () => {
  test("150 rows in one batch (three statements) and 5 more after it form one intact chain, every value as recorded", async () => {
    await Promise.all(Array.from({ length: 150 }, (_, i) => t.deps.audit.write(event(i))));
    for (let i = 150; i < 155; i++) await t.deps.audit.write(event(i));
    const rows = await t.deps.db.select().from(pmsAuditLogs).orderBy(asc(pmsAuditLogs.id));
    expect(rows).toHaveLength(155);
    rows.forEach((row, i) => {
      expect(row.prevHash).toBe(i === 0 ? "genesis" : (rows[i - 1]?.hash ?? ""));
      expect(row.requestId).toBe(`req-${i}`);
      expect(row.accountId).toBe(`acc_${i % 7}`);
      expect(row.success).toBe(i % 3 !== 0);
      expect(row.phiAccessed).toBe(i % 3 !== 0 && i % 2 === 0);
      expect(row.statusCode).toBe(i % 3 === 0 ? 400 : 200);
      expect(row.errorCode).toBe(i % 3 === 0 ? "VALIDATION" : null);
      expect(row.chainKeyId).toBe(t.deps.chainKeys.currentId);
    });
    expect(await verifyAuditChain(t.deps.db, t.deps.chainKeys)).toEqual({ ok: true, rows: 155, lastId: rows[154]?.id ?? null });
  });
});
