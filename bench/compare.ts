// npm run bench:compare -- [seconds] [rounds]: two variants of the service side by side on the Sikka path,
// against one fake Sikka and the floor (bench/proxy-server.ts), in alternating rounds A, B, floor, B, A,
// floor. A_ENV and B_ENV set each side's environment ("NAME=value,NAME=value"); A_ENTRY and B_ENTRY name
// the script each side runs (by default the production bundle, built first). For deciding whether a change
// helps: on this shared machine one run moves by a quarter from minute to minute, so a variant is only
// compared with the other in the rounds next to it. Not a benchmark figure (`npm run bench`).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildService, builtEntry } from "../scripts/build";
import { mintToken } from "../src/http/auth/jwt";
import { type LoadRequest, type LoadResult, runLoad } from "./load";
import { benchSecrets } from "./requests";
import { benchServiceEnv, cpuSeconds, type Running, startProcess } from "./service";
import { benchSikkaClinic, startVendorProcess } from "./vendor-process";

const SECONDS = Number(process.argv[2] ?? 5);
const ROUNDS = Number(process.argv[3] ?? 2);
const CONNECTIONS = 32;

/** `NAME=value,NAME=value` as an environment. */
function parseEnvList(text: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    if (pair.trim() === "") continue;
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`not NAME=value: ${pair}`);
    env[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return env;
}

type Side = { name: string; process: Running; request: LoadRequest; results: LoadResult[] };

async function main() {
  const sikka = await startVendorProcess();
  const dirs: string[] = [];
  const admin = `Bearer ${await mintToken(benchSecrets.ADMIN_JWT_SECRET, { role: "admin" }, { ttlSeconds: 3600 })}`;
  if (!process.env.A_ENTRY || !process.env.B_ENTRY) await buildService();

  /** One side: the service in production mode on a file of its own, with a clinic on the fake Sikka. */
  const startSide = async (name: string, port: number, entry: string, extraEnv: Record<string, string>): Promise<Side> => {
    const dir = mkdtempSync(join(tmpdir(), "pms-gw-compare-"));
    dirs.push(dir);
    const env = { ...benchServiceEnv(join(dir, "bench.db"), sikka.url), ...extraEnv };
    const running = await startProcess([process.execPath, entry], port, env, join(dir, "service.log"));
    const request = await benchSikkaClinic(running.url, admin, `Compare ${name}`);
    return { name, process: running, request, results: [] };
  };

  const a = await startSide("A", 3996, process.env.A_ENTRY ?? builtEntry(), parseEnvList(process.env.A_ENV));
  const b = await startSide("B", 3993, process.env.B_ENTRY ?? builtEntry(), parseEnvList(process.env.B_ENV));
  const floorProcess = await startProcess([process.execPath, "bench/proxy-server.ts", "3995", sikka.url], 3995, {});
  const floor: Side = { name: "floor", process: floorProcess, request: a.request, results: [] };
  console.log(`A: ${process.env.A_ENV ?? "(as configured)"}; B: ${process.env.B_ENV ?? "(as configured)"}; ${SECONDS} s a round, ${CONNECTIONS} connections`);

  const round = async (side: Side, seconds = SECONDS, record = true) => {
    const before = cpuSeconds(side.process.proc.pid);
    const result = await runLoad(side.process.url, [side.request], { connections: CONNECTIONS, seconds });
    if (!record) return;
    side.results.push(result);
    const cpu = ((cpuSeconds(side.process.proc.pid) - before) / seconds) * 100;
    console.log(
      `${side.name.padEnd(5)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50ms.toFixed(2)}  p99 ${result.p99ms.toFixed(2)} ms  CPU ${cpu.toFixed(0)} %  errors ${result.errors}`,
    );
  };
  // Warmed up first: each side's first seconds run on the engine's lower tiers.
  for (const side of [a, b, floor]) await round(side, 3, false);
  for (let r = 0; r < ROUNDS; r++) for (const side of [a, b, floor, b, a, floor]) await round(side);

  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const summary = (side: Side) => {
    const rates = side.results.map((r) => r.rps);
    const p99s = side.results.map((r) => r.p99ms);
    return `${side.name.padEnd(5)} mean ${mean(rates).toFixed(0)} req/s (${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}), p99 ${Math.min(...p99s).toFixed(2)}–${Math.max(...p99s).toFixed(2)} ms`;
  };
  console.log(`\n${[a, b, floor].map(summary).join("\n")}`);
  console.log(`B ÷ A, mean rate: ${(mean(b.results.map((r) => r.rps)) / mean(a.results.map((r) => r.rps))).toFixed(3)}`);

  await Promise.all([a.process.stop(), b.process.stop(), floorProcess.stop()]);
  sikka.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

await main();
process.exit(0);
