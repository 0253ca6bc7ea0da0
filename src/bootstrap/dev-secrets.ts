import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const GENERATED = ["VAPI_WEBHOOK_SECRET", "ENCRYPTION_KEY", "ADMIN_JWT_SECRET"] as const;

const randomHex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");

/**
 * Outside production only: fills the secrets the environment leaves unset from `secrets.json` in the
 * data folder, generating them there (mode 0600) on first start, so `npm start` needs no set-up.
 */
export function devSecrets(env: Record<string, string | undefined>, dataDir: string): Record<string, string> {
  const file = join(dataDir, "secrets.json");
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  let changed = false;
  for (const name of GENERATED) {
    if (!stored[name]) {
      stored[name] = randomHex(32);
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const filled: Record<string, string> = {};
  for (const name of GENERATED) {
    const value = stored[name];
    if (!env[name] && value) filled[name] = value;
  }
  return filled;
}
