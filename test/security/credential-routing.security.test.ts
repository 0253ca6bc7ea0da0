import { afterAll, beforeAll, test } from "bun:test";
import fc from "fast-check";
import { seedPractice } from "../fakes/sikka";
import { json, jsonRequest } from "../helpers/request";
import { makeSikkaTestApp, type SikkaTestApp } from "../helpers/sikka";

let t: SikkaTestApp;
const clinics: Array<{ office: string; practice: string; headers: Record<string, string>; lastName: string }> = [];
beforeAll(async () => {
  t = await makeSikkaTestApp();
  for (let i = 0; i < 5; i++) {
    const office = `OFF${i}`;
    const practice = `${i + 1}`;
    seedPractice(t.sikka, { officeId: office, secretKey: `secret-${i}`, practiceId: practice, lastName: `Clinic${i}name` });
    const clinic = await t.sikkaClinic(`Clinic ${i}`, { officeId: office, secretKey: `secret-${i}`, practiceId: practice });
    if (clinic.status !== 200) throw new Error(JSON.stringify(clinic.body));
    clinics.push({ office, practice, headers: clinic.headers, lastName: `Clinic${i}name` });
  }
});
afterAll(() => t.close());

const operations = [
  (c: (typeof clinics)[number]) => jsonRequest("/api/pms/patients/search", { headers: c.headers, body: { lastName: c.lastName } }),
  (c: (typeof clinics)[number]) => jsonRequest("/api/pms/patients/7001", { headers: c.headers }),
  (c: (typeof clinics)[number]) => jsonRequest("/api/pms/patients/7001/balance", { headers: c.headers }),
  (c: (typeof clinics)[number]) => jsonRequest("/api/pms/appointments/availability?date=2026-12-03&limit=2", { headers: c.headers }),
];

test("property (T11): under random concurrent interleavings of five clinics, every Sikka call carries the calling clinic's own key and practice, and every answer is that clinic's", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: operations.length - 1 })), { minLength: 1, maxLength: 25 }),
      async (plan) => {
        const before = t.sikka.calls.length;
        const responses = await Promise.all(
          plan.map(([clinic, op]) => t.handle(operations[op]!(clinics[clinic]!)).then(async (r) => ({ clinic, op, body: await json(r) }))),
        );
        // each search answered with its own clinic's patient only
        for (const r of responses) {
          if (r.op === 0) {
            const names = (r.body.data?.patients ?? []).map((p: { lastName: string }) => p.lastName);
            if (names.some((n: string) => n !== clinics[r.clinic]!.lastName)) return false;
          }
        }
        // every data call: the key's office owns the practice it named
        for (const call of t.sikka.calls.slice(before)) {
          if (!call.keyOffice || !call.practiceId) continue;
          const owner = clinics.find((c) => c.practice === call.practiceId);
          if (owner && owner.office !== call.keyOffice) return false;
        }
        return true;
      },
    ),
    { numRuns: 25 },
  );
}, 60_000);
