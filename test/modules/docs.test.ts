import { afterAll, beforeAll, expect, test } from "bun:test";
import { makeTestApp, type TestApp } from "../helpers/app";
import { json, jsonRequest } from "../helpers/request";

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

test("/docs/json documents every route of the contract with summaries and tags", async () => {
  const doc = await json(await t.handle(jsonRequest("/docs/json")));
  const expected: Array<[string, string]> = [
    ["get", "/api/pms/appointments/availability"],
    ["post", "/api/pms/appointments"],
    ["patch", "/api/pms/appointments"],
    ["delete", "/api/pms/appointments"],
    ["post", "/api/pms/patients/search"],
    ["get", "/api/pms/patients/{id}"],
    ["post", "/api/pms/patients"],
    ["post", "/api/pms/patients/{id}/notes"],
    ["get", "/api/pms/patients/{id}/balance"],
    ["get", "/api/pms/patients/{id}/insurance"],
    ["post", "/api/pms/payments"],
    ["post", "/api/admin/accounts"],
    ["get", "/api/admin/accounts"],
    ["get", "/api/admin/accounts/{id}"],
    ["patch", "/api/admin/accounts/{id}"],
    ["put", "/api/admin/accounts/{id}/pms"],
    ["get", "/api/admin/audit-logs"],
    ["get", "/health"],
    ["get", "/ready"],
  ];
  for (const [method, path] of expected) {
    const op = doc.paths[path]?.[method];
    expect({ path, method, documented: Boolean(op?.summary && op?.tags?.length) }).toEqual({ path, method, documented: true });
  }
  expect(doc.paths["/api/pms/appointments"].post.requestBody).toBeDefined();
  expect(doc.components.securitySchemes.vapiSignature).toBeDefined();
  expect(Object.keys(doc.paths).some((p) => p.includes("assets"))).toBe(false);
});

test("/docs renders from local assets only (no CDN), and the assets are served", async () => {
  const html = await (await t.handle(jsonRequest("/docs"))).text();
  expect(html).toContain("/docs/assets/swagger-ui-bundle.js");
  expect(html).toContain("/docs/assets/swagger-ui.css");
  expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|fonts)\./);
  const js = await t.handle(jsonRequest("/docs/assets/swagger-ui-bundle.js"));
  expect(js.status).toBe(200);
  expect(js.headers.get("content-type")).toContain("javascript");
  expect((await js.text()).length).toBeGreaterThan(100_000);
  expect((await t.handle(jsonRequest("/docs/assets/secrets.json"))).status).toBe(404);
});

test("/health and /ready", async () => {
  expect(await json(await t.handle(jsonRequest("/health")))).toEqual({ status: "ok" });
  expect(await json(await t.handle(jsonRequest("/ready")))).toEqual({ status: "ready", auditBacklog: 0 });
});

test("every response carries an x-request-id header (contract preamble)", async () => {
  for (const path of ["/health", "/ready", "/docs", "/docs/json", "/docs/assets/swagger-ui.css", "/nope", "/api/pms/patients/1"]) {
    const res = await t.handle(jsonRequest(path));
    expect({ path, id: res.headers.get("x-request-id")?.startsWith("req_") }).toEqual({ path, id: true });
  }
});
