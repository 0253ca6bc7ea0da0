import type { Server } from "bun";
import { createApp } from "./app";
import { ensureDemoClinic } from "./bootstrap/demo-clinic";
import { configFromEnvironment } from "./bootstrap/environment";
import { CHECKPOINT_EVERY_MS } from "./db/checkpointer";
import { openDatabase } from "./db/client";
import { applyMigrations } from "./db/migrate";
import { missingAuditGuards } from "./db/readiness";
import { createDeps } from "./deps";
import { clinicDayOf, dayText } from "./domain/time";
import { zoneOf } from "./domain/zone";
import { sign } from "./http/auth/hmac";
import { mintToken } from "./http/auth/jwt";
import { SERVER_BODY_CEILING } from "./http/body";
import { flyAwareClientIp } from "./http/client-ip";
import { HEARTBEAT_EVERY_MS } from "./instances/registry";
import { createLogger } from "./lib/logger";

// The only module that reads the environment and listens.
// Started from a function rather than with top-level await: the production bundle is CommonJS, the
// format Bun keeps compiled bytecode for (scripts/build.ts).
async function start(): Promise<void> {
  const result = configFromEnvironment(process.env);
  if (!result.ok) {
    console.error(`pms-gateway cannot start; fix the environment:\n${result.problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exit(1);
  }
  const config = result.config;
  const logger = createLogger({ level: config.logLevel });
  const database = await openDatabase(config.database);
  await applyMigrations(database.db);
  const missingGuards = await missingAuditGuards(database.db);
  if (missingGuards.length > 0) {
    // Someone removed what keeps the audit log append-only: refuse to record PHI access without it.
    console.error(`pms-gateway cannot start: audit log guards are missing (${missingGuards.join(", ")}); restore them from drizzle/ and run audit:verify`);
    process.exit(1);
  }

  let server: Server<unknown> | undefined;
  const deps = createDeps({
    config,
    db: database.db,
    logger,
    clientIp: flyAwareClientIp((request) => server?.requestIP(request)?.address, Boolean(process.env.FLY_APP_NAME)),
  });
  const demo = config.nodeEnv === "production" ? undefined : await ensureDemoClinic(deps);

  const app = createApp(deps).listen({ port: config.port, hostname: "0.0.0.0", maxRequestBodySize: SERVER_BODY_CEILING });
  server = app.server ?? undefined;
  const checkpointer = database.startCheckpoints({
    everyMs: CHECKPOINT_EVERY_MS,
    onFailure: (message) => logger.warn({ message }, "background checkpoint failed; the connection's own threshold applies"),
  });
  void checkpointer.then((started) => {
    if (started) logger.debug({ everyMs: CHECKPOINT_EVERY_MS }, "checkpoint thread started");
  });

  // Finishes PMS writes that were still pending when their call ended (Sikka writebacks); each check is
  // leased, so several instances share the work and a dead instance's writes are picked up by another.
  const poller = setInterval(() => {
    deps.writebackPoller.pollOnce().catch((e) => logger.warn({ errorName: (e as Error)?.name }, "writeback poll failed"));
  }, config.writebackPollMs);
  // Keeps each practice's schedule mirror current from its vendor's change feed. Ticks often so a vendor
  // event or a booking conflict is acted on within seconds; each practice is only read when it is due,
  // and by one instance at a time (a lease).
  const mirrorTick = setInterval(
    () => {
      deps.mirrorRefresher.refreshDue().catch((e) => logger.warn({ errorName: (e as Error)?.name }, "schedule mirror tick failed"));
    },
    Math.min(5_000, config.mirror.refreshIntervalMs),
  );
  // Live instances share the rate limits; a heartbeat keeps the count current.
  await deps.instances.heartbeat().catch(() => undefined);
  const heartbeat = setInterval(() => {
    deps.instances.heartbeat().catch((e) => logger.warn({ errorName: (e as Error)?.name }, "instance heartbeat failed"));
  }, HEARTBEAT_EVERY_MS);

  let stopping = false;
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    clearInterval(poller);
    clearInterval(mirrorTick);
    clearInterval(heartbeat);
    await app.stop(false);
    // Audit rows of writes already made must land before the process goes.
    if (!(await deps.audit.drain(10_000))) logger.error({ backlog: deps.audit.backlogSize }, "audit backlog not written before shutdown");
    await deps.instances.leave().catch(() => undefined);
    // The checkpoint thread ends between checkpoints; the process must not exit in the middle of one.
    await (await checkpointer)?.stop();
    database.close();
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  // Said once a stop signal is handled gracefully, so whoever waits for this line may stop the process.
  // PORT=0 lets the system choose a free port; the line names the one actually bound.
  logger.info({ port: server?.port ?? config.port, env: config.nodeEnv }, "pms-gateway listening");

  if (demo) {
    const adminToken = await mintToken(config.adminJwtSecret, { role: "admin" }, { ttlSeconds: 12 * 3600, subject: "local-dev" });
    const body = JSON.stringify({ call: { id: "demo-call", metadata: { accountId: demo.id } }, data: { query: "Jane Doe" } });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = sign(config.vapiWebhookSecrets[0] ?? "", new TextEncoder().encode(`${timestamp}.${body}`));
    // The coming week in the clinic's zone: today alone has no openings left after its office hours.
    const today = clinicDayOf(Date.now(), zoneOf(demo.timezone));
    const week = `startDate=${dayText(today)}&endDate=${dayText(today + 6)}`;
    console.log(`
pms-gateway is running on ${config.publicUrl} (sandbox PMS, database ${config.database.url})

  Demo clinic (account id): ${demo.id}
  Admin token (12 h):       ${adminToken}
  Explorer:                 ${config.publicUrl}/docs

  For the README's tour:
  export ADMIN_TOKEN=${adminToken} ACCOUNT_ID=${demo.id}

  A signed Vapi-style request (valid for 5 minutes):
  curl -s ${config.publicUrl}/api/pms/patients/search \\
    -H 'content-type: application/json' \\
    -H 'x-vapi-timestamp: ${timestamp}' \\
    -H 'x-vapi-signature: ${signature}' \\
    -d '${body}'

  The same with the admin token:
  curl -s '${config.publicUrl}/api/pms/appointments/availability?${week}&limit=3' \\
    -H 'authorization: Bearer ${adminToken}' -H 'x-account-id: ${demo.id}'
`);
  }
}

start().catch((e) => {
  console.error("pms-gateway cannot start:", e);
  process.exit(1);
});
