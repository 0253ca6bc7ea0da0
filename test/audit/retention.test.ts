import { afterEach, beforeEach, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { purgeAuditLog } from "../../src/audit/retention";
import { verifyAuditChain } from "../../src/audit/verify";
import { clinicToken, createSandboxClinic, makeTestApp, type TestApp, TestClock } from "../helpers/app";
import { bearer, jsonRequest } from "../helpers/request";

let t: TestApp;
/** Exports hold audit rows: each test writes its own in a folder that goes with it. */
let exports: string;
const clock = new TestClock(new Date("2019-06-01T12:00:00Z"));
beforeEach(async () => {
  clock.set(new Date("2019-06-01T12:00:00Z"));
  t = await makeTestApp({ fileDatabase: true, clock });
  exports = mkdtempSync(join(tmpdir(), "pms-gw-audit-export-"));
});
afterEach(() => {
  t.close();
  rmSync(exports, { recursive: true, force: true });
});

test("retention (T35): nothing younger than six years is purged; older rows are exported, checkpointed, then purged, and the chain still verifies", async () => {
  const account = await createSandboxClinic(t.deps);
  const read = async () => t.handle(jsonRequest("/api/pms/patients/1", { headers: bearer(await clinicToken(account.id, 3600, clock.now())) }));
  for (let i = 0; i < 3; i++) await read(); // rows dated 2019-06-01
  clock.set(new Date("2025-11-01T12:00:00Z"));
  for (let i = 0; i < 2; i++) await read(); // rows dated 2025-11-01
  const file = join(exports, "audit-export.jsonl");

  clock.set(new Date("2025-05-31T12:00:00Z")); // 5 years 364 days after the oldest row
  expect(await purgeAuditLog(t.deps.db, t.deps.chainKeys, clock, file)).toEqual({ purged: 0, reason: "nothing_past_retention" });

  clock.set(new Date("2025-06-02T12:00:00Z")); // 6 years and a day
  const report = await purgeAuditLog(t.deps.db, t.deps.chainKeys, clock, file);
  expect(report).toMatchObject({ purged: 3, lastId: 3 });
  const exported = readFileSync(file, "utf8");
  expect(
    exported
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id),
  ).toEqual([1, 2, 3]);
  expect(createHash("sha256").update(exported).digest("hex")).toBe((report as { exportSha256: string }).exportSha256);

  const remaining = await t.database.client.execute("select id from pms_audit_logs order by id");
  expect(remaining.rows.map((r) => Number(r.id))).toEqual([4, 5]);
  expect(await verifyAuditChain(t.deps.db, t.deps.chainKeys)).toEqual({ ok: true, rows: 2, lastId: 5 });
  // the log and the checkpoints stay append-only, and new rows keep chaining
  await expect(t.database.client.execute("delete from pms_audit_logs")).rejects.toThrow(/append-only/);
  await expect(t.database.client.execute("delete from audit_checkpoints")).rejects.toThrow(/append-only/);
  await read();
  expect(await verifyAuditChain(t.deps.db, t.deps.chainKeys)).toMatchObject({ ok: true, rows: 3 });
});

test("a broken chain is never purged", async () => {
  const account = await createSandboxClinic(t.deps);
  await t.handle(jsonRequest("/api/pms/patients/1", { headers: bearer(await clinicToken(account.id, 3600, clock.now())) }));
  await t.database.client.execute("drop trigger pms_audit_logs_no_update");
  await t.database.client.execute("update pms_audit_logs set success = 0");
  clock.set(new Date("2026-06-02T12:00:00Z"));
  await expect(purgeAuditLog(t.deps.db, t.deps.chainKeys, clock, join(exports, "audit-export.jsonl"))).rejects.toThrow(/broken/);
  expect(Number((await t.database.client.execute("select count(*) as n from pms_audit_logs")).rows[0]!.n)).toBe(1);
});
