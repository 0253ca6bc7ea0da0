import { readFileSync } from "node:fs";
import { benchSecrets } from "./requests";
import { BENCH_VENDOR } from "./vendor-process";

export type Running = { proc: ReturnType<typeof Bun.spawn>; url: string; readyMs: number; stop(): Promise<void> };

/**
 * Starts a process and waits for its `/ready`; the time until then is the start-to-ready figure. Its
 * standard output (the service's log) goes to `logFile` when given, as a log shipper would take it.
 */
export async function startProcess(cmd: string[], port: number, env: Record<string, string>, logFile?: string): Promise<Running> {
  const url = `http://127.0.0.1:${port}`;
  // Something already answering there (a process left by an interrupted run) would be measured instead.
  const occupied = await fetch(`${url}/ready`).then(
    () => true,
    () => false,
  );
  if (occupied) throw new Error(`port ${port} is already in use: stop the process listening there first`);
  const started = performance.now();
  const proc = Bun.spawn(cmd, {
    env: { ...process.env, ...env, PORT: String(port) } as Record<string, string>,
    stdout: logFile ? Bun.file(logFile) : "ignore",
    stderr: "inherit",
  });
  // The process goes with the bench, also when a run fails part way.
  process.on("exit", () => proc.kill());
  for (;;) {
    try {
      if ((await fetch(`${url}/ready`)).ok) break;
    } catch {
      // not up yet
    }
    if (performance.now() - started > 15_000) throw new Error(`${cmd.join(" ")} did not become ready`);
    await Bun.sleep(5);
  }
  const readyMs = performance.now() - started;
  return {
    proc,
    url,
    readyMs,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

/** CPU seconds (user + system) in a `/proc` stat file, counted in ticks of 1/100 s (Linux). */
function statCpuSeconds(statFile: string): number {
  const fields = readFileSync(statFile, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds a process has used so far, all its threads (Linux). */
export const cpuSeconds = (pid: number): number => statCpuSeconds(`/proc/${pid}/stat`);

/** CPU seconds one thread of a process has used so far (Linux); a process's main thread has its pid as id. */
export const threadCpuSeconds = (pid: number, threadId: number): number => statCpuSeconds(`/proc/${pid}/task/${threadId}/stat`);

/** Resident memory of a process, in MB (Linux). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Resident memory split into anonymous (heaps) and file-backed (mapped files, e.g. SQLite's), in MB. */
export function memoryBreakdown(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return `anonymous ${kb("RssAnon").toFixed(0)} MB, file ${kb("RssFile").toFixed(0)} MB, shared ${kb("RssShmem").toFixed(0)} MB`;
}

/** Samples a process's RSS every 100 ms while `work` runs; returns the peak. */
export async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 100);
  try {
    const result = await work();
    return { result, peakMb: Math.max(peak, rssMb(pid)) };
  } finally {
    clearInterval(timer);
  }
}

/** The runtime settings fly.toml gives the production machine (not the service's own configuration). */
export function productionRuntimeEnv(): Record<string, string> {
  const fly = Bun.TOML.parse(readFileSync("fly.toml", "utf8")) as { env?: Record<string, string> };
  return Object.fromEntries(Object.entries(fly.env ?? {}).filter(([name]) => name.startsWith("BUN_")));
}

/**
 * The service as the benchmarks run it: production mode and fly.toml's runtime settings, an embedded
 * SQLite file at `databaseFile`, the access log at info, no rate limit in the way of the load, and the
 * clinics' Sikka calls going to the fake at `vendorUrl`.
 */
export function benchServiceEnv(databaseFile: string, vendorUrl: string): Record<string, string> & { DATABASE_URL: string } {
  return {
    ...benchSecrets,
    ...productionRuntimeEnv(),
    NODE_ENV: "production",
    DATABASE_URL: `file:${databaseFile}`,
    PUBLIC_URL: "https://bench.example.com",
    LOG_LEVEL: "info",
    RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: "100000000",
    SIKKA_CLIENT_ID: BENCH_VENDOR.app.appId,
    SIKKA_CLIENT_SECRET: BENCH_VENDOR.app.appKey,
    SIKKA_API_URL: vendorUrl,
  };
}
