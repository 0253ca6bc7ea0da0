import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BackgroundCheckpointer } from "../../src/db/checkpointer";
import { type DatabaseHandle, openDatabase } from "../../src/db/client";

let dir: string;
let handle: DatabaseHandle | null = null;
afterEach(() => {
  handle?.close();
  handle = null;
  rmSync(dir, { recursive: true, force: true });
});

async function openWithCheckpointer(failures: string[] = []) {
  dir = mkdtempSync(join(tmpdir(), "ckpt-"));
  // A long interval: the test drives each checkpoint itself with now(), nothing depends on timing.
  handle = await openDatabase({ url: `file:${join(dir, "c.db")}` }, { checkpoints: { everyMs: 3_600_000, onFailure: (m) => failures.push(m) } });
  return handle;
}

test("the log is copied into the file by the checkpoint thread, not by the service's commits", async () => {
  const db = await openWithCheckpointer();
  expect((await db.client.execute("PRAGMA wal_autocheckpoint")).rows[0]?.[0]).toBe(10_000);
  await db.client.execute("create table t (id integer primary key, v text)");
  // About 1,500 pages of log: past SQLite's default threshold, below the fallback one.
  for (let i = 0; i < 30; i++) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => db.client.execute({ sql: "insert into t (v) values (?)", args: ["x".repeat(3500) + i + j] })));
  }
  const before = await db.checkpointer?.now();
  expect(before?.busy).toBe(0);
  expect(before?.logFrames).toBeGreaterThan(1_000);
  expect(before?.checkpointed).toBe(before?.logFrames);
  // Nothing new since: the next one has nothing left to copy beyond what it already did.
  const again = await db.checkpointer?.now();
  expect(again?.checkpointed).toBe(again?.logFrames);
  expect(Number((await db.client.execute("select count(*) from t")).rows[0]?.[0])).toBe(1_500);
});

test("closing the database stops the thread", async () => {
  const db = await openWithCheckpointer();
  const checkpointer = db.checkpointer;
  db.close();
  handle = null;
  await expect(checkpointer?.now() ?? Promise.resolve()).rejects.toThrow("stopped");
});

test("stopping lets the thread close its connection and end by itself, so it is never cut off in a checkpoint", async () => {
  const db = await openWithCheckpointer();
  const checkpointer = db.checkpointer;
  // A grace far past the test's own time limit: only a thread that ends on its own lets this resolve.
  await checkpointer?.stop(3_600_000);
  await expect(checkpointer?.now() ?? Promise.resolve()).rejects.toThrow("stopped");
});

test("a stop with no grace left terminates the thread and still resolves; a second stop is the first one", async () => {
  const db = await openWithCheckpointer();
  const checkpointer = db.checkpointer;
  const first = checkpointer?.stop(0);
  expect(checkpointer?.stop(3_600_000)).toBe(first);
  await first;
  await expect(checkpointer?.now() ?? Promise.resolve()).rejects.toThrow("stopped");
});

test("a thread that has already ended (it crashed) stops at once instead of holding shutdown", async () => {
  const db = await openWithCheckpointer();
  const checkpointer = db.checkpointer;
  // The thread dies on its own, as a crash would end it.
  const thread = (checkpointer as unknown as { worker: Worker }).worker;
  const gone = new Promise((resolve) => thread.addEventListener("close", resolve, { once: true }));
  await thread.terminate();
  await gone;
  // An hour's grace: only a stop that knows the thread has ended resolves within the test's time.
  await checkpointer?.stop(3_600_000);
});

test("a thread that cannot open the file fails its start (the service's own threshold would apply)", async () => {
  dir = mkdtempSync(join(tmpdir(), "ckpt-"));
  await expect(
    BackgroundCheckpointer.start(join(dir, "missing", "nested", "c.db"), { everyMs: 1000, timeoutMs: 100, onFailure: () => undefined }),
  ).rejects.toThrow();
});
