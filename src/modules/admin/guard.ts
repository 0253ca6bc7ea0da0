import { verifyToken } from "../../http/auth/jwt";
import type { Principal } from "../../http/auth/principal";
import { AppError, unauthorized } from "../../http/errors";
import type { Clock } from "../../lib/clock";

export type StaffPrincipal = Extract<Principal, { kind: "admin" | "clinic" }>;

/** Admin routes take clinic/admin JWTs only: the shared Vapi webhook secret never opens them. */
export async function authenticateStaff(request: Request, jwtSecret: string, clock: Clock): Promise<StaffPrincipal> {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  const principal = match ? await verifyToken(jwtSecret, match[1]!, clock.now()) : null;
  if (!principal || principal.kind === "vapi") throw unauthorized();
  return principal;
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
