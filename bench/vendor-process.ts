// bun bench/vendor-process.ts: the fake Sikka of the benchmarks, in a process of its own; prints its URL.
//
// The vendor is another machine in production. Sharing the benchmark's process, the fake answered from a
// heap that also held the benchmark's request lists (60,000 bookings): its collections grew, its answers
// slowed, and the gateway's Sikka-path latency measured the benchmark's own memory.
import type { Subprocess } from "bun";
import { seedPractice, startFakeSikka } from "../test/fakes/sikka";
import type { LoadRequest } from "./load";

/** The practice every benchmark connects to, and the app the gateway calls as. */
export const BENCH_VENDOR = {
  app: { appId: "bench-app", appKey: "bench-key" },
  practice: { officeId: "D1", secretKey: "bench-secret", practiceId: "1" },
} as const;

export type VendorProcess = { url: string; proc: Subprocess; stop(): void };

/** Starts the fake Sikka in a child process and resolves with its URL once it answers. */
export async function startVendorProcess(): Promise<VendorProcess> {
  const proc = Bun.spawn([process.execPath, import.meta.path], { stdout: "pipe", stderr: "inherit" });
  process.on("exit", () => proc.kill());
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the fake Sikka process ended before it listened");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const url = text.slice(0, text.indexOf("\n")).trim();
  return { url, proc, stop: () => proc.kill() };
}

/**
 * A clinic of the service connected to the bench's practice on the fake Sikka (through the admin API, as
 * `authorization`), and the Sikka-path request for it: get_patient of a seeded patient, answered once.
 * `send` reaches the service (by default over HTTP; the in-process bench passes the app's own handler).
 */
export async function benchSikkaClinic(
  serviceUrl: string,
  authorization: string,
  name: string,
  send: (request: Request) => Promise<Response> = (request) => fetch(request),
): Promise<LoadRequest> {
  const call = async (method: string, path: string, body: unknown) => {
    const res = await send(
      new Request(`${serviceUrl}${path}`, { method, headers: { authorization, "content-type": "application/json" }, body: JSON.stringify(body) }),
    );
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ account: { id: string } }>;
  };
  const clinic = (await call("POST", "/api/admin/accounts", { name, timezone: "America/New_York" })).account.id;
  await call("PUT", `/api/admin/accounts/${clinic}/pms`, { provider: "sikka", credentials: BENCH_VENDOR.practice });
  const request = { method: "GET", path: "/api/pms/patients/7001", headers: { authorization, "x-account-id": clinic } };
  const first = await send(new Request(`${serviceUrl}${request.path}`, { headers: request.headers }));
  if (!first.ok) throw new Error(`${name}: the Sikka path answered ${first.status}`);
  return request;
}

if (import.meta.main) {
  // No call list: under load it would grow by every request (the answers are the same either way).
  const sikka = startFakeSikka({ ...BENCH_VENDOR.app, recordCalls: false });
  seedPractice(sikka, BENCH_VENDOR.practice);
  console.log(sikka.url);
}
