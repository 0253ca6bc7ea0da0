import { AppError } from "../../lib/errors";
import type { RateLimiter } from "../rate-limit";

/** 429 with the seconds after which the budget allows another request. */
export const rateLimited = (retryAfterSeconds: number, message = "Too many requests; slow down.") =>
  new AppError("RATE_LIMITED", message, { "retry-after": String(retryAfterSeconds) });

/**
 * The error for a request whose credential did not verify: `refused` (401), or 429 with Retry-After
 * once the address has spent its budget of failed authentications. Every scheme refuses through this.
 */
export function authenticationRefused(
  failedAuthByIp: RateLimiter,
  clientIp: string,
  refused: AppError,
  limitedMessage = "Too many requests; slow down.",
): AppError {
  const budget = failedAuthByIp.check(clientIp);
  return budget.allowed ? refused : rateLimited(budget.retryAfterSeconds, limitedMessage);
}
