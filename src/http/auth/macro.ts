import { Elysia } from "elysia";
import type { Principal } from "../../accounts/principal";
import type { AccountRecord } from "../../accounts/service";
import { admitPmsRequest, authenticateBody, authenticateBodyless, type GatewayContext, type GuardDeps, unwrapEnvelope } from "./guard";
import { authenticateStaff, requireAdmin, type StaffAuthDeps, type StaffPrincipal } from "./staff";

/**
 * Who may call a route, declared on the route: `{ auth: "pms" | "vapi" | "staff" | "admin" }`.
 *
 * - `pms`: any gateway credential, verified over the raw body bytes before JSON is parsed; then the
 *   clinic is resolved, its rate budget spent and card data refused, all before the arguments are
 *   validated (so an unauthenticated request is a 401, never a schema hint). Resolves
 *   `{ principal, account, gateway }`.
 * - `vapi`: any gateway credential, verified the same way. Resolves `{ principal }`.
 * - `staff`: a clinic or admin JWT (never the Vapi secret); a disabled clinic's token is refused.
 *   Resolves `{ principal }`.
 * - `admin`: an admin JWT. Resolves `{ principal }`.
 *
 * Every refusal is one error from the shared vocabulary; the OpenAPI document learns the schemes here.
 */
export type AuthKind = "pms" | "vapi" | "staff" | "admin";

const GATEWAY_SECURITY = [{ vapiSignature: [] }, { vapiSecret: [] }, { bearer: [] }] as Array<Record<string, string[]>>;
const STAFF_SECURITY = [{ bearer: [] }] as Array<Record<string, string[]>>;

/** Where the transforms leave what they admitted, for the resolve step after validation. */
const admitted = new WeakMap<Request, GatewayContext>();
const staff = new WeakMap<Request, StaffPrincipal>();

export const authentication = (deps: GuardDeps & StaffAuthDeps) => {
  // The credential is verified over the raw bytes, then JSON is parsed by us. "json" after it never runs
  // (ours always answers); it only tells the OpenAPI document the content type.
  const rawBodyThenJson = [({ request }: { request: Request }) => authenticateBody(deps, request), "json" as const];
  return new Elysia({ name: "http/auth" }).macro({
    operation: (action: string) => ({
      // The tool name of the route, so a request refused before the operation runs is still audited under it.
      transform: ({ request }: { request: Request }) => {
        deps.states.require(request).action = action;
      },
    }),
    auth: (kind: AuthKind) => {
      if (kind === "staff" || kind === "admin") {
        return {
          detail: { security: STAFF_SECURITY },
          // Before validation, as for every scheme: an unauthenticated request is a 401, never a schema hint.
          transform: async ({ request }: { request: Request }) => {
            const principal = await authenticateStaff(request, deps);
            if (kind === "admin") requireAdmin(principal);
            staff.set(request, principal);
          },
          resolve: ({ request }: { request: Request }): { principal: StaffPrincipal } => {
            const principal = staff.get(request);
            if (!principal) throw new Error("staff route reached without authentication");
            return { principal };
          },
        };
      }
      if (kind === "vapi") {
        return {
          detail: { security: GATEWAY_SECURITY },
          parse: rawBodyThenJson as never,
          resolve: async ({ request }: { request: Request }): Promise<{ principal: Principal }> => ({
            principal: await authenticateBodyless(deps, request),
          }),
        };
      }
      return {
        detail: { security: GATEWAY_SECURITY },
        parse: rawBodyThenJson as never,
        transform: async (ctx: { request: Request; body: unknown; query: Record<string, unknown> }) => {
          const { args, payload } = unwrapEnvelope(ctx.body);
          const gateway = await admitPmsRequest(deps, { request: ctx.request, payload, args, query: ctx.query });
          admitted.set(ctx.request, gateway);
          // Validation then applies to the bare arguments, whichever form the body came in.
          if (ctx.body !== undefined) ctx.body = args;
        },
        resolve: ({ request }: { request: Request }): { gateway: GatewayContext; principal: Principal; account: AccountRecord } => {
          const gateway = admitted.get(request);
          if (!gateway) throw new Error("pms route reached without admission");
          return { gateway, principal: gateway.principal, account: gateway.account };
        },
      };
    },
  });
};
