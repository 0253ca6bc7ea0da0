import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app";
import { openDatabase } from "../../src/db/client";
import { createDeps } from "../../src/deps";
import { RateLimiter } from "../../src/http/rate-limit";
import { json, jsonRequest } from "../helpers/request";
import { makeSikkaTestApp, type SikkaTestApp } from "../helpers/sikka";

/**
 * Per-process state that must hold across instances: a second instance is a second set of services
 * and a second database connection on the same file, sharing nothing in memory with the first.
 */
let t: SikkaTestApp;
let north: Awaited<ReturnType<SikkaTestApp["sikkaClinic"]>>;
let second: Awaited<ReturnType<typeof secondInstance>>;

async function secondInstance() {
  const database = await openDatabase(t.deps.config.database);
  const deps = createDeps({ config: t.deps.config, db: database.db, clock: t.clock, logger: t.deps.logger });
  const app = createApp(deps);
  return { deps, database, handle: (r: Request) => app.handle(r) };
}

beforeEach(async () => {
  t = await makeSikkaTestApp({ fileDatabase: true });
  north = await t.sikkaClinic("North", { officeId: "D20006", secretKey: "secret-north", practiceId: "1" });
  second = await secondInstance();
});
afterEach(() => {
  second.database.close();
  t.close();
});

describe("shared state across instances", () => {
  test("one request key per practice: a refresh by one instance is used by the other (no second grant)", async () => {
    await t.handle(jsonRequest("/api/pms/patients/7001", { headers: north.headers }));
    expect((await second.handle(jsonRequest("/api/pms/patients/7001", { headers: north.headers }))).status).toBe(200);
    expect(t.sikka.counters.requestKeyGrants).toBe(1);
    t.sikka.expireKeys();
    expect((await t.handle(jsonRequest("/api/pms/patients/7001", { headers: north.headers }))).status).toBe(200);
    const grants = t.sikka.counters.requestKeyGrants + t.sikka.counters.refreshGrants;
    // The second instance still holds the old key in memory: Sikka refuses it, and it reads the new one.
    expect((await second.handle(jsonRequest("/api/pms/patients/7001", { headers: north.headers }))).status).toBe(200);
    expect(t.sikka.counters.requestKeyGrants + t.sikka.counters.refreshGrants).toBe(grants);
  });

  test("two instances never check the same writeback at once (a lease in the database)", async () => {
    t.sikka.behaviour.writebackPolls = 1_000;
    await t.handle(
      jsonRequest("/api/pms/appointments", { headers: north.headers, body: { patientId: "7001", start: "2026-12-03T11:00:00", durationMinutes: 30 } }),
    );
    t.clock.advance(15_001);
    const before = t.sikka.counters.writebackPolls;
    const [a, b] = await Promise.all([t.deps.writebackPoller.pollOnce(), second.deps.writebackPoller.pollOnce()]);
    expect(a.pending + b.pending).toBe(1);
    expect(t.sikka.counters.writebackPolls - before).toBe(1);
  });

  test("one schedule mirror for all instances: one instance loads a practice at a time, both answer from it", async () => {
    const [a, b] = await Promise.all([t.deps.mirrorRefresher.refreshDue(), second.deps.mirrorRefresher.refreshDue()]);
    expect({ ...a, ...b }).toEqual({ [north.id]: "full" });
    expect(t.sikka.calls.filter((c) => c.path === "/appointments")).toHaveLength(1);
    const before = t.sikka.calls.length;
    const path = "/api/pms/appointments/availability?date=2026-12-02&limit=3";
    const fromFirst = await json(await t.handle(jsonRequest(path, { headers: north.headers })));
    const fromSecond = await json(await second.handle(jsonRequest(path, { headers: north.headers })));
    expect(fromSecond.data).toEqual(fromFirst.data);
    expect(fromFirst.data.slots.length).toBeGreaterThan(0);
    expect(t.sikka.calls.length).toBe(before);
    // The next read of the feed is due for whichever instance gets there first, once.
    t.clock.advance(t.deps.config.mirror.refreshIntervalMs);
    const [c, d] = await Promise.all([t.deps.mirrorRefresher.refreshDue(), second.deps.mirrorRefresher.refreshDue()]);
    expect({ ...c, ...d }).toEqual({ [north.id]: "changes" });
    expect(t.sikka.calls.filter((x) => x.path === "/practice_events")).toHaveLength(1);
  });

  test("a disabled clinic is refused on the other instance within its 5 s cache", async () => {
    expect((await second.handle(jsonRequest("/api/pms/patients/7001", { headers: north.headers }))).status).toBe(200);
    await t.handle(jsonRequest(`/api/admin/accounts/${north.id}`, { method: "PATCH", headers: t.admin, body: { enabled: false } }));
    t.clock.advance(5_001);
    const refused = await second.handle(jsonRequest("/api/pms/patients/7001", { headers: north.headers }));
    expect(refused.status).toBe(404);
    expect((await json(refused)).error.code).toBe("ACCOUNT_NOT_FOUND");
  });

  test("new PMS credentials set on one instance are used by the other within 5 s", async () => {
    expect((await second.handle(jsonRequest("/api/pms/patients/7001", { headers: north.headers }))).status).toBe(200);
    await t.handle(jsonRequest(`/api/admin/accounts/${north.id}/pms`, { method: "PUT", headers: t.admin, body: { provider: "sandbox", credentials: {} } }));
    t.clock.advance(5_001);
    // The sandbox practice has patient 1, Sikka's has 7001: the answer shows which PMS served it.
    expect((await second.handle(jsonRequest("/api/pms/patients/1", { headers: north.headers }))).status).toBe(200);
  });
});

describe("bindings across instances", () => {
  test("a phone-number binding registered on one instance reaches the other within 5 s", async () => {
    const message = (id: string) => ({
      message: { type: "assistant-request", phoneNumber: { id: "pn-late" }, call: { id } },
    });
    const { webhook } = await import("../helpers/vapi");
    const before = await json(await second.handle(webhook(message("c-bind-1"))));
    expect(before.error).toContain("not connected");
    await t.handle(
      jsonRequest(`/api/admin/accounts/${north.id}`, {
        method: "PATCH",
        headers: t.admin,
        body: { vapiPhoneNumberIds: ["pn-late"], vapiAssistantIds: ["asst-late"] },
      }),
    );
    t.clock.advance(5_001);
    expect(await json(await second.handle(webhook(message("c-bind-2"))))).toEqual({ assistantId: "asst-late" });
  });
});

describe("rate limits across instances", () => {
  test("each live instance enforces limit ÷ live instances (heartbeats in the database)", async () => {
    await t.deps.instances.heartbeat();
    await second.deps.instances.heartbeat();
    const third = await secondInstance();
    await third.deps.instances.heartbeat();
    expect(await t.deps.instances.heartbeat()).toBe(3);
    const limiter = new RateLimiter(10, t.clock, () => t.deps.instances.liveCount);
    const allowed = Array.from({ length: 10 }, () => limiter.hit("acc")).filter((d) => d.allowed).length;
    expect(allowed).toBe(4); // ceil(10 / 3): three instances admit at most 12 in the worst case
    await third.deps.instances.leave();
    third.database.close();
    expect(await t.deps.instances.heartbeat()).toBe(2);
  });
});
