import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli";
import { clinicToken, createSandboxClinic, makeTestApp, TEST_JWT_SECRET, TEST_WEBHOOK_SECRET } from "../helpers/app";
import { bearer, jsonRequest } from "../helpers/request";

const K1 = "11".repeat(32);
const K2 = "22".repeat(32);

test("keys:rotate re-seals every credential with the new first key, idempotently; the old key can then go", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pms-gw-rot-"));
  const url = `file:${join(dir, "rot.db")}`;
  try {
    const before = await makeTestApp({ env: { DATABASE_URL: url, ENCRYPTION_KEY: `k1:${K1}` } });
    const account = await createSandboxClinic(before.deps);
    before.close();

    const env = {
      NODE_ENV: "test",
      DATABASE_URL: url,
      VAPI_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      ADMIN_JWT_SECRET: TEST_JWT_SECRET,
      ENCRYPTION_KEY: `k2:${K2},k1:${K1}`,
    };
    const run = async () => {
      const out: string[] = [];
      await runCli(["keys:rotate"], { env, stdin: async () => "", out: (s) => out.push(s), err: (s) => out.push(s) });
      return out.join("\n");
    };
    expect(await run()).toBe('re-sealed with key "k2": 1 credentials, 0 tokens');
    expect(await run()).toBe('re-sealed with key "k2": 0 credentials, 0 tokens');

    const after = await makeTestApp({ env: { DATABASE_URL: url, ENCRYPTION_KEY: `k2:${K2}` } });
    const res = await after.handle(jsonRequest("/api/pms/patients/1", { headers: bearer(await clinicToken(account.id)) }));
    expect(res.status).toBe(200);
    after.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
