import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mintToken } from "../../src/http/auth/jwt";
import { seedPractice, startFakeSikka } from "../fakes/sikka";
import { TEST_JWT_SECRET } from "../helpers/app";
import { upcomingWeekday, utcOfLocal } from "../helpers/dates";
import { type Instance, instanceEnv, startInstance } from "../helpers/instances";
import { signedRequest } from "../helpers/request";
import { SIKKA_APP } from "../helpers/sikka";
import { toolCallsMessage } from "../helpers/vapi";

/**
 * Several real service processes on one SQLite file (WAL, busy timeouts, real file locks): the closest
 * stand-in, on one machine, for several Fly machines on one primary. Loopback only; every process is
 * stopped by its id at the end.
 */
const dir = mkdtempSync(join(tmpdir(), "pms-gw-multi-"));
const dbFile = join(dir, "shared.db");
let instances: Instance[] = [];
let admin: string;
let accountId: string;
const PHONE_ID = "pn-multi-1";

beforeAll(async () => {
  admin = `Bearer ${await mintToken(TEST_JWT_SECRET, { role: "admin" }, { ttlSeconds: 3600 })}`;
});
afterAll(async () => {
  for (const i of instances) await i.stop("SIGKILL").catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** A count read straight from the shared file, on a read-only connection of its own. */
function countOnFile(sql: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.query(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A signed tool-calls message sent to one instance (the same bytes any instance would get from Vapi). */
async function toolCall(instance: Instance, calls: Array<{ id: string; name: string; arguments: unknown }>, callId: string) {
  const message = toolCallsMessage(calls, { callId });
  (message.message.call as Record<string, unknown>).phoneNumberId = PHONE_ID;
  // The processes run on the real clock, so the signature carries the real time.
  const request = signedRequest("/api/vapi/webhook", { body: message, timestamp: Math.floor(Date.now() / 1000) });
  const res = await fetch(`${instance.url}/api/vapi/webhook`, { method: "POST", headers: request.headers, body: await request.text() });
  return { status: res.status, body: (await res.json()) as { results: Array<{ result?: string; error?: string }> } };
}

describe("three instances on one database file", () => {
  test("start together on a fresh database: migrations run exactly once and all three become ready", async () => {
    instances = await Promise.all([0, 1, 2].map(() => startInstance(instanceEnv(dbFile))));
    for (const i of instances) expect((await fetch(`${i.url}/ready`)).status).toBe(200);
    const journal = JSON.parse(readFileSync(join(import.meta.dir, "../../drizzle/meta/_journal.json"), "utf8")) as { entries: unknown[] };
    expect(countOnFile("select count(*) as n from __drizzle_migrations")).toBe(journal.entries.length);

    const created = await fetch(`${instances[0]!.url}/api/admin/accounts`, {
      method: "POST",
      headers: { authorization: admin, "content-type": "application/json" },
      body: JSON.stringify({ name: "Multi Dental", timezone: "America/New_York", vapiPhoneNumberIds: [PHONE_ID] }),
    });
    accountId = ((await created.json()) as { account: { id: string } }).account.id;
    const pms = await fetch(`${instances[1]!.url}/api/admin/accounts/${accountId}/pms`, {
      method: "PUT",
      headers: { authorization: admin, "content-type": "application/json" },
      body: JSON.stringify({ provider: "sandbox", credentials: {} }),
    });
    expect(pms.status).toBe(200);
  }, 60_000);

  test("audit chain under contention: 450 concurrent tool calls across three instances, every one answered and audited, the chain intact", async () => {
    const started = performance.now();
    const latencies: number[] = [];
    // A day ahead of the real clock, so every call goes through the schedule rather than the past-date answer.
    const date = upcomingWeekday(1);
    const results = await Promise.all(
      Array.from({ length: 450 }, async (_, n) => {
        const t0 = performance.now();
        const r = await toolCall(instances[n % 3]!, [{ id: `load-${n}`, name: "check_availability", arguments: { date } }], `load-call-${n}`);
        latencies.push(performance.now() - t0);
        return r;
      }),
    );
    const elapsed = performance.now() - started;
    const bad = results.filter((r) => !(r.status === 200 && r.body.results?.[0]?.result !== undefined));
    if (bad.length > 0) console.log(JSON.stringify(bad.slice(0, 2)));
    expect(results.every((r) => r.status === 200 && r.body.results[0]?.result !== undefined)).toBe(true);
    latencies.sort((a, b) => a - b);
    // Figures for docs/scaling.md (measured, not asserted).
    console.log(`three instances, 450 calls: ${elapsed.toFixed(0)} ms total, p50 ${latencies[225]!.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
    const verify = (await (await fetch(`${instances[2]!.url}/api/admin/audit-logs/verify`, { headers: { authorization: admin } })).json()) as { ok: boolean };
    expect(verify.ok).toBe(true);
    expect(countOnFile("select count(*) as n from pms_audit_logs where tool_call_id like 'load-%'")).toBe(450);
  }, 60_000);

  test("exactly once across instances: the same tool call delivered to two instances at the same moment books once, and both answers are the first outcome", async () => {
    const verify = [{ id: "eo-verify", name: "search_patients", arguments: { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" } }];
    await toolCall(instances[0]!, verify, "eo-call");
    // The instances run on the real clock: the slot is a weekday ahead of whatever day this runs.
    const start = `${upcomingWeekday()}T11:00:00`;
    const book = [{ id: "eo-book", name: "book_appointment", arguments: { patientId: "1", start, providerId: "1" } }];
    const [a, b] = await Promise.all([toolCall(instances[1]!, book, "eo-call"), toolCall(instances[2]!, book, "eo-call")]);
    expect(a.body.results[0]).toEqual(b.body.results[0]!);
    expect(a.body.results[0]?.result).toContain("booked");
    expect(countOnFile(`select count(*) as n from sandbox_appointments where start_utc = '${utcOfLocal(start, "America/New_York")}'`)).toBe(1);
  }, 30_000);

  test("a Sikka writeback left pending by an instance that is then killed (SIGKILL) is finished by another", async () => {
    const sikka = startFakeSikka(SIKKA_APP);
    seedPractice(sikka, { officeId: "D20006", secretKey: "secret-north", practiceId: "1" });
    const env = instanceEnv(dbFile, {
      SIKKA_CLIENT_ID: SIKKA_APP.appId,
      SIKKA_CLIENT_SECRET: SIKKA_APP.appKey,
      SIKKA_API_URL: sikka.url,
      SIKKA_WRITEBACK_WAIT_MS: "300",
      WRITEBACK_POLL_MS: "100",
    });
    const [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
    try {
      const json = { authorization: admin, "content-type": "application/json" };
      const created = (await (
        await fetch(`${a.url}/api/admin/accounts`, {
          method: "POST",
          headers: json,
          body: JSON.stringify({ name: "Sikka Multi", timezone: "America/New_York" }),
        })
      ).json()) as { account: { id: string } };
      const clinic = created.account.id;
      const put = await fetch(`${a.url}/api/admin/accounts/${clinic}/pms`, {
        method: "PUT",
        headers: json,
        body: JSON.stringify({ provider: "sikka", credentials: { officeId: "D20006", secretKey: "secret-north", practiceId: "1" } }),
      });
      expect(put.status).toBe(200);
      sikka.behaviour.writebackPolls = 1_000;
      const booked = (await (
        await fetch(`${a.url}/api/pms/appointments`, {
          method: "POST",
          headers: { ...json, "x-account-id": clinic },
          body: JSON.stringify({ patientId: "7001", start: `${upcomingWeekday(8)}T10:00:00`, durationMinutes: 30 }),
        })
      ).json()) as { data: { appointment: { reference: string; confirmation: string } } };
      expect(booked.data.appointment.confirmation).toBe("pending");
      await a.stop("SIGKILL");
      for (const wb of sikka.writebacks.values()) wb.pollsLeft = 0;
      // The first background check is due 15 s after the booking: bring it forward rather than wait.
      const db = new Database(dbFile);
      // The instances still running write to this file too: wait out their write lock as they do.
      db.run("pragma busy_timeout = 5000");
      db.run("update pms_writebacks set next_check_at = 0 where reference = ?", [booked.data.appointment.reference]);
      await b.waitForLog((line) => line.includes(booked.data.appointment.reference) && line.includes("writeback settled"));
      const row = db.query("select status from pms_writebacks where reference = ?").get(booked.data.appointment.reference) as { status: string };
      const audit = db.query("select actor, success from pms_audit_logs where request_id = ?").get(booked.data.appointment.reference) as {
        actor: string;
        success: number;
      };
      db.close();
      expect(row.status).toBe("completed");
      expect(audit).toEqual({ actor: "system", success: 1 });
    } finally {
      await a.stop("SIGKILL").catch(() => undefined);
      await b.stop("SIGTERM").catch(() => undefined);
      sikka.stop();
    }
  }, 60_000);

  test("a rolling restart (SIGTERM, one instance at a time) loses no request", async () => {
    let stop = false;
    const outcomes: number[] = [];
    let turn = 0;
    const date = upcomingWeekday(1);
    // A client that, like Fly's proxy, sends each request to the next instance and retries elsewhere
    // only when a connection is refused (a request that reached an instance is never sent twice).
    const client = (async () => {
      for (let n = 0; !stop && n < 2000; n++) {
        for (let tries = 0; tries < 6; tries++) {
          const target = instances[turn++ % instances.length]!;
          try {
            const res = await fetch(`${target.url}/api/pms/appointments/availability?date=${date}&accountId=${accountId}`, {
              headers: { authorization: admin },
            });
            outcomes.push(res.status);
            break;
          } catch {
            // connection refused: that instance is restarting
          }
        }
      }
    })();
    for (let i = 0; i < instances.length; i++) {
      const old = instances[i]!;
      await old.stop("SIGTERM");
      instances[i] = await startInstance(instanceEnv(dbFile));
    }
    stop = true;
    await client;
    expect(outcomes.length).toBeGreaterThan(10);
    expect(outcomes.every((s) => s === 200)).toBe(true);
  }, 90_000);
});
