import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyToken } from "../../src/http/auth/jwt";
import { startFakeVapiApi } from "../fakes/vapi-api";
import { TEST_JWT_SECRET } from "../helpers/app";
import { cliEnvironment, runCliCaptured } from "../helpers/cli";

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pms-gw-cli-"));
  env = cliEnvironment(dir, { PUBLIC_URL: "https://gateway.example.com" });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (argv: string[], stdin = "", extraEnv: Record<string, string> = {}) => runCliCaptured(argv, { ...env, ...extraEnv }, stdin);

describe("npm run cli", () => {
  test("token mints admin and clinic JWTs the service accepts", async () => {
    const admin = await cli(["token", "--role", "admin", "--ttl", "60"]);
    expect(admin.code).toBe(0);
    expect(await verifyToken(TEST_JWT_SECRET, admin.out, new Date())).toEqual({ kind: "admin" });
    const clinic = await cli(["token", "--role", "clinic", "--account", "acc_x"]);
    expect(await verifyToken(TEST_JWT_SECRET, clinic.out, new Date())).toEqual({ kind: "clinic", accountId: "acc_x" });
    expect((await cli(["token", "--role", "clinic"])).code).toBe(2);
  });

  test("accounts:create, accounts:list and pms:set with credentials from stdin", async () => {
    const created = await cli(["accounts:create", "--name", "North Dental", "--timezone", "America/Chicago"]);
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.out);
    expect((await cli(["accounts:list"])).out).toContain(`${id}\tNorth Dental\tAmerica/Chicago\tenabled\tno PMS`);
    const set = await cli(["pms:set", "--account", id, "--provider", "sandbox"], "{}");
    expect(set.code).toBe(0);
    expect(JSON.parse(set.out)).toMatchObject({ provider: "sandbox", configured: true });
    expect((await cli(["accounts:list"])).out).toContain("\tsandbox");
    const bad = await cli(["pms:set", "--account", id, "--provider", "sandbox"], '{"secretKey": "STDIN-SECRET"}');
    expect(bad.code).toBe(2);
    expect(bad.err).not.toContain("STDIN-SECRET");
    expect((await cli(["accounts:create", "--name", "X", "--timezone", "Nowhere/City"])).code).toBe(2);
  });

  test("unknown commands print the usage", async () => {
    const res = await cli(["frobnicate"]);
    expect(res.code).toBe(2);
    expect(res.err).toContain("usage:");
  });
});

describe("vapi:sync against a local fake Vapi API", () => {
  test("creates the eleven tools, attaches them, and changes nothing on a second run", async () => {
    const vapi = startFakeVapiApi("vapi-test-key");
    try {
      vapi.addAssistant({ id: "asst-1", name: "Receptionist", model: { provider: "openai", model: "gpt-4o", toolIds: ["tool-unrelated"] } });
      vapi.tools.set("tool-unrelated", { id: "tool-unrelated", type: "endCall" });
      const syncEnv = { VAPI_API_KEY: "vapi-test-key", VAPI_API_URL: vapi.url };
      const first = await cli(["vapi:sync", "--assistant", "asst-1"], "", syncEnv);
      expect(first.code).toBe(0);
      expect(first.out).toContain("created: check_availability, book_appointment");
      const toolIds = vapi.assistants.get("asst-1")!.model!.toolIds as string[];
      expect(toolIds).toHaveLength(12);
      expect(toolIds[0]).toBe("tool-unrelated");
      const booking = [...vapi.tools.values()].find((t) => (t.function as { name: string } | undefined)?.name === "book_appointment")!;
      expect(booking.server).toEqual({ url: "https://gateway.example.com/api/vapi/webhook", timeoutSeconds: 20 });

      const writesBefore = vapi.log.filter((l) => l.method !== "GET").length;
      const second = await cli(["vapi:sync", "--assistant", "asst-1"], "", syncEnv);
      expect(second.out).toContain("created: none\nupdated: none\nunchanged: 11 tools\nassistant unchanged");
      expect(vapi.log.filter((l) => l.method !== "GET").length).toBe(writesBefore);

      // a changed definition (another PUBLIC_URL) is updated in place, not duplicated
      const third = await cli(["vapi:sync", "--assistant", "asst-1"], "", { ...syncEnv, PUBLIC_URL: "https://gw2.example.com" });
      expect(third.out).toContain("updated: check_availability");
      expect(vapi.tools.size).toBe(12);
      expect((vapi.assistants.get("asst-1")!.model!.toolIds as string[]).length).toBe(12);
    } finally {
      vapi.stop();
    }
  });

  test("a wrong API key or an unknown assistant is a clear failure", async () => {
    const vapi = startFakeVapiApi("right-key");
    try {
      const wrong = await cli(["vapi:sync", "--assistant", "asst-1"], "", { VAPI_API_KEY: "wrong-key", VAPI_API_URL: vapi.url });
      expect(wrong.code).toBe(2);
      expect(wrong.err).toContain("401");
      expect(wrong.err).not.toContain("wrong-key");
      const missing = await cli(["vapi:sync", "--assistant", "nope"], "", { VAPI_API_KEY: "right-key", VAPI_API_URL: vapi.url });
      expect(missing.err).toContain("404");
      expect((await cli(["vapi:sync", "--assistant", "x"])).err).toContain("VAPI_API_KEY");
    } finally {
      vapi.stop();
    }
  });
});

describe("vapi:reconcile", () => {
  test("fetches the end-of-call reports that never arrived, once, and only for ended calls (T20)", async () => {
    const { makeTestApp, createSandboxClinic } = await import("../helpers/app");
    const { webhook, toolCallsMessage, CLINIC_PHONE_NUMBER_ID } = await import("../helpers/vapi");
    const app = await makeTestApp({ env: { DATABASE_URL: env.DATABASE_URL! } });
    await createSandboxClinic(app.deps, { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID] });
    for (const callId of ["call-delivered", "call-missed", "call-live"]) {
      await app.handle(webhook(toolCallsMessage([{ id: `s-${callId}`, name: "check_availability", arguments: { date: "2026-12-02" } }], { callId })));
    }
    await app.handle(
      webhook({
        message: { type: "end-of-call-report", endedReason: "customer-ended-call", call: { id: "call-delivered", phoneNumberId: CLINIC_PHONE_NUMBER_ID } },
      }),
    );
    app.close();

    const vapi = startFakeVapiApi("vapi-key");
    try {
      vapi.calls.set("call-missed", {
        id: "call-missed",
        status: "ended",
        endedReason: "assistant-ended-call",
        startedAt: "2026-12-01T14:00:00.000Z",
        endedAt: "2026-12-01T14:03:00.000Z",
        analysis: { summary: "Asked about openings." },
      });
      vapi.calls.set("call-live", { id: "call-live", status: "in-progress" });
      const vapiEnv = { VAPI_API_KEY: "vapi-key", VAPI_API_URL: vapi.url };
      const first = await cli(["vapi:reconcile", "--since", "2026-12-01T00:00:00Z"], "", vapiEnv);
      expect(JSON.parse(first.out)).toEqual({ checked: 2, stored: 1, notEnded: 1, unknown: 0 });
      const second = await cli(["vapi:reconcile", "--since", "2026-12-01T00:00:00Z"], "", vapiEnv);
      expect(JSON.parse(second.out)).toEqual({ checked: 1, stored: 0, notEnded: 1, unknown: 0 });
      const { createClient } = await import("@libsql/client");
      const raw = createClient({ url: env.DATABASE_URL! });
      const rows = (await raw.execute("select call_id, ended_reason, duration_seconds, summary from call_reports order by id")).rows;
      raw.close();
      expect(rows.map((r) => [r.call_id, r.ended_reason, r.duration_seconds, r.summary])).toEqual([
        ["call-delivered", "customer-ended-call", null, null],
        ["call-missed", "assistant-ended-call", 180, "Asked about openings."],
      ]);
    } finally {
      vapi.stop();
    }
  });
});
