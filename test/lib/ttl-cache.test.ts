import { expect, test } from "bun:test";
import { TtlCache } from "../../src/lib/ttl-cache";

test("values live for the TTL; a failure is handed out only during the backoff, then loaded again", async () => {
  let now = 0;
  let loads = 0;
  let fail = true;
  const cache = new TtlCache<string, string>({ ttlMs: 1_000, failureBackoffMs: 100, now: () => now });
  const load = async () => {
    loads++;
    if (fail) throw new Error("upstream down");
    return `v${loads}`;
  };
  await expect(cache.get("k", load)).rejects.toThrow("upstream down");
  now = 50;
  await expect(cache.get("k", load)).rejects.toThrow("upstream down");
  expect(loads).toBe(1);
  fail = false;
  now = 151;
  expect(await cache.get("k", load)).toBe("v2");
  now = 1_100;
  expect(await cache.get("k", load)).toBe("v2");
  now = 1_152;
  expect(await cache.get("k", load)).toBe("v3");
  cache.delete("k");
  expect(await cache.get("k", load)).toBe("v4");
});
