// npm run bench:sikka -- [calls] [rounds]: the Sikka path and its floor in one process, without HTTP or a
// load generator. The real app on a real libSQL file and the floor's bare route (bench/proxy-server.ts)
// each answer `calls` get_patient requests, 32 in flight, against the fake Sikka in its own process, in
// alternating rounds (service, floor, floor, service, …). Each round prints the calls per second and the
// CPU time of this process's main thread per call: the thread the service's requests queue behind.
//
// For deciding whether a change to the Sikka path helps: under `npm run bench` the load generator, the
// vendor and the service share the machine's cores, and one run's rate moves by a quarter from minute to
// minute. Here the work per call is read directly, both sides in the same minutes; the rounds of one run
// still spread by 10-25 %, so judge a change against the other side in the same run, over several runs.
// Not a benchmark figure (`npm run bench` is): it leaves out receiving the request and sending the answer,
// which both sides pay alike.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { CHECKPOINT_EVERY_MS } from "../src/db/checkpointer";
import { openDatabase } from "../src/db/client";
import { applyMigrations } from "../src/db/migrate";
import { createDeps } from "../src/deps";
import { mintToken } from "../src/http/auth/jwt";
import { createLogger } from "../src/lib/logger";
import { percentile } from "./percentile";
import { floorApp } from "./proxy-server";
import { asRequest, benchSecrets } from "./requests";
import { benchServiceEnv, productionRuntimeEnv, threadCpuSeconds } from "./service";
import { benchSikkaClinic, startVendorProcess } from "./vendor-process";

const CALLS = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 4);
const IN_FLIGHT = 32;

// The engine's settings are read when the process starts: run again with fly.toml's, as the service runs.
const runtime = productionRuntimeEnv();
if (Object.entries(runtime).some(([name, value]) => process.env[name] !== value)) {
  const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], { env: { ...process.env, ...runtime }, stdio: ["inherit", "inherit", "inherit"] });
  process.exit(await child.exited);
}

/** CPU seconds this process's main thread has used. */
const mainThreadSeconds = () => threadCpuSeconds(process.pid, process.pid);

type Round = { callsPerSecond: number; microsPerCall: number };

/** `calls` requests through `handle`, `IN_FLIGHT` at a time; every answer must be a 200. */
async function round(handle: (request: Request) => Promise<Response>, request: () => Request, calls: number): Promise<Round> {
  let started = 0;
  let failed = 0;
  const cpu = mainThreadSeconds();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started < calls) {
        started++;
        const res = await handle(request());
        await res.arrayBuffer();
        if (res.status !== 200) failed++;
      }
    }),
  );
  const ms = performance.now() - t0;
  if (failed > 0) throw new Error(`${failed} of ${calls} calls were not answered 200`);
  return { callsPerSecond: (calls / ms) * 1000, microsPerCall: ((mainThreadSeconds() - cpu) / calls) * 1e6 };
}

const vendor = await startVendorProcess();
const dir = mkdtempSync(join(tmpdir(), "pms-gw-sikka-"));
try {
  const cfg = loadConfig(benchServiceEnv(join(dir, "bench.db"), vendor.url));
  if (!cfg.ok) throw new Error(cfg.problems.join("; "));
  const db = await openDatabase(cfg.config.database);
  await applyMigrations(db.db);
  // Checkpoints on their own thread, and the access log written (to nowhere), as the service runs.
  const checkpoints = await db.startCheckpoints({ everyMs: CHECKPOINT_EVERY_MS, onFailure: (m) => console.error("checkpoint failed", m) });
  const logger = createLogger({ level: "info", destination: { write: () => true } as never });
  const app = createApp(createDeps({ config: cfg.config, db: db.db, logger }));
  const service = (request: Request) => app.handle(request);
  const admin = `Bearer ${await mintToken(benchSecrets.ADMIN_JWT_SECRET, { role: "admin" }, { ttlSeconds: 3600 })}`;
  const sikkaRequest = await benchSikkaClinic("http://localhost", admin, "Bench Sikka", service);
  const floor = await floorApp(vendor.url);
  const floorHandle = (request: Request) => floor.handle(request);
  const request = () => asRequest("http://localhost", sikkaRequest);

  const auditRows = async () => Number((await db.client.execute("select count(*) as n from pms_audit_logs")).rows[0]?.n ?? 0);
  // Warm-up: the engine compiles each side's code while it runs.
  await round(service, request, Math.min(CALLS, 5_000));
  await round(floorHandle, request, Math.min(CALLS, 5_000));

  console.log(
    `${CALLS} get_patient calls per round, ${IN_FLIGHT} in flight, ${Object.entries(runtime)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
  );
  const results: Record<"service" | "floor", Round[]> = { service: [], floor: [] };
  const rowsBefore = await auditRows();
  for (let i = 0; i < ROUNDS; i++) {
    for (const side of i % 2 === 0 ? (["service", "floor"] as const) : (["floor", "service"] as const)) {
      const r = await round(side === "service" ? service : floorHandle, request, CALLS);
      results[side].push(r);
      console.log(`${side.padEnd(8)} ${r.callsPerSecond.toFixed(0).padStart(6)} calls/s, main thread ${r.microsPerCall.toFixed(1).padStart(6)} µs per call`);
    }
  }
  const added = (await auditRows()) - rowsBefore;
  const serviceMicros = percentile(
    results.service.map((r) => r.microsPerCall),
    50,
  );
  const floorMicros = percentile(
    results.floor.map((r) => r.microsPerCall),
    50,
  );
  console.log(
    `median main thread per call: service ${serviceMicros.toFixed(1)} µs, floor ${floorMicros.toFixed(1)} µs (service − floor ${(serviceMicros - floorMicros).toFixed(1)} µs, ÷ ${(serviceMicros / floorMicros).toFixed(2)})`,
  );
  console.log(`audit rows added ${added} for ${ROUNDS * CALLS} service calls`);
  if (added < ROUNDS * CALLS) throw new Error("a service call answered without its audit row");
  await checkpoints?.stop();
  db.close();
} finally {
  vendor.stop();
  rmSync(dir, { recursive: true, force: true });
}
