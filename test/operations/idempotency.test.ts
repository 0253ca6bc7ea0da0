import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { type DatabaseHandle, openDatabase } from "../../src/db/client";
import { applyMigrations } from "../../src/db/migrate";
import { IdempotencyStore, requestHash } from "../../src/operations/idempotency";
import { TestClock } from "../helpers/app";

let handle: DatabaseHandle;
let store: IdempotencyStore;
const rows = async () =>
  (await handle.client.execute("select key, state from idempotency_keys where account_id = 'acc_a' order by key")).rows.map((r) => `${r.key}=${r.state}`);

beforeAll(async () => {
  handle = await openDatabase({ url: ":memory:" });
  await applyMigrations(handle.db);
  store = new IdempotencyStore(handle.db, new TestClock());
});
afterAll(() => handle.close());

describe("claiming a request's keys together", () => {
  test("new keys are all claimed at once; a repeated key counts once", async () => {
    const claims = await store.claimAll(
      "acc_a",
      [
        { key: "k1", hash: "h1" },
        { key: "i1", hash: "hi" },
        { key: "k1", hash: "h1" },
      ],
      "book",
    );
    expect(claims).toEqual({ claimed: ["k1", "i1"], refusal: null });
    expect(await rows()).toEqual(["i1=in_progress", "k1=in_progress"]);
  });

  test("a taken key after a new one: the new one is held, the taken one's outcome decides", async () => {
    await store.complete("acc_a", ["k1", "i1"], { status: 201, body: { booked: true } });
    const claims = await store.claimAll(
      "acc_a",
      [
        { key: "k2", hash: "h2" },
        { key: "i1", hash: "hi" },
      ],
      "book",
    );
    expect(claims).toEqual({ claimed: ["k2"], refusal: { kind: "replay", outcome: { status: 201, body: { booked: true } } } });
    expect(await rows()).toEqual(["i1=completed", "k1=completed", "k2=in_progress"]);
  });

  test("a taken key first: its refusal decides and the keys after it are never written", async () => {
    const claims = await store.claimAll(
      "acc_a",
      [
        { key: "k1", hash: "other" },
        { key: "k3", hash: "h3" },
      ],
      "book",
    );
    expect(claims).toEqual({ claimed: [], refusal: { kind: "mismatch" } });
    expect(await rows()).not.toContain("k3=in_progress");
  });

  test("keys are per clinic: another clinic's same keys are new", async () => {
    const claims = await store.claimAll("acc_b", [{ key: "k1", hash: "h1" }], "book");
    expect(claims).toEqual({ claimed: ["k1"], refusal: null });
  });
});

/** The stored form of a request hash as first released: sorted keys, undefined members left out. */
function releasedForm(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(releasedForm).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${releasedForm(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

describe("request hashes", () => {
  // Hashes are stored with their keys: a retry after a deploy must hash its arguments exactly as before,
  // or it would be refused as a reused key.
  test("property: the same hash as the released form for any JSON arguments, in any key order (1,000 runs)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.jsonValue(),
        fc.dictionary(fc.string({ unit: "binary" }), fc.oneof(fc.jsonValue(), fc.constant(undefined))),
        (action, value, flat) => {
          for (const args of [value, flat]) {
            const expected = createHash("sha256")
              .update(`${action}\n${releasedForm(args)}`)
              .digest("hex");
            expect(requestHash(action, args)).toBe(expected);
          }
          const reversed = Object.fromEntries(Object.entries(flat).reverse());
          expect(requestHash(action, reversed)).toBe(requestHash(action, flat));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
