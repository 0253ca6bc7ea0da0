import { expect, test } from "bun:test";
import fc from "fast-check";
import pino from "pino";
import { createLogger, requestLineWriter, SECRET_FIELDS, turnBuffered } from "../../src/lib/logger";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

test("the lines of one event-loop turn reach the output as one write, in order, at the end of the turn", async () => {
  const writes: string[] = [];
  const destination = turnBuffered({ write: (text: string) => writes.push(text) });
  const logger = pino({ base: null, timestamp: false }, destination);
  for (let i = 0; i < 20; i++) logger.info({ i }, "request");
  expect(writes).toEqual([]);
  await nextTurn();
  expect(writes).toHaveLength(1);
  const lines =
    writes[0]
      ?.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { i: number }) ?? [];
  expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  logger.info({ i: 20 }, "request");
  await nextTurn();
  expect(writes).toHaveLength(2);
});

test("flush writes what is pending at once (as on exit); nothing is written twice", async () => {
  const writes: string[] = [];
  const destination = turnBuffered({ write: (text: string) => writes.push(text) });
  destination.write("a\n");
  destination.flush();
  expect(writes).toEqual(["a\n"]);
  await nextTurn();
  expect(writes).toEqual(["a\n"]);
});

test("secrets one level down in any logged object are censored; the caller's object is left as it was", async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", destination: { write: (line: string) => lines.push(line) } });
  const settings = { officeId: "D1", secretKey: "s3cret-key-value", credentials: { token: "t0ken" } };
  logger.info({ settings, status: 200, headers: { authorization: "Bearer abc.def" } }, "oops");
  const line = JSON.parse(lines[0] ?? "{}");
  expect(line.settings).toEqual({ officeId: "D1", secretKey: "[Redacted]", credentials: "[Redacted]" });
  expect(line.headers.authorization).toBe("[Redacted]");
  expect(line.status).toBe(200);
  expect(lines[0]).not.toContain("s3cret-key-value");
  expect(lines[0]).not.toContain("t0ken");
  expect(settings.secretKey).toBe("s3cret-key-value");
  for (const field of SECRET_FIELDS) {
    logger.info({ nested: { [field]: `value-of-${field}` } }, "x");
    expect(lines.at(-1)).not.toContain(`value-of-${field}`);
  }
});

test("the access log's request line is byte for byte the line pino writes for the same fields (apart from the time)", () => {
  const viaPino: string[] = [];
  const direct: string[] = [];
  const pinoLogger = createLogger({ level: "info", destination: { write: (line: string) => viaPino.push(line) } });
  const writeLine = requestLineWriter(createLogger({ level: "info", destination: { write: (line: string) => direct.push(line) } }));
  const withoutTime = (line: string) => line.replace(/"time":"[^"]*"/, '"time":""');
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc.string({ unit: "binary" }),
    fc.constantFrom("POST", "/api/vapi/webhook", 'quo"te', "back\\slash", "new\nline"),
  );
  fc.assert(
    fc.property(
      fc.record({
        method: text,
        route: text,
        status: fc.integer({ min: 100, max: 599 }),
        ms: fc.option(
          fc.double({ min: 0, max: 1e6, noNaN: true }).map((v) => Math.round(v * 10) / 10),
          { nil: undefined },
        ),
        pmsMs: fc.option(
          fc.double({ min: 0, max: 1e6, noNaN: true }).map((v) => Math.round(v * 10) / 10),
          { nil: undefined },
        ),
        requestId: fc.option(text, { nil: undefined }),
        accountId: fc.option(text, { nil: undefined }),
      }),
      (line) => {
        pinoLogger.info(line, "request");
        writeLine(line);
        expect(withoutTime(direct.at(-1) ?? "")).toBe(withoutTime(viaPino.at(-1) ?? ""));
        expect(direct.at(-1)).toMatch(/"time":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"/);
      },
    ),
  );
});

test("the request line respects the log level", () => {
  const lines: string[] = [];
  const writeLine = requestLineWriter(createLogger({ level: "warn", destination: { write: (line: string) => lines.push(line) } }));
  writeLine({ method: "GET", route: "/health", status: 200, ms: 0.1, requestId: "req_1", accountId: undefined });
  expect(lines).toEqual([]);
});
