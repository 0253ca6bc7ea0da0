import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mintToken } from "../../src/http/auth/jwt";
import { adminToken, clinicToken, createSandboxClinic, makeTestApp, TEST_NOW, type TestApp } from "../helpers/app";
import { bearer, json, jsonRequest } from "../helpers/request";

let t: TestApp;
let accountId: string;
beforeAll(async () => {
  t = await makeTestApp({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: "5" } });
  accountId = (await createSandboxClinic(t.deps)).id;
});
afterAll(() => t.close());

const from = (ip: string, headers: Record<string, string> = {}) => ({ ...headers, "x-test-client-ip": ip });

describe("failed staff and admin authentication counts toward the per-address budget", () => {
  test("bad admin tokens from one address become 429 with Retry-After; another address is unaffected", async () => {
    const forged = await mintToken("another-secret-another-secret-12345", { role: "admin" }, { ttlSeconds: 600, now: TEST_NOW });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await t.handle(jsonRequest("/api/admin/accounts", { headers: from("198.51.100.7", bearer(forged)) }));
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const metrics = await t.handle(jsonRequest("/metrics", { headers: from("198.51.100.7", bearer("nope")) }));
    expect(metrics.status).toBe(429);
    const other = await t.handle(jsonRequest("/api/admin/accounts", { headers: from("198.51.100.8", bearer(forged)) }));
    expect(other.status).toBe(401);
    // A valid token from the throttled address still works (shared egress addresses must not lock out clinics).
    const good = await t.handle(jsonRequest("/api/admin/accounts", { headers: from("198.51.100.7", bearer(await adminToken())) }));
    expect(good.status).toBe(200);
  });
});

describe("a disabled clinic's tokens are refused everywhere", () => {
  test("its account, audit log, metrics, call reports and PMS routes all refuse the token", async () => {
    const token = bearer(await clinicToken(accountId));
    const paths = [
      `/api/admin/accounts/${accountId}`,
      `/api/admin/audit-logs?accountId=${accountId}`,
      `/api/admin/metrics?accountId=${accountId}`,
      `/api/admin/call-reports?accountId=${accountId}`,
      "/api/pms/patients/1",
    ];
    for (const path of paths)
      expect({ path, status: (await t.handle(jsonRequest(path, { headers: from("203.0.113.1", token) }))).status }).toEqual({ path, status: 200 });
    await t.deps.accounts.update(accountId, { enabled: false });
    for (const path of paths) {
      const res = await t.handle(jsonRequest(path, { headers: from("203.0.113.2", token) }));
      expect({ path, status: res.status, code: (await json(res)).error?.code }).toEqual({
        path,
        status: path.startsWith("/api/pms") ? 404 : 401,
        code: path.startsWith("/api/pms") ? "ACCOUNT_NOT_FOUND" : "UNAUTHORIZED",
      });
    }
  });
});
