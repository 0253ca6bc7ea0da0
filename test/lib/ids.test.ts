import { expect, test } from "bun:test";
import { newId } from "../../src/lib/ids";

test("ids are prefixed, 16 base32 characters, and never repeat across many draws of the random pool", () => {
  const seen = new Set<string>();
  const letters = new Map<string, number>();
  for (let i = 0; i < 20_000; i++) {
    const id = newId("request");
    expect(id).toMatch(/^req_[0-9a-hjkmnp-tv-z]{16}$/);
    seen.add(id);
    for (const ch of id.slice(4)) letters.set(ch, (letters.get(ch) ?? 0) + 1);
  }
  expect(seen.size).toBe(20_000);
  // 320,000 characters over 32 letters: each near 10,000; a letter never drawn would mean bias.
  expect(letters.size).toBe(32);
  for (const count of letters.values()) expect(count).toBeGreaterThan(9_000);
  expect(newId("account")).toStartWith("acc_");
});
