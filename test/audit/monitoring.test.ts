import { afterAll, beforeAll, expect, test } from "bun:test";
import { adminToken, clinicToken, createSandboxClinic, makeTestApp, type TestApp } from "../helpers/app";
import { bearer, json, jsonRequest } from "../helpers/request";

let t: TestApp;
let a: string;
let b: string;
beforeAll(async () => {
  t = await makeTestApp({ env: { METRICS_TOKEN: "m".repeat(40) } });
  a = (await createSandboxClinic(t.deps, { name: "A" })).id;
  b = (await createSandboxClinic(t.deps, { name: "B" })).id;
  const ha = bearer(await clinicToken(a));
  for (const p of ["/api/pms/patients/1", "/api/pms/patients/2", "/api/pms/patients/1/balance", "/api/pms/patients/999"])
    await t.handle(jsonRequest(p, { headers: ha }));
  await t.handle(jsonRequest("/api/pms/patients/13", { headers: bearer(await clinicToken(b)) }));
});
afterAll(() => t.close());

test("GET /api/admin/metrics: per-action times, error rate, PHI accesses and distinct patients, per clinic", async () => {
  const m = await json(await t.handle(jsonRequest(`/api/admin/metrics?accountId=${a}&window=1h`, { headers: bearer(await adminToken()) })));
  expect(m).toMatchObject({ window: "1h", requests: 4, errorRate: 25, phi: { accesses: 3, distinctPatients: 2 } });
  expect(m.perAction.map((r: { action: string; count: number; errors: number }) => [r.action, r.count, r.errors])).toEqual([
    ["get_patient", 3, 1],
    ["get_patient_balance", 1, 0],
  ]);
  const all = await json(await t.handle(jsonRequest("/api/admin/metrics?window=24h", { headers: bearer(await adminToken()) })));
  expect(all.requests).toBe(5);
  // a clinic sees only its own figures
  const own = await json(await t.handle(jsonRequest("/api/admin/metrics", { headers: bearer(await clinicToken(b)) })));
  expect(own.requests).toBe(1);
  expect((await t.handle(jsonRequest(`/api/admin/metrics?accountId=${a}`, { headers: bearer(await clinicToken(b)) }))).status).toBe(403);
});

test("/metrics serves Prometheus text to the admin token or METRICS_TOKEN only", async () => {
  await t.idle(); // access-log lines and metrics are written after the response is handed back
  const res = await t.handle(jsonRequest("/metrics", { headers: bearer("m".repeat(40)) }));
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text).toContain('pms_gateway_http_requests_total{method="GET",route="/api/pms/patients/:id",status="200"}');
  expect(text).toContain('pms_gateway_operations_total{action="get_patient",outcome="PATIENT_NOT_FOUND"} 1');
  expect(text).not.toMatch(/acc_|patient_id|Jane/);
  expect((await t.handle(jsonRequest("/metrics", { headers: bearer(await adminToken()) }))).status).toBe(200);
  expect((await t.handle(jsonRequest("/metrics"))).status).toBe(401);
  expect((await t.handle(jsonRequest("/metrics", { headers: bearer(await clinicToken(a)) }))).status).toBe(403);
});
