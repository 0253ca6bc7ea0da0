import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildService, builtEntry } from "../scripts/build";
import { mintToken } from "../src/http/auth/jwt";
import { TEST_JWT_SECRET } from "./helpers/app";
import { upcomingWeekday } from "./helpers/dates";
import { type Instance, instanceEnv, startInstance } from "./helpers/instances";

/**
 * Production runs the bundle `npm run build` makes, not the sources the other tests run: whatever the
 * service finds at run time beside its modules (the migrations, the checkpoint thread's script, the
 * explorer's files, the database binding) must still be found from the bundle.
 */
const cache = join(import.meta.dir, "../node_modules/.cache");
mkdirSync(cache, { recursive: true });
const outDir = mkdtempSync(join(cache, "pms-gw-build-"));
const dataDir = mkdtempSync(join(tmpdir(), "pms-gw-build-"));
let service: Instance | null = null;

beforeAll(async () => {
  await buildService(outDir);
  service = await startInstance(instanceEnv(join(dataDir, "built.db"), { LOG_LEVEL: "debug" }), builtEntry(outDir));
});
afterAll(async () => {
  await service?.stop("SIGKILL").catch(() => undefined);
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

test("the built service applies its migrations, starts its checkpoint thread and answers through the whole path", async () => {
  const s = service!;
  expect(await (await fetch(`${s.url}/ready`)).json()).toMatchObject({ status: "ready" });
  await s.waitForLog((line) => line.includes("checkpoint thread started"));
  expect(s.logs.some((line) => line.includes("background checkpoint failed"))).toBe(false);

  const admin = { authorization: `Bearer ${await mintToken(TEST_JWT_SECRET, { role: "admin" }, { ttlSeconds: 600 })}`, "content-type": "application/json" };
  const created = await fetch(`${s.url}/api/admin/accounts`, {
    method: "POST",
    headers: admin,
    body: JSON.stringify({ name: "Built Dental", timezone: "UTC" }),
  });
  expect(created.status).toBe(201);
  const accountId = ((await created.json()) as { account: { id: string } }).account.id;
  const pms = await fetch(`${s.url}/api/admin/accounts/${accountId}/pms`, {
    method: "PUT",
    headers: admin,
    body: JSON.stringify({ provider: "sandbox", credentials: {} }),
  });
  expect(pms.status).toBe(200);
  // The bundle runs on the real clock: today may be past its office hours, so ask for a weekday ahead.
  const slots = await fetch(`${s.url}/api/pms/appointments/availability?date=${upcomingWeekday(1)}&limit=3`, {
    headers: { ...admin, "x-account-id": accountId },
  });
  expect(slots.status).toBe(200);
  expect(((await slots.json()) as { data: { slots: unknown[] } }).data.slots.length).toBeGreaterThan(0);
  const audit = await fetch(`${s.url}/api/admin/audit-logs/verify`, { headers: admin });
  expect(await audit.json()).toMatchObject({ ok: true });
});

test("the bundle comes with its bytecode, so a start loads compiled code instead of parsing the bundle", () => {
  // Bun writes none, silently, for a bundle it cannot keep bytecode for (an ES module, or one using
  // `import.meta.resolve`): the start then parses 2.5 MB of JavaScript again.
  expect(readFileSync(builtEntry(outDir), "utf8").slice(0, 40)).toStartWith("// @bun @bytecode @bun-cjs");
  expect(statSync(`${builtEntry(outDir)}.jsc`).size).toBeGreaterThan(1_000_000);
});

test("the built service serves the explorer and its document", async () => {
  const s = service!;
  const css = await fetch(`${s.url}/docs/assets/swagger-ui.css`);
  expect(css.status).toBe(200);
  expect((await css.text()).length).toBeGreaterThan(10_000);
  const document = (await (await fetch(`${s.url}/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown> };
  expect(document.openapi).toBe("3.1.0");
  expect(Object.keys(document.paths)).toContain("/api/vapi/webhook");
});

test("the built service stops cleanly on SIGTERM, its checkpoint thread with it", async () => {
  const s = service!;
  service = null;
  s.proc.kill("SIGTERM");
  expect(await s.proc.exited).toBe(0);
});
