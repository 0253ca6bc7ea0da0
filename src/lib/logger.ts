import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Second net only: call sites log an allowlist of fields (never bodies), and these paths catch
 * credentials if a header object is ever logged by mistake.
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
  "*.secretKey",
  "*.secret",
  "*.password",
  "*.token",
  "*.credentials",
];

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
      redact: { paths: redactPaths, censor: "[Redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Standard output, written synchronously (a crash loses at most the current turn's lines).
    options.destination ?? turnBuffered(pino.destination({ dest: 1, sync: true })),
  );
}
