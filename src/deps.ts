import { AccountService } from "./accounts/service";
import { AuditLog } from "./audit/audit-log";
import { ChainKeys } from "./audit/chain";
import type { Config } from "./config";
import { PmsIntegrations } from "./connections/pms-connections";
import { RecentAvailability } from "./connections/recent-availability";
import { PmsTokenStore, SealedValueStore } from "./connections/sealed-token-store";
import { createNexHealthDefinition } from "./connectors/nexhealth";
import { ConnectorRegistry } from "./connectors/registry";
import { createSandboxDefinition } from "./connectors/sandbox";
import { createSikkaDefinition } from "./connectors/sikka";
import type { ConnectorDefinition } from "./connectors/types";
import { Vault } from "./crypto/vault";
import type { Database } from "./db/client";
import { seedSandboxPractice } from "./db/sandbox/seed";
import { SandboxStore } from "./db/sandbox/store";
import type { ClientIpResolver } from "./http/client-ip";
import { RateLimiter } from "./http/rate-limit";
import { RequestStates } from "./http/request-state";
import { InstanceRegistry } from "./instances/registry";
import { type Clock, systemClock } from "./lib/clock";
import { createLogger, type Logger } from "./lib/logger";
import { Metrics } from "./lib/metrics";
import { VendorRequestMeter } from "./lib/vendor-requests";
import { mirroredConnectors } from "./mirror/mirrored-connector";
import { MirrorRefresher } from "./mirror/refresher";
import { MirrorStore } from "./mirror/store";
import { CallReports } from "./modules/vapi/call-reports";
import { CallerGate } from "./modules/vapi/caller-gate";
import { EndOfCallService } from "./modules/vapi/end-of-call-service";
import { ToolCallService } from "./modules/vapi/tool-call-service";
import { CallVerifications } from "./modules/vapi/verifications";
import { OperationExecutor } from "./operations/execute";
import { IdempotencyStore } from "./operations/idempotency";
import { BookingHoldStore } from "./writebacks/holds";
import { WritebackPoller } from "./writebacks/poller";
import { WritebackStore } from "./writebacks/store";
import { WebhookInbox } from "./writebacks/webhook-inbox";

export type AppDeps = {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  accounts: AccountService;
  integrations: PmsIntegrations;
  audit: AuditLog;
  executor: OperationExecutor;
  states: RequestStates;
  perAccount: RateLimiter;
  failedAuthByIp: RateLimiter;
  clientIp: ClientIpResolver;
  toolCalls: ToolCallService;
  gate: CallerGate;
  endOfCall: EndOfCallService;
  callReports: CallReports;
  writebackPoller: WritebackPoller;
  instances: InstanceRegistry;
  chainKeys: ChainKeys;
  vault: Vault;
  metrics: Metrics;
  connectors: ConnectorRegistry;
  webhookInbox: WebhookInbox;
  mirrors: MirrorStore;
  mirrorRefresher: MirrorRefresher;
  vendorRequests: VendorRequestMeter;
};

export type DepsInput = {
  config: Config;
  db: Database;
  clock?: Clock;
  logger?: Logger;
  /** The fetch connectors use for vendor APIs; tests pass one that reaches a local fake server. */
  fetch?: typeof fetch;
  clientIp?: ClientIpResolver;
  /** Extra PMS connectors (beside the built-in sandbox). */
  connectors?: ConnectorDefinition[];
};

/** The composition root: every collaborator is built here, once, from the config and the database. */
export function createDeps(input: DepsInput): AppDeps {
  const { config, db } = input;
  const clock = input.clock ?? systemClock;
  const logger = input.logger ?? createLogger({ level: config.logLevel });
  const sandboxStore = new SandboxStore(db);
  const vault = new Vault(config.encryptionKeys);
  const instances = new InstanceRegistry(db, clock);
  const holds = new BookingHoldStore(db, clock);
  const writebacks = new WritebackStore(db, clock, holds);
  const sikka = createSikkaDefinition({
    app: {
      ...(config.sikka.clientId ? { appId: config.sikka.clientId } : {}),
      ...(config.sikka.clientSecret ? { appKey: config.sikka.clientSecret } : {}),
      apiUrl: config.sikka.apiUrl,
    },
    keyStore: new PmsTokenStore(db, vault),
    tracker: writebacks,
    holds,
    writebackWaitMs: config.sikka.writebackWaitMs,
  });
  const nexhealth = createNexHealthDefinition({
    app: { ...(config.nexhealth.apiKey ? { apiKey: config.nexhealth.apiKey } : {}), apiUrl: config.nexhealth.apiUrl, publicUrl: config.publicUrl },
    secrets: new SealedValueStore(db, vault),
    tracker: writebacks,
    holds,
    writebackWaitMs: config.nexhealth.insertionWaitMs,
  });
  const registry = new ConnectorRegistry([createSandboxDefinition(sandboxStore), sikka, nexhealth, ...(input.connectors ?? [])]);
  const mirrors = new MirrorStore(db);
  const mirrored = mirroredConnectors({ store: mirrors, holds, clock, settings: config.mirror });
  const recentAvailability = new RecentAvailability(config.availabilityReuseMs, () => clock.now().getTime());
  const vendorRequests = new VendorRequestMeter(() => clock.now().getTime());
  const integrations = new PmsIntegrations(
    db,
    vault,
    registry,
    { fetch: input.fetch ?? fetch, clock, logger },
    {
      async onConfigured(provider, practice) {
        // New credentials may name another practice: its mirror is reloaded from scratch.
        await mirrors.forget(practice.accountId);
        if (provider === "sandbox" && !(await sandboxStore.hasPractice(practice.accountId))) {
          await seedSandboxPractice(db, practice, clock.now());
        }
      },
      decorate: (practice, live) => recentAvailability.wrap(practice, mirrored(practice, live)),
      vendorRequests,
    },
  );
  const chainKeys = new ChainKeys(config.encryptionKeys);
  const audit = new AuditLog(db, clock, chainKeys);
  const metrics = new Metrics();
  const executor = new OperationExecutor({ integrations, audit, idempotency: new IdempotencyStore(db, clock), clock, logger, metrics });
  const verifications = new CallVerifications(db);
  const gate = new CallerGate({ integrations, verifications });
  const callReports = new CallReports(db, clock, audit);
  const accounts = new AccountService(db, clock);
  return {
    config,
    db,
    clock,
    logger,
    accounts,
    integrations,
    audit,
    executor,
    toolCalls: new ToolCallService({ executor, gate, verifications }),
    gate,
    endOfCall: new EndOfCallService({ reports: callReports, verifications, executor, logger }),
    callReports,
    chainKeys,
    vault,
    metrics,
    connectors: registry,
    webhookInbox: new WebhookInbox({ db, store: writebacks, audit, logger }),
    mirrors,
    mirrorRefresher: new MirrorRefresher({
      store: mirrors,
      integrations,
      accounts,
      clock,
      logger,
      settings: config.mirror,
      providers: registry.ids().filter((id) => registry.get(id)?.offersScheduleFeed),
      instanceId: instances.id,
    }),
    vendorRequests,
    writebackPoller: new WritebackPoller({ store: writebacks, integrations, accounts, audit, clock, logger, instanceId: instances.id }),
    states: new RequestStates(),
    perAccount: new RateLimiter(config.rateLimits.perAccountPerMinute, clock, () => instances.liveCount),
    failedAuthByIp: new RateLimiter(config.rateLimits.perIpPerMinute, clock, () => instances.liveCount),
    instances,
    // Without a resolver every caller shares one address bucket (fails safe: limits apply to all).
    clientIp: input.clientIp ?? (() => "unknown"),
  };
}
