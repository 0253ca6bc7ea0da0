import { afterAll, beforeAll, expect, test } from "bun:test";
import { adminToken, createSandboxClinic, makeTestApp, TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TEST_WEBHOOK_SECRET, type TestApp } from "../helpers/app";
import { bearer, envelope, jsonRequest, signedRequest } from "../helpers/request";

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

// Planted values: if any of them shows up in a log line, something logged a body, a header or a secret.
const CANARY_NAME = "Zebulonqx";
const CANARY_DOB = "1931-07-04";
const CANARY_PHONE = "+12025550188";
const CANARY_NOTE = "canary-note-text-7731";
const CANARY_SIKKA_SECRET = "canary-sikka-secret-key-99";

test("no PHI, credential or secret value ever reaches the logs", async () => {
  const account = await createSandboxClinic(t.deps);
  const admin = { ...bearer(await adminToken()), "x-account-id": account.id };
  await t.handle(
    jsonRequest("/api/pms/patients", { headers: admin, body: { firstName: CANARY_NAME, lastName: CANARY_NAME, dateOfBirth: CANARY_DOB, phone: CANARY_PHONE } }),
  );
  await t.handle(signedRequest("/api/pms/patients/search", { body: envelope(account.id, { query: CANARY_NAME }) }));
  await t.handle(jsonRequest(`/api/pms/patients/search?query=${CANARY_NAME}`, { headers: admin, body: {} }));
  await t.handle(jsonRequest("/api/pms/patients/1/notes", { headers: admin, body: { text: CANARY_NOTE } }));
  await t.handle(jsonRequest("/api/pms/payments", { headers: admin, body: { patientId: "1", amount: 5, method: "card", reference: "4242424242424242" } }));
  await t.handle(jsonRequest("/api/pms/patients", { headers: admin, body: { firstName: CANARY_NAME, dateOfBirth: CANARY_DOB } }));
  await t.handle(jsonRequest("/api/pms/patients/search", { headers: { "x-vapi-secret": "wrong-secret-canary" }, body: { query: CANARY_NAME } }));
  await t.handle(
    jsonRequest(`/api/admin/accounts/${account.id}/pms`, {
      method: "PUT",
      headers: bearer(await adminToken()),
      body: { provider: "sandbox", credentials: { secretKey: CANARY_SIKKA_SECRET } },
    }),
  );
  await t.idle(); // access-log lines and metrics are written after the response is handed back
  const logs = t.logLines.join("\n");
  expect(t.logLines.length).toBeGreaterThan(5);
  for (const planted of [
    CANARY_NAME,
    CANARY_DOB,
    CANARY_PHONE,
    "2025550188",
    CANARY_NOTE,
    CANARY_SIKKA_SECRET,
    "4242424242424242",
    TEST_WEBHOOK_SECRET,
    TEST_JWT_SECRET,
    TEST_ENCRYPTION_KEY,
    "wrong-secret-canary",
    "eyJ",
  ]) {
    expect(logs).not.toContain(planted);
  }
  // and each request did leave its access-log line
  expect(logs).toContain('"route":"/api/pms/patients/search"');
  expect(logs).toContain('"status":401');
});
