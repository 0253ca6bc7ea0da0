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

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "pms-gateway" },
      redact: { paths: redactPaths, censor: CENSOR },
      formatters: { log: censorSecrets },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Standard output, written synchronously (a crash loses at most the current turn's lines).
    options.destination ?? turnBuffered(pino.destination({ dest: 1, sync: true })),
  );
}
