import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { verifyAuditChain } from "../../src/audit/verify";
import { clinicToken, createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";
import { bearer, json, jsonRequest } from "../helpers/request";

let t: TestApp;
let accountId: string;
let headers: Record<string, string>;
beforeAll(async () => {
  t = await makeTestApp();
  accountId = (await createSandboxClinic(t.deps)).id;
  headers = bearer(await clinicToken(accountId));
});
afterAll(() => t.close());

const outage = () => t.database.client.execute("create trigger audit_outage before insert on pms_audit_logs begin select raise(abort, 'disk full'); end");
const recover = () => t.database.client.execute("drop trigger audit_outage");
const auditRows = async (action: string) =>
  Number((await t.database.client.execute({ sql: "select count(*) as n from pms_audit_logs where action = ?", args: [action] })).rows[0]!.n);

describe("an audit store that fails", () => {
  test("a read reports failure and reveals nothing: PHI is never returned without its audit row", async () => {
    await outage();
    const res = await t.handle(jsonRequest("/api/pms/patients/1", { headers }));
    expect(res.status).toBe(500);
    const body = await json(res);
    expect(body.error.code).toBe("INTERNAL");
    expect(JSON.stringify(body)).not.toContain("Jane");
    await recover();
    expect((await t.handle(jsonRequest("/api/pms/patients/1", { headers }))).status).toBe(200);
  });

  test("after a write: the caller gets the write's true outcome, the row waits in the backlog (/ready shows it) and lands later", async () => {
    const notesBefore = await auditRows("add_patient_note");
    await outage();
    const res = await t.handle(jsonRequest("/api/pms/patients/1/notes", { body: { text: "Prefers afternoons." }, headers }));
    expect(res.status).toBe(201);
    expect((await json(res)).data.note.id).toBeTruthy();
    const notes = (await t.database.client.execute("select count(*) as n from sandbox_notes where text = 'Prefers afternoons.'")).rows[0]!.n;
    expect(Number(notes)).toBe(1);
    expect(await json(await t.handle(jsonRequest("/ready")))).toEqual({ status: "ready", auditBacklog: 1 });
    expect(await t.deps.audit.flushBacklog()).toBe(false); // still failing: kept, not dropped
    expect(t.deps.audit.backlogSize).toBe(1);
    await recover();
    expect(await t.deps.audit.drain(5_000)).toBe(true);
    expect(await auditRows("add_patient_note")).toBe(notesBefore + 1);
    expect(await json(await t.handle(jsonRequest("/ready")))).toEqual({ status: "ready", auditBacklog: 0 });
    expect((await verifyAuditChain(t.deps.db, t.deps.chainKeys)).ok).toBe(true);
  });

  test("a write whose intent cannot be recorded is never sent to the PMS", async () => {
    await t.database.client.execute("create trigger intent_outage before insert on idempotency_keys begin select raise(abort, 'disk full'); end");
    const res = await t.handle(jsonRequest("/api/pms/patients/1/notes", { body: { text: "Should never arrive." }, headers }));
    expect(res.status).toBe(503);
    expect((await json(res)).error.code).toBe("PMS_UNAVAILABLE");
    await t.database.client.execute("drop trigger intent_outage");
    const notes = (await t.database.client.execute("select count(*) as n from sandbox_notes where text = 'Should never arrive.'")).rows[0]!.n;
    expect(Number(notes)).toBe(0);
  });
});
