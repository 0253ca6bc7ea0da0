import { Elysia, t } from "elysia";
import type { ConnectorRegistry } from "../../connectors/registry";
import { authenticationRefused } from "../../http/auth/refusal";
import type { RateLimiter } from "../../http/rate-limit";
import type { RequestStates } from "../../http/request-state";
import type { Clock } from "../../lib/clock";
import { AppError } from "../../lib/errors";
import { readCapped } from "../../lib/read-capped";
import type { MirrorStore } from "../../mirror/store";
import type { WebhookInbox } from "../../writebacks/webhook-inbox";

/** Vendor events are small (one record); anything larger is not one. */
const MAX_WEBHOOK_BYTES = 256 * 1024;

/**
 * Vendor webhooks: `POST /api/connectors/:provider/webhook`. Authenticated by the vendor's signature
 * (checked by the connector), not by a gateway credential; answered 2xx only after the event is applied.
 */
export const connectorsModule = (deps: {
  connectors: ConnectorRegistry;
  webhookInbox: WebhookInbox;
  clock: Clock;
  failedAuthByIp: RateLimiter;
  states: RequestStates;
  mirrors: MirrorStore;
}) =>
  new Elysia({ name: "modules/connectors" }).post(
    "/api/connectors/:provider/webhook",
    async ({ params, request, body }) => {
      const definition = deps.connectors.get(params.provider);
      if (!definition?.receiveWebhook) throw new AppError("NOT_FOUND", "No webhook for this provider.");
      const raw = body as Uint8Array;
      const delivery = await definition.receiveWebhook({ headers: request.headers, body: raw, now: deps.clock.now() });
      if (!delivery) {
        // Failed signatures count against the sender's address like any failed authentication.
        const clientIp = deps.states.get(request)?.clientIp ?? "unknown";
        throw authenticationRefused(deps.failedAuthByIp, clientIp, new AppError("UNAUTHORIZED", "The delivery's signature did not verify."));
      }
      const applied = await deps.webhookInbox.apply(definition.id, delivery);
      // A schedule changed at the office: the practices' mirrors are refreshed at once, not at the next tick.
      if (delivery.scheduleChanged) await deps.mirrors.nudge(definition.id, delivery.scheduleChanged);
      return { received: true as const, duplicate: applied.duplicate, settled: applied.settled };
    },
    {
      params: t.Object({ provider: t.String({ pattern: "^[a-z0-9-]{1,40}$" }) }),
      // The signature covers the exact bytes: they are read raw (capped), never re-serialised.
      parse: (async ({ request }: { request: Request }) =>
        readCapped(request.body, MAX_WEBHOOK_BYTES, () => new AppError("PAYLOAD_TOO_LARGE", "The delivery is too large."))) as never,
      response: t.Object({ received: t.Literal(true), duplicate: t.Boolean(), settled: t.Integer({ minimum: 0 }) }),
      detail: {
        summary: "Vendor event deliveries (NexHealth insertion results and schedule changes)",
        description:
          "Called by the PMS vendor, not by clinics. Verified by the vendor's signature with the secret of the endpoint the gateway registered at onboarding; unsigned or badly signed deliveries get 401. A redelivery is answered 200 and changes nothing.",
        tags: ["Connectors"],
        security: [{ vendorSignature: [] }],
      },
    },
  );
