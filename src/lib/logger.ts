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

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "pms-gateway" },
      redact: { paths: redactPaths, censor: "[Redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
