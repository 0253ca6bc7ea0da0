import { parseArgs } from "node:util";
import { practiceOf } from "../accounts/service";
import { exportAuditLines } from "../audit/export";
import { purgeAuditLog } from "../audit/retention";
import { verifyAuditChain } from "../audit/verify";
import { configFromEnvironment } from "../bootstrap/environment";
import { rotateStoredSecrets } from "../crypto/key-rotation";
import { openDatabase } from "../db/client";
import { applyMigrations } from "../db/migrate";
import { createDeps } from "../deps";
import { mintToken } from "../http/auth/jwt";
import { sqlTimeFromIso, toSqlTimestamp } from "../lib/clock";
import { AppError } from "../lib/errors";
import { createLogger } from "../lib/logger";
import { VapiApi } from "../modules/vapi/api-client";
import { reconcileCallReports } from "../modules/vapi/reconcile";
import { buildPmsTools, PMS_SYSTEM_PROMPT_ADDITION } from "../modules/vapi/tools/definitions";
import { syncAssistantTools } from "../modules/vapi/tools/sync";

const USAGE = `usage: npm run cli -- <command> [options]

  token --role admin|clinic [--account <id>] [--ttl <seconds>]   mint a JWT (default ttl 3600)
  accounts:create --name <name> --timezone <IANA zone> [--currency USD]
  accounts:list
  pms:set --account <id> --provider sandbox|sikka               credentials JSON on stdin
  vapi:sync --assistant <id>                                      create/update the PMS tools on a Vapi assistant
  vapi:tools                                                      print the tool definitions and system-prompt addition
  vapi:reconcile [--since <UTC time>]                             fetch end-of-call reports that never arrived (default: last 24 h)
  audit:verify                                                    walk the audit hash chain; exit 1 at the first broken row
  audit:export [--from <UTC time>] [--to <UTC time>]              audit rows as JSON lines with their chain hashes
  mirror:resync --account <id>                                    reload a practice's schedule mirror from its PMS now
  keys:rotate                                                     re-seal stored credentials with the first ENCRYPTION_KEY
  audit:purge --export <file>                                     export, checkpoint and purge audit rows older than 6 years`;

/** Every CLI command, callable with explicit I/O so that tests run it in-process. */
export async function runCli(
  argv: string[],
  io: {
    env: Record<string, string | undefined>;
    stdin: () => Promise<string>;
    out: (s: string) => void;
    err: (s: string) => void;
    fetch?: typeof fetch;
  },
): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      role: { type: "string" },
      account: { type: "string" },
      ttl: { type: "string" },
      name: { type: "string" },
      timezone: { type: "string" },
      currency: { type: "string" },
      provider: { type: "string" },
      assistant: { type: "string" },
      from: { type: "string" },
      export: { type: "string" },
      since: { type: "string" },
      to: { type: "string" },
    },
    strict: true,
  });
  const configured = configFromEnvironment(io.env);
  if (!configured.ok) {
    io.err(`configuration problems:\n${configured.problems.map((p) => `  - ${p}`).join("\n")}`);
    return 1;
  }
  const config = configured.config;

  if (command === "token") {
    const ttlSeconds = Number(values.ttl ?? "3600");
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) return fail(io, "--ttl must be a positive number of seconds");
    if (values.role === "admin") {
      io.out(await mintToken(config.adminJwtSecret, { role: "admin" }, { ttlSeconds, subject: "cli" }));
      return 0;
    }
    if (values.role === "clinic" && values.account) {
      io.out(await mintToken(config.adminJwtSecret, { role: "clinic", accountId: values.account }, { ttlSeconds, subject: "cli" }));
      return 0;
    }
    return fail(io, "token needs --role admin, or --role clinic with --account <id>");
  }

  if (command === "vapi:tools") {
    io.out(JSON.stringify({ tools: buildPmsTools(config.publicUrl), systemPromptAddition: PMS_SYSTEM_PROMPT_ADDITION }, null, 2));
    return 0;
  }

  if (command === "vapi:sync") {
    if (!values.assistant) return fail(io, "vapi:sync needs --assistant <id>");
    if (!config.vapiApiKey) return fail(io, "vapi:sync needs VAPI_API_KEY");
    const api = new VapiApi(config.vapiApiUrl, config.vapiApiKey, io.fetch ?? fetch);
    try {
      const report = await syncAssistantTools(api, values.assistant, buildPmsTools(config.publicUrl));
      io.out(
        `created: ${report.created.join(", ") || "none"}\nupdated: ${report.updated.join(", ") || "none"}\n` +
          `unchanged: ${report.unchanged.length} tools\nassistant ${report.assistantUpdated ? "updated with the new tool ids" : "unchanged"}`,
      );
      io.out("Add the system-prompt addition to the assistant's prompt: npm run cli -- vapi:tools");
      return 0;
    } catch (e) {
      return fail(io, (e as Error).message);
    }
  }

  const database = await openDatabase(config.database);
  try {
    await applyMigrations(database.db);
    const deps = createDeps({ config, db: database.db, logger: createLogger({ level: "warn" }) });
    switch (command) {
      case "accounts:create": {
        if (!values.name || !values.timezone) return fail(io, "accounts:create needs --name and --timezone");
        const account = await deps.accounts.create({
          name: values.name,
          timezone: values.timezone,
          ...(values.currency ? { currency: values.currency } : {}),
        });
        io.out(JSON.stringify({ id: account.id, name: account.name, timezone: account.timezone }));
        return 0;
      }
      case "accounts:list": {
        for (const a of await deps.accounts.list()) {
          const pms = await deps.integrations.status(a.id);
          io.out(`${a.id}\t${a.name}\t${a.timezone}\t${a.enabled ? "enabled" : "disabled"}\t${pms.provider ?? "no PMS"}`);
        }
        return 0;
      }
      case "pms:set": {
        if (!values.account || !values.provider) return fail(io, "pms:set needs --account and --provider (credentials on stdin)");
        const account = await deps.accounts.get(values.account);
        if (!account) return fail(io, "no such account");
        const input = (await io.stdin()).trim();
        let credentials: unknown;
        try {
          credentials = input === "" ? {} : JSON.parse(input);
        } catch {
          return fail(io, "stdin is not a JSON object");
        }
        const status = await deps.integrations.configure(practiceOf(account), values.provider, credentials);
        io.out(JSON.stringify(status));
        return 0;
      }
      case "audit:verify": {
        const report = await verifyAuditChain(database.db, deps.chainKeys);
        io.out(JSON.stringify(report));
        return report.ok ? 0 : 1;
      }
      case "audit:export": {
        const range = {
          ...(values.from ? { from: sqlTimeFromIso(values.from) } : {}),
          ...(values.to ? { to: sqlTimeFromIso(values.to) } : {}),
        };
        for await (const line of exportAuditLines(database.db, range)) io.out(line);
        return 0;
      }
      case "vapi:reconcile": {
        if (!config.vapiApiKey) return fail(io, "vapi:reconcile needs VAPI_API_KEY");
        const since = values.since ? sqlTimeFromIso(values.since) : toSqlTimestamp(new Date(deps.clock.now().getTime() - 24 * 3600_000));
        const api = new VapiApi(config.vapiApiUrl, config.vapiApiKey, io.fetch ?? fetch);
        io.out(JSON.stringify(await reconcileCallReports(api, deps.callReports, since)));
        return 0;
      }
      case "audit:purge": {
        if (!values.export) return fail(io, "audit:purge needs --export <file> (rows are exported before they are purged)");
        const report = await purgeAuditLog(database.db, deps.chainKeys, deps.clock, values.export);
        io.out(JSON.stringify(report));
        return 0;
      }
      case "mirror:resync": {
        if (!values.account) return fail(io, "mirror:resync needs --account");
        if (!(await deps.accounts.get(values.account))) return fail(io, "no such account");
        const outcome = await deps.mirrorRefresher.resync(values.account);
        const row = await deps.mirrors.row(values.account);
        io.out(JSON.stringify({ accountId: values.account, outcome, provider: row?.provider ?? null, mirrorError: row?.lastError ?? null }));
        if (outcome === "skipped" && row?.lastError === "unsupported")
          return fail(io, "this practice's PMS has no change feed; its availability is always read live");
        if (outcome === "skipped")
          return fail(
            io,
            row ? "another instance is refreshing this practice right now; try again in a minute" : "this practice has no PMS with a change feed connected",
          );
        return outcome === "full" ? 0 : 1;
      }
      case "keys:rotate": {
        const counts = await rotateStoredSecrets(database.db, deps.vault);
        io.out(`re-sealed with key "${deps.vault.currentKeyId}": ${counts.credentials} credentials, ${counts.tokens} tokens`);
        return 0;
      }
      default:
        io.err(USAGE);
        return command ? 2 : 0;
    }
  } catch (e) {
    if (e instanceof AppError) return fail(io, `${e.code}: ${e.message}`);
    throw e;
  } finally {
    database.close();
  }
}

function fail(io: { err: (s: string) => void }, message: string): number {
  io.err(message);
  return 2;
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    stdin: () => Bun.stdin.text(),
    out: (s) => console.log(s),
    err: (s) => console.error(s),
  });
  process.exit(code);
}
