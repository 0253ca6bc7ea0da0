import { join } from "node:path";
import { runCli } from "../../src/cli";
import { TEST_ENCRYPTION_KEY, TEST_JWT_SECRET, TEST_WEBHOOK_SECRET } from "./app";

/** The environment the CLI reads, with its database file in `dir`. */
export const cliEnvironment = (dir: string, extra: Record<string, string> = {}): Record<string, string> => ({
  NODE_ENV: "test",
  DATABASE_URL: `file:${join(dir, "cli.db")}`,
  VAPI_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
  ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  ADMIN_JWT_SECRET: TEST_JWT_SECRET,
  ...extra,
});

/** Runs one CLI command in-process with its standard input given; what it printed and its exit code. */
export async function runCliCaptured(argv: string[], env: Record<string, string>, stdin = "") {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env, stdin: async () => stdin, out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
