import { Elysia } from "elysia";
import type { AppDeps } from "./deps";
import { requestContext } from "./http/request-context";
import { adminModule } from "./modules/admin";
import { monitoringModule } from "./modules/admin/monitoring";
import { docsModule } from "./modules/docs";
import { healthModule } from "./modules/health";
import { pmsModule } from "./modules/pms";
import { vapiModule } from "./modules/vapi";

/** Builds the whole HTTP app from its dependencies; tests call `createApp(deps).handle(request)`. */
export function createApp(deps: AppDeps) {
  const secrets = { webhookSecrets: deps.config.vapiWebhookSecrets, jwtSecret: deps.config.adminJwtSecret };
  return new Elysia({ name: "pms-gateway" })
    .use(requestContext(deps))
    .use(healthModule(deps.db, deps.audit))
    .use(pmsModule({ ...deps, secrets }))
    .use(vapiModule({ ...deps, secrets, publicUrl: deps.config.publicUrl }))
    .use(monitoringModule({ ...deps, jwtSecret: deps.config.adminJwtSecret, ...(deps.config.metricsToken ? { metricsToken: deps.config.metricsToken } : {}) }))
    .use(adminModule({ ...deps, jwtSecret: deps.config.adminJwtSecret }))
    .use(docsModule(deps.config.publicUrl));
}

export type App = ReturnType<typeof createApp>;
