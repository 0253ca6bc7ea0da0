import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { storableText } from "../../src/audit/audit-log";
import { verifyAuditChain } from "../../src/audit/verify";
import { makeTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

// Strings as an attacker would send them: NUL and other control characters, lone surrogates, emoji,
// very long values, and card numbers, in every id field of the row.
const nasty = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("\u0000", "a\u0000b", "\ud800", "x\udfffy", "4111 1111 1111 1111", "\u202e\u0007", "😀".repeat(200)),
);

test("property: random strings in every id field round-trip through the audit chain, and verification stays intact (300 rows)", async () => {
  await fc.assert(
    fc.asyncProperty(nasty, nasty, nasty, nasty, async (callId, toolCallId, patientId, requestId) => {
      await t.deps.audit.write({
        kind: "operation",
        ok: false,
        code: "VALIDATION",
        accountId: "acc-roundtrip",
        callId,
        toolCallId,
        action: "get_patient",
        patientId,
        requestId,
        actor: "vapi",
        startedAt: performance.now(),
      });
      const [row] = (await t.database.client.execute("select call_id, tool_call_id, patient_id, request_id from pms_audit_logs order by id desc limit 1")).rows;
      // What is stored is exactly what the chain hashed.
      expect(row!.call_id).toBe(storableText(callId));
      expect(row!.tool_call_id).toBe(storableText(toolCallId));
      expect(row!.patient_id).toBe(storableText(patientId));
      expect(row!.request_id).toBe(storableText(requestId) ?? "");
    }),
    { numRuns: 300 },
  );
  const report = await verifyAuditChain(t.deps.db, t.deps.chainKeys);
  expect(report).toMatchObject({ ok: true, rows: 300 });
});

test("a later edit is still detected after rows full of control characters", async () => {
  await t.database.client.execute("drop trigger if exists pms_audit_logs_no_update");
  const before = await verifyAuditChain(t.deps.db, t.deps.chainKeys);
  expect(before.ok).toBe(true);
  const triggers = (await t.database.client.execute("select name from sqlite_master where type = 'trigger' and tbl_name = 'pms_audit_logs'")).rows.map((r) =>
    String(r.name),
  );
  for (const name of triggers) await t.database.client.execute(`drop trigger ${name}`);
  await t.database.client.execute("update pms_audit_logs set patient_id = 'someone-else' where id = 150");
  const after = await verifyAuditChain(t.deps.db, t.deps.chainKeys);
  expect(after).toMatchObject({ ok: false, brokenAtId: 150, reason: "edited" });
});
