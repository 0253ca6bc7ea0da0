import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import {
  adminToken,
  clinicToken,
  createSandboxClinic,
  makeTestApp,
  TEST_ENCRYPTION_KEY,
  TEST_JWT_SECRET,
  TEST_WEBHOOK_SECRET,
  type TestApp,
} from "../helpers/app";
import { cliEnvironment, runCliCaptured } from "../helpers/cli";
import { bearer, json, jsonRequest } from "../helpers/request";

let t: TestApp;
let headers: Record<string, string>;
let dbUrl: string;
/** The CLI's environment, on this test app's own database. */
const cliEnv = () => cliEnvironment("", { DATABASE_URL: dbUrl });
beforeEach(async () => {
  t = await makeTestApp({ fileDatabase: true });
  dbUrl = t.deps.config.database.url;
  headers = bearer(await clinicToken((await createSandboxClinic(t.deps)).id));
  for (const path of ["/api/pms/patients/1", "/api/pms/patients/2/balance", "/api/pms/patients/3/insurance", "/api/pms/patients/999", "/api/pms/patients/4"]) {
    await t.handle(jsonRequest(path, { headers }));
  }
});
afterEach(() => t.close());

const verify = async () => json(await t.handle(jsonRequest("/api/admin/audit-logs/verify", { headers: bearer(await adminToken()) })));

/** Someone with the database file: drops the triggers, then tampers. */
async function tamper(statements: string[]) {
  const raw = createClient({ url: dbUrl });
  await raw.execute("drop trigger pms_audit_logs_no_update");
  await raw.execute("drop trigger pms_audit_logs_no_delete");
  await raw.execute("drop trigger pms_audit_logs_chain");
  for (const s of statements) await raw.execute(s);
  raw.close();
}

describe("the audit log is append-only and tamper-evident", () => {
  test("a dropped guard is noticed: /ready reports not ready (T32)", async () => {
    expect((await t.handle(jsonRequest("/ready"))).status).toBe(200);
    await tamper([]);
    const res = await t.handle(jsonRequest("/ready"));
    expect(res.status).toBe(503);
    // and the service refuses to start on such a database
    const proc = Bun.spawn([process.execPath, "src/index.ts"], {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "test",
        DATABASE_URL: dbUrl,
        VAPI_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
        ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        ADMIN_JWT_SECRET: TEST_JWT_SECRET,
        PORT: "0",
        LOG_LEVEL: "silent",
      },
      stdout: "ignore",
      stderr: "pipe",
    });
    expect(await proc.exited).toBe(1);
    expect(await new Response(proc.stderr).text()).toContain("audit log guards are missing");
  });

  test("UPDATE and DELETE are refused by the database; an out-of-chain INSERT too", async () => {
    await expect(t.database.client.execute("update pms_audit_logs set success = 1")).rejects.toThrow(/append-only/);
    await expect(t.database.client.execute("delete from pms_audit_logs")).rejects.toThrow(/append-only/);
    await expect(
      t.database.client.execute(
        "insert into pms_audit_logs (action, phi_accessed, success, status_code, response_time, request_id, actor, prev_hash, hash) values ('x', 0, 1, 200, 1, 'r', 'system', 'genesis', 'forged')",
      ),
    ).rejects.toThrow(/chain/);
  });

  test("an intact chain verifies, over the API and the CLI", async () => {
    expect(await verify()).toEqual({ ok: true, rows: 5, lastId: 5 });
    const { code, out } = await runCliCaptured(["audit:verify"], cliEnv());
    expect(code).toBe(0);
    expect(JSON.parse(out.split("\n")[0]!)).toMatchObject({ ok: true, rows: 5 });
  });

  test("an edited row is found", async () => {
    await tamper(["update pms_audit_logs set success = 1, error_code = null where id = 4"]);
    expect(await verify()).toMatchObject({ ok: false, brokenAtId: 4, reason: "edited" });
  });

  test("a deleted row is found", async () => {
    await tamper(["delete from pms_audit_logs where id = 2"]);
    expect(await verify()).toMatchObject({ ok: false, brokenAtId: 3, reason: "missing_or_reordered" });
  });

  test("reordered rows are found", async () => {
    await tamper([
      "update pms_audit_logs set id = 100 where id = 2",
      "update pms_audit_logs set id = 2 where id = 3",
      "update pms_audit_logs set id = 3 where id = 100",
    ]);
    expect(await verify()).toMatchObject({ ok: false, brokenAtId: 2, reason: "missing_or_reordered" });
  });

  test("a row recomputed without the key is found", async () => {
    await tamper(["update pms_audit_logs set hash = 'f00d', action = 'get_patient' where id = 5"]);
    expect(await verify()).toMatchObject({ ok: false, brokenAtId: 5, reason: "edited" });
  });

  test("after verification fails new rows still append, and the app keeps serving", async () => {
    await tamper(["delete from pms_audit_logs where id = 5"]);
    expect((await t.handle(jsonRequest("/api/pms/patients/1", { headers }))).status).toBe(200);
  });

  test("audit:export writes JSON lines with the chain hashes, linkable by an archive", async () => {
    const { out } = await runCliCaptured(["audit:export", "--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00Z"], cliEnv());
    const rows = out.split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(5);
    expect(rows[0].prevHash).toBe("genesis");
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
  });
});
