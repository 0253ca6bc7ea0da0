import type { Subprocess } from "bun";
import { TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TEST_WEBHOOK_SECRET } from "./app";

/** A real service process on loopback, started with the service's own entry point. */
export type Instance = {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  port: number;
  url: string;
  logs: string[];
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  /** Resolves when the instance logs a matching line (at once if it already has). */
  waitForLog(test: (line: string) => boolean): Promise<void>;
};

/** Environment for instances sharing one SQLite file: production rules, loopback only. */
export const instanceEnv = (dbFile: string, extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: process.env.PATH ?? "",
  // Under `faketime` (checking the suite on another day), the instances keep the suite's clock: their
  // signatures' timestamps and "today" must agree with the test's.
  ...(process.env.FAKETIME && process.env.LD_PRELOAD ? { LD_PRELOAD: process.env.LD_PRELOAD, FAKETIME: process.env.FAKETIME } : {}),
  NODE_ENV: "production",
  DATABASE_URL: `file:${dbFile}`,
  VAPI_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
  ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  ADMIN_JWT_SECRET: TEST_JWT_SECRET,
  PUBLIC_URL: "http://127.0.0.1",
  LOG_LEVEL: "info",
  RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: "100000",
  RATE_LIMIT_PER_IP_PER_MINUTE: "100000",
  ...extra,
});

/**
 * Starts one instance (from the sources, or from `entry`, the production bundle) and resolves when it
 * logs that it listens: its own event, not a timer. Every log line is kept, so a test can wait for a
 * line (`waitForLog`) instead of sleeping. The instance binds a
 * port the system chooses (PORT=0) and names it in that line: a port picked here could already be in
 * use, for instance as the local end of one of this process's own outgoing connections.
 */
export async function startInstance(env: Record<string, string>, entry = "src/index.ts"): Promise<Instance> {
  const proc = Bun.spawn([process.execPath, entry], { env: { ...env, PORT: "0" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const logs: string[] = [];
  const waiters: Array<{ test: (line: string) => boolean; resolve: () => void }> = [];
  const listening = new Promise<number>((resolve, reject) => {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of proc.stdout) {
        buffer += decoder.decode(chunk);
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines) {
          logs.push(line);
          if (line.includes("pms-gateway listening")) resolve((JSON.parse(line) as { port: number }).port);
          for (const w of [...waiters]) {
            if (w.test(line)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve();
            }
          }
        }
      }
      reject(new Error(`instance exited before listening: ${await new Response(proc.stderr).text()}`));
    })();
  });
  const port = await listening;
  const instance: Instance = {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    logs,
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      await proc.exited;
    },
    waitForLog(test) {
      if (logs.some(test)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
  return instance;
}
