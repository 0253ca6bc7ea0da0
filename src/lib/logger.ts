import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Second net only: call sites log an allowlist of fields (never bodies), and these catch credentials if
 * a header object or a settings object is ever logged by mistake.
 */
export const redactPaths = [
  "req.headers.authorization",
  'req.headers["x-vapi-secret"]',
  'req.headers["x-vapi-signature"]',
  'req.headers["x-signature"]',
  "headers.authorization",
  'headers["x-vapi-secret"]',
  'headers["x-vapi-signature"]',
  'headers["x-signature"]',
];

/** Fields censored one level down in any logged object (`{ credentials: { secretKey } }` and the like). */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(["secretKey", "secret", "password", "token", "credentials"]);
const CENSOR = "[Redacted]";

/**
 * Censors `SECRET_FIELDS` in the logged object's nested objects, copying only what it changes. pino's own
 * redaction with a leading wildcard would run its path matcher on every field of every line (the
 * request line has only plain values, and is written thousands of times a second).
 */
export function censorSecrets(object: Record<string, unknown>): Record<string, unknown> {
  let out = object;
  for (const key in object) {
    const value = object[key];
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    let censored: Record<string, unknown> | null = null;
    for (const field in value) {
      if (SECRET_FIELDS.has(field)) {
        censored ??= { ...(value as Record<string, unknown>) };
        censored[field] = CENSOR;
      }
    }
    if (censored) {
      if (out === object) out = { ...object };
      out[key] = censored;
    }
  }
  return out;
}

/**
 * The lines logged during one turn of the event loop, handed to `out` as one write at the end of the
 * turn (under load a turn logs dozens of request lines: one system call instead of dozens). Nothing
 * waits on a timer, and whatever is pending is written when the process exits.
 */
export function turnBuffered(out: { write(text: string): unknown }): DestinationStream & { flush(): void } {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    out.write(text);
  };
  process.once("exit", flush);
  return {
    write(line: string) {
      pending.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

/** The fields every line carries after its level and time. */
const BASE = { service: "pms-gateway" };

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: BASE,
      redact: { paths: redactPaths, censor: CENSOR },
      formatters: { log: censorSecrets },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Standard output, written synchronously (a crash loses at most the current turn's lines).
    options.destination ?? turnBuffered(pino.destination({ dest: 1, sync: true })),
  );
}

/** The fields of the access log's one line per request (never a body, a query string or a credential). */
export type RequestLine = {
  method: string;
  route: string;
  status: number;
  ms: number | undefined;
  /** Of `ms`, the time spent in the practice system's connector (absent when the request reached none). */
  pmsMs?: number | undefined;
  requestId: string | undefined;
  accountId: string | undefined;
};

/**
 * Writes the access log's line exactly as `logger.info(line, "request")` would (the same fields in the
 * same order, at the same level, to the same destination), without pino's general serialization and
 * redaction passes: the line is written for every request, and its fields are plain values with no
 * place for a secret.
 */
export function requestLineWriter(logger: Logger): (line: RequestLine) => void {
  const destination = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
  if (!destination) return (line) => logger.info(line, "request");
  // What pino writes around the time for an info line of this logger: the level, then the base fields.
  const level = `{"level":${logger.levels.values.info},"time":"`;
  const base = `",${JSON.stringify(BASE).slice(1, -1)}`;
  return (line) => {
    if (!logger.isLevelEnabled("info")) return;
    let text = `${level}${new Date().toISOString()}${base},"method":${JSON.stringify(line.method)},"route":${JSON.stringify(line.route)},"status":${line.status}`;
    if (line.ms !== undefined) text += `,"ms":${line.ms}`;
    if (line.pmsMs !== undefined) text += `,"pmsMs":${line.pmsMs}`;
    if (line.requestId !== undefined) text += `,"requestId":${JSON.stringify(line.requestId)}`;
    if (line.accountId !== undefined) text += `,"accountId":${JSON.stringify(line.accountId)}`;
    destination.write(`${text},"msg":"request"}\n`);
  };
}
