import type { Principal } from "../accounts/principal";
import type { AccountRecord } from "../accounts/service";
import { AppError, unauthorized } from "../lib/errors";
import type { PmsTiming } from "../operations/execute";

/**
 * What the gateway learns about one request as it moves through the hooks. Kept outside Elysia's
 * context so that the error handler and the access log see it even when a hook threw half-way.
 */
export type RequestState = PmsTiming & {
  requestId: string;
  startedAt: number;
  clientIp: string;
  principal?: Principal;
  account?: AccountRecord;
  /** Tool name of the PMS operation this route runs (for the audit row of a refused request). */
  action?: string;
  callId?: string | null;
  rawBody?: Uint8Array;
  /** The status the error handler answered with: for errors thrown while parsing, Elysia reports none. */
  errorStatus?: number;
};

export class RequestStates {
  private readonly states = new WeakMap<Request, RequestState>();

  start(request: Request, init: RequestState): RequestState {
    this.states.set(request, init);
    return init;
  }

  get(request: Request): RequestState | undefined {
    return this.states.get(request);
  }

  /** The state of a request that went through the request-context hooks (every routed request does). */
  require(request: Request): RequestState {
    const state = this.states.get(request);
    if (!state) throw new AppError("INTERNAL", "request state missing");
    return state;
  }

  /** Who sent an authenticated request; a route that runs before authentication gets a 401, never a guess. */
  principal(request: Request): Principal {
    const principal = this.require(request).principal;
    if (!principal) throw unauthorized();
    return principal;
  }
}
