import type { Principal } from "../../accounts/principal";
import type { AccountService } from "../../accounts/service";
import type { Clock } from "../../lib/clock";
import { AppError, unauthorized } from "../../lib/errors";
import type { RateLimiter } from "../rate-limit";
import type { RequestStates } from "../request-state";
import { bearerToken } from "./bearer";
import { verifyToken } from "./jwt";
import { authenticationRefused } from "./refusal";

export type StaffPrincipal = Extract<Principal, { kind: "admin" | "clinic" }>;

export type StaffAuthDeps = {
  jwtSecret: string;
  clock: Clock;
  accounts: AccountService;
  states: RequestStates;
  /** The same per-address budget of failed authentications as every other scheme. */
  failedAuthByIp: RateLimiter;
};

/**
 * Admin routes take clinic/admin JWTs only: the shared Vapi webhook secret never opens them. A clinic
 * token works only while its clinic exists and is enabled. An address over its budget of failed
 * authentications gets 429 for further failures, as on the PMS routes.
 */
export async function authenticateStaff(request: Request, deps: StaffAuthDeps): Promise<StaffPrincipal> {
  const token = bearerToken(request.headers.get("authorization"));
  const principal = token ? await verifyToken(deps.jwtSecret, token, deps.clock.now()) : null;
  const usable = principal && principal.kind !== "vapi" && (principal.kind === "admin" || (await deps.accounts.find(principal.accountId))?.enabled === true);
  if (!usable) {
    throw authenticationRefused(
      deps.failedAuthByIp,
      deps.states.get(request)?.clientIp ?? "unknown",
      unauthorized(),
      "Too many failed authentications; slow down.",
    );
  }
  return principal as StaffPrincipal;
}

export function requireAdmin(principal: StaffPrincipal): void {
  if (principal.kind !== "admin") throw new AppError("FORBIDDEN", "This needs an admin token.");
}

/** The clinic a listing is scoped to: what an admin asked for, and always a clinic token's own clinic. */
export function scopedAccountId(principal: StaffPrincipal, requested: string | undefined): string | undefined {
  if (principal.kind !== "clinic") return requested;
  requireAccountAccess(principal, requested ?? principal.accountId);
  return principal.accountId;
}

/** Admins see every clinic; a clinic token sees only its own. */
export function requireAccountAccess(principal: StaffPrincipal, accountId: string): void {
  if (principal.kind === "clinic" && principal.accountId !== accountId) {
    throw new AppError("FORBIDDEN", "This token may only act for its own clinic.");
  }
}
