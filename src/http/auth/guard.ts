import type { Principal } from "../../accounts/principal";
import type { AccountRecord, AccountService } from "../../accounts/service";
import { containsCardData } from "../../domain/card-data";
import { containsNul, isIdentifier } from "../../domain/identifiers";
import type { Clock } from "../../lib/clock";
import { AppError, unauthorized } from "../../lib/errors";
import { isJsonObject } from "../../lib/json";
import { parseJsonBody, readBodyCapped } from "../body";
import type { RateLimiter } from "../rate-limit";
import type { RequestState, RequestStates } from "../request-state";
import { payloadCallId } from "../vapi-message";
import { resolveAccount } from "./account-resolution";
import { type AuthSecrets, authenticate } from "./authenticate";
import { authenticationRefused, rateLimited } from "./refusal";

export type GuardDeps = {
  states: RequestStates;
  secrets: AuthSecrets;
  clock: Clock;
  accounts: AccountService;
  failedAuthByIp: RateLimiter;
  perAccount: RateLimiter;
};

const pathAndQuery = (request: Request) => {
  const url = new URL(request.url);
  return url.pathname + url.search;
};

function stateOf(deps: GuardDeps, request: Request): RequestState {
  const state = deps.states.get(request);
  if (!state) throw new AppError("INTERNAL", "request state missing");
  return state;
}

/**
 * Body requests: reads the raw bytes (capped), verifies the credential over exactly those bytes, and
 * only then parses JSON (signatures are checked before parsing).
 */
export async function authenticateBody(deps: GuardDeps, request: Request): Promise<unknown> {
  const state = stateOf(deps, request);
  const raw = await readBodyCapped(request);
  await authenticateInto(deps, state, request, raw);
  return parseJsonBody(raw);
}

/**
 * An address over its budget of failed authentications gets 429 for every further failure, while its
 * requests that do authenticate still pass: Vapi's egress addresses are shared by many senders, and one
 * misconfigured or hostile sender must not lock out the clinics behind the same address. (Checking a
 * signature costs microseconds; the body was already capped at 1 MiB.)
 */
async function authenticateInto(deps: GuardDeps, state: RequestState, request: Request, body: Uint8Array | null): Promise<Principal> {
  const principal = await authenticate(
    { headers: request.headers, method: request.method, pathAndQuery: pathAndQuery(request), body },
    deps.secrets,
    deps.clock,
  );
  if (!principal) {
    throw authenticationRefused(deps.failedAuthByIp, state.clientIp, unauthorized());
  }
  state.principal = principal;
  return principal;
}

/** Body-less requests (GET): the credential covers the method and the path with its query. */
export async function authenticateBodyless(deps: GuardDeps, request: Request): Promise<Principal> {
  const state = stateOf(deps, request);
  if (state.principal) return state.principal;
  return authenticateInto(deps, state, request, null);
}

/** The call envelope `{call, data}` (or `{message, data}`) carries the arguments in `data`. */
export function unwrapEnvelope(body: unknown): { args: unknown; payload: unknown } {
  if (isJsonObject(body) && isJsonObject(body.data) && ("call" in body || "message" in body)) return { args: body.data, payload: body };
  return { args: body, payload: body };
}

export type GatewayContext = { principal: Principal; account: AccountRecord; callId: string | null; payload: unknown };

/**
 * Everything a PMS route needs before its arguments are validated: who is calling, for which clinic,
 * within that clinic's rate budget, and no raw card data anywhere in the request.
 */
export async function admitPmsRequest(
  deps: GuardDeps,
  input: { request: Request; payload: unknown; args: unknown; query: Record<string, unknown> },
): Promise<GatewayContext> {
  const state = stateOf(deps, input.request);
  const principal = await authenticateBodyless(deps, input.request);
  const queryAccountId = typeof input.query.accountId === "string" ? input.query.accountId : null;
  const account = await resolveAccount(
    principal,
    { payload: input.payload, headerAccountId: input.request.headers.get("x-account-id"), queryAccountId },
    deps.accounts,
  );
  state.account = account;
  // A GET names its call with X-Vapi-Call-Id or ?callId (it has no envelope); ill-formed ids are ignored.
  const namedCallId = input.request.headers.get("x-vapi-call-id") ?? (typeof input.query.callId === "string" ? input.query.callId : null);
  state.callId = payloadCallId(input.payload) ?? (isIdentifier(namedCallId) ? namedCallId : null);
  const budget = deps.perAccount.hit(account.id);
  if (!budget.allowed) throw rateLimited(budget.retryAfterSeconds);
  if (containsNul(input.payload) || containsNul(input.query)) {
    throw new AppError("VALIDATION", "Text must not contain NUL characters.");
  }
  if (
    containsCardData(input.payload) ||
    containsCardData(input.args) ||
    containsCardData(input.query) ||
    containsCardData(input.request.headers.get("idempotency-key") ?? "")
  ) {
    throw new AppError("CARD_DATA_NOT_ALLOWED", "Card numbers and security codes must not be sent; use a payment token.");
  }
  return { principal, account, callId: state.callId, payload: input.payload };
}
