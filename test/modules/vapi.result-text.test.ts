import { describe, expect, test } from "bun:test";
import { deepFreeze } from "../../src/lib/deep-freeze";
import { resultText } from "../../src/modules/vapi/result-text";

describe("result text of shared (frozen) data", () => {
  test("is the same text as for unshared data, and follows the summary it is asked with", () => {
    const data = { slots: [{ start: "2027-03-02T09:00:00-05:00", providerId: "1" }] };
    const shared = deepFreeze(structuredClone(data));
    expect(resultText("Two openings.", shared)).toBe(resultText("Two openings.", data));
    expect(resultText("Two openings.", shared)).toBe(resultText("Two openings.", data));
    expect(resultText("Another\nsummary.", shared)).toBe('Another summary. {"slots":[{"start":"2027-03-02T09:00:00-05:00","providerId":"1"}]}');
  });

  test("shared data cannot be changed by anyone it is handed to", () => {
    const shared = deepFreeze({ slots: [{ start: "2027-03-02T09:00:00-05:00" }] });
    expect(() => {
      (shared.slots[0] as { start: string }).start = "tampered";
    }).toThrow();
    expect(() => {
      shared.slots.push({ start: "x" });
    }).toThrow();
  });
});
