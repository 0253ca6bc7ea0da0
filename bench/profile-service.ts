// bun bench/profile-service.ts avail|book|sikka|health [seconds]: the service process under wrk, profiled
// with `bun --cpu-prof-md` (written to /tmp/pms-gw-service-profile; NOPROF=1 runs it unprofiled, CONNS=n
// sets the connections). Prints the service's CPU share, its RSS each second and the log file's size.
// For finding where a call's time goes at the HTTP layer; not a benchmark figure (`npm run bench`).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mintToken } from "../src/http/auth/jwt";
import { runLoad } from "./load";
import { AVAILABILITY_DATE, benchSecrets, bookingRequests, signedPost, toolCall } from "./requests";
import { cpuSeconds, rssMb, startProcess } from "./service";
import { BENCH_VENDOR, benchSikkaClinic, startVendorProcess } from "./vendor-process";

const kind = process.argv[2] ?? "avail";
const seconds = Number(process.argv[3] ?? 8);
const out = "/tmp/pms-gw-service-profile";
const dir = mkdtempSync(join(tmpdir(), "pms-gw-prof-"));
const secrets = benchSecrets;
const env = {
  ...secrets,
  NODE_ENV: "production",
  DATABASE_URL: `file:${join(dir, "bench.db")}`,
  PUBLIC_URL: "https://bench.example.com",
  LOG_LEVEL: "info",
  RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: "100000000",
};

const sikka = await startVendorProcess();
Object.assign(env, { SIKKA_CLIENT_ID: BENCH_VENDOR.app.appId, SIKKA_CLIENT_SECRET: BENCH_VENDOR.app.appKey, SIKKA_API_URL: sikka.url });
const svc = await startProcess([process.execPath, ...(process.env.NOPROF ? [] : ["--cpu-prof-md", `--cpu-prof-dir=${out}`]), "src/index.ts"], 3997, env);
const admin = {
  authorization: `Bearer ${await mintToken(secrets.ADMIN_JWT_SECRET, { role: "admin" }, { ttlSeconds: 3600 })}`,
  "content-type": "application/json",
};
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${svc.url}${path}`, { method, headers: admin, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res.json() as Promise<{ account: { id: string } }>;
};
const allDay = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "23:45"]]]));
const clinic = (await api("POST", "/api/admin/accounts", { name: "Profile", timezone: "UTC", officeHours: allDay, slotStepMinutes: 15 })).account.id;
await api("PUT", `/api/admin/accounts/${clinic}/pms`, { provider: "sandbox", credentials: {} });
const verify = signedPost(
  "/api/vapi/webhook",
  toolCall("verify", "search_patients", { firstName: "Jane", lastName: "Doe", dateOfBirth: "1985-04-12" }, clinic),
);
await fetch(`${svc.url}${verify.path}`, { method: "POST", headers: verify.headers, body: verify.body ?? "" });
const requests =
  kind === "sikka"
    ? [await benchSikkaClinic(svc.url, admin.authorization, "Profile Sikka")]
    : kind === "health"
      ? [{ method: "GET", path: "/health", headers: {} }]
      : kind === "avail"
        ? [signedPost("/api/vapi/webhook", toolCall("avail", "check_availability", { date: AVAILABILITY_DATE, limit: 3 }, clinic))]
        : bookingRequests(60_000, clinic);
const cpuBefore = cpuSeconds(svc.proc.pid);
const rssSamples: number[] = [];
const rssTimer = setInterval(() => {
  rssSamples.push(Math.round(rssMb(svc.proc.pid)));
}, 1000);
const result = await runLoad(svc.url, requests, { connections: Number(process.env.CONNS ?? 32), seconds });
clearInterval(rssTimer);
console.log(`RSS each second (MB): ${rssSamples.join(" ")}`);
console.log(`service CPU: ${(((cpuSeconds(svc.proc.pid) - cpuBefore) / seconds) * 100).toFixed(0)} % of one core`);
console.log(`${kind}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, errors ${result.errors}; profile in ${out}`);
const walMb = (statSync(`${join(dir, "bench.db")}-wal`, { throwIfNoEntry: false })?.size ?? 0) / 2 ** 20;
console.log(`write-ahead log after the run: ${walMb.toFixed(1)} MB`);
await svc.stop();
sikka.stop();
rmSync(dir, { recursive: true, force: true });
