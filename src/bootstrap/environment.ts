import { type ConfigResult, DEFAULT_DATABASE_URL, dataDirFor, loadConfig } from "../config";
import { devSecrets } from "./dev-secrets";

/** The service's and the CLI's one way to read the environment into a config. */
export function configFromEnvironment(env: Record<string, string | undefined>): ConfigResult {
  const merged = { ...env };
  if (env.NODE_ENV !== "production") {
    Object.assign(merged, devSecrets(env, dataDirFor(env.DATABASE_URL || DEFAULT_DATABASE_URL)));
  }
  return loadConfig(merged);
}
