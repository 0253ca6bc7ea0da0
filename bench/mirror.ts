import { json } from "../test/helpers/request";
import { makeSikkaTestApp } from "../test/helpers/sikka";
import { CLINIC_PHONE_NUMBER_ID, toolCallsMessage, webhook } from "../test/helpers/vapi";
import { percentile } from "./percentile";

export type LatencyFigures = { p50ms: number; p99ms: number; n: number };

/**
 * A signed check_availability tool call against a Sikka practice whose every read takes `vendorMs`:
 * answered live (before the mirror has loaded), then from the schedule mirror. The real app on a real
 * libSQL file, the fake Sikka on loopback; sequential calls, as one caller waits for each.
 */
export async function mirrorLatencyBench(vendorMs: number, liveCalls: number, mirrorCalls: number) {
  const t = await makeSikkaTestApp({ fileDatabase: true });
  try {
    const clinic = await t.sikkaClinic(
      "Mirror bench",
      { officeId: "D20006", secretKey: "secret-north", practiceId: "1" },
      { vapiPhoneNumberIds: [CLINIC_PHONE_NUMBER_ID] },
    );
    t.sikka.behaviour.delayMs = vendorMs;
    const ask = async (i: number) => {
      const started = performance.now();
      const res = await t.handle(
        await webhook(
          toolCallsMessage([{ id: `avail-${i}`, name: "check_availability", arguments: { date: "2026-12-02", limit: 3 } }], { callId: `bench-${i}` }),
        ),
      );
      const body = await json(res);
      const elapsed = performance.now() - started;
      if (res.status !== 200 || !String(body.results?.[0]?.result ?? "").includes("opening"))
        throw new Error(`availability failed: ${JSON.stringify(body).slice(0, 300)}`);
      return elapsed;
    };
    const live: number[] = [];
    for (let i = 0; i < liveCalls; i++) live.push(await ask(i));
    const loadStarted = performance.now();
    const loaded = await t.deps.mirrorRefresher.refreshDue();
    if (loaded[clinic.id] !== "full") throw new Error(`mirror did not load: ${JSON.stringify(loaded)}`);
    const loadMs = performance.now() - loadStarted;
    const before = t.sikka.calls.length;
    const mirrored: number[] = [];
    for (let i = 0; i < mirrorCalls; i++) mirrored.push(await ask(liveCalls + i));
    const figures = (xs: number[]): LatencyFigures => ({ p50ms: percentile(xs, 50), p99ms: percentile(xs, 99), n: xs.length });
    return { live: figures(live), mirror: figures(mirrored), loadMs, vendorRequestsFromMirror: t.sikka.calls.length - before };
  } finally {
    t.close();
  }
}
