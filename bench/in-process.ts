// npm run bench:profile -- avail|book [calls] [count]
// The tool-call path in one process, without HTTP or a load generator: the real app on a real libSQL file,
// 32 calls in flight. For finding where a call's time goes: run it under `bun --cpu-prof-md`, or pass
// `count` to list every statement a call sends with its mean time. Not a benchmark figure (`npm run bench`).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { practiceOf } from "../src/accounts/service";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { CHECKPOINT_EVERY_MS } from "../src/db/checkpointer";
import { openDatabase } from "../src/db/client";
import { applyMigrations } from "../src/db/migrate";
import { createDeps } from "../src/deps";
import { createLogger } from "../src/lib/logger";
import { AVAILABILITY_DATE, asRequest, benchSecrets, bookingArgs, signedPost, toolCall } from "./requests";

const dir = mkdtempSync(join(tmpdir(), "prof-"));
const cfg = loadConfig({
  ...benchSecrets,
  NODE_ENV: "production",
  DATABASE_URL: `file:${join(dir, "p.db")}`,
  PUBLIC_URL: "https://x.example.com",
  RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: "100000000",
});
if (!cfg.ok) throw new Error(cfg.problems.join());
// Checkpoints on their own thread, as the service runs.
const db = await openDatabase(cfg.config.database);
await applyMigrations(db.db);
await db.startCheckpoints({ everyMs: CHECKPOINT_EVERY_MS, onFailure: (m) => console.error("checkpoint failed", m) });
const logger = createLogger({ level: "info", destination: { write: () => {} } as never });
const deps = createDeps({ config: cfg.config, db: db.db, logger });
const app = createApp(deps);
const allDay = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "23:45"]]]));
const account = await deps.accounts.create({ name: "P", timezone: "UTC", officeHours: allDay as never, slotStepMinutes: 15 } as never);
await deps.integrations.configure(practiceOf(account), "sandbox", {});
const kind = process.argv[2] ?? "avail";
const N = Number(process.argv[3] ?? 3000);
const call = (id: string, name: string, args: Record<string, unknown>) =>
  asRequest("http://localhost", signedPost("/api/vapi/webhook", toolCall(id, name, args, account.id)));
const req = (i: number) =>
  kind === "avail" ? call(`t${i}`, "check_availability", { date: AVAILABILITY_DATE, limit: 3 }) : call(`t${i}`, "book_appointment", bookingArgs(i));
// verify caller for bookings
{
  const r = await app.handle(call("v", "search_patients", { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" }));
  const text = await r.text();
  if (!text.includes("Verified")) throw new Error(text);
}
for (let i = 0; i < 200; i++) await (await app.handle(req(i))).text();
const counts = new Map<string, number>();
const times = new Map<string, number>();
const client = db.client as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const m of ["execute", "batch", "executeMultiple", "transaction"]) {
  const orig = client[m]!.bind(db.client);
  client[m] = (...a: unknown[]) => {
    const key = m === "execute" ? `execute: ${String((a[0] as { sql?: string }).sql ?? a[0]).slice(0, 90)}` : m;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const t0 = performance.now();
    const r = orig(...a) as Promise<unknown>;
    return r.then((v) => {
      times.set(key, (times.get(key) ?? 0) + performance.now() - t0);
      return v;
    });
  };
}
if (process.argv[4] === "count") {
  for (let i = 0; i < N; i++) await (await app.handle(req(100000 + i))).text();
  for (const [k, v] of counts) console.log(v / N, ((times.get(k) ?? 0) / N).toFixed(4), "ms", k);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
const CONC = Number(process.env.CONC ?? 32);
const t0 = performance.now();
let next = 200;
let errors = 0;
await Promise.all(
  Array.from({ length: CONC }, async () => {
    while (next < N + 200) {
      const i = next++;
      const res = await app.handle(req(i));
      const t = await res.text();
      if (!t.includes(kind === "avail" ? "opening" : "book")) errors++;
    }
  }),
);
const ms = performance.now() - t0;
console.log(`${kind}: ${N} calls in ${ms.toFixed(0)} ms = ${((N / ms) * 1000).toFixed(0)}/s, ${(ms / N).toFixed(3)} ms/call, errors ${errors}`);
rmSync(dir, { recursive: true, force: true });
process.exit(0);
