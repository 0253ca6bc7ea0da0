import { Elysia } from "elysia";
import type { AppDeps } from "./deps";
import { requestContext } from "./http/request-context";
import { adminModule } from "./modules/admin";
import { monitoringModule } from "./modules/admin/monitoring";
import { connectorsModule } from "./modules/connectors";
import { docsModule } from "./modules/docs";
import { healthModule } from "./modules/health";
import { pmsModule } from "./modules/pms";
import { vapiModule } from "./modules/vapi";

/** Builds the whole HTTP app from its dependencies; tests call `createApp(deps).handle(request)`. */
export function createApp(deps: AppDeps) {
  // What every authentication scheme needs, once: the modules declare `{ auth: ... }` on their routes.
  const auth = {
    ...deps,
    secrets: { webhookSecrets: deps.config.vapiWebhookSecrets, jwtSecret: deps.config.adminJwtSecret },
    jwtSecret: deps.config.adminJwtSecret,
  };
  return new Elysia({ name: "pms-gateway" })
    .use(requestContext(deps))
    .use(healthModule(deps.db, deps.audit))
    .use(pmsModule(auth))
    .use(vapiModule({ ...auth, publicUrl: deps.config.publicUrl }))
    .use(monitoringModule({ ...auth, ...(deps.config.metricsToken ? { metricsToken: deps.config.metricsToken } : {}) }))
    .use(adminModule(auth))
    .use(connectorsModule(deps))
    .use(docsModule(deps.config.publicUrl));
}

export type App = ReturnType<typeof createApp>;
