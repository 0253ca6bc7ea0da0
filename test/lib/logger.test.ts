import { expect, test } from "bun:test";
import pino from "pino";
import { createLogger, SECRET_FIELDS, turnBuffered } from "../../src/lib/logger";

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
