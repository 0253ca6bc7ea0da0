import { afterEach, expect, test } from "bun:test";
import { seedPractice, startFakeSikka } from "../fakes/sikka";

/**
 * The benchmark runs the fake Sikka without its call list (`recordCalls: false`) so that the list's
 * growth does not delay answers. That switch must change nothing a client sees: the same status, headers
 * and body as the recording fake, so the bench's fake stays exactly as harsh as the tests' fake.
 */
const fakes: Array<ReturnType<typeof startFakeSikka>> = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.stop();
});

async function exchange(recordCalls: boolean) {
  const fake = startFakeSikka({ appId: "app", appKey: "key", recordCalls });
  fakes.push(fake);
  seedPractice(fake, { officeId: "D1", secretKey: "secret", practiceId: "1" });
  const grant = await fetch(`${fake.url}/request_key`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "request_key", office_id: "D1", secret_key: "secret", app_id: "app", app_key: "key" }),
  });
  const { request_key } = (await grant.json()) as { request_key: string };
  const answers = [];
  for (const query of ["patient_id=7001&practice_id=1", "practice_id=1&limit=50&offset=1", "patient_id=404&practice_id=1"]) {
    const res = await fetch(`${fake.url}/patients?${query}`, { headers: { "request-key": request_key } });
    const headers = Object.fromEntries([...res.headers].filter(([name]) => name !== "date"));
    // Pagination links name the fake's own origin, which differs between the two fakes.
    answers.push({ status: res.status, headers, body: (await res.text()).replaceAll(new URL(fake.url).host, "sikka") });
  }
  return { answers, calls: fake.calls.length };
}

test("a fake without its call list answers exactly as the recording one, and keeps no calls", async () => {
  const recording = await exchange(true);
  const silent = await exchange(false);
  expect(silent.answers).toEqual(recording.answers);
  expect(recording.answers.map((a) => a.status)).toEqual([200, 200, 204]);
  expect(recording.calls).toBe(4);
  expect(silent.calls).toBe(0);
});
