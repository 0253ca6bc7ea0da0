import { afterAll, beforeAll, expect, test } from "bun:test";
import { makeClinicTestApp } from "../helpers/app";
import { CLINIC_PHONE_NUMBER_ID, toolCallsMessage, webhook } from "../helpers/vapi";

let t: Awaited<ReturnType<typeof makeClinicTestApp>>;
beforeAll(async () => {
  t = await makeClinicTestApp({ account: { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID] } });
});
afterAll(() => t.close());

/** The access-log line of the last request handled. */
async function lastRequestLine(): Promise<Record<string, unknown>> {
  await t.idle();
  const line = t.logLines.filter((l) => l.includes('"msg":"request"')).at(-1);
  return JSON.parse(line ?? "{}") as Record<string, unknown>;
}

test("a request that reached the practice system says how long it spent there, within its own time", async () => {
  const res = await t.call("/api/pms/appointments/availability?limit=3", { method: "GET" });
  expect(res.status).toBe(200);
  const line = await lastRequestLine();
  expect(line.route).toBe("/api/pms/appointments/availability");
  expect(typeof line.pmsMs).toBe("number");
  expect(line.pmsMs as number).toBeGreaterThanOrEqual(0);
  expect(line.pmsMs as number).toBeLessThanOrEqual(line.ms as number);
});

test("a Vapi message's line adds up the time of its tool calls in the practice system", async () => {
  const message = toolCallsMessage([
    { id: "tc-log-1", name: "check_availability", arguments: { limit: 2 } },
    { id: "tc-log-2", name: "check_availability", arguments: { limit: 3 } },
  ]);
  expect((await t.handle(webhook(message))).status).toBe(200);
  const line = await lastRequestLine();
  expect(line.route).toBe("/api/vapi/webhook");
  expect(typeof line.pmsMs).toBe("number");
  expect(line.pmsMs as number).toBeLessThanOrEqual(line.ms as number);
});

test("a request that never reached the practice system has no such field", async () => {
  await t.handle(new Request("http://localhost/health"));
  expect(await lastRequestLine()).not.toHaveProperty("pmsMs");
  // Refused at the edge (bad arguments): nothing was asked of the practice system.
  const refused = await t.call("/api/pms/appointments/availability?limit=banana", { method: "GET" });
  expect(refused.status).toBe(400);
  expect(await lastRequestLine()).not.toHaveProperty("pmsMs");
});
