import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { CallVerifications } from "../../src/modules/vapi/verifications";
import { makeTestApp, type TestApp } from "../helpers/app";

/**
 * A process remembers the patients it has seen verified in a call (verifications are only ever added),
 * but memory may only ever save a read: what it does not hold is read, so a verification made elsewhere
 * counts at once, and memory never crosses calls or clinics.
 */
let t: TestApp;
let here: CallVerifications;
let elsewhere: CallVerifications;
beforeEach(async () => {
  t = await makeTestApp();
  // Two instances' views of one database.
  here = new CallVerifications(t.deps.db);
  elsewhere = new CallVerifications(t.deps.db);
});
afterEach(() => t.close());

describe("remembered verifications", () => {
  test("a patient verified by another instance counts here, even once this one remembers another patient of the call", async () => {
    await here.verify("acc_a", "call-1", "1", "name_dob");
    expect(await here.verifiedPatients("acc_a", "call-1", "1")).toEqual(new Set(["1"]));
    await elsewhere.verify("acc_a", "call-1", "2", "name_dob");
    expect(await here.verifiedPatients("acc_a", "call-1", "2")).toEqual(new Set(["1", "2"]));
    expect((await elsewhere.verifiedPatients("acc_a", "call-1", "1")).has("1")).toBe(true);
  });

  test("memory never answers for another call or another clinic", async () => {
    await here.verify("acc_a", "call-1", "1", "name_dob");
    expect((await here.verifiedPatients("acc_a", "call-2", "1")).has("1")).toBe(false);
    expect((await here.verifiedPatients("acc_b", "call-1", "1")).has("1")).toBe(false);
  });

  test("a patient never verified is not verified, remembered call or not", async () => {
    await here.verify("acc_a", "call-1", "1", "name_dob");
    expect((await here.verifiedPatients("acc_a", "call-1", "9")).has("9")).toBe(false);
    expect((await here.verifiedPatients("acc_a", "call-3", "9")).has("9")).toBe(false);
  });
});
