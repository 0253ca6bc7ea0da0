import { describe, expect, test } from "bun:test";
import { VendorRequestMeter } from "../../src/lib/vendor-requests";

describe("vendor requests per practice", () => {
  test("the last minute counts what was sent in the last 60 s; the total counts everything", () => {
    let now = 1_000_000;
    const meter = new VendorRequestMeter(() => now);
    for (let i = 0; i < 90; i++) {
      meter.count("acc_a");
      now += 1_000; // one a second for a minute and a half
    }
    expect(meter.total("acc_a")).toBe(90);
    expect(meter.lastMinute("acc_a")).toBe(59);
    now += 30_000;
    expect(meter.lastMinute("acc_a")).toBe(29);
    now += 10 * 60_000;
    expect(meter.lastMinute("acc_a")).toBe(0);
    expect(meter.lastMinute("acc_b")).toBe(0);
    expect(meter.accounts()).toEqual(["acc_a"]);
  });

  test("a counting fetch counts each request against its practice and is made once per practice", async () => {
    const meter = new VendorRequestMeter(() => 0);
    const base = (async () => new Response("ok")) as unknown as typeof fetch;
    const fetchA = meter.counting("acc_a", base);
    expect(meter.counting("acc_a", base)).toBe(fetchA);
    await fetchA("http://vendor.test/x");
    await fetchA("http://vendor.test/y");
    expect(meter.total("acc_a")).toBe(2);
  });
});
