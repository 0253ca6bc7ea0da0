import { expect, test } from "bun:test";
import { BackgroundCheckpointer } from "../../src/db/checkpointer";
import { FALLBACK_CHECKPOINT_PAGES, openDatabase } from "../../src/db/client";
import { fileDatabasePerTest } from "../helpers/file-database";

const files = fileDatabasePerTest("ckpt-");

async function openWithCheckpointer(failures: string[] = [], script?: URL) {
  const handle = await files.open("c.db");
  // A long interval: the test drives each checkpoint itself with now(), nothing depends on timing.
  const checkpointer = handle.startCheckpoints({ everyMs: 3_600_000, onFailure: (m) => failures.push(m), ...(script ? { script } : {}) });
  return { ...handle, checkpointer, close: () => (files.closed(handle), handle.close()) };
}

test("the log is copied into the file by the checkpoint thread, not by the service's commits", async () => {
  const db = await openWithCheckpointer();
  expect(await db.checkpointer).not.toBeNull();
  expect((await db.client.execute("PRAGMA wal_autocheckpoint")).rows[0]?.[0]).toBe(FALLBACK_CHECKPOINT_PAGES);
  await db.client.execute("create table t (id integer primary key, v text)");
  // About 1,500 pages of log: past SQLite's default threshold, below the fallback one.
  for (let i = 0; i < 30; i++) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => db.client.execute({ sql: "insert into t (v) values (?)", args: ["x".repeat(3500) + i + j] })));
  }
  const before = await (await db.checkpointer)?.now();
  expect(before?.busy).toBe(0);
  expect(before?.logFrames).toBeGreaterThan(1_000);
  expect(before?.checkpointed).toBe(before?.logFrames);
  // Nothing new since: the next one has nothing left to copy beyond what it already did.
  const again = await (await db.checkpointer)?.now();
  expect(again?.checkpointed).toBe(again?.logFrames);
  expect(Number((await db.client.execute("select count(*) from t")).rows[0]?.[0])).toBe(1_500);
});

test("closing the database stops the thread", async () => {
  const db = await openWithCheckpointer();
  const checkpointer = await db.checkpointer;
  db.close();
  await expect(checkpointer?.now() ?? Promise.resolve()).rejects.toThrow("stopped");
});

test("stopping lets the thread close its connection and end by itself, so it is never cut off in a checkpoint", async () => {
  const db = await openWithCheckpointer();
  const checkpointer = await db.checkpointer;
  // A grace far past the test's own time limit: only a thread that ends on its own lets this resolve.
  await checkpointer?.stop(3_600_000);
  await expect(checkpointer?.now() ?? Promise.resolve()).rejects.toThrow("stopped");
});

test("a stop with no grace left terminates the thread and still resolves; a second stop is the first one", async () => {
  const db = await openWithCheckpointer();
  const checkpointer = await db.checkpointer;
  const first = checkpointer?.stop(0);
  expect(checkpointer?.stop(3_600_000)).toBe(first);
  await first;
  await expect(checkpointer?.now() ?? Promise.resolve()).rejects.toThrow("stopped");
});

test("a thread that has already ended (it crashed) stops at once instead of holding shutdown", async () => {
  const db = await openWithCheckpointer();
  const checkpointer = await db.checkpointer;
  // The thread dies on its own, as a crash would end it.
  const thread = (checkpointer as unknown as { worker: Worker }).worker;
  const gone = new Promise((resolve) => thread.addEventListener("close", resolve, { once: true }));
  await thread.terminate();
  await gone;
  // An hour's grace: only a stop that knows the thread has ended resolves within the test's time.
  await checkpointer?.stop(3_600_000);
});

test("a thread that cannot open the file fails its start (the service's own threshold would apply)", async () => {
  await expect(
    BackgroundCheckpointer.start(files.path("missing", "nested", "c.db"), { everyMs: 1000, timeoutMs: 100, onFailure: () => undefined }),
  ).rejects.toThrow();
});

test("a thread whose script cannot be loaded fails its start instead of leaving it pending", async () => {
  await expect(
    BackgroundCheckpointer.start(files.path("c.db"), {
      everyMs: 1000,
      timeoutMs: 100,
      onFailure: () => undefined,
      script: new URL("./no-such-thread.ts", import.meta.url),
    }),
  ).rejects.toThrow();
});

test("the database serves without the thread when it cannot start, and says so once", async () => {
  const failures: string[] = [];
  const db = await openWithCheckpointer(failures, new URL("./no-such-thread.ts", import.meta.url));
  expect(await db.checkpointer).toBeNull();
  expect(failures).toHaveLength(1);
  // SQLite's own threshold still bounds the log.
  expect((await db.client.execute("PRAGMA wal_autocheckpoint")).rows[0]?.[0]).toBe(1_000);
  await db.client.execute("create table t (id integer primary key)");
  await db.client.execute("insert into t default values");
  expect(Number((await db.client.execute("select count(*) from t")).rows[0]?.[0])).toBe(1);
});

test("closed while the thread starts, the database stops it and does not keep it", async () => {
  const db = await openWithCheckpointer();
  db.close();
  expect(await db.checkpointer).toBeNull();
});

test("a second start answers the first; a closed database starts none", async () => {
  const db = await openWithCheckpointer();
  const started = await db.checkpointer;
  expect(started).not.toBeNull();
  expect(await db.startCheckpoints({ everyMs: 1, onFailure: () => undefined })).toBe(started);
  db.close();
  const other = await files.open("c.db");
  other.close();
  files.closed(other);
  expect(await other.startCheckpoints({ everyMs: 1, onFailure: () => undefined })).toBeNull();
});

test("only an embedded file has a checkpoint thread", async () => {
  const memory = await openDatabase({ url: ":memory:" });
  expect(await memory.startCheckpoints({ everyMs: 1, onFailure: () => undefined })).toBeNull();
  memory.close();
});
