import { practiceOf } from "../accounts/service";
import type { AppDeps } from "../deps";

export const DEMO_CLINIC_NAME = "Demo Dental (sandbox)";

/** Outside production: the first start creates one clinic on the sandbox PMS to try everything against. */
export async function ensureDemoClinic(deps: AppDeps) {
  const existing = (await deps.accounts.list()).find((a) => a.name === DEMO_CLINIC_NAME);
  if (existing) return existing;
  const account = await deps.accounts.create({ name: DEMO_CLINIC_NAME, timezone: "America/New_York" });
  await deps.integrations.configure(practiceOf(account), "sandbox", {});
  return account;
}
