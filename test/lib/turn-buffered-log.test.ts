import { expect, test } from "bun:test";
import pino from "pino";
import { turnBuffered } from "../../src/lib/logger";

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
