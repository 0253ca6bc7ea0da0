import { describe, expect, test } from "bun:test";
import { RecentAvailability } from "../../src/connections/recent-availability";
import { connectorError, type PmsResult, type SlotSearch } from "../../src/connectors/types";
import type { SlotQuery } from "../../src/domain/slot";

const query: SlotQuery = { startDate: "2026-12-02", endDate: "2026-12-02", durationMinutes: 30, appointmentType: null, limit: 5 };
const answered: PmsResult<SlotSearch> = { ok: true, value: { slots: [] } };
const failed: PmsResult<SlotSearch> = { ok: false, error: connectorError("unavailable", "down", true) };

describe("reusing availability answers", () => {
  test("the same question within the reuse time is answered once; another question or practice is asked", async () => {
    let now = 0;
    let asked = 0;
    const recent = new RecentAvailability(2_000, () => now);
    const ask = async () => {
      asked++;
      return answered;
    };
    await recent.answer("acc_a", query, ask);
    await recent.answer("acc_a", query, ask);
    expect(asked).toBe(1);
    await recent.answer("acc_b", query, ask);
    await recent.answer("acc_a", { ...query, partOfDay: "morning" }, ask);
    expect(asked).toBe(3);
    now = 2_000;
    await recent.answer("acc_a", query, ask);
    expect(asked).toBe(4);
  });

  test("a failure is never reused, a write forgets the practice's answers, and a clock that went back asks again", async () => {
    let now = 10_000;
    let asked = 0;
    const recent = new RecentAvailability(2_000, () => now);
    const fail = async () => {
      asked++;
      return failed;
    };
    await recent.answer("acc_a", query, fail);
    await recent.answer("acc_a", query, fail);
    expect(asked).toBe(2);
    const ok = async () => {
      asked++;
      return answered;
    };
    await recent.answer("acc_a", query, ok);
    recent.forget("acc_a");
    await recent.answer("acc_a", query, ok);
    expect(asked).toBe(4);
    now = 5_000;
    await recent.answer("acc_a", query, ok);
    expect(asked).toBe(5);
  });

  test("an answer that was being read while the practice's schedule changed is not kept", async () => {
    const recent = new RecentAvailability(2_000, () => 0);
    let asked = 0;
    await recent.answer("acc_a", query, async () => {
      asked++;
      recent.forget("acc_a"); // a booking landed meanwhile
      return answered;
    });
    await recent.answer("acc_a", query, async () => {
      asked++;
      return answered;
    });
    expect(asked).toBe(2);
  });
});
