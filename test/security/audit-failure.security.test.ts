import { afterAll, beforeAll, expect, test } from "bun:test";
import { clinicToken, createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";
import { bearer, json, jsonRequest } from "../helpers/request";

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

test("if the audit row cannot be written, the operation reports failure and reveals nothing (T31)", async () => {
  const account = await createSandboxClinic(t.deps);
  await t.database.client.execute("create trigger audit_outage before insert on pms_audit_logs begin select raise(abort, 'disk full'); end");
  const res = await t.handle(jsonRequest("/api/pms/patients/1", { headers: bearer(await clinicToken(account.id)) }));
  expect(res.status).toBe(500);
  const body = await json(res);
  expect(body.error.code).toBe("INTERNAL");
  expect(JSON.stringify(body)).not.toContain("Jane");
  await t.database.client.execute("drop trigger audit_outage");
  expect((await t.handle(jsonRequest("/api/pms/patients/1", { headers: bearer(await clinicToken(account.id)) }))).status).toBe(200);
});
