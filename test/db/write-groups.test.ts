import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@libsql/client";
import { openDatabase } from "../../src/db/client";

/**
 * The embedded client commits the writes of one event-loop turn together. What must hold: a write
 * settles only once committed, its promise says truly whether it happened, one write's failure is its
 * own, and no lock outlives the turn (a second connection to the file is never stuck behind it).
 */
let dir: string;
let file: string;
let client: Client;
let closeAll: Array<() => void>;

async function open(): Promise<Client> {
  const handle = await openDatabase({ url: `file:${file}` });
  closeAll.push(handle.close);
  return handle.client;
}

const WAL_HEADER = 32;
const FRAME = 24 + 4096;
const walFrames = () => Math.round((statSync(`${file}-wal`).size - WAL_HEADER) / FRAME);
const count = async (c: Client) => Number((await c.execute("select count(*) as n from t")).rows[0]?.n);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "write-groups-"));
  file = join(dir, "g.db");
  closeAll = [];
  client = await open();
  await client.execute("PRAGMA wal_autocheckpoint = 0");
  await client.execute("create table t (id integer primary key, v text not null unique)");
});
afterEach(() => {
  for (const close of closeAll) close();
  rmSync(dir, { recursive: true, force: true });
});

describe("writes of one turn share one transaction", () => {
  test("fifty concurrent inserts append one commit's pages to the log, not fifty", async () => {
    const before = walFrames();
    await Promise.all(Array.from({ length: 50 }, (_, i) => client.execute({ sql: "insert into t (v) values (?)", args: [`a${i}`] })));
    const together = walFrames() - before;
    for (let i = 0; i < 50; i++) await client.execute({ sql: "insert into t (v) values (?)", args: [`b${i}`] });
    const oneByOne = walFrames() - before - together;
    expect(await count(client)).toBe(100);
    expect(together).toBeLessThanOrEqual(3);
    expect(oneByOne).toBeGreaterThanOrEqual(50);
  });

  test("a write has settled only once another connection can read it", async () => {
    const other = await open();
    const writes = Array.from({ length: 10 }, (_, i) => client.execute({ sql: "insert into t (v) values (?)", args: [`w${i}`] }));
    // Not yet run: a read in the same turn sees only what is committed.
    expect(await count(client)).toBe(0);
    await Promise.all(writes);
    expect(await count(other)).toBe(10);
  });

  test("a write that fails fails alone; the others in its turn commit", async () => {
    await client.execute({ sql: "insert into t (v) values (?)", args: ["taken"] });
    const outcomes = await Promise.allSettled([
      client.execute({ sql: "insert into t (v) values (?)", args: ["x1"] }),
      client.execute({ sql: "insert into t (v) values (?)", args: ["taken"] }),
      client.batch(
        [
          { sql: "insert into t (v) values (?)", args: ["y1"] },
          { sql: "insert into t (v) values (?)", args: ["taken"] },
        ],
        "write",
      ),
      client.execute({ sql: "insert into t (v) values (?)", args: ["x2"] }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason.code)).toBe("SQLITE_CONSTRAINT");
    // The failed batch is undone as a whole (its first row too).
    const values = (await client.execute("select v from t order by id")).rows.map((r) => r.v);
    expect(values).toEqual(["taken", "x1", "x2"]);
  });

  test("a batch alone in its turn is undone whole when one of its statements fails, and the next turn's writes commit", async () => {
    await client.execute({ sql: "insert into t (v) values (?)", args: ["taken"] });
    const failed = client.batch(
      [
        { sql: "insert into t (v) values (?)", args: ["z1"] },
        { sql: "insert into t (v) values (?)", args: ["z2"] },
        { sql: "insert into t (v) values (?)", args: ["taken"] },
      ],
      "write",
    );
    expect(String((await failed.catch((e) => e)).code)).toBe("SQLITE_CONSTRAINT");
    const landed = await client.batch(
      [
        { sql: "insert into t (v) values (?)", args: ["w1"] },
        { sql: "insert into t (v) values (?)", args: ["w2"] },
      ],
      "write",
    );
    expect(landed.map((r) => r.rowsAffected)).toEqual([1, 1]);
    const other = await open();
    expect((await other.execute("select v from t order by id")).rows.map((r) => r.v)).toEqual(["taken", "w1", "w2"]);
  });

  test("when the file is full, every write's promise still says truly whether it happened", async () => {
    await client.execute("PRAGMA max_page_count = 8");
    const big = "z".repeat(40_000);
    const attempts = ["s1", big, "s2", "s3"].map((v) => client.execute({ sql: "insert into t (v) values (?)", args: [v] }));
    const outcomes = await Promise.allSettled(attempts);
    expect(outcomes[1]?.status).toBe("rejected");
    const stored = new Set((await client.execute("select v from t")).rows.map((r) => String(r.v)));
    for (const [i, v] of ["s1", big, "s2", "s3"].entries()) expect(stored.has(v)).toBe(outcomes[i]?.status === "fulfilled");
    expect(stored.has("s3")).toBe(true);
  });

  test("another connection's write in the same turn is not locked out (no lock held across an await)", async () => {
    const other = await open();
    const mine = Array.from({ length: 5 }, (_, i) => client.execute({ sql: "insert into t (v) values (?)", args: [`m${i}`] }));
    const theirs = Array.from({ length: 5 }, (_, i) => other.execute({ sql: "insert into t (v) values (?)", args: [`o${i}`] }));
    await Promise.all([...mine, ...theirs]);
    expect(await count(client)).toBe(10);
  });

  test("a PRAGMA or DDL runs on its own after the queued writes", async () => {
    const write = client.execute({ sql: "insert into t (v) values (?)", args: ["before-ddl"] });
    await client.execute("create table u (id integer primary key)");
    await write;
    expect(await count(client)).toBe(1);
    expect((await client.execute("select count(*) as n from u")).rows[0]?.n).toBe(0);
  });
});

describe("interactive transactions and queued writes", () => {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  test("writes issued around the opening of a transaction commit outside it, whatever it does", async () => {
    const before = client.execute({ sql: "insert into t (v) values (?)", args: ["before"] });
    const opening = client.transaction("write");
    const during = client.execute({ sql: "insert into t (v) values (?)", args: ["while-opening"] });
    const tx = await opening;
    await nextTurn(); // a turn ends while the transaction holds the connection
    await tx.execute({ sql: "insert into t (v) values (?)", args: ["in-transaction"] });
    await nextTurn();
    await tx.rollback();
    await Promise.all([before, during]);
    const values = (await client.execute("select v from t order by id")).rows.map((r) => r.v);
    expect(values).toEqual(["before", "while-opening"]);
  });

  test("a read issued while a transaction holds the connection never sees its uncommitted writes", async () => {
    const tx = await client.transaction("write");
    await tx.execute({ sql: "insert into t (v) values (?)", args: ["uncommitted"] });
    const read = client.execute("select count(*) as n from t");
    await nextTurn();
    await tx.rollback();
    expect(Number((await read).rows[0]?.n)).toBe(0);
  });
});
